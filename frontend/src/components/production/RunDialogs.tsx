/**
 * The run's actions that take input: weighing a spool before/after (gross with the spool's tare, or net),
 * completing (good and failed units per item), failing (reason, waste per spool) and cancelling (grams used
 * per spool). Each sends one request with its Idempotency-Key (queries/production); a refusal stays in the
 * dialog on the field it is about.
 */
import { useState, type ReactNode } from "react";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Dialog, DialogContent, DialogDescription, DialogFooter, DialogHeader, DialogTitle, DialogTrigger } from "@/components/ui/dialog";
import { Field } from "@/components/ui/field";
import { Input } from "@/components/ui/input";
import { Textarea } from "@/components/ui/textarea";
import { ApiError, errorMessage } from "@/lib/errors";
import { formatGrams } from "@/lib/format";
import { toast } from "@/lib/toast";
import { useSpool } from "@/queries/spools";
import { useCancelRun, useCompleteRun, useFailRun, useUpdateMaterial, type Run, type RunMaterial } from "@/queries/production";

/** A grams input: blank is null, else a non-negative number (or NaN for text that is not one). */
function gramsOf(raw: string): number | null {
  const text = raw.trim().replace(",", ".");
  if (text === "") return null;
  const value = Number(text);
  return Number.isFinite(value) && value >= 0 ? value : Number.NaN;
}

function ActionDialog({ title, description, trigger, children }: { title: string; description: ReactNode; trigger: ReactNode; children: (close: () => void) => ReactNode }) {
  const [open, setOpen] = useState(false);
  return (
    <Dialog open={open} onOpenChange={setOpen}>
      <DialogTrigger asChild>{trigger}</DialogTrigger>
      <DialogContent>
        <DialogHeader>
          <DialogTitle>{title}</DialogTitle>
          <DialogDescription>{description}</DialogDescription>
        </DialogHeader>
        {open ? children(() => setOpen(false)) : null}
      </DialogContent>
    </Dialog>
  );
}

function Footer({ busy, label, onCancel, error }: { busy: boolean; label: string; onCancel: () => void; error: string | null }) {
  return (
    <>
      {error ? <Alert variant="destructive">{error}</Alert> : null}
      <DialogFooter>
        <Button variant="outline" onClick={onCancel}>
          Cancel
        </Button>
        <Button type="submit" disabled={busy}>
          {busy ? "Working…" : label}
        </Button>
      </DialogFooter>
    </>
  );
}

// ---- Weighing -------------------------------------------------------------------------------------------

