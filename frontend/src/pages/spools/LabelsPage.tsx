import { PageHeader } from "@/components/layout/PageHeader";

export default function LabelsPage() {
  return <PageHeader title="LabelsPage" description="Not built yet." />;
}
