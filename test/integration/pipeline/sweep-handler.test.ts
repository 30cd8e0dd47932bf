// The real sweep handler over 5,000 Workflows on the local Kubernetes API server; the signals queue and the
// bus are moto's, reached by the clients the handler builds from the environment. What it sent is read off the
// wire (the moto proxy's record) and, for the queue, back from SQS.
import { CreateEventBusCommand, EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { CreateQueueCommand, PurgeQueueCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { clearConfigCache } from '../../../src/config/load.js';
import { workflow } from '../../../src/demo/builders.js';
import { type LocalApiServer, startApiServer } from '../../../src/local/apiserver/index.js';
import { withMoto } from '../../helpers/moto.js';

const fx = withMoto();
const saved = { ...process.env };
let sqs: SQSClient;
let queueUrl: string;
const NOW = new Date();
let server: LocalApiServer;
let handler: (event: unknown, context: object) => Promise<{ pass: string; clusters: { cluster: string; candidates: number; stuck: number; enqueued: number; deferred: number; alerted: boolean; complete: boolean }[] }>;

const configure = (maxRemovalsPerSweep: number) => {
  process.env['AFR_CONFIG'] = JSON.stringify({
    clusters: [{ name: 'prod', auth: { type: 'token', server: server.url, token: server.token, skipTLSVerify: true }, mode: 'remediate', maxRemovalsPerSweep, namespaces: { exclude: ['kube-*'] } }],
  });
  clearConfigCache();
};

const STUCK = 20;
beforeAll(async () => {
  const seed: object[] = [];
  for (let i = 0; i < 5000; i++) {
    const ns = ['argo', 'data', 'ml', 'kube-jobs'][i % 4]!;
    const base = { name: `wf-${String(i).padStart(5, '0')}`, namespace: ns, uid: `uid-${i}`, now: NOW, finishedMinutesAgo: 120, strategy: 'OnWorkflowDeletion' as const, strategiesProcessed: ['OnWorkflowCompletion'] };
    if (i < STUCK * 4 && ns !== 'kube-jobs' && seed.filter((o: any) => o.metadata.deletionTimestamp).length < STUCK) {
      seed.push(workflow({ ...base, deletionMinutesAgo: 90, strategiesProcessed: ['OnWorkflowCompletion', 'OnWorkflowDeletion'] })); // nested-parent shape: remove
    } else if (i % 5 === 0) {
      seed.push(workflow({ ...base, artifacts: [{ name: 'out', key: `k/${i}` }] })); // awaiting deletion: not stuck
    } else if (ns === 'kube-jobs' && i % 2 === 0) {
      seed.push(workflow({ ...base, deletionMinutesAgo: 90 })); // stuck, but in an excluded namespace
    } else {
      seed.push(workflow({ ...base, finalizers: [] }));
    }
  }
  server = await startApiServer({ seed });
  sqs = new SQSClient(fx.moto.clientConfig);
  queueUrl = (await sqs.send(new CreateQueueCommand({ QueueName: 'signals' }))).QueueUrl!;
  await new EventBridgeClient(fx.moto.clientConfig).send(new CreateEventBusCommand({ Name: 'remediator-bus' }));
  Object.assign(process.env, fx.moto.env);
  process.env['DECISION_BUS_NAME'] = 'remediator-bus';
  process.env['SIGNALS_QUEUE_URL'] = queueUrl;
  process.env['POWERTOOLS_LOG_LEVEL'] = 'SILENT';
  process.env['POWERTOOLS_METRICS_DISABLED'] = 'true';
  handler = (await import('../../../functions/sweep.js')).handler as never;
}, 60_000);
afterAll(async () => {
  await server.close();
  process.env = saved;
});
beforeEach(async () => {
  await sqs.send(new PurgeQueueCommand({ QueueUrl: queueUrl }));
  fx.moto.calls.length = 0;
});

async function queued(): Promise<Record<string, any>[]> {
  const bodies: Record<string, any>[] = [];
  for (;;) {
    const out = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, VisibilityTimeout: 60 }));
    if (!out.Messages?.length) return bodies;
    bodies.push(...out.Messages.map((m) => JSON.parse(m.Body!)));
  }
}
const putEntries = () => fx.moto.callsTo('AWSEvents.PutEvents').flatMap((c) => (JSON.parse(c.body) as { Entries: { DetailType: string; Detail: string }[] }).Entries);

