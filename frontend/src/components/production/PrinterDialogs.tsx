/**
 * Adding and editing a printer (with the API key it reports usage with), and loading a spool into one of
 * its slots (the API's 409s land on the field they are about).
 */
import { zodResolver } from "@hookform/resolvers/zod";
import { useState, type ReactNode } from "react";
import { useForm } from "react-hook-form";
import { z } from "zod";
import { Dialog, DialogContent, DialogDescription, DialogHeader, DialogTitle, DialogTrigger } from "@/components/ui/dialog";
import { Field } from "@/components/ui/field";
import { FormActions } from "@/components/ui/form-actions";
import { Input } from "@/components/ui/input";
import { NativeSelect } from "@/components/ui/native-select";
import { Textarea } from "@/components/ui/textarea";
import { apiKeyChoices, SpoolmanDocsLink } from "@/components/production/PrinterReporting";
import { useAuth } from "@/hooks/useAuth";
import { ApiError } from "@/lib/errors";
import { applyApiErrors, blankToNull } from "@/lib/forms";
import { formatGrams } from "@/lib/format";
import { toast } from "@/lib/toast";
import { useApiKeys } from "@/queries/apiKeys";
import { useCreatePrinter, useLoadSpool, useProductionSpools, useUpdatePrinter, type Printer } from "@/queries/production";

const printerSchema = z.object({
  name: z.string().trim().min(1, "Enter a name").max(100, "At most 100 characters"),
  manufacturer: z.string().max(100, "At most 100 characters"),
  model: z.string().max(100, "At most 100 characters"),
  nozzle_diameter_mm: z.string().refine((raw) => raw.trim() === "" || (Number(raw) > 0 && Number(raw) <= 10), "A diameter in mm, e.g. 0.4"),
  build_volume: z.string().max(50, "At most 50 characters"),
  notes: z.string().max(5000, "At most 5,000 characters"),
  is_active: z.boolean(),
  slot_count: z.string().refine((raw) => /^\d+$/.test(raw.trim()) && Number(raw) >= 1 && Number(raw) <= 64, "A number of slots from 1 to 64"),
  /** "" = not linked. */
  api_key_id: z.string(),
});
type PrinterValues = z.infer<typeof printerSchema>;
const PRINTER_FIELDS = ["name", "manufacturer", "model", "nozzle_diameter_mm", "build_volume", "notes", "is_active", "slot_count", "api_key_id"] as const;

function toValues(printer: Printer | undefined): PrinterValues {
  return {
    name: printer?.name ?? "",
    manufacturer: printer?.manufacturer ?? "",
    model: printer?.model ?? "",
    nozzle_diameter_mm: printer ? (printer.nozzle_diameter_mm != null ? String(printer.nozzle_diameter_mm) : "") : "0.4",
    build_volume: printer?.build_volume ?? "",
    notes: printer?.notes ?? "",
    is_active: printer?.is_active ?? true,
    slot_count: String(printer?.slot_count ?? 1),
    api_key_id: printer?.api_key_id ?? "",
  };
}

