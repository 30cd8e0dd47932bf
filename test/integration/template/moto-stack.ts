import { execFile } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { CreateEventBusCommand, EventBridgeClient, ListTargetsByRuleCommand, PutRuleCommand, PutTargetsCommand, type Target } from '@aws-sdk/client-eventbridge';
import { CreateBucketCommand, PutBucketEncryptionCommand, PutBucketVersioningCommand, PutPublicAccessBlockCommand, S3Client } from '@aws-sdk/client-s3';
import { CreateQueueCommand, GetQueueAttributesCommand, type Message, ReceiveMessageCommand, DeleteMessageBatchCommand, SQSClient, SetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import type { Moto } from '../../helpers/moto.js';
import { ofType, PACKAGE_DIR, type Template, unzip } from './template.js';

/**
 * The packaged template's bus, queues, rules and audit bucket, created in moto from their own resource
 * properties (moto's CloudFormation cannot deploy the template: moto 5.2.1 fails create-stack with an AttributeError on the EventBus). A rule target
 * that is a Lambda function cannot run in moto; it is given a stand-in queue instead, whose messages are the
 * events EventBridge would have invoked the function with.
 */
export interface MotoStack {
  busName: string;
  bucket: string;
  /** Queue URL and ARN by logical id; stand-ins are keyed by the function's logical id. */
  queues: Record<string, { url: string; arn: string }>;
  rules: { logicalId: string; name: string; pattern: unknown; targets: { logicalId: string; target: Target }[] }[];
  /** A function's environment from the template, its Refs resolved to the moto resources. */
  environment(fn: string): Record<string, string>;
}

const PSEUDO: Record<string, string> = { 'AWS::Partition': 'aws', 'AWS::AccountId': '123456789012', 'AWS::Region': 'us-east-1' };
const NO_VALUE = Symbol('AWS::NoValue');

export async function createStack(template: Template, moto: Moto): Promise<MotoStack> {
  const sqs = new SQSClient(moto.clientConfig);
  const eb = new EventBridgeClient(moto.clientConfig);
  const s3 = new S3Client(moto.clientConfig);
  const queues: MotoStack['queues'] = {};
  const conditions: Record<string, boolean> = {};
  const params: Record<string, unknown> = Object.fromEntries(Object.entries(template.Parameters ?? {}).map(([k, p]) => [k, p.Default]));
  let busName = '';
  let bucket = '';

  // Only what this template uses: Ref, GetAtt (Arn, Name), Sub with pseudo parameters, If, Not, Equals.
  const resolve = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(resolve).filter((x) => x !== NO_VALUE);
    if (v === null || typeof v !== 'object') return v;
    const o = v as Record<string, unknown>;
    if ('Ref' in o) {
      const ref = String(o['Ref']);
      if (ref === 'AWS::NoValue') return NO_VALUE;
      if (ref in PSEUDO) return PSEUDO[ref];
      if (ref in params) return params[ref];
      if (ref === 'RemediatorBus') return busName;
      if (ref === 'AuditBucket') return bucket;
      if (queues[ref]) return queues[ref].url;
      throw new Error(`moto stack: cannot resolve Ref ${ref}`);
    }
    if ('Fn::GetAtt' in o) {
      const [id, attr] = o['Fn::GetAtt'] as [string, string];
      if (id === 'RemediatorBus' && attr === 'Name') return busName;
      if (attr === 'Arn' && queues[id]) return queues[id].arn;
      throw new Error(`moto stack: cannot resolve GetAtt ${id}.${attr}`);
    }
    if ('Fn::Sub' in o) return String(o['Fn::Sub']).replace(/\$\{([^}]+)\}/g, (_, name: string) => String(resolve({ Ref: name })));
    if ('Fn::If' in o) {
      const [cond, yes, no] = o['Fn::If'] as [string, unknown, unknown];
      return resolve(conditions[cond] ? yes : no);
    }
    if ('Fn::Equals' in o) {
      const [a, b] = (o['Fn::Equals'] as unknown[]).map(resolve);
      return a === b;
    }
    if ('Fn::Not' in o) return !(resolve((o['Fn::Not'] as unknown[])[0]) as boolean);
    return Object.fromEntries(Object.entries(o).map(([k, x]) => [k, resolve(x)]).filter(([, x]) => x !== NO_VALUE));
  };
  for (const [name, cond] of Object.entries(template.Conditions ?? {})) conditions[name] = resolve(cond) as boolean;

  const bus = ofType(template, 'AWS::Events::EventBus');
  if (bus.length !== 1) throw new Error(`moto stack: expected one event bus, found ${bus.length}`);
  busName = String(bus[0]![1].Properties['Name']);
  await eb.send(new CreateEventBusCommand({ Name: busName }));

  const createQueue = async (logicalId: string, name: string, attributes: Record<string, string>) => {
    const url = (await sqs.send(new CreateQueueCommand({ QueueName: name, Attributes: attributes }))).QueueUrl!;
    const arn = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['QueueArn'] }))).Attributes!['QueueArn']!;
    queues[logicalId] = { url, arn };
  };
  // Queues first, then their redrive policies, which name other queues by ARN.
  const sqsQueues = ofType(template, 'AWS::SQS::Queue');
  for (const [id, r] of sqsQueues) {
    const p = r.Properties;
    const attributes: Record<string, string> = {};
    for (const key of ['VisibilityTimeout', 'MessageRetentionPeriod', 'DelaySeconds', 'MaximumMessageSize', 'ReceiveMessageWaitTimeSeconds']) {
      if (p[key] !== undefined) attributes[key] = String(p[key]);
    }
    await createQueue(id, String(p['QueueName']), attributes);
  }
  for (const [id, r] of sqsQueues) {
    const attributes: Record<string, string> = {};
    for (const key of ['RedrivePolicy', 'RedriveAllowPolicy']) {
      if (r.Properties[key] !== undefined) attributes[key] = JSON.stringify(resolve(r.Properties[key]));
    }
    if (Object.keys(attributes).length > 0) await sqs.send(new SetQueueAttributesCommand({ QueueUrl: queues[id]!.url, Attributes: attributes }));
  }

  const buckets = ofType(template, 'AWS::S3::Bucket').filter(([id]) => id === 'AuditBucket');
  if (buckets.length !== 1) throw new Error('moto stack: no AuditBucket in the template');
  const bp = resolve(buckets[0]![1].Properties) as Record<string, any>;
  bucket = 'afr-ci-audit-moto';
  await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  const bucketCall = async (what: string, send: () => Promise<unknown>) => {
    try {
      await send();
    } catch (err) {
      throw new Error(`moto stack: AuditBucket ${what}: ${(err as Error).message}`);
    }
  };
  await bucketCall('VersioningConfiguration', () => s3.send(new PutBucketVersioningCommand({ Bucket: bucket, VersioningConfiguration: bp['VersioningConfiguration'] })));
  await bucketCall('BucketEncryption', () =>
    s3.send(
      new PutBucketEncryptionCommand({
        Bucket: bucket,
        ServerSideEncryptionConfiguration: {
          // CloudFormation's ServerSideEncryptionByDefault is the S3 API's ApplyServerSideEncryptionByDefault.
          Rules: (bp['BucketEncryption'].ServerSideEncryptionConfiguration as Record<string, any>[]).map(({ ServerSideEncryptionByDefault, ...rest }) => ({ ApplyServerSideEncryptionByDefault: ServerSideEncryptionByDefault, ...rest })),
        },
      }),
    ),
  );
  await bucketCall('PublicAccessBlockConfiguration', () => s3.send(new PutPublicAccessBlockCommand({ Bucket: bucket, PublicAccessBlockConfiguration: bp['PublicAccessBlockConfiguration'] })));

  const rules: MotoStack['rules'] = [];
  for (const [id, r] of ofType(template, 'AWS::Events::Rule')) {
    const p = r.Properties;
    if (p['EventPattern'] === undefined) continue; // schedules belong to EventBridge Scheduler, not the bus
    // A Lambda target gets its stand-in queue, named after the function.
    const targets: MotoStack['rules'][number]['targets'] = [];
    for (const t of p['Targets'] as Record<string, any>[]) {
      const fn = (t['Arn'] as { 'Fn::GetAtt'?: [string, string] })['Fn::GetAtt']?.[0];
      const lambda = fn !== undefined && template.Resources[fn]?.Type === 'AWS::Lambda::Function';
      if (lambda && !queues[fn]) await createQueue(fn, `standin-${fn}`, {});
      targets.push({ logicalId: fn ?? id, target: resolve(t) as Target });
    }
    const name = String(p['Name']);
    await eb.send(new PutRuleCommand({ Name: name, EventBusName: resolve(p['EventBusName']) as string, EventPattern: JSON.stringify(p['EventPattern']), State: p['State'] as 'ENABLED', Description: p['Description'] as string | undefined }));
    await eb.send(new PutTargetsCommand({ Rule: name, EventBusName: busName, Targets: targets.map((t) => t.target) }));
    rules.push({ logicalId: id, name, pattern: p['EventPattern'], targets });
  }
  sqs.destroy();
  eb.destroy();
  s3.destroy();
  return {
    busName,
    bucket,
    queues,
    rules,
    environment(fn: string): Record<string, string> {
      const vars = (template.Resources[fn]?.Properties['Environment'] as { Variables: Record<string, unknown> }).Variables;
      return Object.fromEntries(Object.entries(resolve(vars) as Record<string, unknown>).map(([k, v]) => [k, String(v)]));
    },
  };
}

