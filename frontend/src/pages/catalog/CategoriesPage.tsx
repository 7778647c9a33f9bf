/** /categories: the product categories in use with their counts; members rename or merge them. */
import { Pencil } from "lucide-react";
import { Link } from "react-router-dom";
import { RenameCategoryDialog } from "@/components/categories/RenameCategoryDialog";
import { PageHeader } from "@/components/layout/PageHeader";
import { ErrorAlert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { EmptyState } from "@/components/ui/empty-state";
import { TableSkeleton } from "@/components/ui/skeleton";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { useAuth } from "@/hooks/useAuth";
import { useCategories } from "@/queries/categories";

export default function CategoriesPage() {
  const { can } = useAuth();
  const categories = useCategories();
  const canWrite = can("member");
  const items = categories.data?.items ?? [];
  return (
    <>
      <PageHeader title="Categories" description="How products are grouped. A category exists while a product has it; set them on the product." />
      {categories.error ? (
        <ErrorAlert error={categories.error} />
      ) : !categories.data ? (
        <TableSkeleton rows={4} />
      ) : items.length === 0 ? (
        <EmptyState title="No categories yet">Give a product a category in its editor and it shows up here.</EmptyState>
      ) : (
        <Table aria-label="Categories">
          <TableHeader>
            <TableRow>
              <TableHead>Name</TableHead>
              <TableHead className="text-right">Products</TableHead>
              {canWrite ? <TableHead className="w-0 text-right">Actions</TableHead> : null}
            </TableRow>
          </TableHeader>
          <TableBody>
            {items.map((category) => (
              <TableRow key={category.name}>
                <TableCell className="font-medium">{category.name}</TableCell>
                <TableCell className="text-right tabular-nums">
                  <Link to={`/products?${new URLSearchParams({ category: category.name, active: "all" })}`} className="underline-offset-4 hover:underline"
                    aria-label={`${category.product_count} products in ${category.name}`}
                  >
                    {category.product_count}
                  </Link>
                </TableCell>
                {canWrite ? (
                  <TableCell className="text-right">
                    <RenameCategoryDialog
                      category={category}
                      others={items}
                      trigger={
                        <Button size="sm" variant="outline" aria-label={`Rename ${category.name}`}>
                          <Pencil />
                          Rename
                        </Button>
                      }
                    />
                  </TableCell>
                ) : null}
              </TableRow>
            ))}
          </TableBody>
        </Table>
      )}
    </>
  );
}