function WeighForm({ run, line, onDone }: { run: Run; line: RunMaterial; onDone: () => void }) {
  const spool = useSpool(line.spool_id);
  const tare = spool.data?.empty_spool_weight ?? null;
  const update = useUpdateMaterial();
  const [mode, setMode] = useState<"gross" | "net">("net");
  const [before, setBefore] = useState(line.weight_before == null ? "" : String(line.weight_before));
  const [after, setAfter] = useState(line.weight_after == null ? "" : String(line.weight_after));
  const [errors, setErrors] = useState<{ before?: string; after?: string; root?: string }>({});
  const gross = mode === "gross" && tare !== null;

  const toNet = (value: number | null): number | null => (value === null || !gross ? value : Math.round((value - (tare ?? 0)) * 100) / 100);

  const onSubmit = async (event: React.FormEvent) => {
    event.preventDefault();
    const b = gramsOf(before);
    const a = gramsOf(after);
    const found: typeof errors = {};
    if (Number.isNaN(b)) found.before = "Enter grams, e.g. 812.5";
    if (Number.isNaN(a)) found.after = "Enter grams, e.g. 700";
    if (gross && b !== null && b < (tare ?? 0)) found.before = `Lighter than the empty spool (${formatGrams(tare)})`;
    if (gross && a !== null && a < (tare ?? 0)) found.after = `Lighter than the empty spool (${formatGrams(tare)})`;
    if (!found.before && !found.after && b !== null && a !== null && a > b) found.after = "After printing cannot weigh more than before";
    setErrors(found);
    if (Object.keys(found).length > 0) return;
    try {
      await update.mutateAsync({ runId: run.id, lineId: line.id, body: { weight_before: toNet(b), weight_after: toNet(a), allow_insufficient: true } });
      toast({ title: `${line.spool_code ?? "Spool"} weighed` });
      onDone();
    } catch (error) {
      if (error instanceof ApiError && error.code === "INVALID_WEIGHING") setErrors({ after: error.message });
      else if (error instanceof ApiError && error.fieldErrors.length > 0) {
        const next: typeof errors = {};
        for (const item of error.fieldErrors) {
          if (item.loc.includes("weight_before")) next.before = item.msg;
          else if (item.loc.includes("weight_after")) next.after = item.msg;
        }
        setErrors(Object.keys(next).length > 0 ? next : { root: errorMessage(error) });
      } else setErrors({ root: errorMessage(error) });
    }
  };

  return (
    <form className="grid gap-4" onSubmit={(event) => void onSubmit(event)} noValidate>
      <fieldset className="flex flex-wrap gap-4 text-sm">
        <legend className="sr-only">What the scale shows</legend>
        <label className="flex items-center gap-2">
          <input type="radio" name="weigh-mode" className="size-4 accent-primary" checked={mode === "net"} onChange={() => setMode("net")} />
          Net (filament only)
        </label>
        <label className="flex items-center gap-2">
          <input type="radio" name="weigh-mode" className="size-4 accent-primary" checked={mode === "gross"} disabled={tare === null} onChange={() => setMode("gross")} />
          Gross (spool on the scale{tare !== null ? `, tare ${formatGrams(tare)}` : ", no tare recorded"})
        </label>
      </fieldset>
      <div className="grid gap-4 sm:grid-cols-2">
        <Field label="Before printing (g)" error={errors.before}>
          <Input inputMode="decimal" autoComplete="off" autoFocus value={before} onChange={(event) => setBefore(event.target.value)} />
        </Field>
        <Field label="After printing (g)" error={errors.after}>
          <Input inputMode="decimal" autoComplete="off" value={after} onChange={(event) => setAfter(event.target.value)} />
        </Field>
      </div>
      <Footer busy={update.isPending} label="Save weights" onCancel={onDone} error={errors.root ?? null} />
    </form>
  );
}

export function WeighDialog({ run, line, trigger }: { run: Run; line: RunMaterial; trigger: ReactNode }) {
  return (
    <ActionDialog title={`Weigh ${line.spool_code ?? "spool"}`} description="Before and after printing: the difference is the filament this run used." trigger={trigger}>
      {(close) => <WeighForm run={run} line={line} onDone={close} />}
    </ActionDialog>
  );
}

// ---- Complete -------------------------------------------------------------------------------------------