/** What a rule's target got on the stack: the targets as stored, read back from moto. */
export async function storedTargets(moto: Moto, stack: MotoStack, rule: string): Promise<Target[]> {
  const eb = new EventBridgeClient(moto.clientConfig);
  const out = await eb.send(new ListTargetsByRuleCommand({ Rule: rule, EventBusName: stack.busName }));
  eb.destroy();
  return out.Targets ?? [];
}

/** Receives everything visible on a queue and deletes it, as Lambda's event source mapping would on success. */
export async function takeAll(moto: Moto, url: string): Promise<Message[]> {
  const sqs = new SQSClient(moto.clientConfig);
  const all: Message[] = [];
  for (;;) {
    const out = await sqs.send(new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10, VisibilityTimeout: 60, MessageSystemAttributeNames: ['All'] }));
    if (!out.Messages?.length) break;
    all.push(...out.Messages);
    await sqs.send(new DeleteMessageBatchCommand({ QueueUrl: url, Entries: out.Messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle! })) }));
  }
  sqs.destroy();
  return all;
}

/** The SQS event Lambda's event source mapping builds from received messages. */
export function sqsEvent(messages: Message[], queueArn: string): { Records: Record<string, unknown>[] } {
  return {
    Records: messages.map((m) => ({
      messageId: m.MessageId,
      receiptHandle: m.ReceiptHandle,
      body: m.Body,
      attributes: m.Attributes ?? {},
      messageAttributes: {},
      md5OfBody: m.MD5OfBody,
      eventSource: 'aws:sqs',
      eventSourceARN: queueArn,
      awsRegion: 'us-east-1',
    })),
  };
}

