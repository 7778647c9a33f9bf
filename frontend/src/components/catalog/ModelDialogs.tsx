/**
 * Add a model with its first BOM, edit a model's fields, replace a model's BOM. Each form mounts fresh on
 * open; the API's refusals land on their field (a BOM line's 422 on that line, a taken SKU on the SKU).
 */
import { zodResolver } from "@hookform/resolvers/zod";
import { useEffect, useState, type ReactNode } from "react";
import { etagOf } from "@/lib/etags";
import { useForm, type UseFormReturn } from "react-hook-form";
import { useNavigate } from "react-router-dom";
import { BomEditor } from "@/components/catalog/BomEditor";
import {
  bomLineError,
  bomSchema,
  bomToValues,
  bomValuesToBody,
  EMPTY_MODEL,
  MODEL_FIELDS,
  modelCreateBody,
  modelErrorField,
  modelSchema,
  modelToValues,
  modelValuesToUpdate,
  newModelSchema,
  type BomValues,
  type ModelValues,
  type NewModelValues,
} from "@/components/catalog/catalogForms";
import { ModelFields } from "@/components/catalog/ModelFields";
import { useFilamentChoices } from "@/components/catalog/useFilamentChoices";
import { ErrorAlert } from "@/components/ui/alert";
import { Dialog, DialogContent, DialogDescription, DialogHeader, DialogTitle, DialogTrigger } from "@/components/ui/dialog";
import { FormActions } from "@/components/ui/form-actions";
import { Spinner } from "@/components/ui/spinner";
import { useCurrency } from "@/hooks/useCurrency";
import { formatMoney } from "@/lib/format";
import { applyApiErrors } from "@/lib/forms";
import { toast } from "@/lib/toast";
import { fetchNextSku, useCreateModel, useReplaceBom, useUpdateModel, type Model } from "@/queries/catalog";

/** Places a failed model or BOM write: the BOM line, the SKU, a 422 field, or the form. */
function placeModelError(error: unknown, form: UseFormReturn<NewModelValues> | UseFormReturn<BomValues> | UseFormReturn<ModelValues>, fields: readonly string[]): void {
  // The three forms share these field names; setError is typed per form, hence one loose view of it.
  const setError = form.setError as unknown as (name: string, error: { type: string; message: string }) => void;
  const line = bomLineError(error);
  if (line && fields.includes(line.list)) {
    setError(`${line.list}.${line.index}.${line.field}`, { type: "server", message: line.message });
    return;
  }
  if (modelErrorField(error) === "sku" && fields.includes("sku")) {
    setError("sku", { type: "server", message: (error as Error).message });
    return;
  }
  applyApiErrors(error, form.setError as UseFormReturn<ModelValues>["setError"], fields as (keyof ModelValues)[]);
}

