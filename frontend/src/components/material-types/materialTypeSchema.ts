/** The material type form: the inventory service's limits (materials/schemas.py), as input strings. */
import { z } from "zod";
import { numberOrNull, textOf, wholeDegrees } from "@/lib/forms";
import type { MaterialType, MaterialTypeCreate, MaterialTypeUpdate } from "@/queries/catalogTypes";

function optionalDecimal(max: number, places: number, allowZero: boolean) {
  return z.string().superRefine((raw, ctx) => {
    const text = raw.trim();
    if (text === "") return;
    const value = Number(text);
    if (!Number.isFinite(value) || value < 0 || (!allowZero && value === 0) || value > max) {
      ctx.addIssue({ code: "custom", message: `Enter a number ${allowZero ? "from 0" : "above 0"} up to ${max}` });
    } else if ((text.split(".")[1]?.length ?? 0) > places) {
      ctx.addIssue({ code: "custom", message: `At most ${places} decimals` });
    }
  });
}

export const materialTypeSchema = z
  .object({
    code: z
      .string()
      .trim()
      .min(1, "Enter a short code, e.g. PLA-CF")
      .max(32, "At most 32 characters")
      .regex(/^[A-Za-z0-9][A-Za-z0-9_+-]*$/, "Letters, digits, + - and _ only, starting with a letter or digit"),
    name: z.string().trim().min(1, "Enter a name").max(100, "At most 100 characters"),
    density: optionalDecimal(30, 3, false),
    typical_cost_per_kg: optionalDecimal(100000, 2, true),
    extruder_temp_min: wholeDegrees,
    extruder_temp_max: wholeDegrees,
    bed_temp: wholeDegrees,
  })
  .refine(
    (v) => v.extruder_temp_min.trim() === "" || v.extruder_temp_max.trim() === "" || Number(v.extruder_temp_min) <= Number(v.extruder_temp_max),
    { path: ["extruder_temp_max"], message: "The maximum must not be below the minimum" },
  );

export type MaterialTypeFormValues = z.infer<typeof materialTypeSchema>;
export const MATERIAL_TYPE_FIELDS = [
  "code",
  "name",
  "density",
  "typical_cost_per_kg",
  "extruder_temp_min",
  "extruder_temp_max",
  "bed_temp",
] as const satisfies readonly (keyof MaterialTypeFormValues)[];

export const EMPTY_MATERIAL_TYPE: MaterialTypeFormValues = {
  code: "",
  name: "",
  density: "",
  typical_cost_per_kg: "",
  extruder_temp_min: "",
  extruder_temp_max: "",
  bed_temp: "",
};

export function materialTypeToValues(type: MaterialType): MaterialTypeFormValues {
  return {
    code: type.code,
    name: type.name,
    density: textOf(type.density),
    typical_cost_per_kg: textOf(type.typical_cost_per_kg),
    extruder_temp_min: textOf(type.extruder_temp_min),
    extruder_temp_max: textOf(type.extruder_temp_max),
    bed_temp: textOf(type.bed_temp),
  };
}

/** The PATCH body: everything but the code (a material's code never changes). */
export function valuesToUpdate(values: MaterialTypeFormValues): MaterialTypeUpdate {
  return {
    name: values.name.trim(),
    density: numberOrNull(values.density),
    typical_cost_per_kg: numberOrNull(values.typical_cost_per_kg),
    extruder_temp_min: numberOrNull(values.extruder_temp_min),
    extruder_temp_max: numberOrNull(values.extruder_temp_max),
    bed_temp: numberOrNull(values.bed_temp),
  };
}

export function valuesToCreate(values: MaterialTypeFormValues): MaterialTypeCreate {
  return { code: values.code.trim().toUpperCase(), ...valuesToUpdate(values), name: values.name.trim() };
}
