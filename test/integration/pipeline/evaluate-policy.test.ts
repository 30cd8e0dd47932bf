import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FolderEvidenceSink } from '../../../src/evidence/folder-sink.js';
// evaluateBatch against the local Kubernetes API server: modes, namespace scope and the per-invocation cap.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { BusEntry } from '../../../src/bus/entry.js';
import { parseConfig } from '../../../src/config/load.js';
import { workflow } from '../../../src/demo/builders.js';
import { exporterEvent } from '../../../src/demo/seed.js';
import { type Decision, Decision as DecisionSchema } from '../../../src/domain/decision.js';
import { evaluateBatch } from '../../../src/evaluate/evaluate-batch.js';
import { portFor } from '../../../src/kube/port-for.js';
import { type LocalApiServer, startApiServer } from '../../../src/local/apiserver/index.js';
import { shouldNotify } from '../../../src/notify/messages.js';
import type { QueueMessage } from '../../../src/queue/signal-queue.js';

const NOW = new Date();
const GC = 'workflows.argoproj.io/artifact-gc';
const stuck = (name: string, namespace = 'argo') =>
  workflow({ name, namespace, uid: `uid-${namespace}-${name}`, now: NOW, finishedMinutesAgo: 180, deletionMinutesAgo: 120, strategy: 'OnWorkflowDeletion', strategiesProcessed: ['OnWorkflowCompletion', 'OnWorkflowDeletion'] });
const seeds = () => [stuck('a'), stuck('b'), stuck('c'), stuck('d', 'team-x'), stuck('e', 'kube-jobs')];

let server: LocalApiServer;
let published: BusEntry[];
let queued: QueueMessage[];
let evidenceDir: string;
beforeAll(async () => {
  server = await startApiServer({ seed: seeds() });
  evidenceDir = mkdtempSync(join(tmpdir(), 'afr-evidence-'));
});
afterAll(async () => {
  await server.close();
  rmSync(evidenceDir, { recursive: true, force: true });
});
beforeEach(() => {
  for (const o of seeds()) server.store.put(o);
  published = [];
  queued = [];
});

async function run(clusterSettings: Record<string, unknown>, names: [string, string][]) {
  const config = parseConfig({ clusters: [{ name: 'prod', auth: { type: 'token', server: server.url, token: server.token, skipTLSVerify: true }, ...clusterSettings }] }, 'test');
  const port = portFor(config.clusters[0]!.auth);
  const records = names.map(([namespace, name], i) => ({ id: `m${i}`, body: JSON.stringify(exporterEvent(stuck(name, namespace), 'WorkflowSucceeded', { cluster: 'prod', now: NOW, seq: i })) }));
  const report = await evaluateBatch(records, {
    config,
    portFor: () => port,
    publisher: { publish: async (e) => void published.push(...e) },
    queue: { send: async (m) => void queued.push(...m) },
    evidence: new FolderEvidenceSink(evidenceDir),
  });
  const decisions = published.filter((e) => e.detailType === 'Remediation Decision').map((e) => DecisionSchema.parse(e.detail));
  return { report, decisions, byName: new Map<string, Decision>(decisions.map((d) => [d.workflow.name, d])) };
}
const finalizersOf = (namespace: string, name: string) =>
  (server.store.get({ kind: 'Workflow', apiVersion: 'argoproj.io/v1alpha1', namespace, name }) as { metadata: { finalizers: string[] } } | undefined)?.metadata.finalizers;
const patches = () => server.requests.filter((r) => r.method === 'PATCH').length;

describe('evaluate: policy and caps', () => {
  it('a cluster with no mode is dry run: decides and records would-remove, patches nothing', async () => {
    const before = patches();
    const { decisions } = await run({}, [['argo', 'a'], ['argo', 'b']]);
    expect(decisions.map((d) => [d.mode, d.action, d.outcome])).toEqual([['dry-run', 'would-remove', 'dry-run'], ['dry-run', 'would-remove', 'dry-run']]);
    expect(patches()).toBe(before);
    expect(finalizersOf('argo', 'a')).toEqual([GC]);
  });

  it('remediate removes at most maxRemovalsPerInvocation; the rest are deferred and re-checked in 60 s', async () => {
    const { decisions } = await run({ mode: 'remediate', maxRemovalsPerInvocation: 1 }, [['argo', 'a'], ['argo', 'b'], ['argo', 'c']]);
    expect(decisions.map((d) => d.action)).toEqual(['removed', 'none', 'none']);
    expect(decisions[1]!.outcome).toMatch(/^deferred: removal cap of 1 per invocation reached/);
    expect(finalizersOf('argo', 'a')).toBeUndefined(); // terminating, last finalizer gone: deleted
    expect(finalizersOf('argo', 'b')).toEqual([GC]);
    expect(queued.map((m) => [JSON.parse(m.body).name, m.delaySeconds])).toEqual([['b', 60], ['c', 60]]);
    // The deferred decision and the later removal must not share an audit object.
    expect(new Set(decisions.map((d) => d.decisionId)).size).toBe(3);
  });

  it('notify-only hands safe removals to a human: action notified, and Slack takes it', async () => {
    const { decisions } = await run({ mode: 'remediate', namespaceModes: { 'team-*': 'notify-only' } }, [['team-x', 'd']]);
    expect(decisions.map((d) => [d.verdict, d.mode, d.action])).toEqual([['remove', 'notify-only', 'notified']]);
    expect(shouldNotify(decisions[0]!)).toBe(true);
    expect(finalizersOf('team-x', 'd')).toEqual([GC]);
  });

  it('an excluded namespace is not evaluated at all', async () => {
    const before = server.requests.length;
    const { decisions, report } = await run({ mode: 'remediate', namespaces: { exclude: ['kube-*'] } }, [['kube-jobs', 'e']]);
    expect(decisions).toEqual([]);
    expect(report.results).toEqual([{ status: 'fulfilled', value: 'm0' }]);
    expect(server.requests.length).toBe(before);
    expect(finalizersOf('kube-jobs', 'e')).toEqual([GC]);
  });

  it('decision events carry no secret that reached the evidence', async () => {
    const wf = stuck('a');
    wf.status.conditions.push({ type: 'ArtifactGCError', status: 'True', message: 'posting to https://hooks.slack.com/services/T000/B000/XXXXSECRET failed' });
    wf.status.nodes.a = { id: 'a', name: 'a', type: 'Pod', phase: 'Succeeded', outputs: { artifacts: [{ name: 'r', s3: { key: 'k' } }] } };
    server.store.put(wf);
    await run({ mode: 'remediate' }, [['argo', 'a']]);
    const text = JSON.stringify(published);
    expect(text).toContain('posting to');
    expect(text).not.toContain('XXXXSECRET');
  });
});
