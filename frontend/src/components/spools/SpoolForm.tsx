/** Create or edit one spool. Limits mirror the API (spools/schemas.py) so most mistakes never leave the page. */
import { zodResolver } from "@hookform/resolvers/zod";
import { useEffect, useRef, useState } from "react";
import { useForm, type UseFormSetError } from "react-hook-form";
import { z } from "zod";
import { FilamentTypeSelect } from "@/components/spools/FilamentTypeSelect";
import { NoFilamentTypes } from "@/components/spools/NoFilamentTypes";
import { decimalText, MAX_GRAMS, MAX_MONEY, toNumberOrNull } from "@/components/spools/numbers";
import { defaultSpoolWeights, nextSpoolValues, rememberSpoolWeights, tareGuess } from "@/components/spools/spoolDefaults";
import { ErrorAlert } from "@/components/ui/alert";
import { Field } from "@/components/ui/field";
import { FormActions } from "@/components/ui/form-actions";
import { LocationPicker } from "@/components/locations/LocationPicker";
import { Input } from "@/components/ui/input";
import { Skeleton } from "@/components/ui/skeleton";
import { Textarea } from "@/components/ui/textarea";
import { ApiError } from "@/lib/errors";
import { etagOf } from "@/lib/etags";
import { applyApiErrors, blankToNull } from "@/lib/forms";
import { TYPE_PICKER_PARAMS } from "@/components/onboarding/useOnboarding";
import { useFilamentTypes } from "@/queries/catalogTypes";
import { useCreateSpool, useUpdateSpool, type Spool, type SpoolCreateInput, type SpoolUpdateInput } from "@/queries/spools";

const CODE_MAX = 32;
const textMax = (max: number) => z.string().max(max, `At most ${max} characters`);
const grams = { max: MAX_GRAMS, unit: "g" } as const;

function spoolFormSchema(mode: "create" | "edit") {
  return z.object({
    filament_type_id: z.string().min(1, "Choose a filament type"),
    code: z
      .string()
      .trim()
      .max(CODE_MAX, `At most ${CODE_MAX} characters`)
      .regex(/^[A-Za-z0-9_.-]*$/, "Use letters, digits, dots, dashes and underscores only")
      .refine((code) => mode === "create" || code !== "", "A spool needs a code"),
    initial_weight: decimalText({ ...grams, required: true, positive: true, requiredMessage: "Enter the net weight of a full spool" }),
    current_weight: decimalText({ ...grams, required: mode === "edit", requiredMessage: "Enter the grams left" }),
    empty_spool_weight: decimalText(grams),
    purchase_price: decimalText({ max: MAX_MONEY, unit: "money" }),
    purchase_date: z.string(),
    supplier: textMax(200),
    location: textMax(100),
    lot_number: textMax(100),
    low_stock_threshold_pct: decimalText({ max: 100, unit: "%" }),
    notes: textMax(2000),
  });
}

export type SpoolFormValues = z.infer<ReturnType<typeof spoolFormSchema>>;
type FieldName = keyof SpoolFormValues;
const FIELDS = [
  "filament_type_id",
  "code",
  "initial_weight",
  "current_weight",
  "empty_spool_weight",
  "purchase_price",
  "purchase_date",
  "supplier",
  "location",
  "lot_number",
  "low_stock_threshold_pct",
  "notes",
] as const satisfies readonly FieldName[];

const NUMBER_FIELDS = ["initial_weight", "current_weight", "empty_spool_weight", "purchase_price", "low_stock_threshold_pct"] as const;
const TEXT_FIELDS = ["code", "supplier", "location", "lot_number", "notes"] as const;

const numberText = (value: number | null | undefined) => (value == null ? "" : String(value));

