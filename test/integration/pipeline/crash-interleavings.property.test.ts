// Invariant 5 as a property: random interleavings of (intent write, PATCH, publish, final record) with a failure or
// a crash at any step, then SQS-style redelivery until the queue is empty. The real evaluateBatch and the real
// cluster port against the local API server; the bucket, bus and queue are in memory here (their protocols are
// covered on moto by evaluate-recovery.test.ts and the kill tests), because a property needs hundreds of runs.
// A crash is the invocation stopping where it stands: the fake at the crash point never answers, and the harness
// abandons the invocation without acknowledging any record, as Lambda discards a sandbox.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decisionAuditKey } from '../../../src/audit/key.js';
import { type BusEntry, PublishError } from '../../../src/bus/entry.js';
import { parseConfig } from '../../../src/config/load.js';
import { workflow } from '../../../src/demo/builders.js';
import { exporterEvent } from '../../../src/demo/seed.js';
import { type Decision, DECISION_DETAIL_TYPE } from '../../../src/domain/decision.js';
import { evaluateBatch, type InboundRecord } from '../../../src/evaluate/evaluate-batch.js';
import type { EvidenceSink } from '../../../src/evidence/sink.js';
import type { ClusterPort } from '../../../src/kube/port.js';
import { type LocalApiServer, startApiServer } from '../../../src/local/apiserver/index.js';
import { portOn } from '../kube/local-cluster.js';

const NOW = new Date();
const GC = 'workflows.argoproj.io/artifact-gc';
const kept = () => {
  const wf = workflow({ name: 'kept', namespace: 'argo', uid: 'uid-kept', now: NOW, finishedMinutesAgo: 180, deletionMinutesAgo: 120, strategy: 'OnWorkflowDeletion', strategiesProcessed: ['OnWorkflowCompletion', 'OnWorkflowDeletion'] });
  wf['metadata'].finalizers = ['example.com/keep', GC];
  return wf;
};
const forced = () =>
  workflow({ name: 'forced', namespace: 'sandbox', uid: 'uid-forced', now: NOW, finishedMinutesAgo: 100, deletionMinutesAgo: 60, strategy: 'OnWorkflowDeletion', forceFinalizerRemoval: true, artifacts: [{ name: 'out', key: 'scratch/out.bin' }], strategiesProcessed: ['OnWorkflowCompletion', 'OnWorkflowDeletion'] });
const WORKFLOWS = [kept, forced];

type Step = 'intent' | 'patch' | 'publish' | 'park' | 'final';
const FAULTS = {
  intent: ['ok', 'fail', 'crash-before', 'crash-after'],
  patch: ['ok', 'applied-lost', 'unavailable', 'crash-before', 'crash-after'],
  publish: ['ok', 'refuse', 'crash-before', 'crash-after'],
  park: ['ok', 'fail'],
  final: ['ok', 'late'],
} as const satisfies Record<Step, readonly string[]>;
type Fault = { [S in Step]: (typeof FAULTS)[S][number] };
type Schedule = { [S in Step]: Fault[S][] };

const schedule: fc.Arbitrary<Schedule> = fc.record({
  intent: fc.array(fc.constantFrom(...FAULTS.intent), { maxLength: 4 }),
  patch: fc.array(fc.constantFrom(...FAULTS.patch), { maxLength: 4 }),
  publish: fc.array(fc.constantFrom(...FAULTS.publish), { maxLength: 4 }),
  park: fc.array(fc.constantFrom(...FAULTS.park), { maxLength: 3 }),
  final: fc.array(fc.constantFrom(...FAULTS.final), { maxLength: 4 }),
});

let server: LocalApiServer;
beforeAll(async () => {
  server = await startApiServer();
});
afterAll(() => server?.close());

/** Everything one run leaves behind, to judge it. */
interface World {
  bucket: Map<string, Buffer>;
  /**
   * Every removal decision the bus took: whether its final record already existed then, and whether a parked copy
   * (afr.decision/v1) was in the batch that published it.
   */
  delivered: { decision: Decision; finalExisted: boolean; parkedInBatch: boolean }[];
  converged: boolean;
}

