import { InvalidSnapshotError } from '../domain/snapshot.js';
import type { ClusterPort, Scope, WorkflowKey } from '../kube/port.js';
import { type BeforeAct, reconcile, ReconcileConflictError, type ReconcileResult } from './reconcile.js';

export interface ScanOptions {
  scope: Scope;
  /** `apply` removes finalizers (within the cap); `dry-run` only reports. */
  act: 'apply' | 'dry-run';
  /** More removable Workflows than this means a systemic cause: remove nothing, page a human. */
  maxRemovals: number;
  quietPeriodMs: number;
  now: () => Date;
  /** The cluster's configured Argo version (reasons only). */
  argoVersion?: string | undefined;
  pageSize?: number;
  /** Called after each Workflow is assessed, with the running count. */
  onProgress?: (scanned: number) => void;
  /** Namespaces the configuration leaves out are not read or touched (default: every namespace). */
  inScope?: (namespace: string) => boolean;
  /** With `apply`: why removals in this namespace stay a dry run (its configured mode), or undefined. */
  dryRunReason?: (namespace: string) => string | undefined;
  /** With `apply`: stores the evidence bundle and intent record before each PATCH (required). */
  beforeAct?: BeforeAct;
}

export interface ScanResult extends ReconcileResult {
  /** `held`: this Workflow would have been removed, but the cap stopped every removal of the scan. */
  cap?: 'held';
}

export interface ScanReport {
  results: ScanResult[];
  /** Set when the cap stopped all removals. */
  capExceeded?: { removable: number; max: number };
}

/** A cluster-wide failure in the middle of applying: what was done so far travels with the error. */
export class ScanAbortedError extends Error {
  override readonly name = 'ScanAbortedError';
  constructor(
    override readonly cause: Error,
    readonly partial: ReconcileResult[],
  ) {
    super(cause.message);
  }
}

export const capExceededOutcome = (removable: number, max: number) =>
  `cap-exceeded: ${removable} removable > max ${max} (systemic cause suspected)`;

/**
 * A one-shot sweep for the CLI: list the Workflows carrying the finalizer, assess each on a live read, and,
 * if asked to apply and the number of removable ones is within the cap, remove exactly those (each re-read
 * and re-assessed right before its patch). Over the cap nothing is removed (the per-scan cap: a systemic cause pages a human instead).
 */
export async function scanCluster(port: ClusterPort, opts: ScanOptions): Promise<ScanReport> {
  // Keys first, objects later: holding names is cheap, and a slow assessment pass cannot outlive the
  // list's continue token.
  const keys: WorkflowKey[] = [];
  for await (const wf of port.candidates(opts.scope, opts.pageSize ? { pageSize: opts.pageSize } : {})) {
    const key = keyOf(wf);
    if (key && (opts.inScope?.(key.namespace) ?? true)) keys.push(key);
  }

  const results: ReconcileResult[] = [];
  for (const key of keys) {
    results.push(await reconcileOne(port, key, { ...opts, act: 'dry-run' }));
    opts.onProgress?.(results.length);
  }

  const removable = results.filter((r) => r.action === 'would-remove').length;
  if (removable > opts.maxRemovals) {
    const outcome = capExceededOutcome(removable, opts.maxRemovals);
    // Only the rows the cap held back change: every other row keeps its own action and outcome.
    return {
      results: results.map((r) => (r.action === 'would-remove' ? { ...r, action: 'none', outcome, cap: 'held' as const } : scanView(r))),
      capExceeded: { removable, max: opts.maxRemovals },
    };
  }

  if (opts.act === 'apply') {
    for (let i = 0; i < results.length; i++) {
      if (results[i]!.action !== 'would-remove') continue;
      const held = opts.dryRunReason?.(results[i]!.workflow.namespace);
      if (held !== undefined) {
        results[i] = { ...results[i]!, outcome: `dry-run (${held})` };
        continue;
      }
      try {
        results[i] = await reconcileOne(port, keyOfResult(results[i]!), { ...opts, act: 'apply' });
      } catch (err) {
        // Removals already done must still be reported and audited by the caller.
        throw new ScanAbortedError(err as Error, results.map(scanView));
      }
    }
  }
  return { results: results.map(scanView) };
}

async function reconcileOne(
  port: ClusterPort,
  key: WorkflowKey,
  opts: Pick<ScanOptions, 'now' | 'quietPeriodMs' | 'beforeAct' | 'argoVersion'> & { act: 'apply' | 'dry-run' },
): Promise<ReconcileResult> {
  try {
    return await reconcile(port, key, { now: opts.now, quietPeriodMs: opts.quietPeriodMs, act: opts.act, argoVersion: opts.argoVersion, ...(opts.beforeAct ? { beforeAct: opts.beforeAct } : {}) });
  } catch (err) {
    // One unreadable or contested Workflow must not hide the others; cluster-wide failures still abort.
    if (err instanceof ReconcileConflictError) return { ...err.result, action: 'none', outcome: err.outcome };
    if (err instanceof InvalidSnapshotError) return { workflow: key, assessment: null, action: 'none', outcome: `invalid: ${err.message}` };
    throw err;
  }
}

/** `scan` sends no notifications, so it must not claim it did. */
function scanView(result: ReconcileResult): ReconcileResult {
  return result.action === 'notified' ? { ...result, action: 'none', outcome: 'needs-human (scan does not notify)' } : result;
}

function keyOf(workflow: Record<string, unknown>): WorkflowKey | undefined {
  const meta = workflow['metadata'] as { namespace?: unknown; name?: unknown } | undefined;
  if (typeof meta?.namespace !== 'string' || typeof meta.name !== 'string') return undefined;
  return { namespace: meta.namespace, name: meta.name };
}

function keyOfResult(result: ReconcileResult): WorkflowKey {
  return { namespace: result.workflow.namespace, name: result.workflow.name };
}
