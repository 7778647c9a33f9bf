import { PageHeader } from "@/components/layout/PageHeader";

export default function ApiKeysPage() {
  return <PageHeader title="ApiKeysPage" description="Not built yet." />;
}
