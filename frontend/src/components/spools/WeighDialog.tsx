/**
 * Weighing a spool: the scale reading (gross, the empty spool's tare is subtracted) or the net grams.
 * The API sets current = net and books the difference as an adjustment; the toast says how much.
 */
import { zodResolver } from "@hookform/resolvers/zod";
import { useState } from "react";
import { useForm, type UseFormRegister } from "react-hook-form";
import { z } from "zod";
import { decimalProblem, MAX_GRAMS, parseDecimal, roundGrams } from "@/components/spools/numbers";
import { Button } from "@/components/ui/button";
import { Dialog, DialogContent, DialogDescription, DialogHeader, DialogTitle } from "@/components/ui/dialog";
import { Field } from "@/components/ui/field";
import { FormActions } from "@/components/ui/form-actions";
import { Input } from "@/components/ui/input";
import { ApiError, errorMessage } from "@/lib/errors";
import { formatDelta, formatGrams } from "@/lib/format";
import { toast } from "@/lib/toast";
import { cn } from "@/lib/utils";
import { useWeighSpool, type Spool } from "@/queries/spools";

type WeighMode = "gross" | "net";

function weighSchema() {
  return z
    .object({ mode: z.enum(["gross", "net"]), gross: z.string(), net: z.string() })
    .superRefine((values, ctx) => {
      const mode = values.mode;
      const text = values[mode];
      const problem = decimalProblem(text, {
        required: true,
        requiredMessage: mode === "gross" ? "Enter the scale reading" : "Enter the grams of filament left",
        max: MAX_GRAMS,
        unit: "g",
      });
      if (problem) {
        ctx.addIssue({ code: "custom", path: [mode], message: problem });
        return;
      }
      // A reading below the tare or above the initial weight is the server's call (400 with the reason),
      // answered here with a "Book anyway" confirmation, never silently booked.
    });
}

/** The API's codes for a reading that needs a person's confirmation (spools/weighing.py). */
export const IMPLAUSIBLE_READING = new Set(["WEIGHT_ABOVE_INITIAL", "WEIGHT_BELOW_TARE"]);

/** What the dialog asks to confirm: the server's reason, for the reading it was given. */
interface PendingConfirmation {
  mode: WeighMode;
  text: string;
  reason: string;
}
type WeighValues = z.infer<ReturnType<typeof weighSchema>>;

/** "Booked −120 g (now 880 g)": what the weighing changed, from the weights before and after. */
export function bookedMessage(before: number, after: number): string {
  return `Booked ${formatDelta(roundGrams(after - before))} (now ${formatGrams(after)})`;
}

function ModeOption({ value, label, disabled, register }: { value: WeighMode; label: string; disabled: boolean; register: UseFormRegister<WeighValues> }) {
  return (
    <label className={cn("flex items-center gap-2 rounded-md border px-3 py-2 text-sm has-[:checked]:border-primary has-[:checked]:bg-primary/5", disabled && "opacity-50")}>
      <input type="radio" value={value} disabled={disabled} className="size-4 accent-[var(--primary)]" {...register("mode")} />
      {label}
    </label>
  );
}

