/**
 * Product categories: names with their product counts (GET /api/v1/categories, one page), and renaming one
 * on every product that has it (renaming to a name in use merges the two). Keys start with "categories".
 */
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { catalogApi, unwrap, type CatalogSchemas } from "@/lib/api";
import { touch } from "@/lib/resources";

export type Category = CatalogSchemas["CategoryRead"];
export type CategoryRenamed = CatalogSchemas["CategoryRenamed"];

export const categoryKeys = { all: ["categories"] as const };

export function useCategories() {
  return useQuery({
    queryKey: categoryKeys.all,
    queryFn: async ({ signal }) => unwrap(await catalogApi.GET("/api/v1/categories", { signal })),
  });
}

export function useRenameCategory() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async ({ from, to }: { from: string; to: string }) =>
      unwrap(await catalogApi.PATCH("/api/v1/categories/{name}", { params: { path: { name: from } }, body: { name: to } })),
    onSuccess: () => touch(queryClient, "category.rename"),
  });
}
