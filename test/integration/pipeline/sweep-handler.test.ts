// The real sweep handler over 5,000 Workflows on the local Kubernetes API server. SQS and EventBridge are
// stubbed with aws-sdk-client-mock (they cannot run here).
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { clearConfigCache } from '../../../src/config/load.js';
import { workflow } from '../../../src/demo/builders.js';
import { type LocalApiServer, startApiServer } from '../../../src/local/apiserver/index.js';

const eb = mockClient(EventBridgeClient);
const sqs = mockClient(SQSClient);
const NOW = new Date();
let server: LocalApiServer;
let handler: (event: unknown, context: object) => Promise<{ clusters: { cluster: string; candidates: number; stuck: number; enqueued: number; alerted: boolean }[] }>;

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
  process.env['DECISION_BUS_NAME'] = 'remediator-bus';
  process.env['SIGNALS_QUEUE_URL'] = 'https://sqs.eu-west-1.amazonaws.com/123456789012/signals';
  process.env['AWS_REGION'] = 'eu-west-1';
  process.env['POWERTOOLS_LOG_LEVEL'] = 'SILENT';
  process.env['POWERTOOLS_METRICS_DISABLED'] = 'true';
  handler = (await import('../../../functions/sweep.js')).handler as never;
}, 60_000);
afterAll(async () => {
  await server.close();
  for (const k of ['AFR_CONFIG', 'DECISION_BUS_NAME', 'SIGNALS_QUEUE_URL']) delete process.env[k];
});
beforeEach(() => {
  eb.reset();
  sqs.reset();
  sqs.on(SendMessageBatchCommand).resolves({ Successful: [], Failed: [] });
  eb.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [] });
});

describe('sweep handler', () => {
  it('pages through 5,000 Workflows and enqueues exactly the stuck ones in scope', async () => {
    configure(25);
    const out = await handler({ 'detail-type': 'Scheduled Event', source: 'aws.scheduler' }, {});
    const sent = sqs.commandCalls(SendMessageBatchCommand).flatMap((c) => c.args[0].input.Entries ?? []).map((e) => JSON.parse(e.MessageBody!));
    expect(sent).toHaveLength(STUCK);
    expect(new Set(sent.map((m) => m.name)).size).toBe(STUCK);
    expect(sent.every((m) => m.kind === 'afr.sweep/v1' && m.cluster === 'prod' && m.namespace !== 'kube-jobs')).toBe(true);
    expect(out.clusters).toEqual([{ cluster: 'prod', candidates: expect.any(Number), stuck: STUCK, enqueued: STUCK, alerted: false }]);
    expect(eb.commandCalls(PutEventsCommand)).toHaveLength(0);
    const lists = server.requests.filter((r) => r.method === 'GET' && r.path === '/apis/argoproj.io/v1alpha1/workflows');
    expect(lists.length).toBe(10); // 5,000 / limit 500
  });

  it('above the cap, sends one systemic alert and enqueues nothing', async () => {
    configure(10);
    const out = await handler({}, {});
    expect(sqs.commandCalls(SendMessageBatchCommand)).toHaveLength(0);
    const entries = eb.commandCalls(PutEventsCommand).flatMap((c) => c.args[0].input.Entries ?? []);
    expect(entries.map((e) => e.DetailType)).toEqual(['Systemic Alert']);
    const alert = JSON.parse(entries[0]!.Detail!);
    expect(alert).toMatchObject({ cluster: 'prod', kind: 'sweep-cap-exceeded', found: STUCK, cap: 10 });
    expect(alert.sample.length).toBeLessThanOrEqual(20);
    expect(out.clusters[0]).toMatchObject({ stuck: STUCK, enqueued: 0, alerted: true });
  });
});