function defaultValues(spool: Spool | undefined, typeId: string | undefined): SpoolFormValues {
  // A new spool starts with the last weights used here (1,000 g and no tare the first time).
  const remembered = spool ? undefined : defaultSpoolWeights(undefined);
  return {
    filament_type_id: spool?.filament_type_id ?? typeId ?? "",
    code: spool?.code ?? "",
    initial_weight: spool ? String(spool.initial_weight) : (remembered?.initial_weight ?? "1000"),
    current_weight: numberText(spool?.current_weight),
    empty_spool_weight: spool ? numberText(spool.empty_spool_weight) : (remembered?.empty_spool_weight ?? ""),
    purchase_price: numberText(spool?.purchase_price),
    purchase_date: spool?.purchase_date ?? "",
    supplier: spool?.supplier ?? "",
    location: spool?.location ?? "",
    lot_number: spool?.lot_number ?? "",
    low_stock_threshold_pct: numberText(spool?.low_stock_threshold_pct),
    notes: spool?.notes ?? "",
  };
}

/** The form's values as the API's fields: numbers parsed, blanks as null. */
function toApiFields(values: SpoolFormValues) {
  const fields: Record<FieldName, string | number | null> = { ...values };
  for (const name of NUMBER_FIELDS) fields[name] = toNumberOrNull(values[name]);
  for (const name of TEXT_FIELDS) fields[name] = name === "notes" ? (values.notes.trim() === "" ? null : values.notes) : blankToNull(values[name]);
  fields.purchase_date = values.purchase_date || null;
  return fields;
}

/** Create: blank fields are left out, so the API applies its defaults (generated code, shop threshold). */
function toCreateBody(values: SpoolFormValues): SpoolCreateInput {
  const fields = toApiFields(values);
  const body = Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== null));
  return { ...body, filament_type_id: values.filament_type_id } as SpoolCreateInput;
}

/** Edit: only what changed (PATCH), so an untouched current weight books no adjustment. */
function toUpdateBody(values: SpoolFormValues, spool: Spool): SpoolUpdateInput {
  const fields = toApiFields(values);
  const changes: Record<string, string | number | null> = {};
  for (const name of FIELDS) {
    const before = (spool[name] ?? null) as string | number | null;
    if (fields[name] !== before) changes[name] = fields[name];
  }
  return changes as SpoolUpdateInput;
}

/** The API's answer next to the field it is about; the rest as the form's error. */
function applySpoolApiError(error: unknown, values: SpoolFormValues, setError: UseFormSetError<SpoolFormValues>) {
  if (error instanceof ApiError && error.status === 409 && error.code === "CONFLICT" && /code/i.test(error.message)) {
    setError("code", { type: "server", message: `The code ${values.code.trim()} is already used by another spool. Choose another code.` });
    return;
  }
  if (error instanceof ApiError && error.status === 404 && /filament type/i.test(error.message)) {
    setError("filament_type_id", { type: "server", message: "This filament type no longer exists. Choose another." });
    return;
  }
  applyApiErrors(error, setError, FIELDS);
}

interface SpoolFormProps {
  /** The spool to edit; absent to create one. */
  spool?: Spool;
  /** A new spool's filament type, chosen beforehand (e.g. /spools?add=<typeId>). */
  defaultTypeId?: string;
  onSaved: (spool: Spool) => void;
  /** Offers "Save and add another" on a new spool: called after each such save, the form stays for the next. */
  onSavedAnother?: (spool: Spool) => void;
  onCancel?: () => void;
}

