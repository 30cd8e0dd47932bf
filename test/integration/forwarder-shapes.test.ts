// Every forwarder shape (test/fixtures/events/forwarders) through the real explain-event binary and through the
// real Lambda handlers: SQS-delivered shapes into evaluate, Lambda-delivered ones (Argo Events, an EventBridge
// rule targeting a Lambda) into ingest and what it enqueued into evaluate. The same references must come out.
// The bus and the signals queue are moto (the queue with serverless.yml's MaximumMessageSize), reached by the
// clients the handlers build from the environment; what they sent is read off the wire (the moto proxy's
// record). The Lambda SQS poller cannot run here, so the records are handed to evaluate as it would.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { CreateEventBusCommand, EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { CreateQueueCommand, ReceiveMessageCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { SQSEvent } from 'aws-lambda';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { clearConfigCache } from '../../src/config/load.js';
import { workflow } from '../../src/demo/builders.js';
import { exporterEvent } from '../../src/demo/seed.js';
import { type LocalApiServer, startApiServer } from '../../src/local/apiserver/index.js';
import { SQS_MESSAGE } from '../../src/signals/limits.js';
import type { WorkflowSignal } from '../../src/signals/signal.js';
import { CLUSTER, ETL, forwarderFixtures, resourceEventData, sensorWholeEvent, sqsEvent, workflowObject } from '../fixtures/events/forwarders/build.js';
import { withMoto } from '../helpers/moto.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const fx = withMoto();
const saved = { ...process.env };
const NOW = new Date();
let server: LocalApiServer;
const tmp = mkdtempSync(join(tmpdir(), 'afr-shapes-'));
type Handler<E, R> = (event: E, context: object) => Promise<R>;
let evaluate: Handler<SQSEvent, { batchItemFailures: { itemIdentifier: string }[] }>;
let ingest: Handler<unknown, { enqueued: number }>;

function explain(file: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(root, 'bin/argo-finalizer-remediator.mjs'), 'explain-event', file, '-o', 'json', '--cluster', CLUSTER], { cwd: root });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

type WireEntry = { DetailType: string; Detail: string };
const published = () => fx.moto.callsTo('AWSEvents.PutEvents').flatMap((c) => (JSON.parse(c.body) as { Entries: WireEntry[] }).Entries);
const decisions = () => published().filter((e) => e.DetailType === 'Remediation Decision').map((e) => JSON.parse(e.Detail) as { signal: WorkflowSignal; workflow: { name: string } });
const rejections = () => published().filter((e) => e.DetailType === 'Signal Rejected');
const enqueued = () => fx.moto.callsTo('AmazonSQS.SendMessageBatch').flatMap((c) => (JSON.parse(c.body) as { Entries: { MessageBody: string }[] }).Entries).map((e) => e.MessageBody);

beforeAll(async () => {
  const etl = workflow({ ...ETL, now: NOW, finishedMinutesAgo: 180, deletionMinutesAgo: 120, strategy: 'OnWorkflowDeletion', strategiesProcessed: ['OnWorkflowCompletion', 'OnWorkflowDeletion'] });
  const big = Array.from({ length: 5 }, (_, i) => workflow({ name: `big-${i}`, namespace: 'argo', uid: `uid-big-${i}`, now: NOW, finishedMinutesAgo: 180, deletionMinutesAgo: 120, strategy: 'OnWorkflowDeletion' }));
  server = await startApiServer({ seed: [etl, ...big] });
  // dry-run: every shape gets a decision (would-remove), none patches, so the order of the cases does not matter.
  process.env['AFR_CONFIG'] = JSON.stringify({ clusters: [{ name: CLUSTER, auth: { type: 'token', server: server.url, token: server.token, skipTLSVerify: true }, mode: 'dry-run' }] });
  await new EventBridgeClient(fx.moto.clientConfig).send(new CreateEventBusCommand({ Name: 'remediator-bus' }));
  const queue = new CreateQueueCommand({ QueueName: 'signals', Attributes: { MaximumMessageSize: String(SQS_MESSAGE.maxBytes) } });
  const queueUrl = (await new SQSClient(fx.moto.clientConfig).send(queue)).QueueUrl!;
  Object.assign(process.env, fx.moto.env);
  process.env['DECISION_BUS_NAME'] = 'remediator-bus';
  process.env['SIGNALS_QUEUE_URL'] = queueUrl;
  process.env['POWERTOOLS_LOG_LEVEL'] = 'SILENT';
  process.env['POWERTOOLS_METRICS_DISABLED'] = 'true';
  clearConfigCache();
  evaluate = (await import('../../functions/evaluate.js')).handler as never;
  ingest = (await import('../../functions/ingest.js')).handler as never;
});
afterAll(async () => {
  rmSync(tmp, { recursive: true, force: true });
  await server.close();
  process.env = saved;
});
beforeEach(() => {
  fx.moto.calls.length = 0;
  fx.moto.faults.length = 0;
});

