import { zodResolver } from "@hookform/resolvers/zod";
import {
  MATERIAL_TYPE_FIELDS,
  materialTypeSchema,
  type MaterialTypeFormValues,
} from "@/components/material-types/materialTypeSchema";
import { Field } from "@/components/ui/field";
import { FormActions } from "@/components/ui/form-actions";
import { Input } from "@/components/ui/input";
import { useSaveForm } from "@/lib/forms";

interface MaterialTypeFormProps {
  defaultValues: MaterialTypeFormValues;
  /** On edit the code is shown but cannot change (filament types and partner systems refer to it). */
  codeLocked: boolean;
  currency: string;
  onSave: (values: MaterialTypeFormValues) => Promise<unknown>;
  onCancel: () => void;
}

export function MaterialTypeForm({ defaultValues, codeLocked, currency, onSave, onCancel }: MaterialTypeFormProps) {
  const { form, onSubmit } = useSaveForm<MaterialTypeFormValues>({
    resolver: zodResolver(materialTypeSchema),
    defaultValues,
    fields: MATERIAL_TYPE_FIELDS,
    onSave,
  });
  const { errors } = form.formState;

  return (
    <form className="grid gap-4" onSubmit={onSubmit} noValidate>
      <div className="grid gap-4 sm:grid-cols-[10rem_1fr]">
        <Field label="Code" error={errors.code?.message} hint={codeLocked ? "Cannot be changed." : "e.g. PLA-CF"}>
          <Input autoComplete="off" className="uppercase" readOnly={codeLocked} {...form.register("code")} />
        </Field>
        <Field label="Name" error={errors.name?.message}>
          <Input autoComplete="off" {...form.register("name")} />
        </Field>
      </div>
      <div className="grid gap-4 sm:grid-cols-2">
        <Field label="Density (g/cm³)" error={errors.density?.message}>
          <Input inputMode="decimal" {...form.register("density")} />
        </Field>
        <Field
          label={`Typical cost per kg (${currency})`}
          error={errors.typical_cost_per_kg?.message}
          hint="Used as the cost of filament types without priced spools."
        >
          <Input inputMode="decimal" {...form.register("typical_cost_per_kg")} />
        </Field>
        <Field label="Extruder minimum (°C)" error={errors.extruder_temp_min?.message}>
          <Input inputMode="numeric" {...form.register("extruder_temp_min")} />
        </Field>
        <Field label="Extruder maximum (°C)" error={errors.extruder_temp_max?.message}>
          <Input inputMode="numeric" {...form.register("extruder_temp_max")} />
        </Field>
        <Field label="Bed temperature (°C)" error={errors.bed_temp?.message}>
          <Input inputMode="numeric" {...form.register("bed_temp")} />
        </Field>
      </div>
      <FormActions formState={form.formState} submitLabel="Save" pendingLabel="Saving…" onCancel={onCancel} />
    </form>
  );
}
