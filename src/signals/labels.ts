import * as z from 'zod';
import { parseBoundedJson } from './bounded-json.js';

const LabelMap = z.record(z.string(), z.string());

/**
 * Involved-object labels: a map in an EnhancedEvent, a JSON string in a templated layout (`toJson`). Labels
 * are informational here (no signal depends on them), so anything unreadable counts as no labels rather
 * than failing the event.
 */
export const Labels = z
  .unknown()
  .transform((value): Record<string, string> | undefined => {
  let candidate = value;
  if (typeof value === 'string') {
    try {
      candidate = parseBoundedJson(value, 'labels');
    } catch {
      return undefined;
    }
  }
  const parsed = LabelMap.safeParse(candidate);
  return parsed.success ? parsed.data : undefined;
  })
  .optional();
