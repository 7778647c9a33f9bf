import { PageHeader } from "@/components/layout/PageHeader";

export default function SpoolDetailPage() {
  return <PageHeader title="SpoolDetailPage" description="Not built yet." />;
}
