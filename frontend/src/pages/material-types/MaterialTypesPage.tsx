import { PageHeader } from "@/components/layout/PageHeader";

export default function MaterialTypesPage() {
  return <PageHeader title="MaterialTypesPage" description="Not built yet." />;
}