function NewModelForm({ onDone }: { onDone: () => void }) {
  const currency = useCurrency();
  const navigate = useNavigate();
  const create = useCreateModel();
  const filament = useFilamentChoices();
  const form = useForm<NewModelValues>({
    resolver: zodResolver(newModelSchema),
    defaultValues: { ...EMPTY_MODEL, materials: [{ filament_type_id: "", grams: "" }], components: [] },
  });

  // Prefill the next free SKU (MOD-001, MOD-002, …) unless something was typed already.
  useEffect(() => {
    let live = true;
    fetchNextSku("MOD").then(
      (sku) => {
        if (live && form.getValues("sku") === "") form.setValue("sku", sku);
      },
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, [form]);

  const onSubmit = form.handleSubmit(async (values) => {
    const { materials, components, ...model } = values;
    try {
      const saved = await create.mutateAsync(modelCreateBody(model, { materials, components }));
      toast({ title: "Model added", description: `${saved.sku} ${saved.name}` });
      onDone();
      navigate(`/models/${saved.id}`);
    } catch (error) {
      placeModelError(error, form, [...MODEL_FIELDS, "materials", "components"]);
    }
  });

  return (
    <form className="grid gap-4" onSubmit={onSubmit} noValidate>
      <ModelFields register={form.register as unknown as UseFormReturn<ModelValues>["register"]} errors={form.formState.errors} />
      {filament.error ? (
        <ErrorAlert error={filament.error} />
      ) : !filament.choices ? (
        <Spinner label="Loading filament types" />
      ) : (
        // The BOM part of this form has exactly the BOM form's fields.
        <BomEditor form={form as unknown as UseFormReturn<BomValues>} filamentTypes={filament.choices} currency={currency} />
      )}
      <FormActions formState={form.formState} submitLabel="Add model" pendingLabel="Adding…" onCancel={onDone} />
    </form>
  );
}

export function NewModelDialog({ trigger }: { trigger: ReactNode }) {
  const [open, setOpen] = useState(false);
  return (
    <Dialog open={open} onOpenChange={setOpen}>
      <DialogTrigger asChild>{trigger}</DialogTrigger>
      <DialogContent className="max-h-[90dvh] max-w-3xl overflow-y-auto">
        <DialogHeader>
          <DialogTitle>Add model</DialogTitle>
          <DialogDescription>A printable design: what one item takes in filament, parts and labour.</DialogDescription>
        </DialogHeader>
        {open ? <NewModelForm onDone={() => setOpen(false)} /> : null}
      </DialogContent>
    </Dialog>
  );
}

function EditModelForm({ model, onDone }: { model: Model; onDone: () => void }) {
  const update = useUpdateModel();
  // The version this form opened with: its save never overwrites a change saved after that (lib/etags).
  const [etag] = useState(() => etagOf(model));
  const form = useForm<ModelValues>({ resolver: zodResolver(modelSchema), defaultValues: modelToValues(model) });
  const onSubmit = form.handleSubmit(async (values) => {
    try {
      const saved = await update.mutateAsync({ id: model.id, body: modelValuesToUpdate(values), etag });
      toast({ title: "Model saved", description: `${saved.sku} ${saved.name}` });
      onDone();
    } catch (error) {
      placeModelError(error, form, MODEL_FIELDS);
    }
  });
  return (
    <form className="grid gap-4" onSubmit={onSubmit} noValidate>
      <ModelFields register={form.register} errors={form.formState.errors} />
      <FormActions formState={form.formState} submitLabel="Save" pendingLabel="Saving…" onCancel={onDone} />
    </form>
  );
}

export function EditModelDialog({ model, trigger }: { model: Model; trigger: ReactNode }) {
  const [open, setOpen] = useState(false);
  return (
    <Dialog open={open} onOpenChange={setOpen}>
      <DialogTrigger asChild>{trigger}</DialogTrigger>
      <DialogContent className="max-h-[90dvh] max-w-3xl overflow-y-auto">
        <DialogHeader>
          <DialogTitle>Edit {model.sku}</DialogTitle>
          <DialogDescription>Name, times, labour and overrides. The BOM has its own editor.</DialogDescription>
        </DialogHeader>
        {open ? <EditModelForm model={model} onDone={() => setOpen(false)} /> : null}
      </DialogContent>
    </Dialog>
  );
}

function BomForm({ model, onDone }: { model: Model; onDone: () => void }) {
  const currency = useCurrency();
  const replace = useReplaceBom();
  const filament = useFilamentChoices();
  const form = useForm<BomValues>({ resolver: zodResolver(bomSchema), defaultValues: bomToValues(model) });
  const onSubmit = form.handleSubmit(async (values) => {
    try {
      const saved = await replace.mutateAsync({ id: model.id, body: bomValuesToBody(values) });
      toast({ title: "BOM saved", description: `${saved.sku}: cost now ${formatMoney(saved.cost.total, currency)} per item` });
      onDone();
    } catch (error) {
      placeModelError(error, form, ["materials", "components"]);
    }
  });
  // A line on the BOM whose type is gone from inventory still shows, by its name, so it can be removed.
  const known = new Set(filament.choices?.map((type) => type.id));
  const orphans = model.materials.filter((line) => !known.has(line.filament_type_id));
  const choices = filament.choices
    ? [
        ...filament.choices,
        ...orphans.map((line) => ({
          id: line.filament_type_id,
          material_type_id: "",
          material_code: line.material_code ?? "?",
          brand: line.brand ?? "Unknown",
          color_name: line.color_name ?? "filament",
          color_hex: null,
          finish: null,
          diameter_mm: 1.75,
          density: null,
          extruder_temp: null,
          bed_temp: null,
          min_stock_grams: 0,
          cost_per_gram: line.cost_per_gram,
          cost_is_estimate: line.cost_is_estimate,
        })),
      ]
    : undefined;
  return (
    <form className="grid gap-4" onSubmit={onSubmit} noValidate>
      {filament.error ? (
        <ErrorAlert error={filament.error} />
      ) : !choices ? (
        <Spinner label="Loading filament types" />
      ) : (
        <BomEditor form={form} filamentTypes={choices} currency={currency} />
      )}
      <FormActions formState={form.formState} submitLabel="Save BOM" pendingLabel="Saving…" onCancel={onDone} />
    </form>
  );
}

export function BomDialog({ model, trigger }: { model: Model; trigger: ReactNode }) {
  const [open, setOpen] = useState(false);
  return (
    <Dialog open={open} onOpenChange={setOpen}>
      <DialogTrigger asChild>{trigger}</DialogTrigger>
      <DialogContent className="max-h-[90dvh] max-w-3xl overflow-y-auto">
        <DialogHeader>
          <DialogTitle>Edit BOM of {model.sku}</DialogTitle>
          <DialogDescription>Filament and components per item. Saving replaces the whole BOM.</DialogDescription>
        </DialogHeader>
        {open ? <BomForm model={model} onDone={() => setOpen(false)} /> : null}
      </DialogContent>
    </Dialog>
  );
}
