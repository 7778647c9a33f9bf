/**
 * Add or edit a product: SKU, name, packaging and assembly, categories, models × quantity and child
 * products (a bundle). A bundle loop is refused by the API with 409 naming the loop; it lands on the
 * child products, a taken SKU on the SKU.
 */
import { zodResolver } from "@hookform/resolvers/zod";
import { Plus, Trash2 } from "lucide-react";
import { useEffect, useState, type ReactNode } from "react";
import { etagOf } from "@/lib/etags";
import { useFieldArray, useForm } from "react-hook-form";
import { useNavigate } from "react-router-dom";
import {
  EMPTY_PRODUCT,
  PRODUCT_FIELDS,
  productErrorField,
  productSchema,
  productToValues,
  productValuesToBody,
  type ProductValues,
} from "@/components/catalog/catalogForms";
import { ErrorAlert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Dialog, DialogContent, DialogDescription, DialogHeader, DialogTitle, DialogTrigger } from "@/components/ui/dialog";
import { Field } from "@/components/ui/field";
import { FormActions } from "@/components/ui/form-actions";
import { Input } from "@/components/ui/input";
import { NativeSelect } from "@/components/ui/native-select";
import { Spinner } from "@/components/ui/spinner";
import { Textarea } from "@/components/ui/textarea";
import { useCurrency } from "@/hooks/useCurrency";
import { formatMoney } from "@/lib/format";
import { applyApiErrors } from "@/lib/forms";
import { toast } from "@/lib/toast";
import { fetchNextSku, useCreateProduct, useModels, useProducts, useUpdateProduct, type Product } from "@/queries/catalog";

const CHOICES = { limit: 200, offset: 0, sort: "sku" } as const;

