// The evaluate function killed mid-batch, as Lambda discards a sandbox at its timeout, then its records redelivered
// (README "What it will never do", invariant 5). The function runs in a process of its own (the bundle of
// functions/evaluate.ts, with Lambda's Node flags and its deployed environment) against the local API server and moto (signals queue with a 1 s
// visibility timeout, bus with a rule to the audit step, audit bucket). Killed after 0, 1 and N PATCHes and during
// PutEvents; afterwards every removal has exactly one final record saying `removed` (with its orphans when
// forced), and every Workflow had exactly one PATCH applied.
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { workflow } from '../../src/demo/builders.js';
import type { FaultSpec } from '../../src/local/apiserver/faults.js';
import { runEvaluateChild } from '../helpers/evaluate-child.js';
import { type EvaluateWorld, useEvaluateWorld } from '../helpers/evaluate-world.js';
import { type AwsFault, withMoto } from '../helpers/moto.js';

const fx = withMoto();
const NOW = new Date();
const GC = 'workflows.argoproj.io/artifact-gc';
let world: EvaluateWorld;

/** Removable, and kept after the removal by another finalizer: the redelivery finds it without ours. */
const kept = (name: string) => {
  const wf = workflow({ name, namespace: 'argo', uid: `uid-${name}`, now: NOW, finishedMinutesAgo: 180, deletionMinutesAgo: 120, strategy: 'OnWorkflowDeletion', strategiesProcessed: ['OnWorkflowCompletion', 'OnWorkflowDeletion'] });
  wf['metadata'].finalizers = ['example.com/keep', GC];
  return wf;
};
/** Forced with a pending artifact, being deleted: gone once our PATCH lands; its removal orphans `out`. */
const forced = (name: string) =>
  workflow({ name, namespace: 'sandbox', uid: `uid-${name}`, now: NOW, finishedMinutesAgo: 100, deletionMinutesAgo: 60, strategy: 'OnWorkflowDeletion', forceFinalizerRemoval: true, artifacts: [{ name: 'out', key: `scratch/${name}/out.bin` }], strategiesProcessed: ['OnWorkflowCompletion', 'OnWorkflowDeletion'] });

const applied = (name: string) => world.server.requests.filter((r) => r.method === 'PATCH' && r.path.endsWith(`/workflows/${name}`) && r.status === 200);

async function until(what: string, check: () => boolean, ms = 40_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

/**
 * One batch naming `workflows`, run in a child that is killed once `killWhen` holds; then redeliveries (each in a
 * fresh child, the audit step draining the bus between them) until the queue is empty.
 */
async function crashThenRedeliver(workflows: Record<string, any>[], faults: { kube?: FaultSpec[]; aws?: AwsFault[] }, killWhen: () => boolean): Promise<void> {
  for (const wf of workflows) world.server.store.put(wf);
  await world.signal(workflows);
  const batch = await world.receive();
  expect(batch?.Records).toHaveLength(workflows.length);
  for (const f of faults.kube ?? []) world.server.faults.add(f);
  fx.moto.faults.push(...(faults.aws ?? []));
  const run = await runEvaluateChild(batch!, world.env);
  let exited = false;
  void run.done.finally(() => (exited = true)).catch(() => undefined);
  await until('the kill point', () => killWhen() || exited);
  run.kill();
  expect(await run.done).toBe('killed');
  // Nothing of the batch was acknowledged: every record comes back after its visibility timeout.
  await world.settle(batch!, batch!.Records.map((r) => r.messageId));
  world.server.faults.clear();
  fx.moto.faults.length = 0;
  await world.audit();

  for (let round = 0; round < 6 && (await world.inFlight()) > 0; round++) {
    const again = await world.receive();
    if (!again) continue;
    expect(again.Records.every((r) => Number(r.attributes.ApproximateReceiveCount) >= 2)).toBe(true);
    const answer = await (await runEvaluateChild(again, world.env)).done;
    if (answer === 'killed') throw new Error('not killed, yet no answer');
    await world.settle(again, answer.batchItemFailures.map((f) => f.itemIdentifier));
    await world.audit();
  }
  expect(await world.inFlight()).toBe(0);
}

/** Every Workflow: one PATCH applied, one final record of its removal, nothing else saying it was removed. */
async function expectEachRemovedOnce(workflows: Record<string, any>[]): Promise<void> {
  const finals = await world.finals();
  for (const wf of workflows) {
    const name = wf['metadata'].name as string;
    expect(applied(name), name).toHaveLength(1);
    const removals = finals.filter((d) => d.workflow.uid === wf['metadata'].uid && d.action === 'removed');
    expect(removals, name).toHaveLength(1);
    const [removal] = removals;
    expect(removal!.intentKey, name).toMatch(new RegExp(`/${removal!.decisionId}\\.intent\\.json$`));
    if (wf['spec'].artifactGC?.forceFinalizerRemoval) {
      expect(removal, name).toMatchObject({ cause: 'force-removal-declared', notifyOperator: true });
      expect(removal!.pendingArtifacts.map((a) => a.name), name).toEqual(['out']);
    }
  }
}

useEvaluateWorld(fx, (w) => (world = w));

describe('evaluate killed mid-batch, then redelivered', () => {
  it('after 0 PATCHes (intent stored, PATCH sent, nothing applied): the redelivery sends the same PATCH once', async () => {
    const wfs = [forced('zero-a')];
    await crashThenRedeliver(wfs, { kube: [{ kind: 'hang', match: { method: 'PATCH' }, times: 1 }] }, () => world.server.requests.some((r) => r.method === 'PATCH'));
    expect(applied('zero-a')).toHaveLength(1);
    await expectEachRemovedOnce(wfs);
    const [removal] = (await world.finals()).filter((d) => d.action === 'removed');
    expect(removal!.outcome).toBe('patched');
  }, 120_000);

  it('after 1 PATCH applied and never answered: the redelivery finds the finalizer gone and records the removal from its intent', async () => {
    const wfs = [kept('one-a'), forced('one-b')];
    await crashThenRedeliver(wfs, { kube: [{ kind: 'applied-then', response: 'hang', match: { method: 'PATCH' }, times: 1 }] }, () => world.server.requests.some((r) => r.method === 'PATCH' && r.note?.includes('answer was lost') === true));
    await expectEachRemovedOnce(wfs);
    const outcomes = (await world.finals()).filter((d) => d.action === 'removed').map((d) => [d.workflow.name, d.outcome]);
    expect(outcomes).toContainEqual(['one-a', 'removed-recovered-from-intent']);
  }, 120_000);

  it('after N PATCHes (two answered and published, the third applied and never answered)', async () => {
    const wfs = [kept('many-a'), forced('many-b'), kept('many-c')];
    await crashThenRedeliver(
      wfs,
      { kube: [{ kind: 'applied-then', response: 'hang', match: { method: 'PATCH', pathRegex: '/workflows/many-c$' }, times: 1 }] },
      () => world.server.requests.some((r) => r.method === 'PATCH' && r.path.endsWith('/many-c') && r.status === 200),
    );
    await expectEachRemovedOnce(wfs);
  }, 120_000);

  it('during PutEvents (the first removal published, the second one\'s PutEvents never answered)', async () => {
    const wfs = [forced('bus-a'), kept('bus-b'), forced('bus-c')];
    await crashThenRedeliver(wfs, { aws: [{ operation: 'AWSEvents.PutEvents', hang: true, after: 1, times: 1 }] }, () => fx.moto.callsTo('AWSEvents.PutEvents').length >= 2);
    await expectEachRemovedOnce(wfs);
  }, 120_000);
});
