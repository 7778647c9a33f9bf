/**
 * The built-in materials' typical costs are EUR. A shop in another currency sets how many of its units one
 * euro is; until then those costs are shown as EUR (never as if they were the shop's money) and filament
 * types priced only from them carry no estimate.
 */
import { useState, type FormEvent } from "react";
import { Alert, ErrorAlert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { Field } from "@/components/ui/field";
import { Input } from "@/components/ui/input";
import { useAuth } from "@/hooks/useAuth";
import { useCurrency } from "@/hooks/useCurrency";
import { errorMessage } from "@/lib/errors";
import { toast } from "@/lib/toast";
import { useInventorySettings, useSaveInventorySettings } from "@/queries/inventorySettings";

/** "160", "0.85" → a positive rate with at most 6 decimals; anything else is a message. */
export function rateProblem(text: string): string | null {
  const value = text.trim().replace(",", ".");
  if (!value) return "Enter how many units of your currency one euro is";
  if (!/^\d+(\.\d{1,6})?$/.test(value) || Number(value) <= 0) return "Enter a positive number with at most 6 decimals";
  if (Number(value) > 1_000_000) return "That rate is too large";
  return null;
}

export function GlobalCostSettings() {
  const { can } = useAuth();
  const currency = useCurrency();
  const settings = useInventorySettings();
  const save = useSaveInventorySettings();
  const [error, setError] = useState<string | null>(null);
  const isEuro = currency === "EUR";
  const current = settings.data;
  const converted = current && current.currency_code === currency && (isEuro || current.rate_from_eur !== null);

  const onSubmit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const text = String(new FormData(event.currentTarget).get("rate") ?? "");
    const problem = isEuro ? null : rateProblem(text);
    setError(problem);
    if (problem) return;
    try {
      await save.mutateAsync({ currency_code: currency, rate_from_eur: isEuro ? null : Number(text.trim().replace(",", ".")) });
      toast({ title: "Rate saved", description: isEuro ? "Built-in costs are in your currency." : `Built-in costs are now shown in ${currency}.` });
    } catch (err) {
      setError(errorMessage(err));
    }
  };

  return (
    <Card className="mb-4">
      <CardHeader className="pb-3">
        <CardTitle className="text-base">Built-in material costs</CardTitle>
        <CardDescription>
          The built-in materials' typical costs per kg are in euros (EUR).{" "}
          {converted
            ? isEuro
              ? "Your shop's currency is EUR: they apply as they are."
              : `They are converted to ${currency} at 1 EUR = ${current.rate_from_eur} ${currency}.`
            : `Until you set a rate they are shown in EUR, and filament types priced only from them have no cost estimate in ${currency}.`}
        </CardDescription>
      </CardHeader>
      {can("admin") ? (
        <CardContent>
          {settings.error ? <ErrorAlert error={settings.error} /> : null}
          <form className="flex flex-wrap items-end gap-3" onSubmit={(event) => void onSubmit(event)} noValidate key={current?.rate_from_eur ?? "none"}>
            {isEuro ? null : (
              <Field label={`1 EUR in ${currency}`} error={error ?? undefined} className="w-48">
                <Input name="rate" inputMode="decimal" autoComplete="off" defaultValue={current?.rate_from_eur ?? ""} placeholder="e.g. 160" />
              </Field>
            )}
            <Button type="submit" disabled={save.isPending}>
              {save.isPending ? "Saving…" : isEuro ? "Use EUR costs" : "Save rate"}
            </Button>
            {isEuro && error ? <Alert variant="destructive">{error}</Alert> : null}
          </form>
        </CardContent>
      ) : null}
    </Card>
  );
}
