/** The fields of a model (without its BOM), shared by the add and edit forms. */
import type { FieldErrors, UseFormRegister } from "react-hook-form";
import type { ModelValues } from "@/components/catalog/catalogForms";
import { Field } from "@/components/ui/field";
import { Input } from "@/components/ui/input";
import { Textarea } from "@/components/ui/textarea";

export function ModelFields({ register, errors }: { register: UseFormRegister<ModelValues>; errors: FieldErrors<ModelValues> }) {
  return (
    <>
      <div className="grid items-start gap-4 sm:grid-cols-[10rem_1fr]">
        <Field label="SKU" error={errors.sku?.message}>
          <Input autoComplete="off" className="font-mono uppercase" {...register("sku")} />
        </Field>
        <Field label="Name" error={errors.name?.message}>
          <Input autoComplete="off" {...register("name")} />
        </Field>
      </div>
      <Field label="Description" error={errors.description?.message}>
        <Textarea rows={2} {...register("description")} />
      </Field>
      <div className="grid items-start gap-4 sm:grid-cols-3">
        <Field label="Print time (min)" error={errors.print_time_minutes?.message} hint="Per plate.">
          <Input inputMode="numeric" {...register("print_time_minutes")} />
        </Field>
        <Field label="Items per plate" error={errors.prints_per_plate?.message}>
          <Input inputMode="numeric" {...register("prints_per_plate")} />
        </Field>
        <Field label="Labour (min per item)" error={errors.labor_minutes?.message}>
          <Input inputMode="decimal" {...register("labor_minutes")} />
        </Field>
        <Field label="Labour rate override (per hour)" error={errors.labor_rate_override?.message} hint="Empty: the shop's rate.">
          <Input inputMode="decimal" {...register("labor_rate_override")} />
        </Field>
        <Field label="Overhead override (%)" error={errors.overhead_pct_override?.message} hint="Empty: the shop's overhead.">
          <Input inputMode="decimal" {...register("overhead_pct_override")} />
        </Field>
        <label className="flex items-center gap-2 self-center pt-4 text-sm">
          <input type="checkbox" className="size-4 accent-primary" {...register("is_active")} />
          Active (offered and planned)
        </label>
      </div>
    </>
  );
}
