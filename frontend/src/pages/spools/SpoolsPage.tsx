import { PageHeader } from "@/components/layout/PageHeader";

export default function SpoolsPage() {
  return <PageHeader title="SpoolsPage" description="Not built yet." />;
}
