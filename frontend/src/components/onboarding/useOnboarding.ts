/**
 * Where a shop is in its set-up: a spool needs a filament type first, so a new shop is led to its first
 * filament type, then to its first spool (of that type). Uses the same queries as the spool form and the
 * spools list, so the answer is usually already cached.
 */
import { useFilamentTypes, type FilamentType } from "@/queries/catalogTypes";
import { useSpools } from "@/queries/spools";

export type OnboardingStep = "loading" | "first-type" | "first-spool" | "done";

/** The type list the spool form loads too (one cache entry for both). */
export const TYPE_PICKER_PARAMS = { limit: 200, sort: "brand" } as const;

/** The next step from what the shop has; pure, for the tests. */
export function onboardingStep(typeCount: number | undefined, spoolCount: number | undefined): OnboardingStep {
  if (typeCount === undefined) return "loading";
  if (typeCount === 0) return "first-type";
  if (spoolCount === undefined) return "loading";
  return spoolCount === 0 ? "first-spool" : "done";
}

/** The address that adds the first spool of a type, with the type already chosen in the form. */
export function firstSpoolHref(type: Pick<FilamentType, "id">): string {
  return `/spools?add=${encodeURIComponent(type.id)}`;
}

/** The address that opens the "Add filament type" dialog of a shop without any. */
export const FIRST_TYPE_HREF = "/filament-types?add=first";

export function useOnboarding(): { step: OnboardingStep; firstType: FilamentType | undefined } {
  const types = useFilamentTypes(TYPE_PICKER_PARAMS);
  // Archived spools count: a shop that has had spools is past its first one.
  const spools = useSpools({ limit: 1, offset: 0 });
  const typeCount = types.data?.total;
  const step = onboardingStep(typeCount, spools.data?.total);
  return { step, firstType: types.data?.items[0] };
}
