import { Plus } from "lucide-react";
import { GlobalCostSettings } from "@/components/material-types/GlobalCostSettings";
import { MaterialTypeDialog } from "@/components/material-types/MaterialTypeDialog";
import { MaterialTypesTable } from "@/components/material-types/MaterialTypesTable";
import { PageHeader } from "@/components/layout/PageHeader";
import { ErrorAlert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { TableSkeleton } from "@/components/ui/skeleton";
import { useAuth } from "@/hooks/useAuth";
import { useMaterialTypes } from "@/queries/catalogTypes";

export default function MaterialTypesPage() {
  const { can } = useAuth();
  const materialTypes = useMaterialTypes();
  const items = materialTypes.data?.items ?? [];
  const own = items.filter((type) => !type.is_global);

  return (
    <>
      <PageHeader
        title="Material types"
        description="Built-in materials are shared by every shop; add your own for blends they do not cover."
        actions={
          can("member") ? (
            <MaterialTypeDialog
              trigger={
                <Button>
                  <Plus />
                  Add material
                </Button>
              }
            />
          ) : null
        }
      />
      <GlobalCostSettings />
      {materialTypes.error ? (
        <ErrorAlert error={materialTypes.error} />
      ) : !materialTypes.data ? (
        <TableSkeleton rows={6} />
      ) : (
        <>
          {/* Globals first: the shop's own materials are the exceptions. */}
          <MaterialTypesTable materialTypes={[...items.filter((type) => type.is_global), ...own]} />
          {own.length === 0 ? (
            <p className="mt-2 text-sm text-muted-foreground">You have not added materials of your own yet.</p>
          ) : null}
        </>
      )}
    </>
  );
}
