/** Renames a category on every product that has it; a name already in use merges the two (said before saving). */
import { useState, type FormEvent, type ReactNode } from "react";
import { ErrorAlert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Dialog, DialogContent, DialogDescription, DialogFooter, DialogHeader, DialogTitle, DialogTrigger } from "@/components/ui/dialog";
import { Field } from "@/components/ui/field";
import { Input } from "@/components/ui/input";
import { ApiError, fieldMessages } from "@/lib/errors";
import { toast } from "@/lib/toast";
import { useRenameCategory, type Category } from "@/queries/categories";

const MAX_NAME = 64;

function RenameForm({ category, others, onDone }: { category: Category; others: Category[]; onDone: () => void }) {
  const rename = useRenameCategory();
  const [name, setName] = useState(category.name);
  const [clientError, setClientError] = useState<string | undefined>();
  const [error, setError] = useState<unknown>(null);
  const target = name.trim();
  const mergeWith = others.find((other) => other.name === target && other.name !== category.name);

  const onSubmit = async (event: FormEvent) => {
    event.preventDefault();
    setError(null);
    if (target === "") return setClientError("Enter the new name.");
    if (target.length > MAX_NAME) return setClientError(`At most ${MAX_NAME} characters.`);
    if (target === category.name) return setClientError("That is already its name.");
    setClientError(undefined);
    try {
      const result = await rename.mutateAsync({ from: category.name, to: target });
      toast({
        title: result.merged ? `Merged “${category.name}” into “${result.name}”` : `Renamed “${category.name}” to “${result.name}”`,
        description: `${result.renamed_products} product${result.renamed_products === 1 ? "" : "s"} changed; “${result.name}” now has ${result.product_count}.`,
      });
      onDone();
    } catch (caught) {
      setError(caught);
    }
  };

  const apiField = fieldMessages(error).name;
  const gone = error instanceof ApiError && error.status === 404;
  return (
    <form className="grid gap-4" onSubmit={(event) => void onSubmit(event)} noValidate>
      <Field
        label="New name"
        error={clientError ?? apiField}
        hint={mergeWith ? `“${mergeWith.name}” already exists (${mergeWith.product_count} products): the two will be merged.` : "Applied to every product in this category."}
      >
        <Input value={name} autoFocus maxLength={MAX_NAME + 10} onChange={(event) => setName(event.target.value)} />
      </Field>
      {gone ? (
        <p role="alert" className="text-sm text-destructive">
          No product has “{category.name}” any more (someone else changed it). Close and look at the list again.
        </p>
      ) : error && !apiField ? (
        <ErrorAlert error={error} />
      ) : null}
      <DialogFooter>
        <Button type="button" variant="outline" onClick={onDone}>
          Cancel
        </Button>
        <Button type="submit" disabled={rename.isPending}>
          {rename.isPending ? "Saving…" : mergeWith ? "Merge categories" : "Rename"}
        </Button>
      </DialogFooter>
    </form>
  );
}

export function RenameCategoryDialog({ category, others, trigger }: { category: Category; others: Category[]; trigger: ReactNode }) {
  const [open, setOpen] = useState(false);
  return (
    <Dialog open={open} onOpenChange={setOpen}>
      <DialogTrigger asChild>{trigger}</DialogTrigger>
      <DialogContent className="max-w-md">
        <DialogHeader>
          <DialogTitle>Rename “{category.name}”</DialogTitle>
          <DialogDescription>
            {category.product_count} product{category.product_count === 1 ? "" : "s"} use{category.product_count === 1 ? "s" : ""} it. To merge it into
            another category, give it that category’s name.
          </DialogDescription>
        </DialogHeader>
        {open ? <RenameForm category={category} others={others} onDone={() => setOpen(false)} /> : null}
      </DialogContent>
    </Dialog>
  );
}
