/**
 * Weighing a spool: the scale reading (gross, the empty spool's tare is subtracted) or the net grams.
 * The API sets current = net and books the difference as an adjustment; the toast says how much.
 */
import { zodResolver } from "@hookform/resolvers/zod";
import { useForm, type UseFormRegister } from "react-hook-form";
import { z } from "zod";
import { decimalProblem, MAX_GRAMS, parseDecimal, roundGrams } from "@/components/spools/numbers";
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

function weighSchema(tare: number | null) {
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
      const reading = parseDecimal(text) ?? 0;
      if (mode === "gross" && tare !== null && reading < tare) {
        ctx.addIssue({ code: "custom", path: ["gross"], message: `The reading is lighter than the empty spool (${formatGrams(tare)})` });
      }
    });
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
    resolver: zodResolver(weighSchema(tare)),
    defaultValues: { mode: tare !== null ? "gross" : "net", gross: "", net: "" },
  });
  const { errors } = form.formState;
  const mode = form.watch("mode");
  const gross = parseDecimal(form.watch("gross"));
  // Net shown live while typing; only for a reading the API would accept.
  const liveNet = tare !== null && gross !== null && !Number.isNaN(gross) && gross >= tare ? roundGrams(gross - tare) : null;

  const onSubmit = form.handleSubmit(async (values) => {
    const reading = parseDecimal(values[values.mode]) ?? 0;
    const body = values.mode === "gross" ? { gross_grams: reading } : { net_grams: reading };
    try {
      const after = await weigh.mutateAsync({ id: spool.id, body });
      toast({ title: bookedMessage(spool.current_weight, after.current_weight), description: `${after.code} weighed.` });
      onDone();
    } catch (error) {
      // A 400 (reading below the tare) or 422 is about the number typed: show it under that input.
      const aboutReading = error instanceof ApiError && (error.status === 400 || error.status === 422);
      form.setError(aboutReading ? values.mode : "root.server", { type: "server", message: errorMessage(error) });
    }
  });

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
      <FormActions formState={form.formState} submitLabel="Book weight" pendingLabel="Booking…" onCancel={onDone} />
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
