// Recovery from the intent record (README "What it will never do", invariant 5), through the real evaluate handler
// in this process: the bus and the signals queue refusing together after a PATCH, then the redelivery. The queue,
// bus, rule and bucket are moto's; the Workflow is the local API server's.
import type { SQSEvent } from 'aws-lambda';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { clearConfigCache } from '../../../src/config/load.js';
import { workflow } from '../../../src/demo/builders.js';
import { MemoryEpisodeStore } from '../../../src/notify/episodes.js';
import { notifyDecisions } from '../../../src/notify/notify-decisions.js';
import { SlackWebhookClient } from '../../../src/notify/slack-client.js';
import { type EvaluateWorld, startEvaluateWorld } from '../../helpers/evaluate-world.js';
import { startSlackReceiver } from '../../helpers/slack-receiver.js';
import { withMoto } from '../../helpers/moto.js';

const fx = withMoto();
const saved = { ...process.env };
let world: EvaluateWorld;
let handler: (event: SQSEvent, context: object) => Promise<{ batchItemFailures: { itemIdentifier: string }[] }>;

const NOW = new Date();
// forceFinalizerRemoval with a pending artifact: the removal orphans it, so its decision must say so and page.
const forced = () =>
  workflow({
    name: 'scratch-run-x7p2m',
    namespace: 'sandbox',
    uid: 'uid-forced-0001',
    now: NOW,
    finishedMinutesAgo: 100,
    deletionMinutesAgo: 60,
    strategy: 'OnWorkflowDeletion',
    forceFinalizerRemoval: true,
    artifacts: [{ name: 'tmp-out', key: 'scratch/uid-forced-0001/out.bin' }],
    strategiesProcessed: ['OnWorkflowCompletion', 'OnWorkflowDeletion'],
  });
const WF = { kind: 'Workflow', apiVersion: 'argoproj.io/v1alpha1', namespace: 'sandbox', name: 'scratch-run-x7p2m' };

async function invoke(context: object = {}): Promise<{ event: SQSEvent; failed: string[] }> {
  const event = await world.receive();
  if (!event) throw new Error('nothing to receive');
  const failed = (await handler(event, context)).batchItemFailures.map((f) => f.itemIdentifier);
  await world.settle(event, failed);
  return { event, failed };
}

beforeAll(async () => {
  world = await startEvaluateWorld(fx.moto);
  Object.assign(process.env, world.env);
  clearConfigCache();
  handler = (await import('../../../functions/evaluate.js')).handler as never;
}, 30_000);
afterAll(async () => {
  await world?.close();
  process.env = saved;
});
beforeEach(() => {
  fx.moto.faults.length = 0;
  fx.moto.calls.length = 0;
});