async function run(plan: Schedule): Promise<World> {
  const left: Schedule = { intent: [...plan.intent], patch: [...plan.patch], publish: [...plan.publish], park: [...plan.park], final: [...plan.final] };
  const next = <S extends Step>(step: S): Fault[S] => (left[step].shift() as Fault[S] | undefined) ?? 'ok';
  for (const make of WORKFLOWS) {
    const wf = make();
    server.store.remove({ kind: 'Workflow', apiVersion: 'argoproj.io/v1alpha1', namespace: wf['metadata'].namespace, name: wf['metadata'].name });
    server.store.put(wf);
  }
  server.requests.length = 0;
  server.faults.clear();

  const bucket = new Map<string, Buffer>();
  const finals = new Set<string>();
  const bus: BusEntry[] = [];
  const delivered: World['delivered'] = [];
  let audited = 0;
  let records: { id: string; body: string; receiveCount: number }[] = WORKFLOWS.map((make, i) => ({ id: `s${i}`, body: JSON.stringify(exporterEvent(make(), 'WorkflowSucceeded', { cluster: 'prod', now: NOW, seq: i })), receiveCount: 0 }));
  let seq = 0;

  // Per invocation: a crash resolves `crashed`, and the step that crashed never answers.
  let crash: () => Promise<never> = () => new Promise<never>(() => undefined);
  let parkedInBatch = new Set<string>();
  const sink: EvidenceSink = {
    location: 'memory',
    async putIfAbsent(key, body) {
      const intent = key.endsWith('.intent.json');
      const f = intent ? next('intent') : 'ok';
      if (f === 'fail') throw new Error('S3 503');
      if (f === 'crash-before') return crash();
      const result = bucket.has(key) ? 'duplicate' : (bucket.set(key, body), 'written');
      if (f === 'crash-after') return crash();
      return result;
    },
    async get(key) {
      return bucket.get(key);
    },
    async list(prefix) {
      return [...bucket.keys()].filter((k) => k.startsWith(prefix)).sort();
    },
  };
  const config = parseConfig({ clusters: [{ name: 'prod', auth: { type: 'token', server: server.url, token: server.token, skipTLSVerify: true }, mode: 'remediate' }] }, 'test');
  const { port: real } = portOn(server, { timeoutMs: 2_000 });
  const port: ClusterPort = Object.assign(Object.create(real) as ClusterPort, {
    async removeFinalizer(key: Parameters<ClusterPort['removeFinalizer']>[0], patch: Parameters<ClusterPort['removeFinalizer']>[1]) {
      const f = next('patch');
      if (f === 'crash-before') return crash();
      // applied-lost: the server applies it and a gateway answers 504; the transport's retry gets 422.
      const fault =
        f === 'applied-lost'
          ? server.faults.add({ kind: 'applied-then', response: '504', match: { method: 'PATCH' }, times: 1 })
          : f === 'unavailable'
            ? server.faults.add({ kind: 'status', code: 503, match: { method: 'PATCH' } })
            : undefined;
      try {
        const out = await real.removeFinalizer(key, patch);
        if (f === 'crash-after') return crash();
        return out;
      } finally {
        fault?.remove();
      }
    },
  });
  const publisher = {
    async publish(entries: BusEntry[]) {
      const f = next('publish');
      if (f === 'refuse') throw new PublishError('bus down', entries.map((entry) => ({ entry, code: 'InternalFailure' })));
      if (f === 'crash-before') return crash();
      for (const entry of entries) {
        bus.push(entry);
        const d = entry.detail as Decision;
        if (entry.detailType === DECISION_DETAIL_TYPE && d.action === 'removed') delivered.push({ decision: d, finalExisted: finals.has(d.decisionId), parkedInBatch: parkedInBatch.has(d.decisionId) });
      }
      if (f === 'crash-after') return crash();
    },
  };
  const queue = {
    async send(messages: { body: string }[]) {
      if (next('park') === 'fail') throw new Error('SQS 500');
      for (const m of messages) records.push({ id: `q${seq++}`, body: m.body, receiveCount: 0 });
    },
  };
  // The audit function: one write-once record per decisionId, beside the intents (same bucket, same layout).
  const audit = () => {
    if (next('final') === 'late') return;
    for (; audited < bus.length; audited++) {
      const d = bus[audited]!.detail as Decision;
      if (bus[audited]!.detailType !== DECISION_DETAIL_TYPE) continue;
      const key = decisionAuditKey(d);
      if (!bucket.has(key)) bucket.set(key, Buffer.from(JSON.stringify({ kind: 'decision', decision: d })));
      finals.add(d.decisionId);
    }
  };

  for (let round = 0; round < 40 && records.length > 0; round++) {
    const batch = records.slice(0, 10);
    for (const r of batch) r.receiveCount++;
    parkedInBatch = new Set(batch.flatMap((r) => (r.body.includes('afr.decision/v1') ? [(JSON.parse(r.body) as { decision: Decision }).decision.decisionId] : [])));
    let crashed!: () => void;
    const stopped = new Promise<'crashed'>((resolve) => (crashed = () => resolve('crashed')));
    crash = () => {
      crashed();
      return new Promise<never>(() => undefined);
    };
    const inbound: InboundRecord[] = batch.map((r) => ({ id: r.id, body: r.body, receiveCount: r.receiveCount }));
    const outcome = await Promise.race([evaluateBatch(inbound, { config, portFor: () => port, publisher, queue, evidence: sink }), stopped]);
    if (outcome !== 'crashed') {
      const failed = new Set(outcome.results.flatMap((r, i) => (r.status === 'rejected' ? [batch[i]!.id] : [])));
      records = records.filter((r) => !batch.includes(r) || failed.has(r.id));
    }
    audit();
  }
  left.final = [];
  audit();
  return { bucket, delivered, converged: records.length === 0 };
}