function ProductForm({ product, onDone }: { product?: Product | undefined; onDone: () => void }) {
  const currency = useCurrency();
  const navigate = useNavigate();
  const create = useCreateProduct();
  const update = useUpdateProduct();
  // The version this form opened with: its save never overwrites a change saved after that (lib/etags).
  const [etag] = useState(() => etagOf(product));
  const models = useModels(CHOICES);
  const products = useProducts(CHOICES);
  const form = useForm<ProductValues>({
    resolver: zodResolver(productSchema),
    defaultValues: product ? productToValues(product) : EMPTY_PRODUCT,
  });
  const modelLines = useFieldArray({ control: form.control, name: "models" });
  const childLines = useFieldArray({ control: form.control, name: "children" });
  const { errors } = form.formState;

  useEffect(() => {
    if (product) return;
    let live = true;
    fetchNextSku("PRD").then(
      (sku) => {
        if (live && form.getValues("sku") === "") form.setValue("sku", sku);
      },
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, [form, product]);

  const onSubmit = form.handleSubmit(async (values) => {
    const body = productValuesToBody(values);
    try {
      const saved = product ? await update.mutateAsync({ id: product.id, body, etag }) : await create.mutateAsync(body);
      toast({ title: product ? "Product saved" : "Product added", description: `${saved.sku} ${saved.name}` });
      onDone();
      if (!product) navigate(`/products/${saved.id}`);
    } catch (error) {
      const field = productErrorField(error);
      if (field) {
        form.setError(field, { type: "server", message: (error as Error).message });
        return;
      }
      applyApiErrors(error, form.setError, PRODUCT_FIELDS);
    }
  });

  const childChoices = products.data?.items.filter((item) => item.id !== product?.id) ?? [];

  return (
    <form className="grid gap-4" onSubmit={onSubmit} noValidate>
      <div className="grid items-start gap-4 sm:grid-cols-[10rem_1fr]">
        <Field label="SKU" error={errors.sku?.message}>
          <Input autoComplete="off" className="font-mono uppercase" {...form.register("sku")} />
        </Field>
        <Field label="Name" error={errors.name?.message}>
          <Input autoComplete="off" {...form.register("name")} />
        </Field>
      </div>
      <Field label="Description" error={errors.description?.message}>
        <Textarea rows={2} {...form.register("description")} />
      </Field>
      <div className="grid items-start gap-4 sm:grid-cols-3">
        <Field label="Packaging cost" error={errors.packaging_cost?.message}>
          <Input inputMode="decimal" {...form.register("packaging_cost")} />
        </Field>
        <Field label="Assembly (min)" error={errors.assembly_minutes?.message} hint="At the shop's labour rate.">
          <Input inputMode="decimal" {...form.register("assembly_minutes")} />
        </Field>
        <Field label="Categories" error={errors.categories?.message} hint="Comma-separated, e.g. Gifts, Keyrings">
          <Input autoComplete="off" {...form.register("categories")} />
        </Field>
      </div>
      <label className="flex items-center gap-2 text-sm">
        <input type="checkbox" className="size-4 accent-primary" {...form.register("is_active")} />
        Active (for sale)
      </label>
      {models.error ? <ErrorAlert error={models.error} /> : null}
      {!models.data || !products.data ? (
        <Spinner label="Loading models and products" />
      ) : (
        <>
          <fieldset className="grid gap-2">
            <legend className="mb-1 text-sm font-medium">Models in one unit</legend>
            {errors.models?.message ? (
              <p role="alert" className="text-xs font-medium text-destructive">
                {errors.models.message}
              </p>
            ) : null}
            {modelLines.fields.map((field, index) => (
              <div key={field.id} className="grid grid-cols-[1fr_6rem_auto] items-start gap-2">
                <Field label={`Model ${index + 1}`} error={errors.models?.[index]?.model_id?.message}>
                  <NativeSelect {...form.register(`models.${index}.model_id`)}>
                    <option value="">Choose a model…</option>
                    {models.data.items.map((model) => (
                      <option key={model.id} value={model.id}>
                        {model.sku} {model.name} — {formatMoney(model.cost.total, currency)}
                      </option>
                    ))}
                  </NativeSelect>
                </Field>
                <Field label="Quantity" error={errors.models?.[index]?.quantity?.message}>
                  <Input inputMode="numeric" {...form.register(`models.${index}.quantity`)} />
                </Field>
                <div className="pt-6">
                  <Button variant="ghost" size="icon" aria-label={`Remove model ${index + 1}`} onClick={() => modelLines.remove(index)}>
                    <Trash2 />
                  </Button>
                </div>
              </div>
            ))}
            <div>
              <Button variant="outline" size="sm" onClick={() => modelLines.append({ model_id: "", quantity: "1" })}>
                <Plus />
                Add a model
              </Button>
            </div>
          </fieldset>
          <fieldset className="grid gap-2">
            <legend className="mb-1 text-sm font-medium">Products in this bundle</legend>
            {errors.children?.message ? (
              <p role="alert" className="text-xs font-medium text-destructive" data-testid="children-error">
                {errors.children.message}
              </p>
            ) : null}
            {childLines.fields.map((field, index) => (
              <div key={field.id} className="grid grid-cols-[1fr_6rem_auto] items-start gap-2">
                <Field label={`Product ${index + 1}`} error={errors.children?.[index]?.product_id?.message}>
                  <NativeSelect {...form.register(`children.${index}.product_id`)}>
                    <option value="">Choose a product…</option>
                    {childChoices.map((item) => (
                      <option key={item.id} value={item.id}>
                        {item.sku} {item.name}
                      </option>
                    ))}
                  </NativeSelect>
                </Field>
                <Field label="Quantity" error={errors.children?.[index]?.quantity?.message}>
                  <Input inputMode="numeric" {...form.register(`children.${index}.quantity`)} />
                </Field>
                <div className="pt-6">
                  <Button variant="ghost" size="icon" aria-label={`Remove product ${index + 1}`} onClick={() => childLines.remove(index)}>
                    <Trash2 />
                  </Button>
                </div>
              </div>
            ))}
            <div>
              <Button variant="outline" size="sm" onClick={() => childLines.append({ product_id: "", quantity: "1" })} disabled={childChoices.length === 0}>
                <Plus />
                Add a product
              </Button>
            </div>
          </fieldset>
        </>
      )}
      <FormActions formState={form.formState} submitLabel={product ? "Save" : "Add product"} pendingLabel="Saving…" onCancel={onDone} />
    </form>
  );
}

export function ProductDialog({ product, trigger }: { product?: Product; trigger: ReactNode }) {
  const [open, setOpen] = useState(false);
  return (
    <Dialog open={open} onOpenChange={setOpen}>
      <DialogTrigger asChild>{trigger}</DialogTrigger>
      <DialogContent className="max-h-[90dvh] max-w-3xl overflow-y-auto">
        <DialogHeader>
          <DialogTitle>{product ? `Edit ${product.sku}` : "Add product"}</DialogTitle>
          <DialogDescription>What you sell: models, and for a bundle other products, with packaging and assembly.</DialogDescription>
        </DialogHeader>
        {open ? <ProductForm product={product} onDone={() => setOpen(false)} /> : null}
      </DialogContent>
    </Dialog>
  );
}