describe('recovery from the intent record', () => {
  it('bus and queue refusing together after the PATCH: the redelivery records the removal once, with its orphans and notifyOperator', async () => {
    world.server.store.put(forced());
    await world.signal([forced()]);
    fx.moto.faults.push(
      { operation: 'AWSEvents.PutEvents', failEntries: { pick: () => true, code: 'InternalFailure', message: 'down' } },
      { operation: 'AmazonSQS.SendMessageBatch', error: { status: 500, code: 'InternalError', message: 'down' } },
    );
    const first = await invoke();
    // The PATCH was applied (the Workflow, being deleted, is gone), the decision reached neither bus nor queue:
    // the record fails, nothing is recorded yet.
    expect(first.failed).toEqual(first.event.Records.map((r) => r.messageId));
    expect(world.server.store.get(WF)).toBeUndefined();
    expect(await world.audit()).toBe(0);
    const [intent] = await world.intents();
    expect(intent).toMatch(/\/sandbox\/scratch-run-x7p2m\/uid-forced-0001\/[0-9a-f]{32}\.intent\.json$/);

    fx.moto.faults.length = 0;
    const second = await invoke();
    expect(second.event.Records[0]!.attributes.ApproximateReceiveCount).toBe('2');
    expect(second.failed).toEqual([]);
    expect(await world.audit()).toBe(1);
    const finals = (await world.finals()).filter((d) => d.workflow.uid === 'uid-forced-0001');
    expect(finals).toHaveLength(1);
    expect(finals[0]).toMatchObject({
      action: 'removed',
      outcome: 'removed-recovered-from-intent',
      verdict: 'remove',
      cause: 'force-removal-declared',
      notifyOperator: true,
      intentKey: intent,
      evidenceKey: expect.stringMatching(/^evidence\/cluster=prod\//),
      evidenceSha256: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
    expect(finals[0]!.pendingArtifacts.map((a) => a.name)).toEqual(['tmp-out']);
    expect(intent!.endsWith(`/${finals[0]!.decisionId}.intent.json`)).toBe(true);
    // Slack hears of it as of any forced removal: once, naming the orphan; a second copy of the decision adds nothing.
    const slack = await startSlackReceiver();
    try {
      const deps = { slack: new SlackWebhookClient({ url: slack.url }), episodes: new MemoryEpisodeStore(), argoUiUrl: 'https://argo.example.com' };
      expect((await notifyDecisions([finals[0]!, finals[0]!], deps)).messages).toBe(1);
      expect((await notifyDecisions([finals[0]!], deps)).messages).toBe(0);
      const posted = slack.posts.filter((p) => p.reply.status === 200).map((p) => JSON.stringify(p.json));
      expect(posted).toHaveLength(1);
      expect(posted[0]).toContain('scratch-run-x7p2m');
      expect(posted[0]).toContain('scratch/uid-forced-0001/out.bin');
    } finally {
      await slack.close();
    }
    // On the wire: one PATCH applied in all, never a second one.
    expect(world.server.requests.filter((r) => r.method === 'PATCH').map((r) => r.status)).toEqual([200]);
  }, 60_000);

  it('once the final record exists, another redelivery adds nothing: no second removal is recorded', async () => {
    await world.signal([forced()]);
    // Received and not acknowledged: the record comes back with a receive count of 2.
    const lost = await world.receive();
    await world.settle(lost!, lost!.Records.map((r) => r.messageId));
    const again = await invoke();
    expect(again.event.Records[0]!.attributes.ApproximateReceiveCount).toBe('2');
    expect(again.failed).toEqual([]);
    await world.audit();
    const removals = (await world.finals()).filter((d) => d.workflow.uid === 'uid-forced-0001' && d.action === 'removed');
    expect(removals).toHaveLength(1);
    // It looked (one listing per day searched), found the intent closed by its final record, published nothing for it.
    const listings = fx.moto.callsTo('S3.GET').filter((c) => c.path.includes('list-type=2') && decodeURIComponent(c.path).includes('prefix=audit/cluster=prod/date='));
    expect(listings.map((c) => decodeURIComponent(c.path).match(/date=[0-9-]+\/sandbox\/scratch-run-x7p2m\//)?.[0])).toHaveLength(2);
    expect(listings.every((c) => /date=[0-9-]+\/sandbox\/scratch-run-x7p2m\//.test(decodeURIComponent(c.path)))).toBe(true);
  }, 60_000);

  it('a first delivery that finds no finalizer costs no S3 request', async () => {
    await world.signal([forced()]);
    const first = await invoke();
    expect(first.event.Records[0]!.attributes.ApproximateReceiveCount).toBe('1');
    expect(fx.moto.calls.filter((c) => c.operation.startsWith('S3.'))).toEqual([]);
  }, 60_000);
});

// The Lambda clock (context.getRemainingTimeInMillis), as src/evaluate/README.md "Time budgets" says.
describe('time budgets', () => {
  const budgeted = (name: string, uid: string) => {
    const wf = forced();
    wf['metadata'].name = name;
    wf['metadata'].uid = uid;
    return wf;
  };
  const key = (name: string) => ({ ...WF, name });

  it('a Workflow is not started with less than one Workflow\'s budget left: not even read, its record fails', async () => {
    world.server.store.put(budgeted('late-start', 'uid-late-start'));
    world.server.requests.length = 0;
    await world.signal([budgeted('late-start', 'uid-late-start')]);
    const run = await invoke({ getRemainingTimeInMillis: () => 15_000 });
    expect(run.failed).toEqual(run.event.Records.map((r) => r.messageId));
    expect(world.server.requests).toEqual([]);
    // Redelivered with time: removed once.
    await invoke({ getRemainingTimeInMillis: () => 60_000 });
    expect(world.server.store.get(key('late-start'))).toBeUndefined();
  }, 60_000);

  it('no PATCH once the evidence took the time it needed: the intent stays, the redelivery sends the same PATCH once', async () => {
    world.server.store.put(budgeted('late-act', 'uid-late-act'));
    world.server.requests.length = 0;
    await world.signal([budgeted('late-act', 'uid-late-act')]);
    // Enough to start; once the intent is stored (on the wire), less than the act needs.
    const intentStored = () => fx.moto.callsTo('S3.PUT').some((c) => c.path.includes('/late-act/') && c.path.includes('.intent.json'));
    const run = await invoke({ getRemainingTimeInMillis: () => (intentStored() ? 9_000 : 25_000) });
    expect(run.failed).toEqual(run.event.Records.map((r) => r.messageId));
    expect(world.server.requests.filter((r) => r.method === 'PATCH')).toEqual([]);
    const intents = (await world.intents()).filter((k) => k.includes('/late-act/'));
    expect(intents).toHaveLength(1);
    await invoke({ getRemainingTimeInMillis: () => 60_000 });
    await world.audit();
    expect(world.server.requests.filter((r) => r.method === 'PATCH').map((r) => r.status)).toEqual([200]);
    const [removal] = (await world.finals()).filter((d) => d.workflow.uid === 'uid-late-act');
    expect(removal).toMatchObject({ action: 'removed', outcome: 'patched', intentKey: intents[0] });
  }, 60_000);
});
