/**
 * Stock reports for the dashboard and the filament types page. Every key starts with "inventory":
 * spool mutations elsewhere invalidate that prefix, so these refresh after any booking.
 */
import { useQuery } from "@tanstack/react-query";
import { inventoryApi, unwrap, type InventorySchemas } from "@/lib/api";

export type StockSummary = InventorySchemas["SummaryRead"];
export type StockSummaryItem = InventorySchemas["SummaryItem"];
export type LowStockReport = InventorySchemas["LowStockRead"];
export type LedgerRow = InventorySchemas["TransactionRead"];

export const inventoryKeys = {
  all: ["inventory"] as const,
  summary: () => ["inventory", "summary"] as const,
  lowStock: () => ["inventory", "low-stock"] as const,
  recentTransactions: (limit: number) => ["inventory", "transactions", { limit, sort: "-created_at" }] as const,
};

export function useStockSummary() {
  return useQuery({
    queryKey: inventoryKeys.summary(),
    queryFn: async () => unwrap(await inventoryApi.GET("/api/v1/inventory/summary")),
  });
}

export function useLowStock() {
  return useQuery({
    queryKey: inventoryKeys.lowStock(),
    queryFn: async () => unwrap(await inventoryApi.GET("/api/v1/inventory/low-stock")),
  });
}

/** The newest ledger rows across all spools (the API sorts only by created_at). */
export function useRecentTransactions(limit = 10) {
  return useQuery({
    queryKey: inventoryKeys.recentTransactions(limit),
    queryFn: async () =>
      unwrap(await inventoryApi.GET("/api/v1/inventory/transactions", { params: { query: { limit, sort: "-created_at" } } })),
  });
}
