import * as ToastPrimitive from "@radix-ui/react-toast";
import { X } from "lucide-react";
import { dismissToast, useToasts } from "@/lib/toast";
import { cn } from "@/lib/utils";

export function Toaster() {
  const toasts = useToasts();
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
        (tables keep their action buttons on the right); on a phone at the top, above the header, so a dialog's
        buttons at the bottom and the cards' actions stay free. At most two show (lib/toast.ts).
      */}
      <ToastPrimitive.Viewport
        data-testid="toast-viewport"
        className="fixed inset-x-0 top-0 z-[100] flex flex-col gap-2 p-2 no-print md:inset-x-auto md:bottom-0 md:left-0 md:top-auto md:w-56"
      />
    </ToastPrimitive.Provider>
  );
}
