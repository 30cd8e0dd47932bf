import { createHash } from 'node:crypto';
import type { EventPublisher } from '../bus/entry.js';
import { policyFor } from '../config/policy.js';
import type { RemediatorConfig } from '../config/schema.js';
import { SYSTEMIC_SAMPLE_MAX, type SystemicAlert } from '../domain/alerts.js';
import type { Cause } from '../domain/assessment.js';
import { DECISION_SOURCE, SYSTEMIC_ALERT_DETAIL_TYPE } from '../domain/decision.js';
import { assessRaw } from '../domain/snapshot.js';
import type { ClusterPort } from '../kube/port.js';
import { type Counter, type Log, noCounter, silentLog } from '../observability/log.js';
import type { SignalQueue } from '../queue/signal-queue.js';
import { buildSweepMessage } from '../signals/index.js';
import { isRecord } from '../domain/json.js';

/**
 * Which Workflows a sweep reads in full. `light` (every 15 minutes) lists metadata only and reads in full just
 * the Workflows being deleted, the ones a stuck finalizer blocks; `full` (hourly) lists every Workflow with its
 * status, as every sweep once did, so completed Workflows whose GC failed without a deletion are judged too.
 */
export type SweepPass = 'light' | 'full';
export const SWEEP_PASSES: readonly SweepPass[] = ['light', 'full'];

/**
 * What a sweep keeps back from the Lambda clock to enqueue, publish the alert and emit its metrics after it stops
 * listing. Past it the sweep stops where it is, says so (`SweepIncomplete`, alarmed) and sends what it found:
 * a killed sweep would send nothing.
 */
export const SWEEP_RESERVE_MS = 30_000;

/** Workflows per page of the full pass's list (whole objects); see sweepCluster. */
const FULL_PASS_PAGE_SIZE = 50;

export interface SweepDeps {
  config: RemediatorConfig;
  portFor(cluster: string): ClusterPort;
  queue: SignalQueue;
  publisher: EventPublisher;
  /** Default `full`: what a caller that does not choose (the demo, `scan`-like tools) expects. */
  pass?: SweepPass;
  /** Only these clusters (a shard: one schedule per cluster); default every cluster of the config. */
  clusters?: readonly string[];
  /** Milliseconds left on the Lambda clock (context.getRemainingTimeInMillis); unbounded without. */
  remainingMs?: () => number;
  clock?: () => Date;
  log?: Log;
  metrics?: Counter;
  pageSize?: number;
  /** Called after each page-sized step, for progress lines. */
  onProgress?: (cluster: string, listed: number) => void;
}

export interface ClusterSweep {
  cluster: string;
  pass: SweepPass;
  /** Workflows listed that carry the finalizer and are in scope. */
  candidates: number;
  /** Of those, the ones being deleted (a `deletionTimestamp`): what a stuck finalizer blocks. */
  terminating: number;
  /** Full objects read one by one (light pass only: the full pass has them from its list). */
  fetched: number;
  /** Candidates a light pass left to the next full pass: not being deleted, so nothing is blocked yet. */
  deferred: number;
  /**
   * Terminating candidates a light pass did not read once the stuck count passed the cap: the systemic alert
   * is certain by then and nothing will be enqueued, so more GETs would only refine a count.
   */
  unreadPastCap: number;
  /** False when the time budget ran out before the list did (or before this cluster's turn): see SWEEP_RESERVE_MS. */
  complete: boolean;
  /** Of the judged, the ones a list-only assessment calls stuck (remove or notify). */
  stuck: number;
  enqueued: number;
  /** Now minus the latest of finishedAt and deletionTimestamp, for the longest-stuck Workflow; 0 if none. */
  oldestStuckAgeSeconds: number;
  alert?: SystemicAlert;
  byCause: Partial<Record<Cause, number>>;
}

