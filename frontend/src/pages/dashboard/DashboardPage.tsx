import { PageHeader } from "@/components/layout/PageHeader";

export default function DashboardPage() {
  return <PageHeader title="DashboardPage" description="Not built yet." />;
}
