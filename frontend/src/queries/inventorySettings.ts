/** The shop's inventory money settings: its currency and the rate that converts the global (EUR) costs. */
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { inventoryApi, unwrap, type InventorySchemas } from "@/lib/api";

export type InventorySettings = InventorySchemas["SettingsRead"];
export type InventorySettingsWrite = InventorySchemas["SettingsWrite"];

export const inventorySettingsKeys = { all: ["inventory", "settings"] as const };

export function useInventorySettings() {
  return useQuery({
    queryKey: inventorySettingsKeys.all,
    queryFn: async () => unwrap(await inventoryApi.GET("/api/v1/inventory/settings")),
  });
}

export function useSaveInventorySettings() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (body: InventorySettingsWrite) => unwrap(await inventoryApi.PUT("/api/v1/inventory/settings", { body })),
    onSuccess: async (saved) => {
      queryClient.setQueryData(inventorySettingsKeys.all, saved);
      // Global costs and the estimates built on them change with the rate.
      await Promise.all(["material-types", "filament-types", "inventory"].map((key) => queryClient.invalidateQueries({ queryKey: [key] })));
    },
  });
}
