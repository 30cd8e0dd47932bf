import { cloneJson, isRecord } from '../../domain/json.js';
/**
 * RFC 7386 JSON merge patch: objects merge recursively, `null` deletes a member, anything else (arrays
 * included) replaces the target wholesale. Pure; returns a new document.
 */

function merge(target: unknown, patch: unknown): unknown {
  if (!isRecord(patch)) return patch;
  const out: Record<string, unknown> = isRecord(target) ? target : {};
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
  return merge(cloneJson(target), cloneJson(patch));
}
