import * as z from 'zod';

/**
 * The per-day finishing caps of one cluster (README "Finishing GC", invariant 7): what completions deleted, or
 * reserved before deleting, on one UTC day. One small document per (cluster, day), changed only by
 * compare-and-swap, so two invocations can never both spend the last of the day's budget.
 */
export const LedgerDocument = z.object({
  schemaVersion: z.literal(1),
  cluster: z.string(),
  day: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
  objects: z.number().int().min(0),
  bytes: z.number().int().min(0),
  /** By reservation id (the finishing decision id): a redelivered action is not counted twice. */
  reservations: z.record(z.string(), z.object({ objects: z.number().int().min(0), bytes: z.number().int().min(0), at: z.string() })),
});
export type LedgerDocument = z.infer<typeof LedgerDocument>;

export interface DailyCaps {
  objectsPerDay: number;
  bytesPerDay: number;
}

export type Reservation =
  | { ok: true; next?: LedgerDocument }
  | { ok: false; reason: string };

export function emptyLedger(cluster: string, day: string): LedgerDocument {
  return { schemaVersion: 1, cluster, day, objects: 0, bytes: 0, reservations: {} };
}

/**
 * Pure. Whether `objects`/`bytes` fit what is left of the day, and the document with them reserved. A
 * reservation already there (the same action redelivered) fits without a new write (`next` absent).
 */
export function reserveIn(doc: LedgerDocument, id: string, objects: number, bytes: number, caps: DailyCaps, at: string): Reservation {
  if (doc.reservations[id]) return { ok: true };
  if (doc.objects + objects > caps.objectsPerDay) {
    return { ok: false, reason: `${objects} object(s) would pass finishing.caps.objectsPerDay ${caps.objectsPerDay} for ${doc.cluster} on ${doc.day} (${doc.objects} used)` };
  }
  if (doc.bytes + bytes > caps.bytesPerDay) {
    return { ok: false, reason: `${bytes} byte(s) would pass finishing.caps.bytesPerDay ${caps.bytesPerDay} for ${doc.cluster} on ${doc.day} (${doc.bytes} used)` };
  }
  return { ok: true, next: { ...doc, objects: doc.objects + objects, bytes: doc.bytes + bytes, reservations: { ...doc.reservations, [id]: { objects, bytes, at } } } };
}
