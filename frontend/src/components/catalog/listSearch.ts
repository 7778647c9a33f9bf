/**
 * The filters of the models and products lists, kept in the URL (shareable, back button): q, active
 * (all / active / inactive), in stock only, category (products), sort and page.
 */
import { useCallback } from "react";
import { useSearchParams } from "react-router-dom";
import type { CatalogListParams, ProductListParams } from "@/queries/catalog";

export const CATALOG_PAGE_SIZE = 50;

export interface CatalogListSearch {
  q: string;
  active: "" | "true" | "false";
  inStock: boolean;
  category: string;
  sort: string;
  page: number;
}

export const DEFAULT_CATALOG_SEARCH: CatalogListSearch = { q: "", active: "true", inStock: false, category: "", sort: "sku", page: 0 };

export function parseCatalogSearch(params: URLSearchParams): CatalogListSearch {
  const active = params.get("active");
  const page = Number(params.get("page") ?? "0");
  return {
    q: params.get("q") ?? "",
    active: active === "" || active === "all" ? "" : active === "false" ? "false" : "true",
    inStock: params.get("in_stock") === "1",
    category: params.get("category") ?? "",
    sort: params.get("sort") ?? DEFAULT_CATALOG_SEARCH.sort,
    page: Number.isInteger(page) && page > 0 ? page : 0,
  };
}

export function formatCatalogSearch(search: CatalogListSearch): URLSearchParams {
  const out = new URLSearchParams();
  if (search.q) out.set("q", search.q);
  if (search.active !== "true") out.set("active", search.active === "" ? "all" : search.active);
  if (search.inStock) out.set("in_stock", "1");
  if (search.category) out.set("category", search.category);
  if (search.sort !== DEFAULT_CATALOG_SEARCH.sort) out.set("sort", search.sort);
  if (search.page > 0) out.set("page", String(search.page));
  return out;
}

export function toCatalogParams(search: CatalogListSearch): CatalogListParams {
  const q = search.q.trim();
  return {
    limit: CATALOG_PAGE_SIZE,
    offset: search.page * CATALOG_PAGE_SIZE,
    sort: search.sort,
    ...(q ? { q } : {}),
    ...(search.active ? { active: search.active === "true" } : {}),
    ...(search.inStock ? { "has-stock": true } : {}),
  };
}

export function toProductParams(search: CatalogListSearch): ProductListParams {
  const category = search.category.trim();
  return { ...toCatalogParams(search), ...(category ? { category } : {}) };
}

/** True when the list is narrowed by anything but the default "active only". */
export function isFiltered(search: CatalogListSearch): boolean {
  return search.q.trim() !== "" || search.active !== "true" || search.inStock || search.category.trim() !== "";
}

/** The search and an updater; any change but the page goes back to the first page. */
export function useCatalogListSearch(): [CatalogListSearch, (changes: Partial<CatalogListSearch>) => void] {
  const [params, setParams] = useSearchParams();
  const search = parseCatalogSearch(params);
  const update = useCallback(
    (changes: Partial<CatalogListSearch>) =>
      setParams(
        (current) => {
          const before = parseCatalogSearch(current);
          return formatCatalogSearch({ ...before, page: 0, ...changes });
        },
        { replace: true },
      ),
    [setParams],
  );
  return [search, update];
}
