/**
 * A location text field with the shop's locations as suggestions (a native <datalist>: phones show it above
 * the keyboard). The suggestions are searched on the server as you type (names, or a word of them, starting
 * with the text), so a shop with more locations than one page of the list finds every one. A name that is not
 * in the list creates that location on save; any case of an existing name is that location ("shelf a" is "Shelf A").
 */
import { forwardRef, useId, useState, type ChangeEvent, type InputHTMLAttributes } from "react";
import { Input } from "@/components/ui/input";
import { useDebouncedValue } from "@/hooks/useDebouncedValue";
import { formatGrams } from "@/lib/format";
import { useLocations } from "@/queries/locations";

/** The <datalist> of the locations whose names (or a word of them) start with `q`, with what each holds. */
export function LocationSuggestions({ id, q }: { id: string; q: string }) {
  const locations = useLocations(q.trim());
  return (
    <datalist id={id} data-testid="location-suggestions">
      {(locations.data?.items ?? []).map((location) => (
        <option key={location.id} value={location.name}>
          {`${location.spool_count} ${location.spool_count === 1 ? "spool" : "spools"}, ${formatGrams(location.remaining_grams)}`}
        </option>
      ))}
    </datalist>
  );
}

export const LocationPicker = forwardRef<HTMLInputElement, InputHTMLAttributes<HTMLInputElement>>(({ onChange, ...props }, ref) => {
  const listId = useId();
  const [typed, setTyped] = useState(typeof props.defaultValue === "string" ? props.defaultValue : "");
  const q = useDebouncedValue(typed, 250);
  const change = (event: ChangeEvent<HTMLInputElement>) => {
    setTyped(event.target.value);
    onChange?.(event);
  };
  return (
    <>
      <Input ref={ref} maxLength={100} autoComplete="off" list={listId} onChange={change} {...props} />
      <LocationSuggestions id={listId} q={q} />
    </>
  );
});
LocationPicker.displayName = "LocationPicker";
