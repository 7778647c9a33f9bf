import { cn } from "@/lib/utils";

/** A small colour chip; decorative (the colour's name is always written next to it). */
export function ColorSwatch({ hex, className }: { hex: string | null | undefined; className?: string }) {
  return (
    <span
      aria-hidden
      className={cn(
        "inline-block size-4 shrink-0 rounded-full border border-foreground/20",
        !hex && "bg-[repeating-linear-gradient(45deg,var(--muted),var(--muted)_3px,var(--background)_3px,var(--background)_6px)]",
        className,
      )}
      style={hex ? { backgroundColor: hex } : undefined}
    />
  );
}
