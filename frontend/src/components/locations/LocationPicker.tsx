/**
 * A location text field with the shop's locations as suggestions (a native <datalist>: typing filters it,
 * phones show it above the keyboard). A name that is not in the list creates that location on save; any
 * case of an existing name is that location ("shelf a" is "Shelf A").
 */
import { forwardRef, useId, type InputHTMLAttributes } from "react";
import { Input } from "@/components/ui/input";
import { formatGrams } from "@/lib/format";
import { useLocations } from "@/queries/locations";

export const LocationPicker = forwardRef<HTMLInputElement, InputHTMLAttributes<HTMLInputElement>>((props, ref) => {
  const listId = useId();
  const locations = useLocations();
  return (
    <>
      <Input ref={ref} maxLength={100} autoComplete="off" list={listId} {...props} />
      <datalist id={listId} data-testid="location-suggestions">
        {(locations.data?.items ?? []).map((location) => (
          <option key={location.id} value={location.name}>
            {`${location.spool_count} ${location.spool_count === 1 ? "spool" : "spools"}, ${formatGrams(location.remaining_grams)}`}
          </option>
        ))}
      </datalist>
    </>
  );
});
LocationPicker.displayName = "LocationPicker";