export class SweepError extends Error {
  override readonly name = 'SweepError';
  constructor(readonly results: ClusterSweep[], readonly failed: { cluster: string; error: string }[]) {
    super(`sweep failed for ${failed.map((f) => `${f.cluster} (${f.error})`).join(', ')}`);
  }
}

/**
 * The scheduled sweep: catches what events miss. It lists Workflows carrying the finalizer, page by page,
 * judges each from the Workflow alone (cheap; evaluate re-reads the full snapshot), and enqueues the stuck
 * ones as references. More stuck Workflows than the per-sweep cap is a systemic cause (a dead controller, a
 * broken bucket policy): one alert goes out and nothing is enqueued. See `SweepPass` for what each pass reads.
 */
export async function sweep(deps: SweepDeps): Promise<ClusterSweep[]> {
  const results: ClusterSweep[] = [];
  const failed: { cluster: string; error: string }[] = [];
  for (const cluster of clustersToSweep(deps)) {
    if (outOfTime(deps)) {
      // Not failed: not reached. Reported and counted like a truncated list, so the alarm sees it.
      results.push(notReached(cluster.name, deps));
      continue;
    }
    try {
      results.push(await sweepCluster(cluster.name, deps));
    } catch (err) {
      failed.push({ cluster: cluster.name, error: (err as Error).message });
      (deps.log ?? silentLog).error('sweep failed', { cluster: cluster.name, error: (err as Error).message });
    }
  }
  if (failed.length > 0) throw new SweepError(results, failed);
  return results;
}

/** The config's clusters, or the shard the schedule names; a name the config does not have is an error, never an empty sweep. */
function clustersToSweep(deps: SweepDeps): RemediatorConfig['clusters'] {
  if (!deps.clusters) return deps.config.clusters;
  const unknown = deps.clusters.filter((name) => !deps.config.clusters.some((c) => c.name === name));
  if (unknown.length > 0) {
    throw new Error(`the sweep's input names clusters the config does not have: ${unknown.join(', ')} (known: ${deps.config.clusters.map((c) => c.name).join(', ')})`);
  }
  return deps.config.clusters.filter((c) => deps.clusters!.includes(c.name));
}

function outOfTime(deps: SweepDeps): boolean {
  return deps.remainingMs !== undefined && deps.remainingMs() < SWEEP_RESERVE_MS;
}

function emptyResult(cluster: string, pass: SweepPass): ClusterSweep {
  return {
    cluster, pass, candidates: 0, terminating: 0, fetched: 0, deferred: 0, unreadPastCap: 0, complete: true, stuck: 0, enqueued: 0, oldestStuckAgeSeconds: 0, byCause: {},
  };
}

function notReached(cluster: string, deps: SweepDeps): ClusterSweep {
  const pass = deps.pass ?? 'full';
  (deps.log ?? silentLog).warn('sweep incomplete: no time left for this cluster; shard the sweep per cluster (README "The sweep")', { cluster, pass });
  (deps.metrics ?? noCounter).count('SweepIncomplete', { cluster });
  return { ...emptyResult(cluster, pass), complete: false };
}

interface StuckRef {
  namespace: string;
  name: string;
  uid?: string;
  resourceVersion?: string;
  cause: Cause;
}

