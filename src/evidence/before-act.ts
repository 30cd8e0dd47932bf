import type { Assessment } from '../domain/assessment.js';
import type { Decision } from '../domain/decision.js';
import { evidencePrefix, intentAuditKey } from '../audit/key.js';
import type { EvidenceReads, RawSnapshot } from '../kube/port.js';
import { type Log, silentLog } from '../observability/log.js';
import { redact } from '../observability/redact.js';
import { type Bundle, type BundlePurpose, buildBundle, MANIFEST, manifestBody, sha256 } from './bundle.js';
import { collectEvidence } from './collect.js';
import { type IntendedAction, IntentRecord } from './intent.js';
import { EvidenceWriteError, type EvidenceSink } from './sink.js';

export interface EvidenceDeps {
  reads: EvidenceReads;
  sink: EvidenceSink;
  now?: () => Date;
  log?: Log;
}

/** One destructive action as planned, before anything is done. */
export interface PlannedAct {
  /** The decision as it will read if the act succeeds (action `removed`...), already redacted. */
  decision: Decision;
  /** The full assessment the act is based on (the decision's copy may be trimmed to fit an event). */
  assessment: Assessment;
  /** The live objects it was made on. */
  raw: RawSnapshot;
  action: IntendedAction;
}

/** What the act leaves in the record: the final decision carries all three. */
export interface ActEvidence {
  evidenceKey: string;
  evidenceSha256: string;
  intentKey: string;
  /** Extra API requests the bundle cost (bench). */
  requests: number;
  bytes: number;
}

/** Collects and builds one bundle for a planned act (also what `evidence NS/NAME` writes, without an intent). */
export async function collectBundle(reads: EvidenceReads, plan: Omit<PlannedAct, 'action'> & { action: BundlePurpose }, collectedAt: Date): Promise<{ bundle: Bundle; requests: number }> {
  const collected = await collectEvidence(reads, plan.raw);
  const bundle = buildBundle({
    prefix: evidencePrefix(plan.decision),
    decisionId: plan.decision.decisionId,
    cluster: plan.decision.cluster,
    action: plan.action,
    collectedAt: collectedAt.toISOString(),
    workflow: plan.raw.workflow,
    pods: collected.pods,
    tasks: collected.tasks,
    events: collected.events,
    logs: collected.logs,
    assessment: plan.assessment,
    notFetched: collected.notFetched,
    capsHit: collected.capsHit,
  });
  return { bundle, requests: collected.requests };
}

async function put(sink: EvidenceSink, key: string, body: Buffer, contentType: string): Promise<'written' | 'duplicate'> {
  try {
    return await sink.putIfAbsent(key, body, contentType);
  } catch (err) {
    throw new EvidenceWriteError(key, err);
  }
}

/**
 * Stores the bundle write-once: every file, then the manifest. A file already there (a retry of the same
 * decision) is kept, and the manifest records the stored file's hash, so the manifest always describes what is
 * in the bucket; an existing manifest likewise wins. Returns the sha256 of the stored manifest: the bundle's
 * fingerprint.
 */
export async function storeBundle(sink: EvidenceSink, bundle: Bundle): Promise<{ sha256: string; bytes: number; written: number }> {
  let written = 0;
  let bytes = 0;
  const files = [];
  for (const [i, file] of bundle.files.entries()) {
    const key = bundle.prefix + file.path;
    const result = await put(sink, key, file.body, file.contentType);
    let entry = bundle.manifest.files[i]!;
    if (result === 'written') {
      written++;
      bytes += file.body.length;
    } else {
      const stored = await readBack(sink, key);
      entry = { path: file.path, bytes: stored.length, sha256: sha256(stored) };
    }
    files.push(entry);
  }
  const body = manifestBody({ ...bundle.manifest, files });
  const key = bundle.prefix + MANIFEST;
  if ((await put(sink, key, body, 'application/json')) === 'written') return { sha256: sha256(body), bytes: bytes + body.length, written: written + 1 };
  return { sha256: sha256(await readBack(sink, key)), bytes, written };
}

async function readBack(sink: EvidenceSink, key: string): Promise<Buffer> {
  let stored: Buffer | undefined;
  try {
    stored = await sink.get(key);
  } catch (err) {
    throw new EvidenceWriteError(key, err);
  }
  if (!stored) throw new EvidenceWriteError(key, new Error('the store said it exists, then could not read it back'));
  return stored;
}

/**
 * The step before every destructive action (README "Audit log", 4.7, invariants 5 and 9): the evidence bundle, then
 * the intent record naming it, both write-once. Only when both are stored may the caller act. Either failing
 * throws EvidenceWriteError (retryable): the record fails, is retried, and at last reaches the DLQ; nothing
 * was done to the cluster or the bucket.
 */
export async function evidenceFirst(deps: EvidenceDeps, plan: PlannedAct): Promise<ActEvidence> {
  const now = deps.now ?? (() => new Date());
  const log = deps.log ?? silentLog;
  const { bundle, requests } = await collectBundle(deps.reads, { ...plan, action: plan.action.kind }, now());
  const stored = await storeBundle(deps.sink, bundle);
  const intentKey = intentAuditKey(plan.decision);
  const intent = IntentRecord.parse(
    redact({
      schemaVersion: 1,
      kind: 'intent',
      decision: plan.decision,
      action: plan.action,
      evidence: { key: bundle.prefix, sha256: stored.sha256 },
      recordedAt: now().toISOString(),
    }),
  );
  const intentBody = Buffer.from(JSON.stringify(intent, null, 2) + '\n', 'utf8');
  const result = await put(deps.sink, intentKey, intentBody, 'application/json');
  log.info('evidence and intent stored', {
    decisionId: plan.decision.decisionId,
    evidenceKey: bundle.prefix,
    evidenceSha256: stored.sha256,
    intentKey,
    filesWritten: stored.written,
    intent: result,
    notFetched: bundle.manifest.notFetched.length,
  });
  return { evidenceKey: bundle.prefix, evidenceSha256: stored.sha256, intentKey, requests, bytes: stored.bytes + (result === 'written' ? intentBody.length : 0) };
}
