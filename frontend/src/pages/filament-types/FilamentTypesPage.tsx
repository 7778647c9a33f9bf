import { PageHeader } from "@/components/layout/PageHeader";

export default function FilamentTypesPage() {
  return <PageHeader title="FilamentTypesPage" description="Not built yet." />;
}
