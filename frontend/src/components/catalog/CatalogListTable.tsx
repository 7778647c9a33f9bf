/** The body of a catalog list page (models, products): error, loading, empty or no match, else the table and its pager. */
import type { ReactNode } from "react";
import { CATALOG_PAGE_SIZE, isFiltered, type CatalogListSearch } from "@/components/catalog/listSearch";
import { Pager } from "@/components/spools/Pager";
import { ErrorAlert } from "@/components/ui/alert";
import { EmptyState } from "@/components/ui/empty-state";
import { TableSkeleton } from "@/components/ui/skeleton";
import { Table, TableBody, TableHeader, TableRow } from "@/components/ui/table";

interface CatalogListTableProps<T> {
  /** Plural noun of the list, as in "No models yet". */
  what: string;
  list: { error: unknown; data: { items: T[]; total: number } | undefined };
  search: CatalogListSearch;
  onChange: (changes: Partial<CatalogListSearch>) => void;
  /** The add button of the page (null for those who cannot add), offered again when the list is empty. */
  addButton: ReactNode;
  /** What the empty list is for, shown before the first item is added. */
  emptyHelp: ReactNode;
  /** The header cells of the table. */
  head: ReactNode;
  row: (item: T) => ReactNode;
}

export function CatalogListTable<T>({ what, list, search, onChange, addButton, emptyHelp, head, row }: CatalogListTableProps<T>) {
  if (list.error) return <ErrorAlert error={list.error} />;
  if (!list.data) return <TableSkeleton rows={6} />;
  if (list.data.items.length === 0) {
    return isFiltered(search) ? (
      <EmptyState title={`No ${what} match`}>Try another search or filter.</EmptyState>
    ) : (
      <EmptyState title={`No ${what} yet`} action={addButton}>
        {emptyHelp}
      </EmptyState>
    );
  }
  return (
    <>
      <Table>
        <TableHeader>
          <TableRow>{head}</TableRow>
        </TableHeader>
        <TableBody>{list.data.items.map(row)}</TableBody>
      </Table>
      <Pager
        offset={search.page * CATALOG_PAGE_SIZE}
        limit={CATALOG_PAGE_SIZE}
        total={list.data.total}
        onPrevious={() => onChange({ page: Math.max(0, search.page - 1) })}
        onNext={() => onChange({ page: search.page + 1 })}
      />
    </>
  );
}