function CompleteForm({ run, onDone }: { run: Run; onDone: () => void }) {
  const complete = useCompleteRun();
  const [counts, setCounts] = useState(() =>
    Object.fromEntries(run.items.map((item) => [item.id, { good: String(item.successful_quantity ?? item.quantity - (item.failed_quantity ?? 0)), failed: String(item.failed_quantity ?? 0) }])),
  );
  const [duration, setDuration] = useState(run.duration_hours == null ? "" : String(run.duration_hours));
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [root, setRoot] = useState<string | null>(null);

  const onSubmit = async (event: React.FormEvent) => {
    event.preventDefault();
    const found: Record<string, string> = {};
    for (const item of run.items) {
      const c = counts[item.id] ?? { good: "", failed: "" };
      const good = Number(c.good);
      const failed = Number(c.failed);
      if (!/^\d+$/.test(c.good.trim()) || !/^\d+$/.test(c.failed.trim())) found[item.id] = "Whole numbers of items";
      else if (good + failed > item.quantity) found[item.id] = `Good and failed add up to more than the ${item.quantity} planned`;
    }
    const hours = duration.trim() === "" ? null : Number(duration);
    if (hours !== null && !(hours >= 0)) found.duration = "Hours, e.g. 2.5";
    setErrors(found);
    if (Object.keys(found).length > 0) return;
    setRoot(null);
    try {
      await complete.mutateAsync({
        runId: run.id,
        body: {
          items: run.items.map((item) => ({ item_id: item.id, successful_quantity: Number(counts[item.id]?.good), failed_quantity: Number(counts[item.id]?.failed) })),
          duration_hours: hours,
        },
      });
      toast({ title: `${run.run_number} completed`, description: "Inventory books the filament and the catalog the finished units." });
      onDone();
    } catch (error) {
      setRoot(error instanceof ApiError && error.code === "MISSING_ACTUALS" ? `Weigh every spool first. ${error.message}` : errorMessage(error));
    }
  };

  return (
    <form className="grid gap-4" onSubmit={(event) => void onSubmit(event)} noValidate>
      {run.items.map((item) => (
        <fieldset key={item.id} className="grid gap-2 rounded-md border p-3">
          <legend className="px-1 text-sm font-medium">
            {item.sku ?? "Model"} {item.name ?? ""} — {item.quantity} planned
          </legend>
          <div className="grid gap-2 sm:grid-cols-2">
            <Field label={`Good ${item.sku ?? ""}`.trim()} error={errors[item.id]}>
              <Input inputMode="numeric" autoComplete="off" value={counts[item.id]?.good ?? ""} onChange={(event) => setCounts((all) => ({ ...all, [item.id]: { good: event.target.value, failed: all[item.id]?.failed ?? "0" } }))} />
            </Field>
            <Field label={`Failed ${item.sku ?? ""}`.trim()}>
              <Input inputMode="numeric" autoComplete="off" value={counts[item.id]?.failed ?? ""} onChange={(event) => setCounts((all) => ({ ...all, [item.id]: { good: all[item.id]?.good ?? "0", failed: event.target.value } }))} />
            </Field>
          </div>
        </fieldset>
      ))}
      <Field label="Print time (hours)" error={errors.duration} hint="Optional: compared with the slicer's estimate.">
        <Input inputMode="decimal" autoComplete="off" value={duration} onChange={(event) => setDuration(event.target.value)} />
      </Field>
      <Footer busy={complete.isPending} label="Complete run" onCancel={onDone} error={root} />
    </form>
  );
}

export function CompleteDialog({ run, trigger }: { run: Run; trigger: ReactNode }) {
  return (
    <ActionDialog title={`Complete ${run.run_number}?`} description="The weighed filament is taken from the spools and the good units are added to finished stock." trigger={trigger}>
      {(close) => <CompleteForm run={run} onDone={close} />}
    </ActionDialog>
  );
}

// ---- Fail and cancel: grams per spool -------------------------------------------------------------------

function GramsPerSpool({ run, values, onChange, labelPrefix, errors }: { run: Run; values: Record<string, string>; onChange: (spoolId: string, value: string) => void; labelPrefix: string; errors: Record<string, string> }) {
  return (
    <div className="grid gap-3 sm:grid-cols-2">
      {run.materials.map((line) => (
        <Field key={line.id} label={`${labelPrefix} ${line.spool_code ?? "spool"} (g)`} error={errors[line.spool_id]} hint={`Planned ${formatGrams(line.estimated_grams)}`}>
          <Input inputMode="decimal" autoComplete="off" value={values[line.spool_id] ?? ""} onChange={(event) => onChange(line.spool_id, event.target.value)} />
        </Field>
      ))}
    </div>
  );
}

function collectGrams(run: Run, values: Record<string, string>): { list: { spool_id: string; grams: number }[]; errors: Record<string, string> } {
  const list: { spool_id: string; grams: number }[] = [];
  const errors: Record<string, string> = {};
  for (const line of run.materials) {
    const grams = gramsOf(values[line.spool_id] ?? "");
    if (Number.isNaN(grams)) errors[line.spool_id] = "Enter grams, e.g. 12.5";
    else if (grams !== null && grams > 0) list.push({ spool_id: line.spool_id, grams });
  }
  return { list, errors };
}

