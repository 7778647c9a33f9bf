import { zodResolver } from "@hookform/resolvers/zod";
import { useRef } from "react";
import { Controller } from "react-hook-form";
import { ColourField } from "@/components/filament-types/ColourField";
import {
  FILAMENT_TYPE_FIELDS,
  filamentTypeSchema,
  nextFilamentTypeValues,
  type FilamentTypeFormValues,
} from "@/components/filament-types/filamentTypeSchema";
import { MaterialTypeOptions } from "@/components/filament-types/MaterialTypeOptions";
import { Field } from "@/components/ui/field";
import { FormActions } from "@/components/ui/form-actions";
import { Input } from "@/components/ui/input";
import { NativeSelect } from "@/components/ui/native-select";
import { useSaveForm } from "@/lib/forms";
import type { MaterialType } from "@/queries/catalogTypes";

interface FilamentTypeFormProps {
  defaultValues: FilamentTypeFormValues;
  materialTypes: MaterialType[];
  /** Saves the values; a thrown API error is placed next to its field (422) or at the form (409, ...). */
  onSave: (values: FilamentTypeFormValues) => Promise<unknown>;
  /**
   * Offers "Save and add another": saves like onSave, then the form stays with the colour cleared (the
   * material, brand and the rest kept) and the colour name focused for the next type.
   */
  onSaveAnother?: (values: FilamentTypeFormValues) => Promise<unknown>;
  onCancel: () => void;
}

export function FilamentTypeForm({ defaultValues, materialTypes, onSave, onSaveAnother, onCancel }: FilamentTypeFormProps) {
  const another = useRef(false);
  const { form, onSubmit } = useSaveForm<FilamentTypeFormValues>({
    resolver: zodResolver(filamentTypeSchema),
    defaultValues,
    fields: FILAMENT_TYPE_FIELDS,
    onSave: async (values) => {
      if (!(another.current && onSaveAnother)) return onSave(values);
      await onSaveAnother(values);
      form.reset(nextFilamentTypeValues(values), { keepFieldsRef: true });
      form.setFocus("color_name");
    },
  });
  const { errors } = form.formState;
  const saveAnother = async () => {
    another.current = true;
    try {
      await onSubmit();
    } finally {
      another.current = false;
    }
  };

  return (
    <form className="grid gap-4" onSubmit={onSubmit} noValidate>
      <Field label="Material" error={errors.material_type_id?.message}>
        <NativeSelect {...form.register("material_type_id")}>
          <option value="">Choose a material…</option>
          <MaterialTypeOptions materialTypes={materialTypes} />
        </NativeSelect>
      </Field>
      <div className="grid gap-4 sm:grid-cols-2">
        <Field label="Brand" error={errors.brand?.message}>
          <Input autoComplete="off" {...form.register("brand")} />
        </Field>
        <Field label="Colour name" error={errors.color_name?.message}>
          <Input autoComplete="off" {...form.register("color_name")} />
        </Field>
      </div>
      <Controller
        control={form.control}
        name="color_hex"
        render={({ field, fieldState }) => (
          <ColourField value={field.value} onChange={field.onChange} onBlur={field.onBlur} error={fieldState.error?.message} />
        )}
      />
      <div className="grid gap-4 sm:grid-cols-2">
        <Field label="Finish" error={errors.finish?.message} hint="e.g. matte, silk, glitter">
          <Input autoComplete="off" {...form.register("finish")} />
        </Field>
        <Field label="Diameter (mm)" error={errors.diameter_mm?.message}>
          <Input inputMode="decimal" {...form.register("diameter_mm")} />
        </Field>
        <Field label="Density (g/cm³)" error={errors.density?.message} hint="Empty: the material's typical density.">
          <Input inputMode="decimal" {...form.register("density")} />
        </Field>
        <Field label="Reorder level (g)" error={errors.min_stock_grams?.message} hint="Warn when the active spools hold less. 0: never.">
          <Input inputMode="decimal" {...form.register("min_stock_grams")} />
        </Field>
        <Field label="Extruder temperature (°C)" error={errors.extruder_temp?.message}>
          <Input inputMode="numeric" {...form.register("extruder_temp")} />
        </Field>
        <Field label="Bed temperature (°C)" error={errors.bed_temp?.message}>
          <Input inputMode="numeric" {...form.register("bed_temp")} />
        </Field>
      </div>
      <FormActions
        formState={form.formState}
        submitLabel="Save"
        pendingLabel="Saving…"
        onCancel={onCancel}
        onSaveAnother={onSaveAnother ? () => void saveAnother() : undefined}
      />
    </form>
  );
}