function WeighForm({ spool, onDone }: { spool: Spool; onDone: () => void }) {
  const tare = spool.empty_spool_weight;
  const weigh = useWeighSpool();
  const form = useForm<WeighValues>({
    resolver: zodResolver(weighSchema()),
    defaultValues: { mode: tare !== null ? "gross" : "net", gross: "", net: "" },
  });
  const { errors } = form.formState;
  const mode = form.watch("mode");
  const gross = parseDecimal(form.watch("gross"));
  // Net shown live while typing (a reading below the tare shows none: the server will ask about it).
  const liveNet = tare !== null && gross !== null && !Number.isNaN(gross) && gross >= tare ? roundGrams(gross - tare) : null;

  const [pending, setPending] = useState<PendingConfirmation | null>(null);
  // A confirmation is for the reading it was given: typing another number asks again.
  const current = form.watch(mode);
  const confirmation = pending && pending.mode === mode && pending.text === current ? pending : null;

  const book = async (values: WeighValues, confirm: boolean) => {
    const reading = parseDecimal(values[values.mode]) ?? 0;
    const body = values.mode === "gross" ? { gross_grams: reading, confirm } : { net_grams: reading, confirm };
    try {
      const after = await weigh.mutateAsync({ id: spool.id, body });
      toast({ title: bookedMessage(spool.current_weight, after.current_weight), description: `${after.code} weighed.` });
      setPending(null);
      onDone();
    } catch (error) {
      if (!confirm && error instanceof ApiError && IMPLAUSIBLE_READING.has(error.code)) {
        setPending({ mode: values.mode, text: values[values.mode], reason: error.message });
        return;
      }
      // A 400 or 422 is about the number typed: show it under that input.
      const aboutReading = error instanceof ApiError && (error.status === 400 || error.status === 422);
      form.setError(aboutReading ? values.mode : "root.server", { type: "server", message: errorMessage(error) });
    }
  };
  const onSubmit = form.handleSubmit((values) => book(values, false));
  const onConfirm = form.handleSubmit((values) => book(values, true));

  return (
    <form className="grid gap-4" onSubmit={onSubmit} noValidate>
      <fieldset className="grid gap-2">
        <legend className="mb-1 text-sm font-medium">What did you weigh?</legend>
        <div className="grid gap-2 sm:grid-cols-2">
          <ModeOption value="gross" label="Gross (on the scale)" disabled={tare === null} register={form.register} />
          <ModeOption value="net" label="Net" disabled={false} register={form.register} />
        </div>
        {tare === null ? (
          <p className="text-xs text-muted-foreground">
            Gross is unavailable: this spool has no empty spool weight recorded. Enter the net grams, or edit the spool to add its tare.
          </p>
        ) : null}
      </fieldset>

      {mode === "gross" ? (
        <div className="grid gap-2">
          <Field label="Gross weight (g)" error={errors.gross?.message} hint="The spool with its filament, as the scale shows it.">
            <Input inputMode="decimal" autoComplete="off" autoFocus {...form.register("gross")} />
          </Field>
          <dl className="grid grid-cols-2 gap-x-4 gap-y-1 rounded-md bg-muted px-3 py-2 text-sm" aria-live="polite">
            <dt className="text-muted-foreground">Empty spool (tare)</dt>
            <dd className="text-right tabular-nums" data-testid="weigh-tare">
              {formatGrams(tare)}
            </dd>
            <dt className="text-muted-foreground">Net filament</dt>
            <dd className="text-right font-medium tabular-nums" data-testid="weigh-net">
              {formatGrams(liveNet)}
            </dd>
          </dl>
        </div>
      ) : (
        <Field label="Net weight (g)" error={errors.net?.message} hint="Grams of filament left, without the spool.">
          <Input inputMode="decimal" autoComplete="off" autoFocus {...form.register("net")} />
        </Field>
      )}

      <p className="text-xs text-muted-foreground">
        On record now: {formatGrams(spool.current_weight)}. The difference is booked as an adjustment.
      </p>
      {confirmation ? (
        <div role="alert" data-testid="weigh-check" className="grid gap-3 rounded-md border border-destructive/50 bg-destructive/5 p-3 text-sm">
          <p className="font-medium">This reading looks wrong</p>
          <p>{confirmation.reason}</p>
          <div className="flex flex-wrap justify-end gap-2">
            <Button type="button" variant="outline" onClick={() => form.setFocus(mode)}>
              Fix the reading
            </Button>
            <Button type="button" variant="destructive" disabled={form.formState.isSubmitting} onClick={() => void onConfirm()}>
              Book anyway
            </Button>
          </div>
        </div>
      ) : (
        <FormActions formState={form.formState} submitLabel="Book weight" pendingLabel="Booking…" onCancel={onDone} />
      )}
    </form>
  );
}

export function WeighDialog({ spool, open, onOpenChange }: { spool: Spool; open: boolean; onOpenChange: (open: boolean) => void }) {
  return (
    <Dialog open={open} onOpenChange={onOpenChange}>
      <DialogContent className="max-w-md">
        <DialogHeader>
          <DialogTitle>Weigh {spool.code}</DialogTitle>
          <DialogDescription>Put the spool on the scale and enter what it reads.</DialogDescription>
        </DialogHeader>
        {open ? <WeighForm spool={spool} onDone={() => onOpenChange(false)} /> : null}
      </DialogContent>
    </Dialog>
  );
}