/** One form for adding a printer and editing one (`printer` given): an edit sends only what changed. */
function PrinterForm({ printer, onDone }: { printer?: Printer | undefined; onDone: () => void }) {
  const create = useCreatePrinter();
  const update = useUpdatePrinter();
  const { can } = useAuth();
  // Only admins may list the shop's API keys; anybody else sees the link but cannot change it.
  const canLink = can("admin");
  const keys = useApiKeys({ enabled: canLink });
  const keyChoices = apiKeyChoices(keys.data?.items, printer?.api_key_id);
  const form = useForm<PrinterValues>({ resolver: zodResolver(printerSchema), defaultValues: toValues(printer) });
  const { errors } = form.formState;
  const onSubmit = form.handleSubmit(async (values) => {
    const body = {
      name: values.name.trim(),
      manufacturer: blankToNull(values.manufacturer),
      model: blankToNull(values.model),
      nozzle_diameter_mm: values.nozzle_diameter_mm.trim() === "" ? null : Number(values.nozzle_diameter_mm),
      build_volume: blankToNull(values.build_volume),
      notes: blankToNull(values.notes),
      is_active: values.is_active,
      slot_count: Number(values.slot_count),
      api_key_id: values.api_key_id === "" ? null : values.api_key_id,
    };
    try {
      if (printer) {
        const before = toValues(printer);
        const dirty = PRINTER_FIELDS.filter((field) => values[field] !== before[field]);
        const changes = Object.fromEntries(dirty.map((field) => [field, body[field]]));
        const saved = dirty.length > 0 ? await update.mutateAsync({ id: printer.id, body: changes }) : printer;
        toast({ title: `Printer ${saved.name} saved` });
      } else {
        const created = await create.mutateAsync(body);
        toast({ title: `Printer ${created.name} added` });
      }
      onDone();
    } catch (error) {
      if (error instanceof ApiError && error.code === "API_KEY_LINKED") form.setError("api_key_id", { type: "server", message: error.message });
      else applyApiErrors(error, form.setError, [...PRINTER_FIELDS]);
    }
  });
  return (
    <form className="grid gap-4 sm:grid-cols-2" onSubmit={onSubmit} noValidate>
      <Field label="Name" error={errors.name?.message} className="sm:col-span-2">
        <Input autoFocus autoComplete="off" {...form.register("name")} />
      </Field>
      <Field label="Manufacturer" error={errors.manufacturer?.message}>
        <Input autoComplete="off" {...form.register("manufacturer")} />
      </Field>
      <Field label="Printer model" error={errors.model?.message}>
        <Input autoComplete="off" {...form.register("model")} />
      </Field>
      <Field label="Nozzle (mm)" error={errors.nozzle_diameter_mm?.message}>
        <Input inputMode="decimal" autoComplete="off" {...form.register("nozzle_diameter_mm")} />
      </Field>
      <Field label="Build volume" hint="e.g. 256 × 256 × 256 mm" error={errors.build_volume?.message}>
        <Input autoComplete="off" {...form.register("build_volume")} />
      </Field>
      <Field label="Spool slots" hint="Tools or AMS/MMU lanes it holds spools in at once" error={errors.slot_count?.message}>
        <Input inputMode="numeric" autoComplete="off" {...form.register("slot_count")} />
      </Field>
      <Field
        label="Reports usage with API key"
        className="sm:col-span-2"
        error={errors.api_key_id?.message}
        hint={
          <>
            {canLink
              ? "Give this printer's Moonraker or OctoPrint its own key as a Spoolman server: the spool it reports becomes its loaded spool. "
              : "Only admins see the shop's API keys and can change the link. "}
            <SpoolmanDocsLink />
          </>
        }
      >
        <NativeSelect disabled={!canLink} {...form.register("api_key_id")}>
          <option value="">{canLink && keys.isPending ? "Loading API keys…" : "None"}</option>
          {keyChoices.map((choice) => (
            <option key={choice.id} value={choice.id}>
              {choice.label}
            </option>
          ))}
        </NativeSelect>
      </Field>
      <Field label="Notes" error={errors.notes?.message} className="sm:col-span-2">
        <Textarea rows={3} {...form.register("notes")} />
      </Field>
      {printer ? (
        <label className="flex items-center gap-2 text-sm sm:col-span-2">
          <input type="checkbox" className="size-4" {...form.register("is_active")} />
          Active (inactive printers are not offered for new runs)
        </label>
      ) : null}
      <FormActions
        formState={form.formState}
        submitLabel={printer ? "Save printer" : "Add printer"}
        pendingLabel={printer ? "Saving…" : "Adding…"}
        onCancel={onDone}
        twoColumns
      />
    </form>
  );
}

