/** A tiny store of transient notices ("Booked −120 g"), shown by <Toaster />. */
import { useSyncExternalStore } from "react";

export interface Toast {
  id: number;
  title: string;
  description?: string;
  variant?: "default" | "destructive";
  /** One button in the notice, e.g. Undo; clicking it also closes the notice. */
  action?: { label: string; onClick: () => void };
}

let toasts: Toast[] = [];
let nextId = 1;
const listeners = new Set<() => void>();

function emit(): void {
  for (const listener of listeners) listener();
}

/** At most this many notices show at once; a newer one replaces the oldest. */
export const MAX_TOASTS = 2;

export function toast(notice: Omit<Toast, "id">): void {
  toasts = [...toasts, { ...notice, id: nextId++ }].slice(-MAX_TOASTS);
  emit();
}

export function dismissToast(id: number): void {
  toasts = toasts.filter((t) => t.id !== id);
  emit();
}

export function useToasts(): Toast[] {
  return useSyncExternalStore(
    (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    () => toasts,
  );
}
