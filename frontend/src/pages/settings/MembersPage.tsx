import { PageHeader } from "@/components/layout/PageHeader";
import { InviteMemberDialog } from "@/components/settings/InviteMemberDialog";
import { MemberRow } from "@/components/settings/MemberRow";
import { PendingInvitations } from "@/components/settings/PendingInvitations";
import { ErrorAlert } from "@/components/ui/alert";
import { TableSkeleton } from "@/components/ui/skeleton";
import { Table, TableBody, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { useMembers } from "@/queries/members";

export default function MembersPage() {
  const members = useMembers();
  return (
    <>
      <PageHeader title="Members" description="Who can open this shop, and what each person may do." actions={<InviteMemberDialog />} />
      {members.error ? (
        <ErrorAlert error={members.error} />
      ) : !members.data ? (
        <TableSkeleton rows={3} rowClassName="h-10" />
      ) : (
        <Table>
          <caption className="sr-only">Members of this shop</caption>
          <TableHeader>
            <TableRow>
              <TableHead scope="col">Name</TableHead>
              <TableHead scope="col" className="hidden sm:table-cell">Email</TableHead>
              <TableHead scope="col">Role</TableHead>
              <TableHead scope="col" className="hidden md:table-cell">Joined</TableHead>
              <TableHead scope="col"><span className="sr-only">Actions</span></TableHead>
            </TableRow>
          </TableHeader>
          <TableBody>
            {members.data.items.map((member) => (
              <MemberRow key={member.user_id} member={member} />
            ))}
          </TableBody>
        </Table>
      )}
      <PendingInvitations />
    </>
  );
}
