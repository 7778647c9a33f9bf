/** Event types grouped by the service that publishes them (the part before the first dot), in catalogue order. */
export interface EventGroup {
  label: string;
  types: { type: string; description: string }[];
}

const GROUP_LABELS: Record<string, string> = {
  auth: "Shop",
  inventory: "Inventory",
  catalog: "Catalog",
  production: "Production",
};

export function groupEventTypes(types: readonly { type: string; description: string }[]): EventGroup[] {
  const groups = new Map<string, EventGroup>();
  for (const eventType of types) {
    const service = eventType.type.split(".")[0] ?? eventType.type;
    const group = groups.get(service) ?? { label: GROUP_LABELS[service] ?? service, types: [] };
    group.types.push(eventType);
    groups.set(service, group);
  }
  return [...groups.values()];
}

/** "inventory.spool.created.v1" → "spool created" (the service is the group's name; the version is not news). */
export function shortEventName(type: string): string {
  const parts = type.split(".");
  const words = parts.slice(1).filter((part) => !/^v\d+$/.test(part));
  return words.join(" ").replaceAll("_", " ");
}
