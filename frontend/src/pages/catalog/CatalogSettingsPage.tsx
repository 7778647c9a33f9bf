/** /settings/catalog (admins): the labour rate, overhead and price multiplier every cost uses. */
import { zodResolver } from "@hookform/resolvers/zod";
import { PageHeader } from "@/components/layout/PageHeader";
import { SETTINGS_FIELDS, settingsSchema, type SettingsValues } from "@/components/catalog/catalogForms";
import { toNumberOrNull } from "@/components/spools/numbers";
import { Alert, ErrorAlert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Card, CardContent } from "@/components/ui/card";
import { Field } from "@/components/ui/field";
import { Input } from "@/components/ui/input";
import { Skeleton } from "@/components/ui/skeleton";
import { useCurrency } from "@/hooks/useCurrency";
import { useSaveForm } from "@/lib/forms";
import { toast } from "@/lib/toast";
import { useCatalogSettings, useUpdateCatalogSettings, type CatalogSettings } from "@/queries/catalog";

function SettingsForm({ settings }: { settings: CatalogSettings }) {
  const currency = useCurrency();
  const save = useUpdateCatalogSettings();
  const { form, onSubmit } = useSaveForm<SettingsValues>({
    resolver: zodResolver(settingsSchema),
    defaultValues: {
      labor_rate_per_hour: String(settings.labor_rate_per_hour),
      overhead_pct: String(settings.overhead_pct),
      price_multiplier: String(settings.price_multiplier),
    },
    fields: SETTINGS_FIELDS,
    onSave: async (values) => {
      const saved = await save.mutateAsync({
        labor_rate_per_hour: toNumberOrNull(values.labor_rate_per_hour),
        overhead_pct: toNumberOrNull(values.overhead_pct),
        price_multiplier: toNumberOrNull(values.price_multiplier),
      });
      form.reset({
        labor_rate_per_hour: String(saved.labor_rate_per_hour),
        overhead_pct: String(saved.overhead_pct),
        price_multiplier: String(saved.price_multiplier),
      });
      toast({ title: "Costing settings saved", description: "Every model and product cost now uses them." });
    },
  });
  const { errors, isSubmitting, isDirty } = form.formState;
  return (
    <form className="grid max-w-xl gap-4" onSubmit={onSubmit} noValidate>
      <Field label={`Labour rate (${currency} per hour)`} error={errors.labor_rate_per_hour?.message} hint="Models may override it.">
        <Input inputMode="decimal" {...form.register("labor_rate_per_hour")} />
      </Field>
      <Field label="Overhead (%)" error={errors.overhead_pct?.message} hint="Added to material, components and labour.">
        <Input inputMode="decimal" {...form.register("overhead_pct")} />
      </Field>
      <Field label="Price multiplier" error={errors.price_multiplier?.message} hint="Suggested price = make cost × this.">
        <Input inputMode="decimal" {...form.register("price_multiplier")} />
      </Field>
      {errors.root?.server ? <Alert variant="destructive">{errors.root.server.message}</Alert> : null}
      <div>
        <Button type="submit" disabled={isSubmitting || !isDirty}>
          {isSubmitting ? "Saving…" : "Save settings"}
        </Button>
      </div>
    </form>
  );
}

export default function CatalogSettingsPage() {
  const settings = useCatalogSettings();
  return (
    <>
      <PageHeader title="Costing" description="How every model and product cost and suggested price is worked out." />
      <Card>
        <CardContent className="pt-4">
          {settings.error ? (
            <ErrorAlert error={settings.error} />
          ) : !settings.data ? (
            <Skeleton className="h-48 w-full max-w-xl" />
          ) : (
            <SettingsForm settings={settings.data} />
          )}
        </CardContent>
      </Card>
    </>
  );
}
