import * as z from 'zod';
import { Decision } from '../domain/decision.js';

/**
 * A decision whose event could not be published after the publisher's own retries. It is parked on the signals
 * queue and republished by the next invocation, so a removal is never done without its decision reaching the
 * audit trail and Slack (safety invariant 5). Versioned like the other afr.* messages.
 */
export const PENDING_DECISION_KIND = 'afr.decision/v1';

export const PendingDecision = z.object({ kind: z.literal(PENDING_DECISION_KIND), decision: Decision });
export type PendingDecision = z.infer<typeof PendingDecision>;

export function pendingDecisionMessage(decision: Decision): string {
  return JSON.stringify({ kind: PENDING_DECISION_KIND, decision } satisfies PendingDecision);
}

/** The parked decision, when the body is one; undefined for any other body. */
export function asPendingDecision(body: unknown): Decision | undefined {
  let value = body;
  if (typeof body === 'string') {
    if (!body.includes(PENDING_DECISION_KIND)) return undefined;
    try {
      value = JSON.parse(body);
    } catch {
      return undefined;
    }
  }
  if ((value as { kind?: unknown } | null)?.kind !== PENDING_DECISION_KIND) return undefined;
  return PendingDecision.parse(value).decision;
}
