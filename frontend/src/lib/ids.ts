/** The canonical text form of a UUID (any case): the ids of every resource the API returns. */
export const UUID_SOURCE = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";

const WHOLE_UUID = new RegExp(`^${UUID_SOURCE}$`, "i");

/** Whether `value` is a UUID, e.g. an id taken from the address bar before it is sent to the API. */
export function isUuid(value: string): boolean {
  return WHOLE_UUID.test(value);
}
