import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fleet, isTerminating, type FleetMember } from '../../../bench/fleet.js';
import { parseConfig } from '../../../src/config/load.js';
import { policyFor } from '../../../src/config/policy.js';
import { assessRaw } from '../../../src/domain/snapshot.js';
import { KubeClusterPort } from '../../../src/kube/cluster-port.js';
import { type LocalApiServer, startApiServer } from '../../../src/local/apiserver/index.js';
import { WORKFLOWS } from '../../../src/local/apiserver/resources.js';
import { sweep, type SweepPass } from '../../../src/sweep/sweep.js';
import { kubeConfigFor } from '../../helpers/apiserver.js';

// The two sweep passes over a generated fleet at real sizes (bench/fleet.ts), against what the full-object
// sweep decided before metadata-only lists existed: every stuck Workflow in scope, judged from the object alone.
const NOW = new Date('2026-12-01T12:00:00Z');
const LIST = '/apis/argoproj.io/v1alpha1/workflows';
let server: LocalApiServer;
let members: FleetMember[];

const configFor = (perSweep: number) =>
  parseConfig({
    clusters: [{ name: 'prod', auth: { type: 'token', server: 'http://127.0.0.1:1', token: 't', skipTLSVerify: true }, maxRemovalsPerSweep: perSweep, namespaces: { exclude: ['team-7'] } }],
  }, 'test');

async function run(pass: SweepPass, perSweep = 1000) {
  const sent: { namespace: string; name: string; cause: string }[] = [];
  const published: unknown[] = [];
  const metrics: { name: string; dimensions: Record<string, string>; value: number; unit?: string }[] = [];
  const port = new KubeClusterPort(kubeConfigFor(server), { rateLimit: { qps: 10_000, burst: 10_000 } });
  const before = server.requests.length;
  const [result] = await sweep({
    config: configFor(perSweep),
    portFor: () => port,
    pass,
    clock: () => NOW,
    queue: { send: async (m) => void sent.push(...m.map((x) => JSON.parse(x.body))) },
    publisher: { publish: async (e) => void published.push(...e) },
    metrics: { count: (name, dimensions, value = 1, extras = {}) => void metrics.push({ name, dimensions, value, ...(extras.unit ? { unit: extras.unit } : {}) }) },
  });
  return { result: result!, sent, published, metrics, requests: server.requests.slice(before) };
}

// Each default pass runs once for the whole file: a full pass over real sizes is the slow part.
const memo = new Map<SweepPass, ReturnType<typeof run>>();
const once = (pass: SweepPass) => memo.get(pass) ?? (memo.set(pass, run(pass)), memo.get(pass)!);

/** What the full-object sweep enqueued: assess every in-scope Workflow with the finalizer from the object alone. */
function expectedStuck(config = configFor(1000)): Set<string> {
  const out = new Set<string>();
  for (const m of members) {
    const meta = m.object['metadata'];
    if (!meta.finalizers?.includes('workflows.argoproj.io/artifact-gc')) continue;
    const policy = policyFor(config, 'prod', meta.namespace);
    if (!policy.included) continue;
    const a = assessRaw({ workflow: m.object }, { now: NOW, quietPeriodMs: policy.quietPeriodMs });
    if (a.verdict === 'remove' || a.verdict === 'notify') out.add(`${meta.namespace}/${meta.name}`);
  }
  return out;
}

beforeAll(async () => {
  server = await startApiServer({ maxRecordedRequests: 100_000 });
  members = [...fleet({ count: 400, now: NOW, seed: 7 })];
  for (const m of members) server.store.create(WORKFLOWS, m.object as never, { keepSystemFields: true });
}, 60_000);
afterAll(async () => {
  await server.close();
});

