/**
 * RFC 7386 JSON merge patch: objects merge recursively, `null` deletes a member, anything else (arrays
 * included) replaces the target wholesale. Pure; returns a new document.
 */

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function clone<T>(v: T): T {
  return JSON.parse(JSON.stringify(v)) as T;
}

function merge(target: unknown, patch: unknown): unknown {
  if (!isObject(patch)) return patch;
  const out: Record<string, unknown> = isObject(target) ? target : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) {
      delete out[key];
    } else {
      out[key] = merge(out[key], value);
    }
  }
  return out;
}

/** Never shares structure with its inputs, so stored objects cannot be changed through the result. */
export function applyMergePatch(target: unknown, patch: unknown): unknown {
  return merge(target === undefined ? undefined : clone(target), patch === undefined ? undefined : clone(patch));
}