const run = promisify(execFile);

/**
 * Runs one packaged function's handler (from its osls zip, unzipped) in a fresh process of the Node the suite
 * runs on, with the given environment, on one event; returns what the handler returned, or its error.
 */
export async function invokeBundle(fn: string, dir: string, env: Record<string, string>, event: unknown): Promise<{ ok: true; result: unknown } | { ok: false; error: string }> {
  const target = join(dir, fn);
  for (const [name, data] of unzip(await readFile(join(PACKAGE_DIR, `${fn}.zip`)))) {
    await mkdir(join(target, name, '..'), { recursive: true });
    await writeFile(join(target, name), data);
  }
  await writeFile(join(target, 'event.json'), JSON.stringify(event));
  const script = `
    const event = JSON.parse(require('node:fs').readFileSync('./event.json', 'utf8'));
    const context = { functionName: '${fn}', awsRequestId: 'req-' + Date.now(), getRemainingTimeInMillis: () => 60000 };
    import('./functions/${fn}.mjs').then(({ handler }) => handler(event, context)).then(
      (result) => process.stdout.write('\\n@@' + JSON.stringify({ ok: true, result: result ?? null })),
      (err) => process.stdout.write('\\n@@' + JSON.stringify({ ok: false, error: String(err && err.message) })),
    );`;
  const { stdout } = await run(process.execPath, ['-e', script], { cwd: target, env: { PATH: process.env['PATH'] ?? '', POWERTOOLS_LOG_LEVEL: 'SILENT', POWERTOOLS_METRICS_DISABLED: 'true', ...env }, maxBuffer: 16 * 1024 * 1024 });
  const line = stdout.split('\n@@').at(-1)!;
  return JSON.parse(line) as { ok: true; result: unknown } | { ok: false; error: string };
}
