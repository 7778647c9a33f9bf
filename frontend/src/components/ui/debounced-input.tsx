import { forwardRef, useEffect, useRef, useState, type InputHTMLAttributes } from "react";
import { Input } from "@/components/ui/input";
import { useDebouncedValue } from "@/hooks/useDebouncedValue";

interface DebouncedInputProps extends Omit<InputHTMLAttributes<HTMLInputElement>, "value" | "onChange"> {
  /** The committed value (e.g. from the URL). */
  value: string;
  /** Called once typing pauses for `delayMs`. */
  onCommit: (value: string) => void;
  delayMs?: number;
}

/**
 * A text input that commits its value after a pause in typing. It follows `value` when that changes from
 * outside (back button, "Clear filters"), without overwriting what is being typed.
 */
export const DebouncedInput = forwardRef<HTMLInputElement, DebouncedInputProps>(({ value, onCommit, delayMs = 250, ...props }, ref) => {
  const [draft, setDraft] = useState(value);
  const committed = useRef(value);
  const debounced = useDebouncedValue(draft, delayMs);

  useEffect(() => {
    if (value !== committed.current) {
      committed.current = value;
      setDraft(value);
    }
  }, [value]);

  useEffect(() => {
    if (debounced !== committed.current && debounced === draft) {
      committed.current = debounced;
      onCommit(debounced);
    }
  }, [debounced, draft, onCommit]);

  return <Input ref={ref} value={draft} onChange={(event) => setDraft(event.target.value)} {...props} />;
});
DebouncedInput.displayName = "DebouncedInput";
