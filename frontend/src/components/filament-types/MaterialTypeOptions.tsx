import type { MaterialType } from "@/queries/catalogTypes";

/** <option>s of a material select: the built-in materials, then the shop's own. */
export function MaterialTypeOptions({ materialTypes }: { materialTypes: MaterialType[] }) {
  const builtIn = materialTypes.filter((m) => m.is_global);
  const own = materialTypes.filter((m) => !m.is_global);
  const option = (m: MaterialType) => (
    <option key={m.id} value={m.id}>
      {m.code} — {m.name}
    </option>
  );
  if (own.length === 0) return <>{builtIn.map(option)}</>;
  return (
    <>
      <optgroup label="Built-in">{builtIn.map(option)}</optgroup>
      <optgroup label="Your materials">{own.map(option)}</optgroup>
    </>
  );
}