async function sweepCluster(cluster: string, deps: SweepDeps): Promise<ClusterSweep> {
  const clock = deps.clock ?? (() => new Date());
  const log = deps.log ?? silentLog;
  const metrics = deps.metrics ?? noCounter;
  const pass = deps.pass ?? 'full';
  const now = clock();
  const clusterPolicy = policyFor(deps.config, cluster, 'default');
  const cap = clusterPolicy.caps.perSweep;
  const argoVersion = clusterPolicy.argoVersion;
  const port = deps.portFor(cluster);
  // A full page holds whole statuses (~120 KiB each on a realistic fleet). Its items are parsed one at a time
  // (kube/list-body.ts), so what a page costs in memory is its bytes, held until the next page replaces them:
  // 50 keeps that near 6 MiB and the peak RSS under 256 MiB at Lambda's 1024 MB flags (bench/README.md "Sweep
  // peak RSS"). Metadata items are ~1-2 KiB: 500, the API server's habit.
  const pageSize = deps.pageSize ?? (pass === 'full' ? FULL_PASS_PAGE_SIZE : 500);
  const result = emptyResult(cluster, pass);
  // Only the first cap+1 references are kept: past that nothing is enqueued, so memory stays bounded.
  const stuck: StuckRef[] = [];
  let oldest: { namespace: string; name: string } | undefined;

  const judge = (workflow: Record<string, unknown>, quietPeriodMs: number): void => {
    let a;
    try {
      // argoVersion words the reasons only; it never changes the verdicts and causes the sweep counts.
      a = assessRaw({ workflow }, { now, quietPeriodMs, argoVersion });
    } catch (err) {
      log.warn('unreadable Workflow skipped', { cluster, error: (err as Error).message });
      return;
    }
    if (a.verdict !== 'remove' && a.verdict !== 'notify') return;
    result.stuck += 1;
    result.byCause[a.cause] = (result.byCause[a.cause] ?? 0) + 1;
    const age = stuckAgeSeconds(workflow, now);
    if (age > result.oldestStuckAgeSeconds) {
      result.oldestStuckAgeSeconds = age;
      oldest = { namespace: a.workflow.namespace, name: a.workflow.name };
    }
    if (stuck.length <= cap) {
      stuck.push({
        namespace: a.workflow.namespace,
        name: a.workflow.name,
        ...(a.workflow.uid ? { uid: a.workflow.uid } : {}),
        ...(a.resourceVersion ? { resourceVersion: a.resourceVersion } : {}),
        cause: a.cause,
      });
    }
  };

  let listed = 0;
  /** Counts one listed item; false when the time budget says stop listing. */
  const progress = (): boolean => {
    listed += 1;
    if (deps.onProgress && listed % 500 === 0) deps.onProgress(cluster, listed);
    if (!outOfTime(deps)) return true;
    result.complete = false;
    return false;
  };
  if (pass === 'full') {
    for await (const workflow of port.candidates({ allNamespaces: true }, { pageSize })) {
      if (!progress()) break;
      const meta = metadataOf(workflow);
      const policy = policyFor(deps.config, cluster, stringAt(meta, 'namespace') ?? '');
      if (!policy.included) continue;
      result.candidates += 1;
      if (stringAt(meta, 'deletionTimestamp')) result.terminating += 1;
      judge(workflow, policy.quietPeriodMs);
    }
  } else {
    for await (const { metadata } of port.candidateMetadata({ allNamespaces: true }, { pageSize })) {
      if (!progress()) break;
      const namespace = stringAt(metadata, 'namespace') ?? '';
      const name = stringAt(metadata, 'name') ?? '';
      const policy = policyFor(deps.config, cluster, namespace);
      if (!policy.included) continue;
      result.candidates += 1;
      if (!stringAt(metadata, 'deletionTimestamp')) {
        result.deferred += 1;
        continue;
      }
      result.terminating += 1;
      if (result.stuck > cap) {
        result.unreadPastCap += 1;
        continue;
      }
      let snapshot;
      try {
        snapshot = await port.snapshot({ namespace, name }, { needs: () => ({ pods: false, tasks: false }) });
      } catch (err) {
        // One unreadable Workflow must not blind the sweep to the rest; the next pass reads it again.
        log.warn('Workflow not read; left to the next sweep', { cluster, namespace, name, error: (err as Error).message });
        metrics.count('SweepReadFailures', { cluster });
        continue;
      }
      result.fetched += 1;
      if (snapshot) judge(snapshot.workflow, policy.quietPeriodMs);
    }
  }

  if (!result.complete) {
    log.warn('sweep incomplete: the time budget ran out before the list did; what was found is sent. Shard the sweep per cluster or raise its timeout (README "The sweep")', {
      cluster, pass, listed, reserveMs: SWEEP_RESERVE_MS,
    });
    metrics.count('SweepIncomplete', { cluster });
  }
  emitGauges(metrics, result, oldest);
  if (result.stuck > cap) {
    result.alert = {
      cluster,
      // One alert id per cluster and hour: overlapping sweeps collapse into one audit record and one page.
      alertId: createHash('sha256').update(`${cluster}\u0000${now.toISOString().slice(0, 13)}`).digest('hex').slice(0, 32),
      kind: 'sweep-cap-exceeded',
      found: result.stuck,
      cap,
      sample: stuck.slice(0, SYSTEMIC_SAMPLE_MAX).map(({ namespace, name, cause }) => ({ namespace, name, cause })),
      at: now.toISOString(),
    };
    await deps.publisher.publish([{ source: DECISION_SOURCE, detailType: SYSTEMIC_ALERT_DETAIL_TYPE, detail: result.alert }]);
    log.warn('sweep cap exceeded: systemic alert sent, nothing enqueued', { cluster, pass, found: result.stuck, cap, byCause: result.byCause });
    metrics.count('SystemicAlerts', { cluster });
    return result;
  }
  await deps.queue.send(stuck.map((ref) => ({ body: JSON.stringify(buildSweepMessage({ cluster, ...ref })) })));
  result.enqueued = stuck.length;
  metrics.count('SweepEnqueued', { cluster }, result.enqueued);
  log.info('sweep done', {
    cluster, pass, candidates: result.candidates, terminating: result.terminating, fetched: result.fetched, deferred: result.deferred,
    stuck: result.stuck, enqueued: result.enqueued, byCause: result.byCause, unreadPastCap: result.unreadPastCap, complete: result.complete,
  });
  return result;
}

