import { useId } from "react";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { HEX_PATTERN } from "@/components/filament-types/filamentTypeSchema";

interface ColourFieldProps {
  value: string;
  onChange: (hex: string) => void;
  onBlur: () => void;
  error: string | undefined;
}

/**
 * A colour picker and the same colour as hex text, kept in step. The text is the value (it may be empty:
 * "no colour recorded"); the picker, which cannot be empty, shows grey until the text holds a colour.
 */
export function ColourField({ value, onChange, onBlur, error }: ColourFieldProps) {
  const id = useId();
  const pickerId = `${id}-picker`;
  const messageId = `${id}-message`;
  const describedBy = error ? messageId : `${id}-hint`;
  return (
    <div className="grid gap-1.5">
      <Label htmlFor={pickerId}>Colour</Label>
      <div className="flex items-center gap-2">
        <input
          id={pickerId}
          type="color"
          value={HEX_PATTERN.test(value) ? value.toLowerCase() : "#808080"}
          onChange={(event) => onChange(event.target.value.toUpperCase())}
          aria-describedby={describedBy}
          className="h-9 w-12 shrink-0 cursor-pointer rounded-md border border-input bg-background p-1 focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-ring"
        />
        <Input
          aria-label="Colour hex code"
          placeholder="#FF8800"
          maxLength={7}
          value={value}
          onChange={(event) => onChange(event.target.value)}
          onBlur={onBlur}
          aria-invalid={error ? true : undefined}
          aria-describedby={describedBy}
          className="w-32 font-mono uppercase"
        />
      </div>
      {error ? (
        <p id={messageId} role="alert" className="text-xs font-medium text-destructive">
          {error}
        </p>
      ) : (
        <p id={`${id}-hint`} className="text-xs text-muted-foreground">
          Pick it or type it as #RRGGBB; leave the text empty if unknown.
        </p>
      )}
    </div>
  );
}
