/** Finished-goods stock: an adjustment with its reason (models and products), and assembling a product. */
import { zodResolver } from "@hookform/resolvers/zod";
import { useState, type ReactNode } from "react";
import { useForm } from "react-hook-form";
import { assembleSchema, stockAdjustBody, stockAdjustSchema, type StockAdjustValues } from "@/components/catalog/catalogForms";
import { Dialog, DialogContent, DialogDescription, DialogHeader, DialogTitle, DialogTrigger } from "@/components/ui/dialog";
import { Field } from "@/components/ui/field";
import { FormActions } from "@/components/ui/form-actions";
import { Input } from "@/components/ui/input";
import { ApiError } from "@/lib/errors";
import { applyApiErrors } from "@/lib/forms";
import { toast } from "@/lib/toast";

interface StockAdjustDialogProps {
  /** "MOD-001" or "PRD-001", for the title. */
  sku: string;
  unitsInStock: number;
  trigger: ReactNode;
  /** Sends the adjustment; resolves with the units in stock after it. */
  onAdjust: (body: { delta: number; reason: string }) => Promise<number>;
}

function StockAdjustForm({ sku, unitsInStock, onAdjust, onDone }: Omit<StockAdjustDialogProps, "trigger"> & { onDone: () => void }) {
  const form = useForm<StockAdjustValues>({ resolver: zodResolver(stockAdjustSchema), defaultValues: { delta: "", reason: "" } });
  const { errors } = form.formState;
  const onSubmit = form.handleSubmit(async (values) => {
    try {
      const after = await onAdjust(stockAdjustBody(values));
      toast({ title: `${sku}: ${after} in stock`, description: `Adjusted from ${unitsInStock}.` });
      onDone();
    } catch (error) {
      if (error instanceof ApiError && error.code === "INSUFFICIENT_STOCK") {
        form.setError("delta", { type: "server", message: `Only ${unitsInStock} in stock: ${error.message}` });
        return;
      }
      applyApiErrors(error, form.setError, ["delta", "reason"]);
    }
  });
  return (
    <form className="grid gap-4" onSubmit={onSubmit} noValidate>
      <Field label="Change in units" error={errors.delta?.message} hint={`In stock now: ${unitsInStock}. Negative to remove.`}>
        <Input inputMode="numeric" autoComplete="off" autoFocus {...form.register("delta")} />
      </Field>
      <Field label="Reason" error={errors.reason?.message} hint="Kept in the stock history.">
        <Input maxLength={200} {...form.register("reason")} />
      </Field>
      <FormActions formState={form.formState} submitLabel="Adjust stock" pendingLabel="Adjusting…" onCancel={onDone} />
    </form>
  );
}

export function StockAdjustDialog({ trigger, ...props }: StockAdjustDialogProps) {
  const [open, setOpen] = useState(false);
  return (
    <Dialog open={open} onOpenChange={setOpen}>
      <DialogTrigger asChild>{trigger}</DialogTrigger>
      <DialogContent className="max-w-md">
        <DialogHeader>
          <DialogTitle>Adjust stock of {props.sku}</DialogTitle>
          <DialogDescription>For counts, damage, samples: production and assembly book stock on their own.</DialogDescription>
        </DialogHeader>
        {open ? <StockAdjustForm {...props} onDone={() => setOpen(false)} /> : null}
      </DialogContent>
    </Dialog>
  );
}

interface AssembleDialogProps {
  sku: string;
  /** Models × quantity per product, to say what one assembly takes. */
  recipe: { label: string; quantity: number; inStock: number }[];
  trigger: ReactNode;
  onAssemble: (quantity: number) => Promise<number>;
}

function AssembleForm({ sku, recipe, onAssemble, onDone }: Omit<AssembleDialogProps, "trigger"> & { onDone: () => void }) {
  const form = useForm<{ quantity: string }>({ resolver: zodResolver(assembleSchema), defaultValues: { quantity: "1" } });
  const { errors } = form.formState;
  const onSubmit = form.handleSubmit(async (values) => {
    const quantity = Number(values.quantity.trim());
    try {
      const after = await onAssemble(quantity);
      toast({ title: `Assembled ${quantity} × ${sku}`, description: `${after} in stock now.` });
      onDone();
    } catch (error) {
      if (error instanceof ApiError && error.code === "INSUFFICIENT_STOCK") {
        // The API names every short model with what it needs and has; nothing moved.
        form.setError("quantity", { type: "server", message: `${error.message}. Nothing was taken from stock.` });
        return;
      }
      applyApiErrors(error, form.setError, ["quantity"]);
    }
  });
  return (
    <form className="grid gap-4" onSubmit={onSubmit} noValidate>
      {recipe.length > 0 ? (
        <div className="text-sm">
          <p className="mb-1 text-muted-foreground">One unit takes:</p>
          <ul className="grid gap-0.5">
            {recipe.map((line) => (
              <li key={line.label} className="flex justify-between gap-4">
                <span>
                  {line.quantity} × {line.label}
                </span>
                <span className="text-muted-foreground tabular-nums">{line.inStock} in stock</span>
              </li>
            ))}
          </ul>
        </div>
      ) : null}
      <Field label="Units to assemble" error={errors.quantity?.message}>
        <Input inputMode="numeric" autoComplete="off" autoFocus {...form.register("quantity")} />
      </Field>
      <FormActions formState={form.formState} submitLabel="Assemble" pendingLabel="Assembling…" onCancel={onDone} />
    </form>
  );
}

export function AssembleDialog({ trigger, ...props }: AssembleDialogProps) {
  const [open, setOpen] = useState(false);
  return (
    <Dialog open={open} onOpenChange={setOpen}>
      <DialogTrigger asChild>{trigger}</DialogTrigger>
      <DialogContent className="max-w-md">
        <DialogHeader>
          <DialogTitle>Assemble {props.sku}</DialogTitle>
          <DialogDescription>Takes the models from finished stock and adds the product to stock, all or nothing.</DialogDescription>
        </DialogHeader>
        {open ? <AssembleForm {...props} onDone={() => setOpen(false)} /> : null}
      </DialogContent>
    </Dialog>
  );
}
