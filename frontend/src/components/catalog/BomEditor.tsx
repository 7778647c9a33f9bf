/**
 * The bill of materials of a model: filament lines (type × grams per item, with the type's colour, stock
 * and cost per gram) and components (name × quantity × unit cost), with a live material estimate.
 * Used inside the add-model form and the edit-BOM dialog (both hold `materials` and `components`).
 */
import { Plus, Trash2 } from "lucide-react";
import { useFieldArray, useWatch, type UseFormReturn } from "react-hook-form";
import { EMPTY_COMPONENT, EMPTY_MATERIAL, estimateMaterialCost, type BomValues } from "@/components/catalog/catalogForms";
import { filamentTypeName } from "@/components/spools/FilamentTypeSelect";
import { Button } from "@/components/ui/button";
import { ColorSwatch } from "@/components/ui/color-swatch";
import { Field } from "@/components/ui/field";
import { Input } from "@/components/ui/input";
import { NativeSelect } from "@/components/ui/native-select";
import { formatCostPerKg, formatGrams, formatMoney } from "@/lib/format";
import type { FilamentType } from "@/queries/catalogTypes";

export interface FilamentChoice extends FilamentType {
  /** Grams on the type's active spools (undefined while unknown). */
  remaining_grams?: number | undefined;
}

interface BomEditorProps {
  form: UseFormReturn<BomValues>;
  filamentTypes: FilamentChoice[];
  currency: string;
}

function optionLabel(type: FilamentChoice, currency: string): string {
  const cost = type.cost_per_gram == null ? "no cost yet" : `${formatCostPerKg(type.cost_per_gram, currency)}${type.cost_is_estimate ? " (est.)" : ""}`;
  const stock = type.remaining_grams === undefined ? "" : `, ${formatGrams(type.remaining_grams)} in stock`;
  return `${filamentTypeName(type)} — ${cost}${stock}`;
}

export function BomEditor({ form, filamentTypes, currency }: BomEditorProps) {
  const materials = useFieldArray({ control: form.control, name: "materials" });
  const components = useFieldArray({ control: form.control, name: "components" });
  const watched = useWatch({ control: form.control, name: "materials" });
  const byId = new Map(filamentTypes.map((type) => [type.id, type]));
  const estimate = estimateMaterialCost(watched ?? [], (id) => byId.get(id)?.cost_per_gram);
  const { errors } = form.formState;

  return (
    <div className="grid gap-4">
      <fieldset className="grid gap-2">
        <legend className="mb-1 text-sm font-medium">Filament per item</legend>
        {materials.fields.length === 0 ? <p className="text-xs text-muted-foreground">No filament yet: add the materials one item uses.</p> : null}
        {materials.fields.map((field, index) => {
          const chosen = byId.get(watched?.[index]?.filament_type_id ?? "");
          return (
            <div key={field.id} className="grid grid-cols-[1fr_7rem_auto] items-start gap-2" data-testid="bom-material">
              <Field label={`Filament ${index + 1}`} error={errors.materials?.[index]?.filament_type_id?.message}>
                <NativeSelect {...form.register(`materials.${index}.filament_type_id`)}>
                  <option value="">Choose a filament type…</option>
                  {filamentTypes.map((type) => (
                    <option key={type.id} value={type.id}>
                      {optionLabel(type, currency)}
                    </option>
                  ))}
                </NativeSelect>
              </Field>
              <Field label={`Grams ${index + 1}`} error={errors.materials?.[index]?.grams?.message}>
                <Input inputMode="decimal" autoComplete="off" {...form.register(`materials.${index}.grams`)} />
              </Field>
              <div className="flex items-center gap-1 pt-6">
                <ColorSwatch hex={chosen?.color_hex} className="size-5" />
                <Button variant="ghost" size="icon" aria-label={`Remove filament ${index + 1}`} onClick={() => materials.remove(index)}>
                  <Trash2 />
                </Button>
              </div>
            </div>
          );
        })}
        <div className="flex flex-wrap items-center justify-between gap-2">
          <Button variant="outline" size="sm" onClick={() => materials.append({ ...EMPTY_MATERIAL })}>
            <Plus />
            Add filament
          </Button>
          <p className="text-xs text-muted-foreground" aria-live="polite" data-testid="bom-estimate">
            Material ≈ {formatMoney(estimate.total, currency, { fine: true })} per item
            {estimate.uncosted > 0 ? ` (${estimate.uncosted} without a cost yet)` : ""}
          </p>
        </div>
      </fieldset>
      <fieldset className="grid gap-2">
        <legend className="mb-1 text-sm font-medium">Components per item</legend>
        {components.fields.map((field, index) => (
          <div key={field.id} className="grid grid-cols-[1fr_5rem_6rem_auto] items-start gap-2" data-testid="bom-component">
            <Field label={`Component ${index + 1}`} error={errors.components?.[index]?.name?.message}>
              <Input autoComplete="off" placeholder="e.g. keyring" {...form.register(`components.${index}.name`)} />
            </Field>
            <Field label="Quantity" error={errors.components?.[index]?.quantity?.message}>
              <Input inputMode="decimal" {...form.register(`components.${index}.quantity`)} />
            </Field>
            <Field label="Unit cost" error={errors.components?.[index]?.unit_cost?.message}>
              <Input inputMode="decimal" {...form.register(`components.${index}.unit_cost`)} />
            </Field>
            <div className="pt-6">
              <Button variant="ghost" size="icon" aria-label={`Remove component ${index + 1}`} onClick={() => components.remove(index)}>
                <Trash2 />
              </Button>
            </div>
          </div>
        ))}
        <div>
          <Button variant="outline" size="sm" onClick={() => components.append({ ...EMPTY_COMPONENT })}>
            <Plus />
            Add component
          </Button>
        </div>
      </fieldset>
    </div>
  );
}
