import { Navigate, Outlet, useLocation } from "react-router-dom";
import { Spinner } from "@/components/ui/spinner";
import { useAuth } from "@/hooks/useAuth";
import type { Role } from "@/lib/roles";

/** Pages behind sign-in; with `minRole`, pages only some roles may open (others get a plain message). */
export function RequireAuth({ minRole }: { minRole?: Role }) {
  const { status, can } = useAuth();
  const location = useLocation();
  if (status === "restoring") {
    return (
      <div className="grid min-h-dvh place-items-center">
        <Spinner label="Restoring your session" />
      </div>
    );
  }
  if (status === "signed-out") {
    return <Navigate to="/login" replace state={{ from: location.pathname + location.search }} />;
  }
  if (minRole && !can(minRole)) {
    return <p className="text-sm text-muted-foreground">This page is for shop {minRole}s and owners.</p>;
  }
  return <Outlet />;
}
