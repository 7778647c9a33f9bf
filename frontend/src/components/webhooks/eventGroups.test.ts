import { groupEventTypes, shortEventName } from "@/components/webhooks/eventGroups";

describe("event type groups", () => {
  it("groups by the publishing service, keeping the catalogue's order", () => {
    const groups = groupEventTypes([
      { type: "auth.tenant.created.v1", description: "a" },
      { type: "inventory.spool.created.v1", description: "b" },
      { type: "inventory.stock.low.v1", description: "c" },
      { type: "production.run.completed.v1", description: "d" },
    ]);
    expect(groups.map((g) => [g.label, g.types.map((t) => t.type)])).toEqual([
      ["Shop", ["auth.tenant.created.v1"]],
      ["Inventory", ["inventory.spool.created.v1", "inventory.stock.low.v1"]],
      ["Production", ["production.run.completed.v1"]],
    ]);
  });

  it("names an event without its service and version", () => {
    expect(shortEventName("inventory.filament_type.updated.v1")).toBe("filament type updated");
    expect(shortEventName("production.run.completed.v1")).toBe("run completed");
  });
});
