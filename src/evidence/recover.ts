import { workflowAuditPrefix } from '../audit/key.js';
import type { Decision } from '../domain/decision.js';
import { Outcome } from '../remediation/reconcile.js';
import { IntentRecord } from './intent.js';
import type { EvidenceSink } from './sink.js';

/**
 * Days of partitions searched for an intent (today and the day before, UTC): a redelivery comes within the
 * signals queue's visibility timeouts, hours at most; an intent written before that is not found (README
 * "What it will never do").
 */
export const INTENT_LOOKBACK_DAYS = 2;

const INTENT_SUFFIX = '.intent.json';

export interface RecoveryQuery {
  cluster: string;
  namespace: string;
  name: string;
  now: Date;
}

export interface Recovery {
  /** The removals whose decision was never recorded, completed from their intent records. */
  decisions: Decision[];
  /** S3 requests made (bench, metrics). */
  requests: number;
}

/**
 * Recovery from the intent record (invariant 5): called when a redelivered record finds the finalizer, or the
 * Workflow, gone. Every intent of a finalizer removal for this Workflow name that has no final record beside it
 * was acted on before the invocation that wrote it died or lost the PATCH's answer: the finalizer cannot be gone
 * without our PATCH or the controller, and the intent was only written once the Workflow was judged removable.
 * Its planned decision (orphans, notifyOperator) is returned as `removed`, with the same decisionId as the
 * record that was lost, so a late copy of that record collapses with it downstream.
 *
 * The caller has already seen that the finalizer is gone: an intent whose Workflow still carries it is never
 * passed here (the ordinary path re-plans the same PATCH).
 */
export async function recoverRemovals(sink: EvidenceSink, q: RecoveryQuery): Promise<Recovery> {
  let requests = 0;
  const keys: string[] = [];
  for (let day = 0; day < INTENT_LOOKBACK_DAYS; day++) {
    const date = new Date(q.now.getTime() - day * 86_400_000).toISOString().slice(0, 10);
    requests++;
    keys.push(...(await sink.list(workflowAuditPrefix({ cluster: q.cluster, date, namespace: q.namespace, name: q.name }))));
  }
  // A final record may sit one partition later than its intent (a PATCH just after midnight): match by decisionId.
  // A final record with an intent's decisionId is that removal's decision (the id names the action), so one closed
  // intent means the uid's removal is recorded: a finalizer is removed once, and older open intents of the same
  // uid were plans the object's next change superseded before any PATCH applied.
  const byUid = new Map<string, { finals: Set<string>; intents: string[] }>();
  for (const key of keys) {
    const [uid, file] = key.split('/').slice(-2) as [string, string];
    const entry = byUid.get(uid) ?? { finals: new Set<string>(), intents: [] };
    byUid.set(uid, entry);
    if (file.endsWith(INTENT_SUFFIX)) entry.intents.push(key);
    else if (file.endsWith('.json')) entry.finals.add(file.slice(0, -'.json'.length));
  }
  const decisions: Decision[] = [];
  for (const { finals, intents } of byUid.values()) {
    if (intents.some((k) => finals.has(idOf(k)))) continue;
    let latest: { intent: IntentRecord; key: string } | undefined;
    for (const key of intents) {
      requests++;
      const body = await sink.get(key);
      if (!body) continue;
      const intent = IntentRecord.parse(JSON.parse(body.toString('utf8')));
      const planned = intent.decision;
      // Only finalizer removals: a re-arm or a completion leaves the finalizer to Argo, so its absence proves nothing.
      if (intent.action.kind !== 'remove-finalizer' || planned.action !== 'removed') continue;
      if (planned.cluster !== q.cluster || planned.workflow.namespace !== q.namespace || planned.workflow.name !== q.name) continue;
      if (!latest || intent.recordedAt > latest.intent.recordedAt) latest = { intent, key };
    }
    if (!latest) continue;
    decisions.push({
      ...latest.intent.decision,
      outcome: Outcome.recoveredFromIntent,
      evidenceKey: latest.intent.evidence.key,
      evidenceSha256: latest.intent.evidence.sha256,
      intentKey: latest.key,
    });
  }
  return { decisions, requests };
}

/** `<decisionId>` of `.../<uid>/<decisionId>.intent.json`. */
function idOf(intentKey: string): string {
  return intentKey.slice(intentKey.lastIndexOf('/') + 1, -INTENT_SUFFIX.length);
}
