// The evaluate function's world on loopback, for crash and redelivery tests: the local Kubernetes API server, and
// on moto the signals queue (short visibility timeout, so a record whose invocation died comes back as it does
// in Lambda), the bus with a rule routing every decision to a queue the audit step drains (as the audit rule
// does), and the audit bucket holding evidence, intents and final records. The evaluate handler itself runs
// in-process or as a child process (evaluate-child.ts) with `env`.
import { CreateEventBusCommand, EventBridgeClient, PutRuleCommand, PutTargetsCommand } from '@aws-sdk/client-eventbridge';
import { CreateBucketCommand, GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { CreateQueueCommand, DeleteMessageBatchCommand, GetQueueAttributesCommand, type Message, ReceiveMessageCommand, SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { SQSEvent } from 'aws-lambda';
import { auditEvent } from '../../src/audit/audit-event.js';
import { S3AuditSink } from '../../src/audit/s3-sink.js';
import { exporterEvent } from '../../src/demo/seed.js';
import { type Decision } from '../../src/domain/decision.js';
import { type LocalApiServer, startApiServer } from '../../src/local/apiserver/index.js';
import { sqsEvent } from '../integration/template/moto-stack.js';
import { afterEach, beforeEach } from 'vitest';
import type { Moto } from './moto.js';
import { sdkS3Objects } from '../../src/aws/s3-objects.js';

export const BUCKET = 'afr-audit';
export const CLUSTER = 'prod';

export interface EvaluateWorld {
  server: LocalApiServer;
  /** What the evaluate function's environment holds in the template (config inline here). */
  env: Record<string, string>;
  /** Sends one exporter event per Workflow to the signals queue. */
  signal(workflows: Record<string, unknown>[]): Promise<void>;
  /** One batch as Lambda's event source mapping builds it (ApproximateReceiveCount included); undefined when empty. */
  receive(): Promise<SQSEvent | undefined>;
  /** Deletes the batch's records that did not fail, as the event source mapping does with ReportBatchItemFailures. */
  settle(event: SQSEvent, failed: string[]): Promise<void>;
  /** Messages still in the signals queue, visible or not. */
  inFlight(): Promise<number>;
  /** Drains the decisions queue into the audit bucket through the audit use case (one write-once record each). */
  audit(): Promise<number>;
  /** Every final decision record in the bucket. */
  finals(): Promise<Decision[]>;
  /** Every intent record key in the bucket. */
  intents(): Promise<string[]>;
  close(): Promise<void>;
}

export async function startEvaluateWorld(moto: Moto, seed: Record<string, unknown>[] = []): Promise<EvaluateWorld> {
  const server = await startApiServer({ seed });
  const s3 = new S3Client(moto.clientConfig);
  const sqs = new SQSClient(moto.clientConfig);
  const eb = new EventBridgeClient(moto.clientConfig);
  await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
  const signalsUrl = (await sqs.send(new CreateQueueCommand({ QueueName: 'signals', Attributes: { VisibilityTimeout: '1' } }))).QueueUrl!;
  const decisionsUrl = (await sqs.send(new CreateQueueCommand({ QueueName: 'decisions' }))).QueueUrl!;
  const decisionsArn = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: decisionsUrl, AttributeNames: ['QueueArn'] }))).Attributes!['QueueArn']!;
  const signalsArn = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: signalsUrl, AttributeNames: ['QueueArn'] }))).Attributes!['QueueArn']!;
  await eb.send(new CreateEventBusCommand({ Name: 'remediator-bus' }));
  await eb.send(new PutRuleCommand({ Name: 'decisions', EventBusName: 'remediator-bus', EventPattern: JSON.stringify({ source: ['argo-finalizer-remediator'] }) }));
  await eb.send(new PutTargetsCommand({ Rule: 'decisions', EventBusName: 'remediator-bus', Targets: [{ Id: 'audit', Arn: decisionsArn }] }));
  const sink = new S3AuditSink({ objects: sdkS3Objects(s3), bucket: BUCKET });
  let seq = 0;

  const keys = async (prefix: string): Promise<string[]> => {
    const out: string[] = [];
    let token: string | undefined;
    do {
      const page = await s3.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: prefix, ...(token ? { ContinuationToken: token } : {}) }));
      for (const c of page.Contents ?? []) out.push(c.Key!);
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    return out;
  };

  return {
    server,
    env: {
      ...moto.env,
      AFR_CONFIG: JSON.stringify({
        clusters: [{ name: CLUSTER, auth: { type: 'token', server: server.url, token: server.token, skipTLSVerify: true }, mode: 'remediate' }],
        audit: { bucket: BUCKET },
      }),
      DECISION_BUS_NAME: 'remediator-bus',
      SIGNALS_QUEUE_URL: signalsUrl,
      POWERTOOLS_LOG_LEVEL: 'SILENT',
      POWERTOOLS_METRICS_DISABLED: 'true',
    },
    async signal(workflows) {
      const entries = workflows.map((wf, i) => ({ Id: `e${i}`, MessageBody: JSON.stringify(exporterEvent(wf, 'WorkflowSucceeded', { cluster: CLUSTER, now: new Date(), seq: ++seq })) }));
      for (let i = 0; i < entries.length; i += 10) await sqs.send(new SendMessageBatchCommand({ QueueUrl: signalsUrl, Entries: entries.slice(i, i + 10) }));
    },
    async receive() {
      // The visibility timeout is 1 s: a record of a killed invocation is back after it, its receive count raised.
      const out = await sqs.send(new ReceiveMessageCommand({ QueueUrl: signalsUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 3, VisibilityTimeout: 30, MessageSystemAttributeNames: ['All'] }));
      const messages: Message[] = out.Messages ?? [];
      return messages.length === 0 ? undefined : (sqsEvent(messages, signalsArn) as unknown as SQSEvent);
    },
    async settle(event, failed) {
      const done = event.Records.filter((r) => !failed.includes(r.messageId));
      if (done.length > 0) await sqs.send(new DeleteMessageBatchCommand({ QueueUrl: signalsUrl, Entries: done.map((r, i) => ({ Id: `d${i}`, ReceiptHandle: r.receiptHandle })) }));
      // Failed records come back after their visibility timeout, as from Lambda: make it 1 s again.
      const { ChangeMessageVisibilityBatchCommand } = await import('@aws-sdk/client-sqs');
      const back = event.Records.filter((r) => failed.includes(r.messageId));
      if (back.length > 0) await sqs.send(new ChangeMessageVisibilityBatchCommand({ QueueUrl: signalsUrl, Entries: back.map((r, i) => ({ Id: `v${i}`, ReceiptHandle: r.receiptHandle, VisibilityTimeout: 1 })) }));
    },
    async inFlight() {
      const a = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: signalsUrl, AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible', 'ApproximateNumberOfMessagesDelayed'] }))).Attributes ?? {};
      return Number(a['ApproximateNumberOfMessages'] ?? 0) + Number(a['ApproximateNumberOfMessagesNotVisible'] ?? 0) + Number(a['ApproximateNumberOfMessagesDelayed'] ?? 0);
    },
    async audit() {
      let n = 0;
      for (;;) {
        const out = await sqs.send(new ReceiveMessageCommand({ QueueUrl: decisionsUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }));
        const messages = out.Messages ?? [];
        if (messages.length === 0) return n;
        for (const m of messages) {
          const event = JSON.parse(m.Body!) as { 'detail-type': string; detail: unknown };
          await auditEvent(event['detail-type'], event.detail, { sink });
          n++;
        }
        await sqs.send(new DeleteMessageBatchCommand({ QueueUrl: decisionsUrl, Entries: messages.map((m, i) => ({ Id: `a${i}`, ReceiptHandle: m.ReceiptHandle! })) }));
      }
    },
    async finals() {
      const decisions: Decision[] = [];
      for (const key of await keys('audit/')) {
        if (key.endsWith('.intent.json') || key.includes('/_')) continue;
        const body = await (await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }))).Body!.transformToString();
        decisions.push((JSON.parse(body) as { decision: Decision }).decision);
      }
      return decisions;
    },
    async intents() {
      return (await keys('audit/')).filter((k) => k.endsWith('.intent.json'));
    },
    async close() {
      await server.close();
      s3.destroy();
      sqs.destroy();
      eb.destroy();
    },
  };
}

/**
 * Vitest fixture: a fresh world for each test (moto reset, then startEvaluateWorld), closed after it. The world
 * is handed to `set`, so a suite keeps its module-level `world` that its helpers read.
 */
export function useEvaluateWorld(fx: { readonly moto: Moto }, set: (world: EvaluateWorld) => void): void {
  let world: EvaluateWorld | undefined;
  beforeEach(async () => {
    await fx.moto.reset();
    world = await startEvaluateWorld(fx.moto);
    set(world);
  }, 30_000);
  afterEach(async () => {
    await world?.close();
    world = undefined;
  });
}
