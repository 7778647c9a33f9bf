import { cn } from "@/lib/utils";

/**
 * The filament's colour as a small dot; decorative, the colour name is always written next to it.
 * Without a hex code it shows a striped "unknown colour" pattern. Size it with `className` (e.g. "size-4").
 */
export function ColorSwatch({ hex, className }: { hex: string | null | undefined; className?: string }) {
  return (
    <span
      aria-hidden
      data-testid="color-swatch"
      className={cn(
        // A ring in half the text colour: a white swatch on a light page and a black one on a dark page stay visible.
        "inline-block size-3.5 shrink-0 rounded-full border border-foreground/50",
        !hex && "bg-[repeating-linear-gradient(45deg,var(--muted),var(--muted)_2px,var(--background)_2px,var(--background)_4px)]",
        className,
      )}
      style={hex ? { backgroundColor: hex } : undefined}
    />
  );
}
