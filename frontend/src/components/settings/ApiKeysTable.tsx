import { Ban } from "lucide-react";
import { SCOPE_LABEL } from "@/components/settings/apiKeyScopes";
import { grantableRoles, ROLE_LABEL } from "@/components/settings/memberRules";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { useAuth } from "@/hooks/useAuth";
import { formatDateTime } from "@/lib/format";
import { toast } from "@/lib/toast";
import { useRevokeApiKey, type ApiKey } from "@/queries/apiKeys";

export function ApiKeysTable({ apiKeys }: { apiKeys: ApiKey[] }) {
  return (
    <Table>
      <caption className="sr-only">API keys of this shop</caption>
      <TableHeader>
        <TableRow>
          <TableHead scope="col">Name</TableHead>
          <TableHead scope="col">Role</TableHead>
          <TableHead scope="col">Scopes</TableHead>
          <TableHead scope="col">Key starts with</TableHead>
          <TableHead scope="col">Created</TableHead>
          <TableHead scope="col">Last used</TableHead>
          <TableHead scope="col">Status</TableHead>
          <TableHead scope="col"><span className="sr-only">Actions</span></TableHead>
        </TableRow>
      </TableHeader>
      <TableBody>
        {apiKeys.map((apiKey) => (
          <TableRow key={apiKey.id} className={apiKey.revoked_at ? "text-muted-foreground" : undefined}>
            <TableCell className="font-medium">{apiKey.name}</TableCell>
            <TableCell>{ROLE_LABEL[apiKey.role]}</TableCell>
            <TableCell>
              <ul className="flex flex-wrap gap-1" aria-label={`Scopes of ${apiKey.name}`}>
                {apiKey.scopes.map((scope) => (
                  <li key={scope}>
                    <Badge variant="outline">{SCOPE_LABEL[scope]}</Badge>
                  </li>
                ))}
              </ul>
            </TableCell>
            <TableCell>
              <code className="rounded bg-muted px-1.5 py-0.5 text-xs">{apiKey.prefix}…</code>
            </TableCell>
            <TableCell className="whitespace-nowrap">{formatDateTime(apiKey.created_at)}</TableCell>
            <TableCell className="whitespace-nowrap">{apiKey.last_used_at ? formatDateTime(apiKey.last_used_at) : "Never"}</TableCell>
            <TableCell className="whitespace-nowrap">
              {apiKey.revoked_at ? (
                <Badge variant="outline">Revoked {formatDateTime(apiKey.revoked_at)}</Badge>
              ) : (
                <Badge variant="secondary">Active</Badge>
              )}
            </TableCell>
            <TableCell className="text-right">{apiKey.revoked_at ? null : <RevokeApiKeyButton apiKey={apiKey} />}</TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}

/** Admins may not revoke a key that outranks them (an owner's key); the button says so. */
function RevokeApiKeyButton({ apiKey }: { apiKey: ApiKey }) {
  const { role } = useAuth();
  const revoke = useRevokeApiKey();
  if (!grantableRoles(role).includes(apiKey.role)) {
    return (
      <Button variant="ghost" size="sm" disabled title="Only an owner can revoke an owner's key">
        Revoke
      </Button>
    );
  }
  return (
    <ConfirmDialog
      trigger={
        <Button variant="ghost" size="sm" aria-label={`Revoke ${apiKey.name}`}>
          <Ban />
          Revoke
        </Button>
      }
      title={`Revoke “${apiKey.name}”?`}
      description="Systems using this key are refused from now on (within a minute, when their cached access ends). This cannot be undone."
      confirmLabel="Revoke key"
      onConfirm={async () => {
        await revoke.mutateAsync(apiKey.id);
        toast({ title: "API key revoked", description: apiKey.name });
      }}
    />
  );
}
