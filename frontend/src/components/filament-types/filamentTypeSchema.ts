/**
 * The filament type form: values are the inputs' strings; the limits are the inventory service's
 * (materials/schemas.py), so most mistakes are caught before a round trip.
 */
import { z } from "zod";
import { numberOrNull, textOf, wholeDegrees } from "@/lib/forms";
import type { FilamentType, FilamentTypeCreate } from "@/queries/catalogTypes";

export const HEX_PATTERN = /^#[0-9A-Fa-f]{6}$/;

/** An optional decimal in (min, max] or [min, max] with at most `places` decimals. */
function decimalText(opts: { label: string; min: number; max: number; minExclusive?: boolean; places: number; required?: boolean }) {
  return z.string().superRefine((raw, ctx) => {
    const text = raw.trim();
    if (text === "") {
      if (opts.required) ctx.addIssue({ code: "custom", message: `Enter ${opts.label}` });
      return;
    }
    const value = Number(text);
    const tooLow = opts.minExclusive ? value <= opts.min : value < opts.min;
    if (!Number.isFinite(value) || tooLow || value > opts.max) {
      const lower = opts.minExclusive ? `more than ${opts.min}` : `at least ${opts.min}`;
      ctx.addIssue({ code: "custom", message: `Enter a number ${lower} and at most ${opts.max}` });
      return;
    }
    const decimals = text.split(".")[1]?.length ?? 0;
    if (decimals > opts.places) ctx.addIssue({ code: "custom", message: `At most ${opts.places} decimals` });
  });
}

export const filamentTypeSchema = z.object({
  material_type_id: z.string().min(1, "Choose a material"),
  brand: z.string().trim().min(1, "Enter the brand").max(100, "At most 100 characters"),
  color_name: z.string().trim().min(1, "Enter the colour name").max(100, "At most 100 characters"),
  color_hex: z.string().trim().refine((v) => v === "" || HEX_PATTERN.test(v), "Use the form #RRGGBB, e.g. #FF8800"),
  finish: z.string().trim().max(50, "At most 50 characters"),
  diameter_mm: decimalText({ label: "the diameter", min: 0, minExclusive: true, max: 10, places: 2, required: true }),
  density: decimalText({ label: "the density", min: 0, minExclusive: true, max: 30, places: 3 }),
  extruder_temp: wholeDegrees,
  bed_temp: wholeDegrees,
  min_stock_grams: decimalText({ label: "a reorder level (0 for none)", min: 0, max: 100000, places: 2, required: true }),
});

export type FilamentTypeFormValues = z.infer<typeof filamentTypeSchema>;
export const FILAMENT_TYPE_FIELDS = Object.keys(filamentTypeSchema.shape) as (keyof FilamentTypeFormValues)[];

export const EMPTY_FILAMENT_TYPE: FilamentTypeFormValues = {
  material_type_id: "",
  brand: "",
  color_name: "",
  color_hex: "",
  finish: "",
  diameter_mm: "1.75",
  density: "",
  extruder_temp: "",
  bed_temp: "",
  min_stock_grams: "0",
};

export function filamentTypeToValues(type: FilamentType): FilamentTypeFormValues {
  return {
    material_type_id: type.material_type_id,
    brand: type.brand,
    color_name: type.color_name,
    color_hex: textOf(type.color_hex),
    finish: textOf(type.finish),
    diameter_mm: textOf(type.diameter_mm),
    density: textOf(type.density),
    extruder_temp: textOf(type.extruder_temp),
    bed_temp: textOf(type.bed_temp),
    min_stock_grams: textOf(type.min_stock_grams),
  };
}

/** The JSON body; empty optional inputs are sent as null (which also clears them on edit). */
export function valuesToBody(values: FilamentTypeFormValues): FilamentTypeCreate {
  return {
    material_type_id: values.material_type_id,
    brand: values.brand.trim(),
    color_name: values.color_name.trim(),
    color_hex: values.color_hex.trim() === "" ? null : values.color_hex.trim().toUpperCase(),
    finish: values.finish.trim() === "" ? null : values.finish.trim(),
    diameter_mm: Number(values.diameter_mm),
    density: numberOrNull(values.density),
    extruder_temp: numberOrNull(values.extruder_temp),
    bed_temp: numberOrNull(values.bed_temp),
    min_stock_grams: Number(values.min_stock_grams),
  };
}

/**
 * The form's values for the next type after "Save and add another": a shop adds a brand's colours in a row,
 * so the material, brand, finish, diameter, density, temperatures and reorder level are kept; the colour
 * (name and hex) is cleared.
 */
export function nextFilamentTypeValues(values: FilamentTypeFormValues): FilamentTypeFormValues {
  return { ...values, color_name: "", color_hex: "" };
}