describe('every forwarder shape: explain-event and the pipeline agree', () => {
  it.each(forwarderFixtures().map((f) => [f.file, f] as const))('%s', async (file, f) => {
    const path = join(root, 'test/fixtures/events/forwarders', file);
    const cli = await explain(path);
    expect(cli.stderr).toBe('');
    expect(cli.code).toBe(0);
    const explained = JSON.parse(cli.stdout) as { signals: WorkflowSignal[]; rejected: unknown[] };
    expect(explained.signals).toEqual(f.signals);
    expect(explained.rejected).toEqual([]);

    let batch: SQSEvent;
    if (f.delivery === 'sqs') {
      batch = JSON.parse(f.text) as SQSEvent;
    } else {
      expect(await ingest(JSON.parse(f.text), {})).toMatchObject({ enqueued: f.signals.length });
      batch = sqsEvent(enqueued()) as unknown as SQSEvent;
    }
    expect(await evaluate(batch, {})).toEqual({ batchItemFailures: [] });
    expect(decisions().map((d) => d.signal)).toEqual(explained.signals);
  }, 60_000);
});

describe('real sizes', () => {
  it("Argo Events' whole event for a Workflow of 1,000 nodes (over 1 MB, the Workflow twice) through ingest and explain-event", async () => {
    const data = resourceEventData({ type: 'UPDATE', body: workflowObject({ resourceVersion: '48213377', nodes: 1000 }), oldBody: workflowObject({ resourceVersion: '48213301', nodes: 1000, deleting: false }), group: 'argoproj.io', version: 'v1alpha1', resource: 'workflows', metadata: { clusterName: CLUSTER } });
    const text = sensorWholeEvent(data);
    expect(text.length).toBeGreaterThan(1024 * 1024);
    const expected = [{ cluster: CLUSTER, ...ETL, resourceVersion: '48213377', source: 'argo-events', reason: 'UPDATE' }];
    expect(await ingest(JSON.parse(text), {})).toMatchObject({ enqueued: 1 });
    const file = join(tmp, 'whole-event-1000-nodes.json');
    writeFileSync(file, text);
    const cli = await explain(file);
    expect(JSON.parse(cli.stdout)).toEqual({ signals: expected, ignored: [], rejected: [] });
    // Over a synchronous invocation's 6 MB, ingest refuses it and says which limit.
    const huge = { ...(JSON.parse(text) as object), pad: 'x'.repeat(6 * 1024 * 1024) };
    await expect(ingest(huge, {})).rejects.toThrow(/^input is more than a synchronous Lambda invocation holds \(6 MiB\)$/);
  }, 60_000);


  it('records up to 1 MiB each, as many as fit a 6 MB Lambda event, judged one by one', async () => {
    // Exporter events carrying Argo CD's last-applied-configuration, padded so each body is just under 1 MiB.
    const bodies = Array.from({ length: 5 }, (_, i) => {
      const wf = { metadata: { name: `big-${i}`, namespace: 'argo', uid: `uid-big-${i}`, resourceVersion: '1' } };
      // The exporter's sqs receiver sends the EnhancedEvent itself (an EventBridge detail could not exceed 256 KiB).
      const event = (exporterEvent(wf, 'WorkflowSucceeded', { cluster: CLUSTER, now: NOW, seq: i }) as Record<string, any>)['detail'];
      const base = JSON.stringify(event).length;
      event['involvedObject'].annotations = { 'kubectl.kubernetes.io/last-applied-configuration': 'x'.repeat(SQS_MESSAGE.maxBytes - base - 200) };
      return JSON.stringify(event);
    });
    // The SQS console's test message, rejected alone.
    bodies.push('Hello from SQS!');
    // Through the queue as serverless.yml configures it: SQS itself takes each ~1 MiB body.
    const client = new SQSClient(fx.moto.clientConfig);
    const create = new CreateQueueCommand({ QueueName: 'signals-at-max', Attributes: { MaximumMessageSize: String(SQS_MESSAGE.maxBytes) } });
    const url = (await client.send(create)).QueueUrl!;
    for (const body of bodies) await client.send(new SendMessageCommand({ QueueUrl: url, MessageBody: body }));
    const received = (await client.send(new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10 }))).Messages ?? [];
    expect(received.map((m) => m.Body).sort()).toEqual([...bodies].sort());
    const batch = sqsEvent(received.map((m) => m.Body!)) as unknown as SQSEvent;
    const eventBytes = Buffer.byteLength(JSON.stringify(batch));
    expect(eventBytes).toBeGreaterThan(5 * 1024 * 1024);
    expect(eventBytes).toBeLessThanOrEqual(6 * 1024 * 1024);
    for (const body of bodies) expect(Buffer.byteLength(body)).toBeLessThanOrEqual(SQS_MESSAGE.maxBytes);

    expect(await evaluate(batch, {})).toEqual({ batchItemFailures: [] });
    expect(decisions().map((d) => d.workflow.name).sort()).toEqual(['big-0', 'big-1', 'big-2', 'big-3', 'big-4']);
    expect(rejections()).toHaveLength(1);
    expect(JSON.parse(rejections()[0]!.Detail)).toMatchObject({ sourceMessageId: batch.Records.find((r) => r.body === 'Hello from SQS!')!.messageId, reason: expect.stringMatching(/body is not JSON/) });
  }, 60_000);
});