function FailForm({ run, onDone }: { run: Run; onDone: () => void }) {
  const fail = useFailRun();
  const [reason, setReason] = useState("");
  const [waste, setWaste] = useState<Record<string, string>>(() => Object.fromEntries(run.materials.map((line) => [line.spool_id, line.actual_grams == null ? "" : String(line.actual_grams)])));
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [root, setRoot] = useState<string | null>(null);
  const onSubmit = async (event: React.FormEvent) => {
    event.preventDefault();
    const { list, errors: found } = collectGrams(run, waste);
    if (reason.trim() === "") found.reason = "Say what went wrong";
    setErrors(found);
    if (Object.keys(found).length > 0) return;
    setRoot(null);
    try {
      await fail.mutateAsync({ runId: run.id, body: { reason: reason.trim(), waste: list } });
      toast({ title: `${run.run_number} marked failed`, description: "The wasted filament is booked on its spools." });
      onDone();
    } catch (error) {
      if (error instanceof ApiError && error.fieldErrors.some((item) => item.loc.includes("reason"))) setErrors({ reason: error.fieldErrors.find((item) => item.loc.includes("reason"))?.msg ?? "" });
      else setRoot(errorMessage(error));
    }
  };
  return (
    <form className="grid gap-4" onSubmit={(event) => void onSubmit(event)} noValidate>
      <Field label="Reason" error={errors.reason}>
        <Textarea rows={2} maxLength={500} autoFocus value={reason} onChange={(event) => setReason(event.target.value)} />
      </Field>
      <GramsPerSpool run={run} values={waste} onChange={(id, value) => setWaste((all) => ({ ...all, [id]: value }))} labelPrefix="Waste on" errors={errors} />
      <Footer busy={fail.isPending} label="Mark failed" onCancel={onDone} error={root} />
    </form>
  );
}

export function FailDialog({ run, trigger }: { run: Run; trigger: ReactNode }) {
  return (
    <ActionDialog title={`Mark ${run.run_number} as failed?`} description="No units go to stock; the filament wasted is taken from the spools." trigger={trigger}>
      {(close) => <FailForm run={run} onDone={close} />}
    </ActionDialog>
  );
}

function CancelForm({ run, onDone }: { run: Run; onDone: () => void }) {
  const cancel = useCancelRun();
  const [used, setUsed] = useState<Record<string, string>>({});
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [root, setRoot] = useState<string | null>(null);
  const onSubmit = async (event: React.FormEvent) => {
    event.preventDefault();
    const { list, errors: found } = collectGrams(run, used);
    setErrors(found);
    if (Object.keys(found).length > 0) return;
    setRoot(null);
    try {
      await cancel.mutateAsync({ runId: run.id, body: { materials: list } });
      toast({ title: `${run.run_number} cancelled`, description: "Its reservations are released." });
      onDone();
    } catch (error) {
      setRoot(errorMessage(error));
    }
  };
  return (
    <form className="grid gap-4" onSubmit={(event) => void onSubmit(event)} noValidate>
      {run.status === "in_progress" ? (
        <GramsPerSpool run={run} values={used} onChange={(id, value) => setUsed((all) => ({ ...all, [id]: value }))} labelPrefix="Used from" errors={errors} />
      ) : (
        <p className="text-sm text-muted-foreground">Nothing was printed: no filament is taken.</p>
      )}
      <Footer busy={cancel.isPending} label="Cancel run" onCancel={onDone} error={root} />
    </form>
  );
}

export function CancelDialog({ run, trigger }: { run: Run; trigger: ReactNode }) {
  return (
    <ActionDialog title={`Cancel ${run.run_number}?`} description="The reserved filament is released; grams already used (if any) are taken from the spools." trigger={trigger}>
      {(close) => <CancelForm run={run} onDone={close} />}
    </ActionDialog>
  );
}
