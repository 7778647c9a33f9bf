import { PageHeader } from "@/components/layout/PageHeader";

export default function MembersPage() {
  return <PageHeader title="MembersPage" description="Not built yet." />;
}
