/**
 * The spools list's state lives in the URL (?page=2&sort=-remaining_pct&q=black&material=PLA...), so a
 * reload, the back button or a shared link shows the same page.
 */
import { useCallback, useMemo } from "react";
import { useSearchParams } from "react-router-dom";
import { parseSort } from "@/components/spools/SpoolTable";
import { SPOOL_SORT_FIELDS, type SpoolListParams } from "@/queries/spools";

export const SPOOLS_PAGE_SIZE = 50;

export interface SpoolListSearch {
  /** 1-based. */
  page: number;
  sort: string;
  q: string;
  material: string;
  filamentTypeId: string;
  location: string;
  lowStock: boolean;
  archived: boolean;
}

const PARAM: Record<keyof SpoolListSearch, string> = {
  page: "page",
  sort: "sort",
  q: "q",
  material: "material",
  filamentTypeId: "type",
  location: "location",
  lowStock: "low",
  archived: "archived",
};

// sort "" is the API's default: relevance while searching (q), else the code order.
const DEFAULTS: SpoolListSearch = { page: 1, sort: "", q: "", material: "", filamentTypeId: "", location: "", lowStock: false, archived: false };

function read(params: URLSearchParams): SpoolListSearch {
  const page = Number(params.get(PARAM.page));
  return {
    page: Number.isInteger(page) && page > 0 ? page : 1,
    sort: params.get(PARAM.sort) ?? DEFAULTS.sort,
    q: params.get(PARAM.q) ?? "",
    material: params.get(PARAM.material) ?? "",
    filamentTypeId: params.get(PARAM.filamentTypeId) ?? "",
    location: params.get(PARAM.location) ?? "",
    lowStock: params.get(PARAM.lowStock) === "1",
    archived: params.get(PARAM.archived) === "1",
  };
}

function write(search: SpoolListSearch): URLSearchParams {
  const params = new URLSearchParams();
  for (const key of Object.keys(PARAM) as (keyof SpoolListSearch)[]) {
    const value = search[key];
    if (value === DEFAULTS[key]) continue; // defaults stay out of the URL
    params.set(PARAM[key], typeof value === "boolean" ? "1" : String(value));
  }
  return params;
}

export function hasFilters(search: SpoolListSearch): boolean {
  return search.q !== "" || search.material !== "" || search.filamentTypeId !== "" || search.location !== "" || search.lowStock || search.archived;
}

/** The API's query for this state. */
export function toListParams(search: SpoolListSearch): SpoolListParams {
  const sort = parseSort(search.sort || "code", SPOOL_SORT_FIELDS);
  const q = search.q.trim();
  return {
    limit: SPOOLS_PAGE_SIZE,
    offset: (search.page - 1) * SPOOLS_PAGE_SIZE,
    // A search without a chosen sort is ranked by relevance, the API's default when q is given.
    sort: search.sort === "" && q ? undefined : sort.descending ? `-${sort.field}` : sort.field,
    q: q || undefined,
    material: search.material || undefined,
    filament_type_id: search.filamentTypeId || undefined,
    location: search.location.trim() || undefined,
    low_stock: search.lowStock || undefined,
    // "Show archived" includes them (the API's default lists active spools only).
    archived: search.archived ? "true" : undefined,
  };
}

export type UpdateSpoolListSearch = (patch: Partial<SpoolListSearch>, options?: { replace?: boolean }) => void;

/** The current state and an updater; changing anything but the page goes back to page 1. */
export function useSpoolListSearch(): [SpoolListSearch, UpdateSpoolListSearch] {
  const [params, setParams] = useSearchParams();
  const search = useMemo(() => read(params), [params]);
  const update = useCallback<UpdateSpoolListSearch>(
    (patch, options) => {
      setParams(
        (current) => {
          const next = { ...read(current), ...patch };
          if (patch.page === undefined) next.page = 1;
          return write(next);
        },
        { replace: options?.replace ?? false },
      );
    },
    [setParams],
  );
  return [search, update];
}

export const EMPTY_FILTERS: Partial<SpoolListSearch> = { q: "", material: "", filamentTypeId: "", location: "", lowStock: false, archived: false };
