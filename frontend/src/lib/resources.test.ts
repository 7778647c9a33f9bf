import { QueryClient } from "@tanstack/react-query";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { EVENTUAL_REFRESH_MS, RESOURCES, TOUCHES, touch, type Resource } from "@/lib/resources";

/** A client holding one fresh query per resource (a list and a detail under each). */
function clientWithEveryResource(): QueryClient {
  const client = new QueryClient({ defaultOptions: { queries: { staleTime: Infinity } } });
  for (const resource of RESOURCES) {
    client.setQueryData([resource, "list", { limit: 50 }], { items: [] });
    client.setQueryData([resource, "detail", "x"], { id: "x" });
  }
  return client;
}

function stale(client: QueryClient): Resource[] {
  return RESOURCES.filter((resource) => client.getQueryCache().findAll({ queryKey: [resource] }).every((q) => q.isStale()));
}

function freshen(client: QueryClient): void {
  for (const query of client.getQueryCache().getAll()) client.setQueryData(query.queryKey, query.state.data);
}

describe("touch (the invalidation rule)", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it("a spool write refreshes spools, stock figures and filament types at once, catalog costs too", () => {
    const client = clientWithEveryResource();
    touch(client, "spool.write");
    expect(stale(client).sort()).toEqual(["filament-types", "inventory", "locations", "models", "products", "spools"]);
  });

  it("asks again for event-driven data after 1, 3 and 8 seconds, and only for that", () => {
    const client = clientWithEveryResource();
    touch(client, "spool.write");
    for (const ms of EVENTUAL_REFRESH_MS) {
      freshen(client);
      expect(stale(client)).toEqual([]);
      vi.advanceTimersByTime(ms - (EVENTUAL_REFRESH_MS[EVENTUAL_REFRESH_MS.indexOf(ms) - 1] ?? 0));
      expect(stale(client).sort()).toEqual(["inventory", "models", "products"]);
    }
    freshen(client);
    vi.advanceTimersByTime(60_000);
    expect(stale(client)).toEqual([]);
  });

  it("the later refreshes can be cancelled", () => {
    const client = clientWithEveryResource();
    const cancel = touch(client, "filament-type.write");
    freshen(client);
    cancel();
    vi.advanceTimersByTime(10_000);
    expect(stale(client)).toEqual([]);
  });

  it("a write with no event-driven effect schedules nothing", () => {
    const client = clientWithEveryResource();
    touch(client, "product.price");
    expect(stale(client)).toEqual(["products"]);
    freshen(client);
    vi.advanceTimersByTime(10_000);
    expect(stale(client)).toEqual([]);
  });

  it("assembling moves model stock as well as the product's", () => {
    const client = clientWithEveryResource();
    touch(client, "product.assemble");
    expect(stale(client).sort()).toEqual(["models", "products"]);
  });

  it("a product write or a category rename refreshes the category counts with the products", () => {
    for (const mutation of ["product.write", "category.rename"] as const) {
      const client = clientWithEveryResource();
      touch(client, mutation);
      expect(stale(client).sort()).toEqual(["categories", "products"]);
    }
  });

  it("image writes refresh the product (its images' keys live under its detail)", () => {
    const client = clientWithEveryResource();
    client.setQueryData(["products", "detail", "x", "images"], { items: [] });
    touch(client, "product.images");
    expect(stale(client)).toEqual(["products"]);
  });

  it("costing settings and channels reach the product figures", () => {
    expect(TOUCHES["catalog-settings.write"].now).toEqual(expect.arrayContaining(["models", "products"]));
    expect(TOUCHES["channel.write"].now).toEqual(expect.arrayContaining(["products", "sales-channels"]));
  });

  it("every inventory write that can move a cost per gram reaches the catalog costs eventually", () => {
    for (const mutation of ["spool.write", "spool.delete", "filament-type.write", "material-type.write"] as const) {
      const rule: { eventually?: readonly Resource[] } = TOUCHES[mutation];
      expect(rule.eventually).toEqual(expect.arrayContaining(["models", "products"]));
    }
  });

  it("a finished or reverted run refreshes the run now and, as inventory and the catalog book it, spools, stock and costs", () => {
    const rule: { now: readonly Resource[]; eventually?: readonly Resource[] } = TOUCHES["run.finish"];
    expect(rule.now).toEqual(expect.arrayContaining(["production-runs", "production-spools"]));
    expect(rule.eventually).toEqual(expect.arrayContaining(["production-runs", "spools", "inventory", "models", "products"]));
    // Planning or weighing changes reservations, which the production spool stock shows.
    expect(TOUCHES["run.write"].now).toEqual(expect.arrayContaining(["production-runs", "production-spools"]));
    expect(TOUCHES["printer.load"].now).toEqual(expect.arrayContaining(["printers", "production-spools"]));
  });

  it("names only known resources", () => {
    for (const rule of Object.values(TOUCHES) as { now: readonly string[]; eventually?: readonly string[] }[]) {
      for (const resource of [...rule.now, ...(rule.eventually ?? [])]) expect(RESOURCES).toContain(resource);
    }
  });
});

describe("touch while a hidden page's query is still fetching", () => {
  it("drops the answer read before the write and keeps the one read after", async () => {
    const client = new QueryClient({ defaultOptions: { queries: { staleTime: 15_000, retry: false } } });
    client.setQueryData(["sales-channels"], "before");
    let calls = 0;
    const queryFn = () => {
      calls += 1;
      const answer = calls === 1 ? "read before the write" : "read after the write";
      return new Promise<string>((resolve) => setTimeout(() => resolve(answer), 30));
    };
    // A page that has just unmounted left this request running; nothing observes the query any more.
    void client.prefetchQuery({ queryKey: ["sales-channels"], queryFn, staleTime: 0 });
    touch(client, "channel.write");
    await new Promise((resolve) => setTimeout(resolve, 100));
    const query = client.getQueryCache().find({ queryKey: ["sales-channels"] });
    expect(query?.state.data).toBe("read after the write");
    expect(calls).toBe(2);
  });
});