/** Outcomes of the final records seen over a property run: what proves the paths were taken at all. */
const seen = new Set<string>();

describe('crashes and failures at any step (invariant 5)', () => {
  it('every removal ends with exactly one final record saying removed, after exactly one applied PATCH', async () => {
    await fc.assert(
      fc.asyncProperty(schedule, async (plan) => {
        const world = await run(plan);
        for (const [k, v] of world.bucket) if (k.startsWith('audit/') && !k.endsWith('.intent.json')) seen.add((JSON.parse(v.toString()) as { decision: Decision }).decision.outcome);
        expect(world.converged).toBe(true);
        const finals = [...world.bucket.entries()].filter(([k]) => k.startsWith('audit/') && !k.endsWith('.intent.json')).map(([, v]) => (JSON.parse(v.toString()) as { decision: Decision }).decision);
        for (const make of WORKFLOWS) {
          const wf = make();
          const name = wf['metadata'].name as string;
          const uid = wf['metadata'].uid as string;
          // The cluster: the finalizer is gone, and exactly one PATCH was ever applied (no replay removed anything).
          expect(server.requests.filter((r) => r.method === 'PATCH' && r.path.endsWith(`/workflows/${name}`) && r.status === 200), name).toHaveLength(1);
          const live = server.store.get({ kind: 'Workflow', apiVersion: 'argoproj.io/v1alpha1', namespace: wf['metadata'].namespace, name });
          expect(live?.metadata.finalizers ?? [], name).not.toContain(GC);
          // The record: one removal decision, once.
          const removals = finals.filter((d) => d.workflow.uid === uid && d.action === 'removed');
          expect(removals, name).toHaveLength(1);
          if (name === 'forced') expect(removals[0]).toMatchObject({ cause: 'force-removal-declared', notifyOperator: true, pendingArtifacts: [expect.objectContaining({ name: 'out' })] });
          // Every copy the bus ever carried is that same decision (one decisionId), so copies collapse downstream
          // (the audit's write-once put, Slack's episode marker). Once its final record exists, nothing publishes it
          // again, but a parked copy redelivered after a crash that followed its delivery (SQS is at least once).
          const copies = world.delivered.filter((x) => x.decision.workflow.uid === uid);
          expect(new Set(copies.map((x) => x.decision.decisionId)), name).toEqual(new Set([removals[0]!.decisionId]));
          expect(copies.filter((x) => x.finalExisted && !x.parkedInBatch), name).toEqual([]);
        }
      }),
      { numRuns: 60 },
    );
  }, 300_000);

  it('is not vacuous: on a fixed seed, removals are recorded by each path (patched, confirmed on re-read, recovered)', async () => {
    seen.clear();
    await fc.assert(
      fc.asyncProperty(schedule, async (plan) => {
        for (const [k, v] of (await run(plan)).bucket) if (k.startsWith('audit/') && !k.endsWith('.intent.json')) seen.add((JSON.parse(v.toString()) as { decision: Decision }).decision.outcome);
      }),
      { numRuns: 40, seed: 17 },
    );
    expect([...seen].sort()).toEqual(expect.arrayContaining(['patched', 'removed-confirmed-on-reread', 'removed-recovered-from-intent']));
  }, 300_000);
});