/**
 * The stuck-finalizer gauges Argo does not have (Argo's metrics cover phases and queues, nothing on GC or its finalizer). A light pass sees only
 * terminating Workflows, so its values are a subset of the next full pass's: dashboards and alarms read them
 * with Maximum over the full-pass period (an hour), which is the full pass's value.
 */
function emitGauges(metrics: Counter, result: ClusterSweep, oldest: { namespace: string; name: string } | undefined): void {
  const { cluster } = result;
  metrics.count('SweepCandidates', { cluster }, result.candidates);
  metrics.count('SweepStuck', { cluster }, result.stuck);
  metrics.count('StuckWorkflows', { cluster }, result.stuck);
  for (const [cause, n] of Object.entries(result.byCause)) metrics.count('StuckWorkflows', { cluster, cause }, n);
  metrics.count('OldestStuckAgeSeconds', { cluster }, result.oldestStuckAgeSeconds, {
    unit: 'Seconds',
    ...(oldest ? { metadata: { oldestNamespace: oldest.namespace, oldestName: oldest.name } } : {}),
  });
  metrics.count('TerminatingWithFinalizer', { cluster }, result.terminating);
}

/** Seconds since the latest of `status.finishedAt` and `metadata.deletionTimestamp`: how long it has been stuck. */
function stuckAgeSeconds(workflow: Record<string, unknown>, now: Date): number {
  const status = workflow['status'];
  const finishedAt = isRecord(status) ? stringAt(status, 'finishedAt') : undefined;
  const deletedAt = stringAt(metadataOf(workflow), 'deletionTimestamp');
  const anchors = [finishedAt, deletedAt].map((t) => (t ? Date.parse(t) : NaN)).filter((t) => Number.isFinite(t));
  if (anchors.length === 0) return 0;
  return Math.max(0, Math.floor((now.getTime() - Math.max(...anchors)) / 1000));
}

function metadataOf(obj: Record<string, unknown>): Record<string, unknown> {
  const meta = obj['metadata'];
  return isRecord(meta) ? meta : {};
}

function stringAt(obj: Record<string, unknown>, key: string): string | undefined {
  const v = obj[key];
  return typeof v === 'string' && v !== '' ? v : undefined;
}
