import { useForm, type DefaultValues, type FieldValues, type Path, type Resolver, type UseFormSetError } from "react-hook-form";
import { z } from "zod";
import { errorMessage, fieldMessages } from "@/lib/errors";

/**
 * Puts a failed request's messages where they belong: a 422's per-field messages next to the fields the
 * form has, everything else (409 conflicts, 400s, unknown fields) as the form's root error.
 */
export function applyApiErrors<T extends FieldValues>(error: unknown, setError: UseFormSetError<T>, fields: readonly Path<T>[]): void {
  const byField = fieldMessages(error);
  let placed = false;
  for (const [field, message] of Object.entries(byField)) {
    if ((fields as readonly string[]).includes(field)) {
      setError(field as Path<T>, { type: "server", message });
      placed = true;
    }
  }
  if (!placed) setError("root.server" as Path<T>, { type: "server", message: errorMessage(error) });
}

/** Empty inputs become `null`/absent instead of "" (the API treats "" as a value). */
export function blankToNull(value: string | null | undefined): string | null {
  const trimmed = value?.trim() ?? "";
  return trimmed === "" ? null : trimmed;
}

/**
 * A form whose submit hands the values to `onSave` and puts a failure where it belongs (see applyApiErrors):
 * the add/edit dialogs of the catalogue (filament and material types).
 */
export function useSaveForm<T extends FieldValues>({
  resolver,
  defaultValues,
  fields,
  onSave,
}: {
  resolver: Resolver<T>;
  defaultValues: DefaultValues<T>;
  /** The fields a 422 may name; anything else becomes the form's root error. */
  fields: readonly Path<T>[];
  onSave: (values: T) => Promise<unknown>;
}) {
  const form = useForm<T>({ resolver, defaultValues });
  const onSubmit = form.handleSubmit(async (values) => {
    try {
      await onSave(values);
    } catch (error) {
      applyApiErrors(error, form.setError, fields);
    }
  });
  return { form, onSubmit };
}

/** A form input's text for a stored value ("" for none). */
export function textOf(value: number | string | null | undefined): string {
  return value == null ? "" : String(value);
}

/** An optional number input: blank is null. */
export function numberOrNull(value: string): number | null {
  return value.trim() === "" ? null : Number(value);
}

/** An optional temperature input in whole degrees (the API's 0–500 °C). */
export const wholeDegrees = z
  .string()
  .refine((raw) => raw.trim() === "" || (/^\d+$/.test(raw.trim()) && Number(raw) <= 500), "Whole degrees from 0 to 500");