describe('sweep handler', () => {
  it('pages through 5,000 Workflows and enqueues exactly the stuck ones in scope', async () => {
    configure(25);
    const out = await handler({ 'detail-type': 'Scheduled Event', source: 'aws.scheduler' }, {});
    const sent = await queued();
    expect(sent).toHaveLength(STUCK);
    expect(new Set(sent.map((m) => m.name)).size).toBe(STUCK);
    expect(sent.every((m) => m.kind === 'afr.sweep/v1' && m.cluster === 'prod' && m.namespace !== 'kube-jobs')).toBe(true);
    // No `pass` in the input (an older schedule, a manual invoke): the full pass, never blind.
    expect(out.pass).toBe('full');
    expect(out.clusters).toEqual([{ cluster: 'prod', candidates: expect.any(Number), stuck: STUCK, enqueued: STUCK, deferred: 0, alerted: false, complete: true }]);
    expect(fx.moto.callsTo('AWSEvents.PutEvents')).toHaveLength(0);
    const lists = server.requests.filter((r) => r.method === 'GET' && r.path === '/apis/argoproj.io/v1alpha1/workflows');
    expect(lists.length).toBe(100); // 5,000 / limit 50: a full page holds whole statuses
  });

  it('the light pass (the 15-minute schedule) lists metadata only and reads just the terminating candidates', async () => {
    configure(25);
    const before = server.requests.length;
    const out = await handler({ source: 'scheduler', pass: 'light' }, {});
    const sent = await queued();
    expect(sent).toHaveLength(STUCK);
    expect(out.pass).toBe('light');
    expect(out.clusters[0]).toMatchObject({ stuck: STUCK, enqueued: STUCK, alerted: false });
    expect(out.clusters[0]!.deferred).toBeGreaterThan(0);
    const requests = server.requests.slice(before);
    const lists = requests.filter((r) => r.path === '/apis/argoproj.io/v1alpha1/workflows');
    expect(lists).toHaveLength(10);
    expect(lists.every((r) => r.accept?.includes('as=PartialObjectMetadataList'))).toBe(true);
    // The in-scope terminating Workflows, each read once: the 20 stuck ones (the kube-jobs ones are out of scope).
    expect(requests.filter((r) => r.method === 'GET' && r.path.includes('/namespaces/'))).toHaveLength(STUCK);
  });

  it('above the cap, sends one systemic alert and enqueues nothing', async () => {
    configure(10);
    const out = await handler({}, {});
    expect(fx.moto.callsTo('AmazonSQS.SendMessageBatch')).toHaveLength(0);
    expect(await queued()).toEqual([]);
    const entries = putEntries();
    expect(entries.map((e) => e.DetailType)).toEqual(['Systemic Alert']);
    const alert = JSON.parse(entries[0]!.Detail!);
    expect(alert).toMatchObject({ cluster: 'prod', kind: 'sweep-cap-exceeded', found: STUCK, cap: 10 });
    expect(alert.sample.length).toBeLessThanOrEqual(20);
    expect(out.clusters[0]).toMatchObject({ stuck: STUCK, enqueued: 0, alerted: true });
  });

  it('the light pass stops reading once the stuck count passes the cap: the alert is certain, more GETs would only refine a count', async () => {
    configure(5);
    const before = server.requests.length;
    const out = await handler({ source: 'scheduler', pass: 'light' }, {});
    expect(out.clusters[0]).toMatchObject({ stuck: 6, enqueued: 0, alerted: true });
    const gets = server.requests.slice(before).filter((r) => r.method === 'GET' && r.path.includes('/namespaces/'));
    expect(gets).toHaveLength(6);
    expect(putEntries().map((e) => e.DetailType)).toEqual(['Systemic Alert']);
    expect(await queued()).toEqual([]);
  });

  it('stops listing when the Lambda clock runs low, says so, and still enqueues what it found', async () => {
    configure(25);
    // 30.5 s left at the start, one millisecond less per look: the budget (30 s kept back) runs out after 500 candidates.
    let left = 30_500;
    const before = server.requests.length;
    const out = await handler({ pass: 'full' }, { getRemainingTimeInMillis: () => (left -= 1) });
    const c = out.clusters[0]!;
    expect(c).toMatchObject({ complete: false, alerted: false });
    // Some stuck Workflows lie past where it stopped (namespace ml sorts last); the ones it reached are all sent.
    expect(c.stuck).toBeGreaterThan(0);
    expect(c.stuck).toBeLessThan(STUCK);
    expect(c.enqueued).toBe(c.stuck);
    expect(out.clusters[0]!.candidates).toBeLessThanOrEqual(500);
    // Fewer pages than the whole list's 50: it stopped listing rather than judging less.
    const lists = server.requests.slice(before).filter((r) => r.path === '/apis/argoproj.io/v1alpha1/workflows');
    expect(lists.length).toBeLessThan(50);
    expect(await queued()).toHaveLength(c.stuck);
  });

  it('sweeps only the clusters its input names (one schedule per cluster), and refuses a name the config lacks without a write', async () => {
    configure(25);
    const out = await handler({ pass: 'light', clusters: ['prod'] }, {});
    expect(out.clusters.map((c) => c.cluster)).toEqual(['prod']);
    expect(await queued()).toHaveLength(STUCK);
    fx.moto.calls.length = 0;
    const before = server.requests.length;
    await expect(handler({ pass: 'light', clusters: ['staging'] }, {})).rejects.toThrow(/clusters the config does not have: staging \(known: prod\)/);
    await expect(handler({ pass: 'light', clusters: 'prod' }, {})).rejects.toThrow(/non-empty list of cluster names/);
    expect(server.requests.length).toBe(before);
    expect(fx.moto.calls.map((c) => c.operation)).toEqual([]);
  });
});
