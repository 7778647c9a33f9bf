/** A delivery of identical spools in one go (POST /spools/bulk, 1–100 per request). */
import { zodResolver } from "@hookform/resolvers/zod";
import { useForm } from "react-hook-form";
import { z } from "zod";
import { FilamentTypeSelect } from "@/components/spools/FilamentTypeSelect";
import { NoFilamentTypes } from "@/components/spools/NoFilamentTypes";
import { decimalText, MAX_GRAMS, MAX_MONEY, toNumberOrNull } from "@/components/spools/numbers";
import { ErrorAlert } from "@/components/ui/alert";
import { Dialog, DialogContent, DialogDescription, DialogHeader, DialogTitle } from "@/components/ui/dialog";
import { Field } from "@/components/ui/field";
import { FormActions } from "@/components/ui/form-actions";
import { LocationPicker } from "@/components/locations/LocationPicker";
import { Input } from "@/components/ui/input";
import { Skeleton } from "@/components/ui/skeleton";
import { ApiError } from "@/lib/errors";
import { applyApiErrors, blankToNull } from "@/lib/forms";
import { toast } from "@/lib/toast";
import { useFilamentTypes } from "@/queries/catalogTypes";
import { useBulkCreateSpools, type Spool, type SpoolBulkCreateInput } from "@/queries/spools";

const BULK_MAX = 100;

const bulkSchema = z.object({
  filament_type_id: z.string().min(1, "Choose a filament type"),
  quantity: z.string().superRefine((text, ctx) => {
    const value = Number(text.trim());
    if (text.trim() === "" || !Number.isInteger(value) || value < 1 || value > BULK_MAX) {
      ctx.addIssue({ code: "custom", message: `Enter a whole number from 1 to ${BULK_MAX}` });
    }
  }),
  initial_weight: decimalText({ max: MAX_GRAMS, unit: "g", required: true, positive: true, requiredMessage: "Enter the net weight of a full spool" }),
  empty_spool_weight: decimalText({ max: MAX_GRAMS, unit: "g" }),
  purchase_price: decimalText({ max: MAX_MONEY, unit: "money" }),
  supplier: z.string().max(200, "At most 200 characters"),
  location: z.string().max(100, "At most 100 characters"),
});
type BulkValues = z.infer<typeof bulkSchema>;
const FIELDS = ["filament_type_id", "quantity", "initial_weight", "empty_spool_weight", "purchase_price", "supplier", "location"] as const;

function toBody(values: BulkValues): SpoolBulkCreateInput {
  const optional = {
    empty_spool_weight: toNumberOrNull(values.empty_spool_weight),
    purchase_price: toNumberOrNull(values.purchase_price),
    supplier: blankToNull(values.supplier),
    location: blankToNull(values.location),
  };
  return {
    filament_type_id: values.filament_type_id,
    quantity: Number(values.quantity),
    initial_weight: toNumberOrNull(values.initial_weight) ?? 0,
    // Blank fields are not sent at all, as on the single form.
    ...Object.fromEntries(Object.entries(optional).filter(([, value]) => value !== null)),
  };
}

function BulkAddForm({ onAdded, onCancel }: { onAdded: (spools: Spool[]) => void; onCancel: () => void }) {
  const types = useFilamentTypes({ limit: 200, sort: "brand" });
  const bulkCreate = useBulkCreateSpools();
  const form = useForm<BulkValues>({
    resolver: zodResolver(bulkSchema),
    defaultValues: { filament_type_id: "", quantity: "10", initial_weight: "1000", empty_spool_weight: "", purchase_price: "", supplier: "", location: "" },
  });
  const { errors } = form.formState;

  const onSubmit = form.handleSubmit(async (values) => {
    try {
      const result = await bulkCreate.mutateAsync(toBody(values));
      onAdded(result.items);
    } catch (error) {
      if (error instanceof ApiError && error.status === 404) {
        form.setError("filament_type_id", { type: "server", message: "This filament type no longer exists. Choose another." });
        return;
      }
      applyApiErrors(error, form.setError, FIELDS);
    }
  });

  if (types.isPending) return <Skeleton className="h-56" />;
  if (types.isError) return <ErrorAlert error={types.error} />;
  if (types.data.items.length === 0) return <NoFilamentTypes />;

  return (
    <form className="grid gap-3 sm:grid-cols-2" onSubmit={onSubmit} noValidate>
      <Field label="Filament type" error={errors.filament_type_id?.message} className="sm:col-span-2">
        <FilamentTypeSelect types={types.data.items} emptyLabel="Choose a filament type…" {...form.register("filament_type_id")} />
      </Field>
      <Field label="Number of spools" error={errors.quantity?.message} hint={`1 to ${BULK_MAX}; each gets its own code.`}>
        <Input type="number" min={1} max={BULK_MAX} step={1} inputMode="numeric" {...form.register("quantity")} />
      </Field>
      <Field label="Initial weight (g)" error={errors.initial_weight?.message} hint="Net filament per spool.">
        <Input inputMode="decimal" autoComplete="off" {...form.register("initial_weight")} />
      </Field>
      <Field label="Empty spool weight (g)" error={errors.empty_spool_weight?.message} hint="Optional tare, for weighing later.">
        <Input inputMode="decimal" autoComplete="off" {...form.register("empty_spool_weight")} />
      </Field>
      <Field label="Purchase price" error={errors.purchase_price?.message} hint="Per spool.">
        <Input inputMode="decimal" autoComplete="off" {...form.register("purchase_price")} />
      </Field>
      <Field label="Supplier" error={errors.supplier?.message}>
        <Input maxLength={200} {...form.register("supplier")} />
      </Field>
      <Field label="Location" error={errors.location?.message}>
        <LocationPicker {...form.register("location")} />
      </Field>
      <FormActions formState={form.formState} submitLabel="Add spools" pendingLabel="Adding…" onCancel={onCancel} twoColumns />
    </form>
  );
}

export function BulkAddDialog({ open, onOpenChange }: { open: boolean; onOpenChange: (open: boolean) => void }) {
  const onAdded = (spools: Spool[]) => {
    const first = spools[0]?.code;
    const last = spools[spools.length - 1]?.code;
    toast({
      title: `Added ${spools.length} ${spools.length === 1 ? "spool" : "spools"}`,
      description: first && last && first !== last ? `${first} to ${last}` : first,
    });
    onOpenChange(false);
  };
  return (
    <Dialog open={open} onOpenChange={onOpenChange}>
      <DialogContent className="max-w-2xl">
        <DialogHeader>
          <DialogTitle>Bulk add spools</DialogTitle>
          <DialogDescription>Identical spools from one delivery, each with its own code.</DialogDescription>
        </DialogHeader>
        {open ? <BulkAddForm onAdded={onAdded} onCancel={() => onOpenChange(false)} /> : null}
      </DialogContent>
    </Dialog>
  );
}
