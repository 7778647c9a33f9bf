/** Booking filament used outside a tracked print run (a test print, a failed start, a sample). */
import { zodResolver } from "@hookform/resolvers/zod";
import { useForm } from "react-hook-form";
import { z } from "zod";
import { decimalText, MAX_GRAMS, toNumberOrNull } from "@/components/spools/numbers";
import { bookedMessage } from "@/components/spools/WeighDialog";
import { Dialog, DialogContent, DialogDescription, DialogHeader, DialogTitle } from "@/components/ui/dialog";
import { Field } from "@/components/ui/field";
import { FormActions } from "@/components/ui/form-actions";
import { Input } from "@/components/ui/input";
import { ApiError } from "@/lib/errors";
import { applyApiErrors, blankToNull } from "@/lib/forms";
import { formatGrams } from "@/lib/format";
import { toast } from "@/lib/toast";
import { useRecordSpoolUsage, type Spool } from "@/queries/spools";

const useSchema = z.object({
  grams: decimalText({ required: true, requiredMessage: "Enter the grams used", positive: true, max: MAX_GRAMS, unit: "g" }),
  reason: z.string().max(200, "At most 200 characters"),
});
type UseValues = z.infer<typeof useSchema>;

function UseForm({ spool, onDone }: { spool: Spool; onDone: () => void }) {
  const recordUsage = useRecordSpoolUsage();
  const form = useForm<UseValues>({ resolver: zodResolver(useSchema), defaultValues: { grams: "", reason: "" } });
  const { errors } = form.formState;

  const onSubmit = form.handleSubmit(async (values) => {
    const reason = blankToNull(values.reason);
    try {
      const after = await recordUsage.mutateAsync({
        id: spool.id,
        body: { grams: toNumberOrNull(values.grams) ?? 0, ...(reason ? { reason } : {}) },
      });
      toast({ title: bookedMessage(spool.current_weight, after.current_weight), description: `Usage on ${after.code}.` });
      onDone();
    } catch (error) {
      if (error instanceof ApiError && error.code === "INSUFFICIENT_STOCK") {
        form.setError("grams", {
          type: "server",
          message: `Not enough filament on this spool: ${error.message}. If the record is wrong, weigh the spool first.`,
        });
        return;
      }
      applyApiErrors(error, form.setError, ["grams", "reason"]);
    }
  });

  return (
    <form className="grid gap-4" onSubmit={onSubmit} noValidate>
      <Field label="Grams used" error={errors.grams?.message} hint={`On record now: ${formatGrams(spool.current_weight)}.`}>
        <Input inputMode="decimal" autoComplete="off" autoFocus {...form.register("grams")} />
      </Field>
      <Field label="Reason" error={errors.reason?.message} hint="Optional, e.g. test print.">
        <Input maxLength={200} {...form.register("reason")} />
      </Field>
      <FormActions formState={form.formState} submitLabel="Book usage" pendingLabel="Booking…" onCancel={onDone} />
    </form>
  );
}

export function UseDialog({ spool, open, onOpenChange }: { spool: Spool; open: boolean; onOpenChange: (open: boolean) => void }) {
  return (
    <Dialog open={open} onOpenChange={onOpenChange}>
      <DialogContent className="max-w-md">
        <DialogHeader>
          <DialogTitle>Use filament from {spool.code}</DialogTitle>
          <DialogDescription>Books usage in the spool's history and lowers its weight.</DialogDescription>
        </DialogHeader>
        {open ? <UseForm spool={spool} onDone={() => onOpenChange(false)} /> : null}
      </DialogContent>
    </Dialog>
  );
}