describe('sweep passes over a realistic fleet', () => {
  it('the fleet holds every state, terminating ones among them', () => {
    const states = new Set(members.map((m) => m.state));
    expect(states.size).toBe(7);
    expect(members.some((m) => m.nodes > 300)).toBe(true);
  });

  it('the full pass enqueues exactly what the full-object sweep did', async () => {
    const { result, sent } = await once('full');
    const expected = expectedStuck();
    expect(expected.size).toBeGreaterThan(0);
    expect(new Set(sent.map((s) => `${s.namespace}/${s.name}`))).toEqual(expected);
    expect(result.deferred).toBe(0);
  });

  it('the light pass enqueues exactly the terminating ones of that set, reading only those in full', async () => {
    const { result, sent, requests } = await once('light');
    const terminating = new Set(members.filter((m) => isTerminating(m.state)).map((m) => `${m.object['metadata'].namespace}/${m.object['metadata'].name}`));
    const expected = new Set([...expectedStuck()].filter((k) => terminating.has(k)));
    expect(new Set(sent.map((s) => `${s.namespace}/${s.name}`))).toEqual(expected);
    const gets = requests.filter((r) => r.method === 'GET' && r.path.startsWith('/apis/argoproj.io/v1alpha1/namespaces/'));
    expect(gets).toHaveLength(result.terminating);
    expect(result.fetched).toBe(result.terminating);
    expect(result.deferred + result.terminating).toBe(result.candidates);
    const lists = requests.filter((r) => r.path === LIST);
    expect(lists.every((r) => r.accept?.startsWith('application/json;as=PartialObjectMetadataList'))).toBe(true);
  });

  it('the light pass costs at most 2 KB on the wire per Workflow it does not read in full', async () => {
    const light = await once('light');
    const full = await once('full');
    const bytes = (rs: typeof light.requests, pred: (p: string) => boolean) => rs.filter((r) => pred(r.path)).reduce((n, r) => n + (r.responseBytes ?? 0), 0);
    const listBytes = bytes(light.requests, (p) => p === LIST);
    // Every Workflow in the cluster appears in the metadata list; only terminating candidates are read again.
    expect(listBytes / members.length).toBeLessThan(2048);
    expect(bytes(full.requests, (p) => p === LIST)).toBeGreaterThan(20 * listBytes);
  });

  it('the systemic cap trips in both passes when more are stuck than allowed, and nothing is enqueued', async () => {
    for (const pass of ['light', 'full'] as const) {
      const { result, sent, published } = await run(pass, 3);
      expect(result.alert).toMatchObject({ kind: 'sweep-cap-exceeded', cap: 3, found: result.stuck });
      expect(sent).toHaveLength(0);
      expect(published).toHaveLength(1);
    }
  });

  it('gauges: stuck by cause, the oldest stuck age in seconds, terminating with the finalizer', async () => {
    const { result, metrics } = await once('full');
    const total = metrics.find((m) => m.name === 'StuckWorkflows' && !('cause' in m.dimensions));
    expect(total?.value).toBe(result.stuck);
    const byCause = metrics.filter((m) => m.name === 'StuckWorkflows' && 'cause' in m.dimensions);
    expect(byCause.reduce((n, m) => n + m.value, 0)).toBe(result.stuck);
    expect(byCause.every((m) => Object.keys(m.dimensions).sort().join() === 'cause,cluster')).toBe(true);
    const oldest = metrics.find((m) => m.name === 'OldestStuckAgeSeconds');
    // The fleet's stuck Workflows finished 180 minutes ago; terminating ones were deleted 90 minutes ago.
    expect(oldest).toMatchObject({ unit: 'Seconds', value: 180 * 60, dimensions: { cluster: 'prod' } });
    expect(metrics.find((m) => m.name === 'TerminatingWithFinalizer')?.value).toBe(result.terminating);
  });

  it('out of time: the cluster being listed stops and sends what it found, the clusters after it are not reached; both are counted as SweepIncomplete', async () => {
    const config = parseConfig({
      clusters: ['prod', 'dr'].map((name) => ({ name, auth: { type: 'token', server: 'http://127.0.0.1:1', token: 't', skipTLSVerify: true }, maxRemovalsPerSweep: 1000 })),
    }, 'test');
    const port = new KubeClusterPort(kubeConfigFor(server), { rateLimit: { qps: 10_000, burst: 10_000 } });
    const metrics: { name: string; dimensions: Record<string, string> }[] = [];
    const sent: unknown[] = [];
    let left = 30_100; // 100 looks before the 30 s kept back
    const results = await sweep({
      config, portFor: () => port, pass: 'full', clock: () => NOW, remainingMs: () => (left -= 1),
      queue: { send: async (m) => void sent.push(...m) }, publisher: { publish: async () => {} },
      metrics: { count: (name, dimensions) => void metrics.push({ name, dimensions }) },
    });
    expect(results.map((r) => [r.cluster, r.complete])).toEqual([['prod', false], ['dr', false]]);
    expect(results[0]!.candidates).toBeGreaterThan(0);
    expect(results[0]!.candidates).toBeLessThan(100);
    expect(sent).toHaveLength(results[0]!.enqueued);
    expect(results[1]).toMatchObject({ candidates: 0, enqueued: 0 });
    expect(metrics.filter((m) => m.name === 'SweepIncomplete').map((m) => m.dimensions['cluster'])).toEqual(['prod', 'dr']);
  });
});

