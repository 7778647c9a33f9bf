/**
 * The retail (EAN/UPC) codes a filament type remembers, in its edit dialog: a scan of one opens "Add spool"
 * with this type. Members add one by typing it (checked before it is sent); admins forget one.
 */
import { X } from "lucide-react";
import { useState, type FormEvent } from "react";
import { ErrorAlert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Field } from "@/components/ui/field";
import { Input } from "@/components/ui/input";
import { useAuth } from "@/hooks/useAuth";
import { checkRetailCode } from "@/lib/barcodes";
import { ApiError } from "@/lib/errors";
import { useFilamentTypeBarcodes, useForgetBarcode, useRememberBarcode } from "@/queries/barcodes";

export function FilamentTypeBarcodes({ filamentTypeId }: { filamentTypeId: string }) {
  const { can } = useAuth();
  const barcodes = useFilamentTypeBarcodes(filamentTypeId);
  const remember = useRememberBarcode();
  const forget = useForgetBarcode();
  const [typed, setTyped] = useState("");
  const [error, setError] = useState<string>();

  const onAdd = (event: FormEvent) => {
    event.preventDefault();
    const check = checkRetailCode(typed);
    if (!check.ok) {
      setError(typed.trim() ? check.reason : "Type the digits under the barcode");
      return;
    }
    setError(undefined);
    remember.mutate(
      { filamentTypeId, code: check.code },
      {
        onSuccess: () => setTyped(""),
        onError: (failure) =>
          setError(failure instanceof ApiError && failure.code === "BARCODE_TAKEN" ? `${check.code} is already remembered for another filament type.` : undefined),
      },
    );
  };

  const items = barcodes.data ?? [];
  return (
    <section aria-labelledby={`barcodes-${filamentTypeId}`} className="grid gap-2 border-t pt-3">
      <h3 id={`barcodes-${filamentTypeId}`} className="text-sm font-semibold">
        Retail barcodes
      </h3>
      <p className="text-xs text-muted-foreground">Scanning one of these on a box opens “Add spool” with this type.</p>
      <ErrorAlert error={barcodes.error ?? forget.error} />
      {items.length ? (
        <ul className="flex flex-wrap gap-2" aria-label="Remembered barcodes">
          {items.map((barcode) => (
            <li key={barcode.code} className="flex items-center gap-1 rounded-md border px-2 py-0.5 font-mono text-sm">
              {barcode.code}
              {can("admin") ? (
                <Button
                  type="button"
                  variant="ghost"
                  size="icon"
                  className="size-6"
                  aria-label={`Forget ${barcode.code}`}
                  disabled={forget.isPending}
                  onClick={() => forget.mutate({ filamentTypeId, code: barcode.code })}
                >
                  <X className="size-3.5" />
                </Button>
              ) : null}
            </li>
          ))}
        </ul>
      ) : barcodes.isSuccess ? (
        <p className="text-sm text-muted-foreground">None yet.</p>
      ) : null}
      {can("member") ? (
        <form onSubmit={onAdd} className="grid gap-2 sm:grid-cols-[1fr_auto] sm:items-start" aria-label="Add a retail barcode">
          <Field label="EAN or UPC" error={error ?? (remember.error && !(remember.error instanceof ApiError && remember.error.code === "BARCODE_TAKEN") ? (remember.error as Error).message : undefined)}>
            <Input value={typed} onChange={(event) => setTyped(event.target.value)} inputMode="numeric" autoComplete="off" placeholder="4006381333931" />
          </Field>
          <Button type="submit" variant="outline" className="sm:mt-[1.625rem]" disabled={remember.isPending}>
            Remember
          </Button>
        </form>
      ) : null}
    </section>
  );
}
