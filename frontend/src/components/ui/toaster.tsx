import * as ToastPrimitive from "@radix-ui/react-toast";
import { X } from "lucide-react";
import { useSyncExternalStore } from "react";
import { createPortal } from "react-dom";
import { dismissToast, useToasts } from "@/lib/toast";
import { cn } from "@/lib/utils";

/** Where the app shell wants the notices on a phone (see ToastSlot); null on pages without the shell. */
let slot: HTMLElement | null = null;
const slotListeners = new Set<() => void>();
function setSlot(element: HTMLElement | null): void {
  if (slot === element) return;
  slot = element;
  for (const listener of slotListeners) listener();
}
function useSlot(): HTMLElement | null {
  return useSyncExternalStore(
    (listener) => {
      slotListeners.add(listener);
      return () => slotListeners.delete(listener);
    },
    () => slot,
  );
}

/**
 * The notices' place on a phone: a sticky strip in the page's flow under the app's header, so a notice pushes
 * the page down instead of lying over its buttons (and stays in sight, like a header, while the page scrolls).
 * On a wide screen the notices sit in the navigation column's free foot instead (fixed, see Toaster).
 */
export function ToastSlot() {
  return <div ref={setSlot} data-testid="toast-slot" className="sticky top-0 z-[100] no-print" />;
}

function viewport(inSlot: boolean) {
  return (
    <ToastPrimitive.Viewport
      data-testid="toast-viewport"
      className={cn(
        "flex flex-col gap-2 p-2 no-print empty:p-0 md:fixed md:bottom-0 md:left-0 md:z-[100] md:w-56",
        !inSlot && "max-md:fixed max-md:inset-x-0 max-md:top-0 max-md:z-[100]",
      )}
    />
  );
}

export function Toaster() {
  const toasts = useToasts();
  const target = useSlot();
  return (
    <ToastPrimitive.Provider swipeDirection="right" duration={5000}>
      {toasts.map((t) => (
        <ToastPrimitive.Root
          key={t.id}
          onOpenChange={(open) => !open && dismissToast(t.id)}
          className={cn(
            "relative grid gap-1 rounded-md border bg-card p-3 pr-8 text-card-foreground shadow-lg",
            t.variant === "destructive" && "border-destructive text-destructive",
          )}
        >
          <ToastPrimitive.Title className="text-sm font-semibold">{t.title}</ToastPrimitive.Title>
          {t.description ? <ToastPrimitive.Description className="text-sm">{t.description}</ToastPrimitive.Description> : null}
          {t.action ? (
            <ToastPrimitive.Action
              altText={t.action.label}
              onClick={t.action.onClick}
              className="justify-self-start rounded-md border px-3 py-1 text-sm font-medium hover:bg-accent focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-ring"
            >
              {t.action.label}
            </ToastPrimitive.Action>
          ) : null}
          <ToastPrimitive.Close className="absolute right-2 top-2 opacity-70 hover:opacity-100" aria-label="Dismiss">
            <X className="size-4" />
          </ToastPrimitive.Close>
        </ToastPrimitive.Root>
      ))}
      {/*
        Never over the page's actions: on a wide screen the notices sit at the bottom of the navigation column
        (tables keep their action buttons on the right); on a phone in the shell's sticky slot under the header
        (the page moves down for them), and over the top of the screen while a dialog is open (index.css), so
        the dialog's buttons at the bottom stay free. At most two show (lib/toast.ts).
      */}
      {target ? createPortal(viewport(true), target) : viewport(false)}
    </ToastPrimitive.Provider>
  );
}
