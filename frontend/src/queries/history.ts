/**
 * The shop-wide ledger (cursor pages, CSV download) and usage statistics. Keys start with "inventory":
 * every spool mutation invalidates that prefix, so the history refreshes after any booking.
 */
import { useInfiniteQuery, useQuery } from "@tanstack/react-query";
import { inventoryApi, unwrap, type InventorySchemas } from "@/lib/api";
import { ApiError } from "@/lib/errors";
import { session } from "@/lib/session";

export type LedgerEntry = InventorySchemas["LedgerEntry"];
export type LedgerPage = InventorySchemas["LedgerPage"];
export type LedgerKind = LedgerEntry["kind"];
export type UsageRead = InventorySchemas["UsageRead"];
export type UsageItem = InventorySchemas["UsageItem"];
export type UsageGroup = UsageRead["group"];

export const LEDGER_KINDS: LedgerKind[] = ["purchase", "usage", "waste", "adjustment", "return"];

/** What the history page filters by, as typed (dates are calendar days, `YYYY-MM-DD`, both inclusive). */
export interface HistoryFilters {
  from?: string;
  to?: string;
  kind?: LedgerKind;
  spool?: string;
  material?: string;
  run?: string;
}

/** The API's query for these filters: days become the local day's start (`from`) and the next day's start
 * (`to`, exclusive), as ISO instants; empty text filters are left out. */
export function ledgerQuery(filters: HistoryFilters): Record<string, string> {
  const query: Record<string, string> = {};
  if (filters.from) query.from = startOfDay(filters.from).toISOString();
  if (filters.to) {
    const end = startOfDay(filters.to);
    end.setDate(end.getDate() + 1);
    query.to = end.toISOString();
  }
  if (filters.kind) query.kind = filters.kind;
  for (const name of ["spool", "material", "run"] as const) {
    const value = filters[name]?.trim();
    if (value) query[name] = value;
  }
  return query;
}

function startOfDay(day: string): Date {
  const [y, m, d] = day.split("-").map(Number);
  return new Date(y ?? 1970, (m ?? 1) - 1, d ?? 1);
}

export const historyKeys = {
  ledger: (query: Record<string, string>) => ["inventory", "history", "ledger", query] as const,
  usage: (group: UsageGroup, from: string | undefined, to: string | undefined) => ["inventory", "history", "usage", { group, from, to }] as const,
};

export const LEDGER_PAGE_SIZE = 50;

export function useLedger(filters: HistoryFilters) {
  const query = ledgerQuery(filters);
  return useInfiniteQuery({
    queryKey: historyKeys.ledger(query),
    initialPageParam: null as string | null,
    queryFn: async ({ pageParam }) =>
      unwrap(
        await inventoryApi.GET("/api/v1/inventory/transactions", {
          params: { query: { ...query, limit: LEDGER_PAGE_SIZE, ...(pageParam ? { cursor: pageParam } : {}) } },
        }),
      ),
    getNextPageParam: (last: LedgerPage) => last.next_cursor ?? undefined,
  });
}

export function useUsage(group: UsageGroup, filters: HistoryFilters) {
  const { from, to } = ledgerQuery({ from: filters.from, to: filters.to });
  return useQuery({
    queryKey: historyKeys.usage(group, from, to),
    queryFn: async () =>
      unwrap(await inventoryApi.GET("/api/v1/inventory/usage", { params: { query: { group, ...(from ? { from } : {}), ...(to ? { to } : {}) } } })),
  });
}

/** The CSV's address for these filters (the same the list uses). */
export function csvUrl(filters: HistoryFilters): string {
  const params = new URLSearchParams(ledgerQuery(filters));
  const text = params.toString();
  return `/api/v1/inventory/transactions.csv${text ? `?${text}` : ""}`;
}

/** Downloads the filtered ledger as transactions.csv (through the session: the API needs the token). */
export async function downloadCsv(filters: HistoryFilters): Promise<void> {
  const response = await session.fetch(new Request(csvUrl(filters)));
  if (!response.ok) {
    let body: unknown = null;
    try {
      body = await response.json();
    } catch {
      body = null;
    }
    throw ApiError.fromBody(response.status, body);
  }
  const blob = await response.blob();
  const href = URL.createObjectURL(blob);
  const link = document.createElement("a");
  link.href = href;
  link.download = "transactions.csv";
  document.body.append(link);
  link.click();
  link.remove();
  // Give the browser the tick it needs to start the download before the URL goes.
  setTimeout(() => URL.revokeObjectURL(href), 1000);
}
