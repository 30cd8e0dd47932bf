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

export interface SweepDeps {
  config: RemediatorConfig;
  portFor(cluster: string): ClusterPort;
  queue: SignalQueue;
  publisher: EventPublisher;
  clock?: () => Date;
  log?: Log;
  metrics?: Counter;
  pageSize?: number;
  /** Called after each page-sized step, for progress lines. */
  onProgress?: (cluster: string, listed: number) => void;
}

export interface ClusterSweep {
  cluster: string;
  /** Workflows listed that carry the finalizer and are in scope. */
  candidates: number;
  /** Of those, the ones a list-only assessment calls stuck (remove or notify). */
  stuck: number;
  enqueued: number;
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
 * judges each from the listed object alone (cheap; evaluate re-reads the full snapshot), and enqueues the
 * stuck ones as references. More stuck Workflows than the per-sweep cap is a systemic cause (a dead
 * controller, a broken bucket policy): one alert goes out and nothing is enqueued.
 */
export async function sweep(deps: SweepDeps): Promise<ClusterSweep[]> {
  const results: ClusterSweep[] = [];
  const failed: { cluster: string; error: string }[] = [];
  for (const cluster of deps.config.clusters) {
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

async function sweepCluster(cluster: string, deps: SweepDeps): Promise<ClusterSweep> {
  const clock = deps.clock ?? (() => new Date());
  const log = deps.log ?? silentLog;
  const metrics = deps.metrics ?? noCounter;
  const now = clock();
  const cap = policyFor(deps.config, cluster, 'default').caps.perSweep;
  const result: ClusterSweep = { cluster, candidates: 0, stuck: 0, enqueued: 0, byCause: {} };
  // Only the first cap+1 references are kept: past that nothing is enqueued, so memory stays bounded.
  const stuck: { namespace: string; name: string; uid?: string; resourceVersion?: string; cause: Cause }[] = [];

  let listed = 0;
  for await (const workflow of deps.portFor(cluster).candidates({ allNamespaces: true }, { pageSize: deps.pageSize ?? 500 })) {
    listed += 1;
    if (deps.onProgress && listed % 500 === 0) deps.onProgress(cluster, listed);
    const meta = (workflow as { metadata?: { namespace?: string } }).metadata;
    const policy = policyFor(deps.config, cluster, meta?.namespace ?? '');
    if (!policy.included) continue;
    result.candidates += 1;
    let verdict: string;
    let a;
    try {
      a = assessRaw({ workflow }, { now, quietPeriodMs: policy.quietPeriodMs });
      verdict = a.verdict;
    } catch (err) {
      log.warn('unreadable Workflow skipped', { cluster, error: (err as Error).message });
      continue;
    }
    if (verdict !== 'remove' && verdict !== 'notify') continue;
    result.stuck += 1;
    result.byCause[a.cause] = (result.byCause[a.cause] ?? 0) + 1;
    if (stuck.length <= cap) {
      stuck.push({
        namespace: a.workflow.namespace,
        name: a.workflow.name,
        ...(a.workflow.uid ? { uid: a.workflow.uid } : {}),
        ...(a.resourceVersion ? { resourceVersion: a.resourceVersion } : {}),
        cause: a.cause,
      });
    }
  }

  metrics.count('SweepCandidates', { cluster }, result.candidates);
  metrics.count('SweepStuck', { cluster }, result.stuck);
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
    log.warn('sweep cap exceeded: systemic alert sent, nothing enqueued', { cluster, found: result.stuck, cap, byCause: result.byCause });
    metrics.count('SystemicAlerts', { cluster });
    return result;
  }
  await deps.queue.send(stuck.map((ref) => ({ body: JSON.stringify(buildSweepMessage({ cluster, ...ref })) })));
  result.enqueued = stuck.length;
  metrics.count('SweepEnqueued', { cluster }, result.enqueued);
  log.info('sweep done', { cluster, candidates: result.candidates, stuck: result.stuck, enqueued: result.enqueued, byCause: result.byCause });
  return result;
}