export function SpoolForm({ spool, defaultTypeId, onSaved, onSavedAnother, onCancel }: SpoolFormProps) {
  const mode = spool ? "edit" : "create";
  const types = useFilamentTypes(TYPE_PICKER_PARAMS);
  const createSpool = useCreateSpool();
  const updateSpool = useUpdateSpool();
  // The version this form opened with: its save never overwrites a change saved after that (lib/etags).
  const [etag] = useState(() => etagOf(spool));
  const form = useForm<SpoolFormValues>({
    resolver: zodResolver(spoolFormSchema(mode)),
    defaultValues: defaultValues(spool, defaultTypeId),
  });
  const { errors } = form.formState;
  const another = useRef(false);
  const typeId = form.watch("filament_type_id");
  const materialOf = (id: string) => types.data?.items.find((type) => type.id === id)?.material_code;
  const material = materialOf(typeId);

  // A new spool's tare follows its material (the last tare typed for it) until the tare is typed by hand.
  useEffect(() => {
    if (mode !== "create" || form.getFieldState("empty_spool_weight").isDirty) return;
    const guess = tareGuess(material);
    if (guess !== "") form.setValue("empty_spool_weight", guess);
  }, [mode, material, form]);

  const onSubmit = form.handleSubmit(async (values) => {
    const addAnother = another.current;
    try {
      const saved = spool
        ? await updateSpool.mutateAsync({ id: spool.id, changes: toUpdateBody(values, spool), etag })
        : await createSpool.mutateAsync(toCreateBody(values));
      if (!spool) rememberSpoolWeights(values, materialOf(values.filament_type_id));
      if (addAnother && onSavedAnother) {
        form.reset(nextSpoolValues(values), { keepFieldsRef: true });
        form.setFocus("filament_type_id");
        onSavedAnother(saved);
      } else {
        onSaved(saved);
      }
    } catch (error) {
      applySpoolApiError(error, values, form.setError);
    }
  });
  const saveAnother = async () => {
    another.current = true;
    try {
      await onSubmit();
    } finally {
      another.current = false;
    }
  };

  if (types.isPending) return <Skeleton className="h-64" />;
  if (types.isError) return <ErrorAlert error={types.error} />;
  if (types.data.items.length === 0 && !spool) return <NoFilamentTypes />;

  return (
    <form className="grid gap-3 sm:grid-cols-2" onSubmit={onSubmit} noValidate>
      <Field label="Filament type" error={errors.filament_type_id?.message} className="sm:col-span-2">
        <FilamentTypeSelect types={types.data.items} emptyLabel="Choose a filament type…" {...form.register("filament_type_id")} />
      </Field>
      <Field label="Initial weight (g)" error={errors.initial_weight?.message} hint="Net filament on a full spool.">
        <Input inputMode="decimal" autoComplete="off" {...form.register("initial_weight")} />
      </Field>
      {mode === "edit" ? (
        <Field
          label="Current weight (g)"
          error={errors.current_weight?.message}
          hint="Changing it books an adjustment for the difference in the spool's history."
        >
          <Input inputMode="decimal" autoComplete="off" {...form.register("current_weight")} />
        </Field>
      ) : null}
      <Field label="Empty spool weight (g)" error={errors.empty_spool_weight?.message} hint="The tare; lets you weigh the spool on a scale.">
        <Input inputMode="decimal" autoComplete="off" {...form.register("empty_spool_weight")} />
      </Field>
      <Field label="Purchase price" error={errors.purchase_price?.message}>
        <Input inputMode="decimal" autoComplete="off" {...form.register("purchase_price")} />
      </Field>
      <Field label="Purchase date" error={errors.purchase_date?.message}>
        <Input type="date" {...form.register("purchase_date")} />
      </Field>
      <Field label="Supplier" error={errors.supplier?.message}>
        <Input maxLength={200} {...form.register("supplier")} />
      </Field>
      <Field label="Location" error={errors.location?.message} hint="Shelf, drybox or printer.">
        <LocationPicker {...form.register("location")} />
      </Field>
      <Field label="Lot number" error={errors.lot_number?.message}>
        <Input maxLength={100} {...form.register("lot_number")} />
      </Field>
      <Field label="Low-stock threshold (%)" error={errors.low_stock_threshold_pct?.message} hint="Blank uses the shop's default (20%).">
        <Input inputMode="decimal" autoComplete="off" {...form.register("low_stock_threshold_pct")} />
      </Field>
      <Field
        label="Code"
        error={errors.code?.message}
        hint={mode === "create" ? "Leave blank for the next FIL-nnn code." : undefined}
      >
        <Input maxLength={CODE_MAX} autoComplete="off" {...form.register("code")} />
      </Field>
      <Field label="Notes" error={errors.notes?.message} className="sm:col-span-2">
        <Textarea maxLength={2000} rows={2} {...form.register("notes")} />
      </Field>
      <FormActions
        formState={form.formState}
        submitLabel={mode === "create" ? "Create spool" : "Save changes"}
        pendingLabel="Saving…"
        onCancel={onCancel}
        onSaveAnother={mode === "create" && onSavedAnother ? () => void saveAnother() : undefined}
        twoColumns
      />
    </form>
  );
}
