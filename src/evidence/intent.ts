import * as z from 'zod';
import { Decision } from '../domain/decision.js';

/** The destructive actions that need a bundle and an intent first (README "Finishing GC", invariant 9). */
export const DestructiveKind = z.enum(['remove-finalizer', 'rearm', 'complete']);
export type DestructiveKind = z.infer<typeof DestructiveKind>;

export const IntendedAction = z.object({
  kind: DestructiveKind,
  /** The JSON patch that will be sent, exactly. */
  patch: z.array(z.looseObject({ op: z.string(), path: z.string() })).optional(),
  /** What else the action will do (tasks to delete, objects to delete), for the record. */
  details: z.record(z.string(), z.unknown()).optional(),
});
export type IntendedAction = z.infer<typeof IntendedAction>;

/**
 * `audit/.../<decisionId>.intent.json`: written (write-once) after the bundle and before the act, so an act can
 * never exist without a durable record of what was meant and on what evidence, whatever fails afterwards. A
 * later invocation that finds the act done (finalizer gone) completes the decision from here.
 */
export const IntentRecord = z.object({
  schemaVersion: z.literal(1),
  kind: z.literal('intent'),
  /** The decision as planned: what the final record says if the act succeeds. */
  decision: Decision,
  action: IntendedAction,
  evidence: z.object({ key: z.string(), sha256: z.string() }),
  recordedAt: z.iso.datetime({ offset: true }),
});
export type IntentRecord = z.infer<typeof IntentRecord>;
