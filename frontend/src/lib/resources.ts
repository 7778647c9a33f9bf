/**
 * The one invalidation rule of the data layer: every query key starts with the resource it shows
 * (["spools", …], ["models", …]), and every write names itself in TOUCHES with the resources it changes.
 * `now` is refreshed at once; `eventually` is what another service recomputes from events after the write
 * (e.g. a spool's price moves the filament type's cost in inventory, which reaches the catalog's model and
 * product costs by an event), so it is refreshed now and again after 1, 3 and 8 seconds. No page keeps a
 * number a write made stale, whichever page made the write.
 */
import { useQueryClient, type QueryClient } from "@tanstack/react-query";

export const RESOURCES = [
  "inventory", // stock summary, low stock, the shop-wide ledger (dashboard)
  "spools",
  "filament-types",
  "material-types",
  "models",
  "products",
  "sales-channels",
  "catalog-settings",
  // webextra: product categories (names with counts) and production runs read by the dashboard/analytics.
  "categories",
  "production-runs",
  // webruns: printers and the spool stock with the reservations production computes.
  "printers",
  "production-spools",
  // places: locations with their spool counts and grams, and each spool's history of moves.
  "locations",
  // partners: webhook endpoints and their delivery logs (keys under ["webhooks", …]).
  "webhooks",
] as const;
export type Resource = (typeof RESOURCES)[number];

export interface Touches {
  now: readonly Resource[];
  eventually?: readonly Resource[];
}

/** Catalog costs follow inventory's filament type costs by events. */
const CATALOG_COSTS: readonly Resource[] = ["models", "products"];

/** What a finished (or reverted) run changes in the other services, by events. */
const RUN_OUTCOME: readonly Resource[] = ["production-runs", "production-spools", "spools", "inventory", "filament-types", ...CATALOG_COSTS];

export const TOUCHES = {
  // Inventory: a spool's weight or price changes the stock figures and its type's cost per gram.
  "spool.write": { now: ["spools", "inventory", "filament-types", "locations"], eventually: ["inventory", ...CATALOG_COSTS] },
  "spool.delete": { now: ["spools", "inventory", "filament-types", "locations"], eventually: ["inventory", ...CATALOG_COSTS] },
  // places: a rename or merge rewrites the location of every spool stored there.
  "location.write": { now: ["locations", "spools"] },
  "filament-type.write": { now: ["filament-types", "inventory", "spools"], eventually: CATALOG_COSTS },
  // A material's typical cost is the fallback cost per gram of its filament types.
  "material-type.write": { now: ["material-types", "filament-types", "inventory"], eventually: CATALOG_COSTS },
  // Catalog: a product's make cost is computed from its models' costs when read.
  "model.write": { now: ["models", "products"] },
  "model.stock": { now: ["models", "products"] },
  "product.write": { now: ["products", "categories"] }, // webextra: a product carries its categories
  "product.stock": { now: ["products"] },
  "product.assemble": { now: ["products", "models"] },
  "product.price": { now: ["products"] },
  "channel.write": { now: ["sales-channels", "products"] },
  "catalog-settings.write": { now: ["catalog-settings", ...CATALOG_COSTS] },
  // webextra: a product's images (keys under ["products", "detail", id, "images"]; the list shows no image).
  "product.images": { now: ["products"] },
  // A rename or merge changes the categories of every product that had the old name.
  "category.rename": { now: ["categories", "products"] },
  // webruns — production: loading a spool changes where the spool is; a run's plan reserves grams on its spools.
  "printer.write": { now: ["printers", "production-spools"] },
  "printer.load": { now: ["printers", "production-spools"] },
  "run.write": { now: ["production-runs", "production-spools"] },
  // Complete, fail, cancel, revert: inventory books the grams and the catalog the units and actual cost from
  // the run's event; the run's deduction goes pending → applied when inventory answers.
  "run.finish": { now: ["production-runs", "production-spools"], eventually: RUN_OUTCOME },
  // partners: a delivery is attempted by the webhooks worker after the request, so its log row changes later.
  "webhook.write": { now: ["webhooks"] },
  "webhook.deliver": { now: ["webhooks"], eventually: ["webhooks"] },
} as const satisfies Record<string, Touches>;

export type Mutation = keyof typeof TOUCHES;

/** When event-driven data is asked for again after a write (ms). */
export const EVENTUAL_REFRESH_MS = [1_000, 3_000, 8_000] as const;

function refresh(queryClient: QueryClient, resources: readonly Resource[]): void {
  for (const resource of new Set(resources)) {
    void queryClient.invalidateQueries({ queryKey: [resource] });
    // A query no page shows any more can still be fetching: its request may have been read before the write,
    // and its answer would land marked fresh, hiding the write for the whole staleTime. Ask it again (the
    // old request is dropped), so what lands is read after the write.
    void queryClient.refetchQueries({
      queryKey: [resource],
      type: "inactive",
      predicate: (query) => query.state.fetchStatus === "fetching",
    });
  }
}

/** Marks stale what `mutation` changed; returns a function that cancels the pending later refreshes. */
export function touch(queryClient: QueryClient, mutation: Mutation): () => void {
  const rule: Touches = TOUCHES[mutation];
  refresh(queryClient, [...rule.now, ...(rule.eventually ?? [])]);
  const later = rule.eventually ?? [];
  if (later.length === 0) return () => undefined;
  const timers = EVENTUAL_REFRESH_MS.map((ms) => setTimeout(() => refresh(queryClient, later), ms));
  return () => timers.forEach(clearTimeout);
}

/** `touch` bound to the app's QueryClient, for a mutation's onSuccess. */
export function useTouch(): (mutation: Mutation) => void {
  const queryClient = useQueryClient();
  return (mutation) => {
    touch(queryClient, mutation);
  };
}
