/** A JSON object: not null, not an array. The one guard for "an object we can read fields of" in the tree. */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * A deep copy as JSON carries it (undefined members dropped, Dates as strings): what an API server stores or
 * a bus delivers, so a copy never shares state with, or holds more than, what went over the wire.
 */
export function cloneJson<T>(value: T): T {
  return value === undefined ? value : (JSON.parse(JSON.stringify(value)) as T);
}
