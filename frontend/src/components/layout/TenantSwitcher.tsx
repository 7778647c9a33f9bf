import { Check, ChevronsUpDown, Store } from "lucide-react";
import { useState } from "react";
import { useNavigate } from "react-router-dom";
import { Button } from "@/components/ui/button";
import {
  DropdownMenu,
  DropdownMenuContent,
  DropdownMenuItem,
  DropdownMenuLabel,
  DropdownMenuTrigger,
} from "@/components/ui/dropdown-menu";
import { useAuth } from "@/hooks/useAuth";
import { errorMessage } from "@/lib/errors";
import { toast } from "@/lib/toast";

/** The current shop; people in several shops switch here (a new token pair for the chosen shop). */
export function TenantSwitcher() {
  const { me, switchTenant } = useAuth();
  const navigate = useNavigate();
  const [busy, setBusy] = useState(false);
  if (!me) return null;
  const others = me.memberships.filter((m) => m.tenant_id !== me.tenant.id);

  if (others.length === 0) {
    return (
      <span className="flex items-center gap-2 text-sm font-medium" data-testid="tenant-name">
        <Store className="size-4" />
        {me.tenant.name}
      </span>
    );
  }

  const onSwitch = async (tenantId: string) => {
    setBusy(true);
    try {
      await switchTenant(tenantId);
      navigate("/", { replace: true });
    } catch (error) {
      toast({ title: "Could not switch shop", description: errorMessage(error), variant: "destructive" });
    } finally {
      setBusy(false);
    }
  };

  return (
    <DropdownMenu>
      <DropdownMenuTrigger asChild>
        <Button variant="outline" size="sm" disabled={busy} data-testid="tenant-name" aria-label={`Shop: ${me.tenant.name}. Switch shop`}>
          <Store />
          {me.tenant.name}
          <ChevronsUpDown className="opacity-60" />
        </Button>
      </DropdownMenuTrigger>
      <DropdownMenuContent align="start">
        <DropdownMenuLabel>Your shops</DropdownMenuLabel>
        {me.memberships.map((m) => (
          <DropdownMenuItem key={m.tenant_id} disabled={m.tenant_id === me.tenant.id} onSelect={() => void onSwitch(m.tenant_id)}>
            {m.tenant_id === me.tenant.id ? <Check /> : <span className="size-4" />}
            <span className="flex-1">{m.tenant_name}</span>
            <span className="text-xs text-muted-foreground">{m.role}</span>
          </DropdownMenuItem>
        ))}
      </DropdownMenuContent>
    </DropdownMenu>
  );
}
