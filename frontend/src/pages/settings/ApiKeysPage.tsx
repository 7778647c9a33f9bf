import { PageHeader } from "@/components/layout/PageHeader";
import { ApiKeysTable } from "@/components/settings/ApiKeysTable";
import { CreateApiKeyDialog } from "@/components/settings/CreateApiKeyDialog";
import { ErrorAlert } from "@/components/ui/alert";
import { EmptyState } from "@/components/ui/empty-state";
import { TableSkeleton } from "@/components/ui/skeleton";
import { useApiKeys } from "@/queries/apiKeys";

export default function ApiKeysPage() {
  const apiKeys = useApiKeys();
  return (
    <>
      <PageHeader
        title="API keys"
        description="Let partner systems read or write this shop's data without a person's password."
        actions={<CreateApiKeyDialog />}
      />
      {apiKeys.error ? (
        <ErrorAlert error={apiKeys.error} />
      ) : !apiKeys.data ? (
        <TableSkeleton rows={3} rowClassName="h-10" />
      ) : apiKeys.data.items.length === 0 ? (
        <EmptyState title="No API keys yet">Create one for each system that talks to Batchivo, so you can revoke them one by one.</EmptyState>
      ) : (
        <ApiKeysTable apiKeys={apiKeys.data.items} />
      )}
    </>
  );
}