export function PrinterDialog({ printer, trigger }: { printer?: Printer; trigger: ReactNode }) {
  const [open, setOpen] = useState(false);
  return (
    <Dialog open={open} onOpenChange={setOpen}>
      <DialogTrigger asChild>{trigger}</DialogTrigger>
      <DialogContent>
        <DialogHeader>
          <DialogTitle>{printer ? `Edit ${printer.name}` : "Add a printer"}</DialogTitle>
          <DialogDescription>
            {printer ? "Its loaded spools and its runs stay as they are." : "Load spools into its slots, then plan runs on it."}
          </DialogDescription>
        </DialogHeader>
        {open ? <PrinterForm printer={printer} onDone={() => setOpen(false)} /> : null}
      </DialogContent>
    </Dialog>
  );
}

const loadSchema = z.object({
  spool_id: z.string().min(1, "Choose a spool"),
  slot: z.string().refine((raw) => /^\d+$/.test(raw.trim()) && Number(raw) >= 0 && Number(raw) <= 64, "A slot number from 0 to 64"),
});
type LoadValues = z.infer<typeof loadSchema>;

/** The first slot number no spool occupies. */
export function freeSlot(printer: Pick<Printer, "loaded_spools">): number {
  const taken = new Set(printer.loaded_spools.map((spool) => spool.slot));
  let slot = 1;
  while (taken.has(slot)) slot += 1;
  return slot;
}

function LoadSpoolForm({ printer, spoolId, onDone }: { printer: Printer; spoolId?: string | undefined; onDone: () => void }) {
  const spools = useProductionSpools();
  const load = useLoadSpool();
  const form = useForm<LoadValues>({ resolver: zodResolver(loadSchema), defaultValues: { spool_id: spoolId ?? "", slot: String(freeSlot(printer)) } });
  const { errors } = form.formState;
  const choices = (spools.data?.items ?? []).filter((spool) => !spool.is_archived && (spool.id === spoolId || !spool.printer_id));
  const onSubmit = form.handleSubmit(async (values) => {
    try {
      await load.mutateAsync({ printerId: printer.id, spoolId: values.spool_id, slot: Number(values.slot) });
      toast({ title: `Spool loaded into ${printer.name}, slot ${values.slot}` });
      onDone();
    } catch (error) {
      if (error instanceof ApiError && error.code === "SLOT_TAKEN") form.setError("slot", { type: "server", message: error.message });
      else if (error instanceof ApiError && error.code === "SPOOL_LOADED") form.setError("spool_id", { type: "server", message: error.message });
      else applyApiErrors(error, form.setError, ["spool_id", "slot"]);
    }
  });
  return (
    <form className="grid gap-4" onSubmit={onSubmit} noValidate>
      <Field label="Spool" error={errors.spool_id?.message} hint={spools.isPending ? "Loading spools…" : "Spools not loaded in any printer."}>
        <NativeSelect {...form.register("spool_id")}>
          <option value="">Choose a spool</option>
          {choices.map((spool) => (
            <option key={spool.id} value={spool.id}>
              {spool.code} · {spool.brand} {spool.color_name} {spool.material_code} — {formatGrams(spool.available)} available
            </option>
          ))}
        </NativeSelect>
      </Field>
      <Field label="Slot" error={errors.slot?.message}>
        <Input inputMode="numeric" autoComplete="off" {...form.register("slot")} />
      </Field>
      <FormActions formState={form.formState} submitLabel="Load spool" pendingLabel="Loading…" onCancel={onDone} />
    </form>
  );
}

export function LoadSpoolDialog({ printer, spoolId, trigger }: { printer: Printer; spoolId?: string; trigger: ReactNode }) {
  const [open, setOpen] = useState(false);
  return (
    <Dialog open={open} onOpenChange={setOpen}>
      <DialogTrigger asChild>{trigger}</DialogTrigger>
      <DialogContent className="max-w-md">
        <DialogHeader>
          <DialogTitle>Load a spool into {printer.name}</DialogTitle>
          <DialogDescription>One spool per slot; a spool is in one printer at a time.</DialogDescription>
        </DialogHeader>
        {open ? <LoadSpoolForm printer={printer} spoolId={spoolId} onDone={() => setOpen(false)} /> : null}
      </DialogContent>
    </Dialog>
  );
}
