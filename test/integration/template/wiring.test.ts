import { execFile } from 'node:child_process';
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { PutEventsCommand, EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { ListObjectsV2Command, GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { normalize, SQS_MESSAGE } from '../../../src/signals/index.js';
import { matches as matchesPattern, type Pattern } from '../../../src/bus/event-pattern.js';
import { exporterEvent as exporterEnvelope, demoCluster } from '../../../src/demo/seed.js';
import { type BusEvent, LocalBus } from '../../../src/local/bus.js';
import { type LocalApiServer, startApiServer } from '../../../src/local/apiserver/index.js';
import { startSlackReceiver, type SlackReceiver } from '../../../src/local/slack-receiver.js';
import { readWiring } from '../../../src/local/wiring.js';
import { withMoto } from '../../helpers/moto.js';
import { createStack, invokeBundle, type MotoStack, sqsEvent, storedTargets, takeAll } from './moto-stack.js';
import { exporterConfig, manifests, type ResourceEventSourceSpec, type SensorSpec, sensorPayload, spec } from './forwarders.js';
import { machineTool } from '../../helpers/machine-tool.js';
import {
  asArray,
  isGetAtt,
  isRef,
  ofType,
  PACKAGE_DIR,
  packageService,
  policyDocuments,
  resource,
  ROOT,
  STAGE,
  type Template,
  unzip,
  zipEntries,
} from './template.js';
import { countFinishing } from '../../../src/finishing/after-notify.js';

const run = promisify(execFile);
const FUNCTIONS = ['evaluate', 'sweep', 'ingest', 'notify', 'audit', 'interact'] as const;
/** The sweep's AWS_LAMBDA_EXEC_WRAPPER, as a path in its zip (Lambda extracts the zip to /var/task). */
const SWEEP_WRAPPER = 'infra/lambda/sweep-heap.sh';
const logicalId = (fn: string) => `${fn[0]!.toUpperCase()}${fn.slice(1)}LambdaFunction`;

let template: Template;

beforeAll(async () => {
  template = await packageService();
}, 240_000);

/** The rule (of type AWS::Events::Rule) whose only target is `targetArn`'s owner. */
function ruleTargeting(check: (arn: unknown) => boolean): { id: string; props: Record<string, unknown>; target: Record<string, unknown> } {
  const found = ofType(template, 'AWS::Events::Rule').flatMap(([id, r]) =>
    asArray(r.Properties['Targets'] as Record<string, unknown>[]).filter((t) => check(t['Arn'])).map((target) => ({ id, props: r.Properties, target })),
  );
  expect(found).toHaveLength(1);
  return found[0]!;
}

function envelope(detailType: string, detail: Record<string, unknown>, source = 'argo-finalizer-remediator') {
  return {
    version: '0',
    id: 'c9a7e4b2-1f0d-4e3a-9b8c-7d6e5f4a3b2c',
    'detail-type': detailType,
    source,
    account: '123456789012',
    time: '2026-09-01T10:00:06Z',
    region: 'eu-west-1',
    resources: [],
    detail,
  };
}

/** kubernetes-event-exporter EnhancedEvent inside the eventbridge receiver's envelope. */
function exporterEvent(involvedObject: Record<string, unknown>) {
  return envelope(
    'kubernetes-event',
    {
      metadata: { name: 'etl-7xk2p.1862f0c3a7b4e2d1', namespace: 'argo', uid: '5d0e1c9a', resourceVersion: '48213377' },
      reason: 'ArtifactGCFailed',
      message: 'Artifact Garbage Collection failed for strategy OnWorkflowDeletion, pod etl-7xk2p-artgc-wfdel-2166136261 exited with non-zero exit code',
      source: { component: 'workflow-controller' },
      firstTimestamp: '2026-09-01T10:00:05Z',
      lastTimestamp: '2026-09-01T10:00:05Z',
      count: 1,
      type: 'Warning',
      eventTime: null,
      reportingComponent: 'workflow-controller',
      reportingInstance: '',
      clusterName: 'prod-eks-euw1',
      involvedObject: {
        namespace: 'argo',
        name: 'etl-7xk2p',
        uid: '9b2f6a1e-8c3d-4e5f-a6b7-c8d9e0f1a2b3',
        resourceVersion: '48213370',
        labels: { 'workflows.argoproj.io/completed': 'true' },
        deleted: true,
        ...involvedObject,
      },
    },
    'k8s.event-exporter',
  );
}

const decision = (overrides: Record<string, unknown>) =>
  envelope('Remediation Decision', {
    workflow: { namespace: 'argo', name: 'etl-7xk2p', uid: '9b2f' },
    verdict: 'remove',
    cause: 'no-pending-artifacts',
    reasons: [],
    pendingArtifacts: [],
    notifyOperator: false,
    cluster: 'prod-eks-euw1',
    decisionId: 'd1',
    mode: 'remediate',
    action: 'removed',
    outcome: 'patched',
    at: '2026-09-01T10:00:07Z',
    ...overrides,
  });

describe('functions', () => {
  it('defines exactly the six functions, all on nodejs24.x / arm64 with explicit timeouts', () => {
    const functions = ofType(template, 'AWS::Lambda::Function');
    expect(functions.map(([id]) => id).sort()).toEqual(FUNCTIONS.map(logicalId).sort());
    for (const [, fn] of functions) {
      expect(fn.Properties['Runtime']).toBe('nodejs24.x');
      expect(fn.Properties['Architectures']).toEqual(['arm64']);
      expect(fn.Properties['Timeout']).toBeGreaterThan(6);
    }
  });

  it('gives every function its own role and the wiring environment', () => {
    const roles = new Set<string>();
    for (const fn of FUNCTIONS) {
      const props = resource(template, logicalId(fn)).Properties;
      const role = props['Role'] as { 'Fn::Sub'?: string };
      expect(role['Fn::Sub']).toMatch(/^\$\{\w+Role\.Arn\}$/);
      roles.add(role['Fn::Sub']!);
      const vars = (props['Environment'] as { Variables: Record<string, unknown> }).Variables;
      expect(Object.keys(vars)).toEqual(
        expect.arrayContaining([
          'AFR_CONFIG_SSM_PARAM',
          'AUDIT_BUCKET',
          'DECISION_BUS_NAME',
          'SIGNALS_QUEUE_URL',
          'SLACK_WEBHOOK_SSM_PARAM',
          'POWERTOOLS_SERVICE_NAME',
          'POWERTOOLS_METRICS_NAMESPACE',
        ]),
      );
      expect(vars['POWERTOOLS_METRICS_NAMESPACE']).toBe('ArgoFinalizerRemediator');
      expect(vars['AFR_CONFIG_SSM_PARAM']).toBe(`/argo-finalizer-remediator/${STAGE}/config`);
      expect(isRef(vars['AUDIT_BUCKET'], 'AuditBucket')).toBe(true);
      expect(isRef(vars['DECISION_BUS_NAME'], 'RemediatorBus')).toBe(true);
      expect(isRef(vars['SIGNALS_QUEUE_URL'], 'SignalsQueue')).toBe(true);
    }
    expect(roles.size).toBe(FUNCTIONS.length);
    expect(template.Resources['IamRoleLambdaExecution']).toBeUndefined();
  });

  it('keeps every log group for a bounded time', () => {
    const groups = ofType(template, 'AWS::Logs::LogGroup');
    expect(groups).toHaveLength(FUNCTIONS.length);
    for (const [, g] of groups) expect(g.Properties['RetentionInDays']).toBe(30);
  });

  it('packages each function as its own ES module handler with its own chunks, which loads and runs on the runtime\'s Node major', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'afr-bundles-'));
    try {
      for (const fn of FUNCTIONS) {
        const files = unzip(await readFile(join(PACKAGE_DIR, `${fn}.zip`)));
        // The handler, its source map, and its chunks (infra/esbuild-plugins.cjs): no other function's.
        const names = [...files.keys()];
        expect(names).toContain(`functions/${fn}.mjs`);
        // ...and the sweep's exec wrapper (its own test below).
        for (const name of names) if (!(fn === 'sweep' && name === SWEEP_WRAPPER)) expect(name, fn).toMatch(new RegExp(`^functions/${fn}(\\.mjs|\\.chunks/[\\w-]+\\.mjs)(\\.map)?$`));
        // Every chunk a file of the zip imports, statically or by import(), is in the zip.
        for (const [name, data] of files) {
          if (!name.endsWith('.mjs')) continue;
          for (const [, spec] of data.toString('utf8').matchAll(/(?:from|import\()\s*"(\.\.?\/[^"]+)"/g)) {
            expect(files.has(join(name, '..', spec!)), `${name} imports ${spec}`).toBe(true);
          }
        }
        const target = join(dir, fn);
        for (const [name, data] of files) {
          await mkdir(join(target, name, '..'), { recursive: true });
          await writeFile(join(target, name), data);
        }
        // Everything is bundled (custom.esbuild.exclude is empty): each bundle must load with no node_modules.
        const { stdout } = await run(process.execPath, ['-e', `import('./functions/${fn}.mjs').then((m) => process.stdout.write(typeof m.handler))`], {
          cwd: target,
          env: { ...process.env, NODE_PATH: '', AWS_REGION: 'eu-west-1' },
        });
        expect(stdout, fn).toBe('function');
      }
      // Run, not only load: evaluate on an empty SQS batch goes through middy, the configuration and the
      // warm state. The child is the Node the suite runs on, which must be the runtime's major.
      const runtimeMajor = String(resource(template, logicalId('evaluate')).Properties['Runtime']).match(/^nodejs(\d+)\.x$/)?.[1];
      const script = `import('./functions/evaluate.mjs').then((m) => m.handler({ Records: [] }, {})).then((out) => process.stdout.write(JSON.stringify({ node: process.versions.node, out })))`;
      const { stdout } = await run(process.execPath, ['-e', script], {
        cwd: join(dir, 'evaluate'),
        env: { ...process.env, NODE_PATH: '', AWS_REGION: 'eu-west-1', POWERTOOLS_LOG_LEVEL: 'SILENT', POWERTOOLS_METRICS_DISABLED: 'true', AFR_CONFIG: JSON.stringify({ clusters: [{ name: 'prod', auth: { type: 'kubeconfig' } }] }) },
      });
      const ran = JSON.parse(stdout) as { node: string; out: unknown };
      expect(ran.out).toEqual({ batchItemFailures: [] });
      expect(ran.node.split('.')[0]).toBe(runtimeMajor);
      expect(runtimeMajor).toBe('24');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 60_000);
});

describe('evaluate <- SignalsQueue', () => {
  it('consumes the queue in batches with partial-batch failure reporting', () => {
    const mappings = ofType(template, 'AWS::Lambda::EventSourceMapping').filter(([, m]) => isGetAtt(m.Properties['EventSourceArn'], 'SignalsQueue', 'Arn'));
    expect(mappings).toHaveLength(1);
    const props = mappings[0]![1].Properties;
    expect(isGetAtt(props['EventSourceArn'], 'SignalsQueue', 'Arn')).toBe(true);
    expect(isGetAtt(props['FunctionName'], 'EvaluateLambdaFunction', 'Arn')).toBe(true);
    expect(props['FunctionResponseTypes']).toEqual(['ReportBatchItemFailures']);
    expect(props['BatchSize']).toBe(10);
    expect(props['MaximumBatchingWindowInSeconds']).toBe(5);
    const reserved = resource(template, 'EvaluateLambdaFunction').Properties['ReservedConcurrentExecutions'];
    expect((props['ScalingConfig'] as { MaximumConcurrency: number }).MaximumConcurrency).toBeLessThanOrEqual(reserved as number);
  });

  it('holds any message the design accepts: 1 MiB, SQS maximum, in the queue and the dead-letter queues', () => {
    for (const id of ['SignalsQueue', 'SignalsDLQ', 'TargetsDLQ']) {
      expect(resource(template, id).Properties['MaximumMessageSize'], id).toBe(SQS_MESSAGE.maxBytes);
    }
  });

  it('hides a received message for at least 6x the evaluate timeout', () => {
    const timeout = resource(template, 'EvaluateLambdaFunction').Properties['Timeout'] as number;
    expect(resource(template, 'SignalsQueue').Properties['VisibilityTimeout']).toBeGreaterThanOrEqual(6 * timeout);
  });

  it('dead-letters a signal after 5 receives, and keeps dead letters 14 days', () => {
    const queue = resource(template, 'SignalsQueue').Properties;
    const redrive = queue['RedrivePolicy'] as Record<string, unknown>;
    expect(isGetAtt(redrive['deadLetterTargetArn'], 'SignalsDLQ', 'Arn')).toBe(true);
    expect(redrive['maxReceiveCount']).toBe(5);
    expect(queue['QueueName']).toBe(`argo-finalizer-remediator-${STAGE}-signals`);
    for (const id of ['SignalsDLQ', 'TargetsDLQ']) {
      expect(resource(template, id).Properties['MessageRetentionPeriod']).toBe(1_209_600);
    }
    for (const id of ['SignalsQueue', 'SignalsDLQ', 'TargetsDLQ']) {
      expect(resource(template, id).Properties['SqsManagedSseEnabled']).toBe(true);
    }
  });
});

describe('sweep <- EventBridge Scheduler', () => {
  it('runs a light pass every 15 minutes and a full pass hourly, through a role that may invoke only the sweep function', () => {
    const schedules = ofType(template, 'AWS::Scheduler::Schedule').map(([, r]) => r.Properties);
    const byPass = Object.fromEntries(
      schedules.map((props) => [JSON.parse(String((props['Target'] as Record<string, unknown>)['Input'])).pass, props['ScheduleExpression']]),
    );
    expect(byPass).toEqual({ light: 'rate(15 minutes)', full: 'rate(1 hour)' });
    for (const props of schedules) {
      const target = props['Target'] as Record<string, unknown>;
      expect(isGetAtt(target['Arn'], 'SweepLambdaFunction', 'Arn')).toBe(true);
      expect(isGetAtt(target['RoleArn'], 'SweepSchedulerRole', 'Arn')).toBe(true);
    }

    const role = resource(template, 'SweepSchedulerRole').Properties;
    const trust = JSON.stringify(role['AssumeRolePolicyDocument']);
    expect(trust).toContain('scheduler.amazonaws.com');
    expect(JSON.stringify(role['Policies'])).toContain(`:function:argo-finalizer-remediator-${STAGE}-sweep`);
    expect(resource(template, 'SweepLambdaFunction').Properties['Timeout']).toBe(900);
    expect(resource(template, 'SweepLambdaFunction').Properties['ReservedConcurrentExecutions']).toBe(2);
  });
});

describe('sweep heap wrapper (AWS_LAMBDA_EXEC_WRAPPER)', () => {
  const vars = (fn: string) => (resource(template, logicalId(fn)).Properties['Environment'] as { Variables: Record<string, unknown> }).Variables;

  it('is named by the sweep function only, and packaged in the sweep zip only, executable and as in the repository', async () => {
    expect(vars('sweep')['AWS_LAMBDA_EXEC_WRAPPER']).toBe(`/var/task/${SWEEP_WRAPPER}`);
    expect(String(vars('sweep')['AFR_SEMI_SPACE_MB'])).toMatch(/^[1-9]\d*$/);
    for (const fn of FUNCTIONS.filter((f) => f !== 'sweep')) {
      expect(vars(fn)['AWS_LAMBDA_EXEC_WRAPPER'], fn).toBeUndefined();
      expect(vars(fn)['AFR_SEMI_SPACE_MB'], fn).toBeUndefined();
      expect([...unzip(await readFile(join(PACKAGE_DIR, `${fn}.zip`))).keys()].filter((n) => !n.startsWith('functions/')), fn).toEqual([]);
    }
    const entry = zipEntries(await readFile(join(PACKAGE_DIR, 'sweep.zip'))).get(SWEEP_WRAPPER);
    expect(entry).toBeDefined();
    // A regular file, rwxr-xr-x: the runtime refuses a wrapper it cannot execute, and the function never starts.
    expect(entry!.mode.toString(8)).toBe('100755');
    expect(entry!.data.equals(await readFile(join(ROOT, SWEEP_WRAPPER)))).toBe(true);
  });

  it('started as the runtime starts it, from the extracted zip, runs the sweep bundle with the semi-space it names', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'afr-sweep-zip-'));
    try {
      for (const [name, { data, mode }] of zipEntries(await readFile(join(PACKAGE_DIR, 'sweep.zip')))) {
        await mkdir(join(dir, name, '..'), { recursive: true });
        await writeFile(join(dir, name), data);
        await chmod(join(dir, name), mode & 0o777);
      }
      const semi = String(vars('sweep')['AFR_SEMI_SPACE_MB']);
      // The bootstrap's command line at 1024 MB (its heap flags; bench/lambda-build.ts), the runtime's entry
      // replaced by a script that loads the handler and reports the options node started with.
      const load = `import('./functions/sweep.mjs').then((m) => process.stdout.write(JSON.stringify({ handler: typeof m.handler, execArgv: process.execArgv })))`;
      const { stdout } = await run(join(dir, SWEEP_WRAPPER), [process.execPath, '--expose-gc', '--max-semi-space-size=51', '--max-old-space-size=922', '-e', load], {
        cwd: dir,
        env: { ...process.env, NODE_PATH: '', AWS_REGION: 'eu-west-1', AFR_SEMI_SPACE_MB: semi },
      });
      const out = JSON.parse(stdout) as { handler: string; execArgv: string[] };
      expect(out.handler).toBe('function');
      expect(out.execArgv.slice(0, 3)).toEqual(['--expose-gc', `--max-semi-space-size=${semi}`, '--max-old-space-size=922']);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 60_000);
});

describe('ingest (Argo Events awsLambda target)', () => {
  it('has no event source, and sends invocations that failed every retry to the targets DLQ', () => {
    const props = resource(template, 'IngestLambdaFunction').Properties;
    expect(props['Timeout']).toBe(30);
    const invokeConfig = ofType(template, 'AWS::Lambda::EventInvokeConfig').find(([, r]) => isRef(r.Properties['FunctionName'], 'IngestLambdaFunction'));
    expect(invokeConfig).toBeDefined();
    const destination = (invokeConfig![1].Properties['DestinationConfig'] as { OnFailure: { Destination: unknown } }).OnFailure.Destination;
    expect(isGetAtt(destination, 'TargetsDLQ', 'Arn')).toBe(true);
    const targets = ofType(template, 'AWS::Events::Rule').flatMap(([, r]) => asArray(r.Properties['Targets'] as Record<string, unknown>[]));
    expect(targets.some((t) => isGetAtt(t['Arn'], 'IngestLambdaFunction', 'Arn'))).toBe(false);
  });
});

describe('interact <- Slack (function URL)', () => {
  const policies = () => JSON.stringify(resource(template, 'InteractRole').Properties['Policies']);

  it('is a public function URL (Slack cannot sign SigV4) with both invoke permissions and capped concurrency', () => {
    expect(resource(template, 'InteractLambdaFunctionUrl').Properties).toMatchObject({ AuthType: 'NONE' });
    const perms = ofType(template, 'AWS::Lambda::Permission').filter(([, p]) => isGetAtt(p.Properties['FunctionName'], 'InteractLambdaFunction', 'Arn'));
    expect(perms.map(([, p]) => p.Properties['Action']).sort()).toEqual(['lambda:InvokeFunction', 'lambda:InvokeFunctionUrl']);
    expect(perms.find(([, p]) => p.Properties['Action'] === 'lambda:InvokeFunction')![1].Properties['InvokedViaFunctionUrl']).toBe(true);
    const fn = resource(template, 'InteractLambdaFunction').Properties;
    expect(fn['ReservedConcurrentExecutions']).toBe(5);
    expect((fn['Environment'] as { Variables: Record<string, unknown> }).Variables['SLACK_SIGNING_SECRET_SSM_PARAM']).toBe(`/argo-finalizer-remediator/${STAGE}/slack-signing-secret`);
    expect(isGetAtt(template.Outputs['InteractLambdaFunctionUrl']!.Value, 'InteractLambdaFunctionUrl', 'FunctionUrl')).toBe(true);
  });

  it('reads exactly the configuration, the signing secret and the button key, and writes only approvals and their audit', () => {
    const p = policies();
    const params = [...p.matchAll(/parameter(\/[^"]+)/g)].map((m) => m[1]).sort();
    expect(params).toEqual([`/argo-finalizer-remediator/${STAGE}/config`, `/argo-finalizer-remediator/${STAGE}/slack-button-key`, `/argo-finalizer-remediator/${STAGE}/slack-signing-secret`]);
    expect(p).toContain('${AuditBucket.Arn}/approvals/*');
    expect(p).toContain('${AuditBucket.Arn}/audit/*/_approvals/*');
    expect(p).toContain('"s3:prefix":"approvals/*"');
    expect(p).not.toMatch(/s3:DeleteObject|events:PutEvents|sqs:ReceiveMessage/);
    // notify signs buttons with the key; nobody else may read the signing secret.
    expect(JSON.stringify(resource(template, 'NotifyRole').Properties['Policies'])).toContain(`parameter/argo-finalizer-remediator/${STAGE}/slack-button-key`);
    for (const fn of FUNCTIONS.filter((f) => f !== 'interact')) {
      expect(JSON.stringify(resource(template, `${fn[0]!.toUpperCase()}${fn.slice(1)}Role`).Properties['Policies']), fn).not.toContain('slack-signing-secret');
    }
  });

  it('loads without @kubernetes/client-node', async () => {
    const files = unzip(await readFile(join(PACKAGE_DIR, 'interact.zip')));
    const js = [...files].filter(([name]) => name.endsWith('.mjs')).map(([, data]) => data.toString('utf8')).join('\n');
    expect(js).not.toContain('@kubernetes/client-node');
    expect(js).not.toContain('KubeConfig');
  });

  it('carries no AWS SDK client, HTTP handler or credential chain: it signs its own calls (src/aws-http)', async () => {
    const files = unzip(await readFile(join(PACKAGE_DIR, 'interact.zip')));
    // The handler's map and its chunks' maps: every file the function can load.
    const sources = [...files].filter(([name]) => name.endsWith('.map')).flatMap(([, data]) => (JSON.parse(data.toString('utf8')) as { sources: string[] }).sources);
    expect(sources.some((s) => s.includes('src/aws-http/signed-request.ts'))).toBe(true);
    expect(sources.filter((s) => /node_modules\/(@aws-sdk\/|@smithy\/(node-http-handler|credential-provider))/.test(s))).toEqual([]);
  });
});

describe('notify and audit <- the remediator bus', () => {
  it('notify: a rule on the remediator bus feeds NotifyQueue (retries, DLQ), which notify consumes in batches', () => {
    const { props, target } = ruleTargeting((arn) => isGetAtt(arn, 'NotifyQueue', 'Arn'));
    expect(props['EventBusName']).toEqual({ Ref: 'RemediatorBus' });
    expect(props['Name']).toBe(`argo-finalizer-remediator-${STAGE}-notify`);
    expect(target['RetryPolicy']).toEqual({ MaximumEventAgeInSeconds: 86400, MaximumRetryAttempts: 20 });
    expect(isGetAtt((target['DeadLetterConfig'] as { Arn: unknown }).Arn, 'TargetsDLQ', 'Arn')).toBe(true);
    const mapping = ofType(template, 'AWS::Lambda::EventSourceMapping').find(([, m]) => isGetAtt(m.Properties['EventSourceArn'], 'NotifyQueue', 'Arn'));
    expect(isGetAtt(mapping?.[1].Properties['FunctionName'], 'NotifyLambdaFunction', 'Arn')).toBe(true);
    expect(mapping?.[1].Properties['FunctionResponseTypes']).toEqual(['ReportBatchItemFailures']);
    expect(mapping?.[1].Properties['BatchSize']).toBeGreaterThan(10);
    const queue = resource(template, 'NotifyQueue').Properties;
    expect(queue['VisibilityTimeout']).toBeGreaterThanOrEqual(6 * (resource(template, 'NotifyLambdaFunction').Properties['Timeout'] as number));
    expect(isGetAtt((queue['RedrivePolicy'] as Record<string, unknown>)['deadLetterTargetArn'], 'TargetsDLQ', 'Arn')).toBe(true);
    const policy = ofType(template, 'AWS::SQS::QueuePolicy').find(([, p]) => asArray(p.Properties['Queues']).some((q) => isRef(q, 'NotifyQueue')));
    expect(JSON.stringify(policy?.[1].Properties)).toContain('NotifyRule');
  });

  for (const fn of ['audit'] as const) {
    it(`${fn}: a rule on the remediator bus with retries, a DLQ and invoke permission`, () => {
      const { props, target } = ruleTargeting((arn) => isGetAtt(arn, logicalId(fn), 'Arn'));
      expect(props['EventBusName']).toEqual({ 'Fn::GetAtt': ['RemediatorBus', 'Name'] });
      expect(props['Name']).toBe(`argo-finalizer-remediator-${STAGE}-${fn}`);
      expect(target['RetryPolicy']).toEqual({ MaximumEventAgeInSeconds: 86400, MaximumRetryAttempts: 20 });
      expect(isGetAtt((target['DeadLetterConfig'] as { Arn: unknown }).Arn, 'TargetsDLQ', 'Arn')).toBe(true);
      const permissions = ofType(template, 'AWS::Lambda::Permission').filter(([, p]) => isGetAtt(p.Properties['FunctionName'], logicalId(fn), 'Arn'));
      expect(permissions).toHaveLength(1);
      expect(permissions[0]![1].Properties['Principal']).toBe('events.amazonaws.com');
      // Function errors of async invocations are not the bus's to retry: they go to the DLQ from Lambda.
      const invokeConfig = ofType(template, 'AWS::Lambda::EventInvokeConfig').find(([, r]) => isRef(r.Properties['FunctionName'], logicalId(fn)));
      expect(JSON.stringify(invokeConfig?.[1].Properties['DestinationConfig'])).toContain('TargetsDLQ');
    });
  }

  it('notify receives decisions that need a human and systemic alerts only', () => {
    const pattern = ruleTargeting((arn) => isGetAtt(arn, 'NotifyQueue', 'Arn')).props['EventPattern'] as Record<string, unknown>;
    expect(matchesPattern(pattern, decision({ verdict: 'notify', cause: 'gc-failed', action: 'notified' }))).toBe(true);
    expect(matchesPattern(pattern, decision({ cause: 'force-removal-declared', notifyOperator: true }))).toBe(true);
    expect(matchesPattern(pattern, envelope('Systemic Alert', { cluster: 'c', alertId: 'a' }))).toBe(true);
    expect(matchesPattern(pattern, decision({}))).toBe(false);
    expect(matchesPattern(pattern, decision({ action: 'would-remove', mode: 'dry-run' }))).toBe(false);
    expect(matchesPattern(pattern, decision({ verdict: 'wait', action: 'none' }))).toBe(false);
    expect(matchesPattern(pattern, envelope('Signal Rejected', { reason: 'bad' }))).toBe(false);
    expect(matchesPattern(pattern, { ...decision({ action: 'notified' }), source: 'someone.else' })).toBe(false);
  });

  it('audit receives every decision, rejected signal and systemic alert, and nothing from other sources', () => {
    const pattern = ruleTargeting((arn) => isGetAtt(arn, 'AuditLambdaFunction', 'Arn')).props['EventPattern'] as Record<string, unknown>;
    for (const action of ['removed', 'would-remove', 'notified', 'none']) {
      expect(matchesPattern(pattern, decision({ action }))).toBe(true);
    }
    expect(matchesPattern(pattern, envelope('Signal Rejected', { reason: 'bad' }))).toBe(true);
    expect(matchesPattern(pattern, envelope('Systemic Alert', { alertId: 'a' }))).toBe(true);
    expect(matchesPattern(pattern, envelope('Approval Outcome', { id: 'a' }))).toBe(true);
    expect(matchesPattern(pattern, exporterEvent({ kind: 'Workflow', apiVersion: 'argoproj.io/v1alpha1' }))).toBe(false);
    expect(matchesPattern(pattern, { ...decision({}), source: 'someone.else' })).toBe(false);
  });
});

describe('exporter events -> SignalsQueue', () => {
  const rule = () => ruleTargeting((arn) => isGetAtt(arn, 'SignalsQueue', 'Arn'));

  it('routes a real Workflow event from kubernetes-event-exporter', () => {
    const pattern = rule().props['EventPattern'] as Record<string, unknown>;
    expect(matchesPattern(pattern, exporterEvent({ kind: 'Workflow', apiVersion: 'argoproj.io/v1alpha1' }))).toBe(true);
    expect(matchesPattern(pattern, exporterEvent({ kind: 'Workflow', apiVersion: 'argoproj.io/v1beta1' }))).toBe(true);
  });

  it.each([
    ['a WorkflowTemplate', { kind: 'WorkflowTemplate', apiVersion: 'argoproj.io/v1alpha1' }],
    ['a CronWorkflow', { kind: 'CronWorkflow', apiVersion: 'argoproj.io/v1alpha1' }],
    ['a Pod', { kind: 'Pod', apiVersion: 'v1' }],
    ['a Workflow of another API group', { kind: 'Workflow', apiVersion: 'example.com/v1' }],
    ['a Workflow of a look-alike group', { kind: 'Workflow', apiVersion: 'argoproj.io.evil.com/v1' }],
    ['an event without an apiVersion', { kind: 'Workflow' }],
  ])('rejects %s', (_what, involvedObject) => {
    const pattern = rule().props['EventPattern'] as Record<string, unknown>;
    expect(matchesPattern(pattern, exporterEvent(involvedObject))).toBe(false);
  });

  it('rejects other sources and a templated (flattened) exporter layout', () => {
    const pattern = rule().props['EventPattern'] as Record<string, unknown>;
    const real = exporterEvent({ kind: 'Workflow', apiVersion: 'argoproj.io/v1alpha1' });
    expect(matchesPattern(pattern, { ...real, source: 'aws.events' })).toBe(false);
    expect(matchesPattern(pattern, { ...real, 'detail-type': 'other' })).toBe(false);
    expect(matchesPattern(pattern, { ...real, detail: { kind: 'Workflow', apiVersion: 'argoproj.io/v1alpha1' } })).toBe(false);
  });

  it('listens on the remediator bus, retries, dead-letters, and is the only sender the queue policy admits', () => {
    const { id, props, target } = rule();
    expect(isRef(props['EventBusName'], 'RemediatorBus')).toBe(true);
    expect(target['RetryPolicy']).toBeDefined();
    expect(isGetAtt((target['DeadLetterConfig'] as { Arn: unknown }).Arn, 'TargetsDLQ', 'Arn')).toBe(true);

    const policy = ofType(template, 'AWS::SQS::QueuePolicy').find(([, p]) => asArray(p.Properties['Queues']).some((q) => isRef(q, 'SignalsQueue')));
    expect(policy).toBeDefined();
    const allow = (policy![1].Properties['PolicyDocument'] as { Statement: Record<string, unknown>[] }).Statement.filter((s) => s['Effect'] === 'Allow');
    expect(allow).toHaveLength(1);
    expect(allow[0]!['Principal']).toEqual({ Service: 'events.amazonaws.com' });
    expect(allow[0]!['Action']).toBe('sqs:SendMessage');
    expect(isGetAtt((allow[0]!['Condition'] as { ArnEquals: Record<string, unknown> }).ArnEquals['aws:SourceArn'], id, 'Arn')).toBe(true);
  });

  it('lets every bus rule with a DLQ write to it, and nobody else', () => {
    const policy = ofType(template, 'AWS::SQS::QueuePolicy').find(([, p]) => asArray(p.Properties['Queues']).some((q) => isRef(q, 'TargetsDLQ')));
    const statement = (policy![1].Properties['PolicyDocument'] as { Statement: Record<string, unknown>[] }).Statement[0]!;
    const sources = JSON.stringify((statement['Condition'] as { ArnEquals: Record<string, unknown> }).ArnEquals['aws:SourceArn']);
    const rulesWithDlq = ofType(template, 'AWS::Events::Rule').filter(([, r]) =>
      asArray(r.Properties['Targets'] as Record<string, unknown>[]).some((t) => t['DeadLetterConfig']),
    );
    expect(rulesWithDlq).toHaveLength(3);
    for (const [id, r] of rulesWithDlq) {
      const name = r.Properties['Name'] as string;
      expect(sources.includes(`"${id}","Arn"`) || sources.includes(`/${name}"`)).toBe(true);
    }
  });
});

describe('IAM', () => {
  it('grants no wildcard action and no wildcard resource in any Allow statement', () => {
    const docs = policyDocuments(template);
    expect(docs.length).toBeGreaterThan(8);
    for (const { where, statements } of docs) {
      for (const s of statements) {
        expect(s.NotAction, where).toBeUndefined();
        // Deny statements may (and should) be broad: DenyInsecureTransport covers s3:* on purpose.
        if (s.Effect !== 'Allow') continue;
        for (const action of asArray(s.Action)) {
          expect(action, `${where}: ${action}`).not.toMatch(/\*/);
        }
        expect(s.NotResource, where).toBeUndefined();
        for (const r of asArray(s.Resource)) expect(r, where).not.toBe('*');
      }
    }
  });

  it('scopes each function role to its own log group and the resources it uses', () => {
    const actionsOf = (role: string) =>
      policyDocuments(template)
        .filter((d) => d.where.startsWith(`${role} `) && !d.where.endsWith('trust'))
        .flatMap((d) => d.statements.flatMap((s) => asArray(s.Action)));
    expect(actionsOf('EvaluateRole')).toEqual(expect.arrayContaining(['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:SendMessage', 'events:PutEvents', 'ssm:GetParameter']));
    expect(actionsOf('SweepRole')).toEqual(expect.arrayContaining(['sqs:SendMessage', 'events:PutEvents', 'ssm:GetParameter']));
    expect(actionsOf('IngestRole')).toEqual(expect.arrayContaining(['sqs:SendMessage', 'events:PutEvents', 'ssm:GetParameter']));
    expect(actionsOf('NotifyRole')).toEqual(expect.arrayContaining(['ssm:GetParameter', 's3:PutObject', 's3:GetObject', 's3:DeleteObject']));
    expect(actionsOf('AuditRole')).toEqual(expect.arrayContaining(['s3:PutObject']));
    for (const role of ['IngestRole', 'SweepRole', 'AuditRole']) expect(actionsOf(role)).not.toContain('sqs:DeleteMessage');
    // evaluate's S3 rights are the approvals' (README "Approvals from Slack"): their objects and the episode markers only.
    const evaluateS3 = JSON.stringify(resource(template, 'EvaluateRole').Properties['Policies']);
    const evaluateStatements = policyDocuments(template)
      .filter((d) => d.where.startsWith('EvaluateRole ') && !d.where.endsWith('trust'))
      .flatMap((d) => d.statements);
    const allowedS3 = evaluateStatements.filter((st) => st.Effect === 'Allow').flatMap((st) => asArray(st.Action)).filter((a) => a.startsWith('s3:'));
    expect(allowedS3.sort()).toEqual(['s3:GetObject', 's3:GetObject', 's3:GetObject', 's3:ListBucket', 's3:ListBucket', 's3:PutObject', 's3:PutObject', 's3:PutObject', 's3:PutObject']);
    // Finishing's per-day caps: one conditional document per cluster and day under ledger/ (src/finishing/ledger.ts).
    expect(evaluateS3).toContain('${AuditBucket.Arn}/ledger/*');
    // Recovery from the intent record lists under audit/cluster=... only (one Workflow name per day in practice).
    expect(evaluateS3).toContain('"s3:prefix":"audit/cluster=*"');
    // Before every removal, the evidence bundle and the intent record (README "Evidence bundle and intent record", 4.5), write-once.
    expect(evaluateS3).toContain('${AuditBucket.Arn}/evidence/*');
    expect(evaluateS3).toContain('${AuditBucket.Arn}/audit/*.intent.json');
    expect(evaluateS3).toContain('${AuditBucket.Arn}/approvals/*');
    expect(evaluateS3).toContain('${AuditBucket.Arn}/notified/*');
    expect(evaluateS3).not.toContain('slack-signing-secret');
    // Without finishingBuckets (the default) no right on artifact buckets: the finishing policy is only an explicit
    // deny of s3:DeleteObject (infra/finishing-iam.cjs; its own test covers the generated rights).
    expect(evaluateStatements.filter((st) => st.Effect === 'Deny').map((st) => st.Action)).toEqual(['s3:DeleteObject']);

    for (const fn of FUNCTIONS) {
      const role = `${fn[0]!.toUpperCase()}${fn.slice(1)}Role`;
      const logs = policyDocuments(template)
        .filter((d) => d.where.startsWith(`${role} `))
        .flatMap((d) => d.statements)
        .filter((s) => asArray(s.Action).some((a) => a.startsWith('logs:')));
      expect(JSON.stringify(logs.map((s) => s.Resource))).toContain(`/aws/lambda/argo-finalizer-remediator-${STAGE}-${fn}:*`);
    }
    // Every function loads the configuration at cold start (src/config/load.ts).
    for (const fn of FUNCTIONS) {
      const policies = JSON.stringify(resource(template, `${fn[0]!.toUpperCase()}${fn.slice(1)}Role`).Properties['Policies']);
      expect(policies, fn).toContain(`parameter/argo-finalizer-remediator/${STAGE}/config`);
    }
    const audit = JSON.stringify(resource(template, 'AuditRole').Properties['Policies']);
    expect(audit).toContain('${AuditBucket.Arn}/audit/*');
    const notify = JSON.stringify(resource(template, 'NotifyRole').Properties['Policies']);
    expect(notify).toContain('${AuditBucket.Arn}/notified/*');
    expect(notify).toContain(`parameter/argo-finalizer-remediator/${STAGE}/slack-webhook`);
  });
});

describe('audit bucket', () => {
  it('is encrypted, private, versioned, owner-enforced and retained', () => {
    const bucket = resource(template, 'AuditBucket') as { Properties: Record<string, unknown>; DeletionPolicy?: string };
    const sse = (bucket.Properties['BucketEncryption'] as { ServerSideEncryptionConfiguration: unknown[] }).ServerSideEncryptionConfiguration;
    expect(sse).toHaveLength(1);
    expect(JSON.stringify(sse)).toMatch(/AES256|aws:kms/);
    expect(bucket.Properties['PublicAccessBlockConfiguration']).toEqual({
      BlockPublicAcls: true,
      BlockPublicPolicy: true,
      IgnorePublicAcls: true,
      RestrictPublicBuckets: true,
    });
    expect(bucket.Properties['VersioningConfiguration']).toEqual({ Status: 'Enabled' });
    expect(bucket.Properties['OwnershipControls']).toEqual({ Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] });
    expect(bucket.DeletionPolicy).toBe('Retain');
    const rules = (bucket.Properties['LifecycleConfiguration'] as { Rules: Record<string, unknown>[] }).Rules;
    expect(JSON.stringify(rules)).toContain('STANDARD_IA');
    expect(JSON.stringify(rules)).toContain('NoncurrentVersionExpiration');
  });

  it('refuses requests that are not over TLS', () => {
    const [, policy] = ofType(template, 'AWS::S3::BucketPolicy').find(([, p]) => isRef(p.Properties['Bucket'], 'AuditBucket'))!;
    const statements = (policy.Properties['PolicyDocument'] as { Statement: Record<string, unknown>[] }).Statement;
    const deny = statements.find((s) => s['Effect'] === 'Deny' && JSON.stringify(s['Condition']) === '{"Bool":{"aws:SecureTransport":"false"}}');
    expect(deny).toBeDefined();
    expect(deny!['Principal']).toBe('*');
    const resources = JSON.stringify(deny!['Resource']);
    expect(resources).toContain('"AuditBucket","Arn"');
    expect(resources).toContain('${AuditBucket.Arn}/*');
  });
});

describe('alarms', () => {
  const alarms = () => ofType(template, 'AWS::CloudWatch::Alarm').map(([, a]) => a.Properties);

  it('pages on any dead letter', () => {
    for (const queue of ['SignalsDLQ', 'TargetsDLQ']) {
      const alarm = alarms().find((a) => JSON.stringify(a['Dimensions']).includes(`"${queue}","QueueName"`) && a['MetricName'] === 'ApproximateNumberOfMessagesVisible');
      expect(alarm, queue).toMatchObject({ Threshold: 0, ComparisonOperator: 'GreaterThanThreshold' });
    }
  });

  it('pages on errors of every function and on evaluate throttles', () => {
    for (const fn of FUNCTIONS) {
      const errors = alarms().find((a) => a['MetricName'] === 'Errors' && JSON.stringify(a['Dimensions']).includes(`"Ref":"${logicalId(fn)}"`));
      expect(errors, fn).toMatchObject({ Namespace: 'AWS/Lambda', Threshold: 0, ComparisonOperator: 'GreaterThanThreshold' });
    }
    const throttles = alarms().find((a) => a['MetricName'] === 'Throttles');
    expect(JSON.stringify(throttles?.['Dimensions'])).toContain('EvaluateLambdaFunction');
  });

  it('pages on a Workflow stuck a day and on orphaned artifacts, across clusters (Metrics Insights)', () => {
    const query = (name: string) => alarms().find((a) => JSON.stringify(a['Metrics'] ?? []).includes(name));
    const oldest = query('MAX(OldestStuckAgeSeconds)');
    expect(oldest).toMatchObject({ Threshold: 86400, ComparisonOperator: 'GreaterThanThreshold', TreatMissingData: 'notBreaching' });
    expect((oldest?.['Metrics'] as { Period: number }[])[0]?.Period).toBe(3600);
    expect(query('SUM(OrphanedArtifacts)')).toMatchObject({ Threshold: 10, ComparisonOperator: 'GreaterThanThreshold' });
    // A sweep that ran out of time before listing everything is blind to the rest: the first one pages.
    expect(query('SUM(SweepIncomplete)')).toMatchObject({ Threshold: 0, ComparisonOperator: 'GreaterThanThreshold', TreatMissingData: 'notBreaching' });
  });

  it('has a dashboard whose body is valid JSON with the stuck, age, actions, DLQ and error widgets', () => {
    const body = resource(template, 'RemediatorDashboard').Properties['DashboardBody'] as { 'Fn::Sub': [string, Record<string, unknown>] };
    const [text, vars] = body['Fn::Sub'];
    // Substitute as CloudFormation would, with stand-ins for the references.
    const rendered = text.replace(/\$\{([^}]+)\}/g, (_m, name: string) => (name in vars || name.startsWith('AWS::') ? `x-${name}` : _m));
    expect(rendered).not.toMatch(/\$\{/);
    const dashboard = JSON.parse(rendered) as { widgets: { properties: { title: string; metrics: unknown[] } }[] };
    expect(dashboard.widgets.map((w) => w.properties.title)).toEqual([
      'Stuck Workflows by cause', 'Oldest stuck Workflow (hours)', 'Actions', 'Dead-letter queues (messages)', 'Errors per function',
      'Finishing GC', 'Bytes deleted from artifact buckets',
    ]);
    expect(JSON.stringify(dashboard)).toContain('MetricName=\\"StuckWorkflows\\"');
    // Each finishing metric as the code emits it (name and dimension set; Powertools adds `service`) is drawn.
    const emitted: { name: string; dims: string[] }[] = [];
    const counter = { count: (name: string, dims: Record<string, string>) => void emitted.push({ name, dims: Object.keys(dims) }) };
    countFinishing(counter, 'prod', {
      action: 'complete', workflow: { namespace: 'data', name: 'etl' }, outcome: 'rearmed', applied: true, reasons: [], before: null,
      deleted: [{ bucket: 'b', key: 'k', size: 3 }], verify: { checks: [{ node: 'n', name: 'a', result: 'present', probes: [] } as never], requests: 1 },
    });
    countFinishing(counter, 'prod', { action: 'rearm', workflow: { namespace: 'data', name: 'etl' }, outcome: 'rearmed', applied: true, reasons: [], before: null });
    emitted.push({ name: 'ApprovalsActed', dims: ['cluster', 'action'] });
    expect(new Set(emitted.map((e) => e.name))).toEqual(new Set(['GcRearmed', 'ArtifactObjectsDeleted', 'ArtifactBytesDeleted', 'ArtifactsVerified', 'ApprovalsActed']));
    for (const e of emitted) {
      expect(rendered, e.name).toContain(`{ArgoFinalizerRemediator,${[...e.dims, 'service'].sort().join(',')}} MetricName=\\"${e.name}\\"`);
    }
    expect(Object.keys(vars).sort()).toEqual(['AuditFn', 'EvaluateFn', 'IngestFn', 'InteractFn', 'NotifyFn', 'SignalsDLQName', 'SweepFn', 'TargetsDLQName']);
  });

  it('sends every alarm to the alarm topic', () => {
    for (const a of alarms()) expect(a['AlarmActions']).toEqual([{ Ref: 'AlarmTopic' }]);
  });
});

describe('outputs', () => {
  it('exposes what the forwarders and the EKS access entries need', () => {
    for (const name of ['SignalsQueueUrl', 'SignalsQueueArn', 'EventBusName', 'AuditBucketName', 'EvaluateRoleArn', 'SweepRoleArn', 'IngestFunctionName']) {
      expect(template.Outputs[name], name).toBeDefined();
    }
    expect(isGetAtt(template.Outputs['EvaluateRoleArn']!.Value, 'EvaluateRole', 'Arn')).toBe(true);
    expect(isGetAtt(template.Outputs['SweepRoleArn']!.Value, 'SweepRole', 'Arn')).toBe(true);
  });
});

const cfnLint = machineTool('cfn-lint', 'the lint of the packaged CloudFormation template');

describe('cfn-lint', () => {
  it.skipIf(!cfnLint.path)(`finds nothing in the packaged template (errors or warnings)${cfnLint.skipNote}`, async () => {
    const result = await run('cfn-lint', [join(PACKAGE_DIR, 'cloudformation-template-update-stack.json')]).then(
      () => ({ code: 0, out: '' }),
      (err: { code?: number; stdout?: string }) => ({ code: err.code ?? -1, out: err.stdout ?? '' }),
    );
    expect(result.out).toBe('');
    expect(result.code).toBe(0);
  }, 120_000);
});

describe('forwarder configurations agree with the wiring', () => {
  const settings = { CLUSTER_NAME: 'prod-eks-euw1', EVENT_BUS_NAME: `argo-finalizer-remediator-${STAGE}`, AWS_REGION: 'eu-west-1' };
  const exporterRule = () => ruleTargeting((arn) => isGetAtt(arn, 'SignalsQueue', 'Arn')).props['EventPattern'] as Record<string, string[]>;

  it('exporter: publishes with the source and detail-type the rule listens for, on the stack bus', async () => {
    const config = await exporterConfig(settings);
    const receiver = config.receivers[0]!.eventbridge;
    expect([receiver.source]).toEqual(exporterRule()['source']);
    expect([receiver.detailType]).toEqual(exporterRule()['detail-type']);
    expect(receiver.eventBusName).toBe(settings.EVENT_BUS_NAME);
    expect(receiver.details).toBeUndefined();
    expect(resource(template, 'RemediatorBus').Properties['Name']).toBe(settings.EVENT_BUS_NAME);
    expect(config.clusterName).toBe('prod-eks-euw1');
    expect(config.maxEventAgeSeconds).toBeGreaterThanOrEqual(60);
    expect(config.leaderElection).toMatchObject({ enabled: true });
  });

  it('exporter: its unanchored-regex route passes Workflow events only, minus per-node chatter', async () => {
    const route = (await exporterConfig(settings)).route.routes[0]!;
    const [match] = route.match;
    // Go RE2 and JS agree on these patterns; the exporter calls regexp.MatchString (a search, not a full match).
    const passes = (kind: string, apiVersion: string, reason: string) =>
      new RegExp(match!.kind).test(kind) &&
      new RegExp(match!.apiVersion).test(apiVersion) &&
      !route.drop.some((d) => new RegExp(d.reason).test(reason));
    expect(passes('Workflow', 'argoproj.io/v1alpha1', 'ArtifactGCFailed')).toBe(true);
    expect(passes('Workflow', 'argoproj.io/v1alpha1', 'WorkflowSucceeded')).toBe(true);
    expect(passes('Workflow', 'argoproj.io/v1alpha1', 'WorkflowNodeSucceeded')).toBe(false);
    expect(passes('Workflow', 'argoproj.io/v1alpha1', 'WorkflowRunning')).toBe(false);
    expect(passes('WorkflowTemplate', 'argoproj.io/v1alpha1', 'X')).toBe(false);
    expect(passes('CronWorkflow', 'argoproj.io/v1alpha1', 'X')).toBe(false);
    expect(passes('Workflow', 'xargoproj.io/v1alpha1', 'X')).toBe(false);
    expect(passes('Workflow', 'argoprojXio/v1alpha1', 'X')).toBe(false);
    expect(match!.receiver).toBe('remediator-bus');
  });

  it('exporter: what it sends matches the rule and normalizes to one signal for the configured cluster', async () => {
    const config = await exporterConfig(settings);
    const receiver = config.receivers[0]!.eventbridge;
    const sent = exporterEvent({ kind: 'Workflow', apiVersion: 'argoproj.io/v1alpha1' });
    const event = { ...sent, source: receiver.source, 'detail-type': receiver.detailType, detail: { ...sent.detail, clusterName: config.clusterName } };
    expect(matchesPattern(exporterRule(), event)).toBe(true);
    const { signals } = normalize(event, { defaultCluster: 'unused' });
    expect(signals).toEqual([expect.objectContaining({ cluster: 'prod-eks-euw1', namespace: 'argo', name: 'etl-7xk2p', reason: 'ArtifactGCFailed' })]);
  });

  it('exporter: RBAC reads events and gets Workflows, nothing more; the ServiceAccount uses IRSA', async () => {
    const docs = await manifests('infra/exporter/manifests.yaml');
    const role = docs.find((d) => d.kind === 'ClusterRole')!;
    expect(role.rules).toEqual([
      { apiGroups: [''], resources: ['events'], verbs: ['get', 'list', 'watch'] },
      { apiGroups: ['argoproj.io'], resources: ['workflows'], verbs: ['get'] },
    ]);
    const sa = docs.find((d) => d.kind === 'ServiceAccount')!;
    expect(sa.metadata.annotations?.['eks.amazonaws.com/role-arn']).toMatch(/^arn:aws:iam::\d{12}:role\//);
    const deployment = spec<{ template: { spec: { serviceAccountName: string } } }>(docs.find((d) => d.kind === 'Deployment'));
    expect(deployment.template.spec.serviceAccountName).toBe(sa.metadata.name);
    const settingsMap = docs.find((d) => d.kind === 'ConfigMap' && d.metadata.name === 'event-exporter-settings')!;
    expect(Object.keys(settingsMap.data ?? {}).sort()).toEqual(Object.keys(settings).sort());
  });

  it('Argo Events: the EventSource watches completed Workflows holding the finalizer and names the cluster', async () => {
    const [source] = await manifests('infra/argo-events/eventsource.yaml');
    const workflows = spec<{ resource: { workflows: ResourceEventSourceSpec } }>(source).resource.workflows;
    expect(workflows).toMatchObject({ group: 'argoproj.io', version: 'v1alpha1', resource: 'workflows', eventTypes: ['ADD', 'UPDATE'] });
    const field = workflows.filter.fields[0]!;
    expect(field.key).toContain('"workflows.argoproj.io/artifact-gc"');
    expect(new RegExp(field.value).test('workflows.argoproj.io/artifact-gc')).toBe(true);
    expect(new RegExp(field.value).test('workflows.argoproj.io/artifact-gc-x')).toBe(false);
    expect(workflows.metadata.clusterName).toBe('prod-eks-euw1');
  });

  it('Argo Events: the Sensor invokes the ingest function with a small payload that normalizes to one signal', async () => {
    const [source] = await manifests('infra/argo-events/eventsource.yaml');
    const [sensor] = await manifests('infra/argo-events/sensor.yaml');
    const sensorSpec = spec<SensorSpec>(sensor);
    const lambda = sensorSpec.triggers[0]!.template.awsLambda;
    expect(lambda.functionName).toMatch(/^argo-finalizer-remediator-[a-z0-9-]+-ingest$/);
    expect(resource(template, 'IngestLambdaFunction').Properties['FunctionName']).toBe(`argo-finalizer-remediator-${STAGE}-ingest`);
    expect(lambda.invocationType).toBe('Event');
    expect(sensorSpec.dependencies[0]).toMatchObject({ eventSourceName: source!.metadata.name, eventName: 'workflows' });

    // ResourceEventData as the EventSource emits it (pkg/eventsources/sources/resource/start.go), with a
    // Workflow whose status alone is far over the 256 KB asynchronous invocation limit.
    const workflows = spec<{ resource: { workflows: ResourceEventSourceSpec } }>(source).resource.workflows;
    const body = {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Workflow',
      metadata: { name: 'etl-7xk2p', namespace: 'argo', uid: '9b2f6a1e', resourceVersion: '48213377', deletionTimestamp: '2026-09-01T09:55:00Z', finalizers: ['workflows.argoproj.io/artifact-gc'] },
      status: { phase: 'Succeeded', nodes: { big: { message: 'x'.repeat(400_000) } } },
    };
    const data = { type: 'UPDATE', body, oldBody: body, group: workflows.group, version: workflows.version, resource: workflows.resource, metadata: workflows.metadata };
    const payload = sensorPayload(lambda.payload, data);
    expect(JSON.stringify(payload).length).toBeLessThan(16_000);
    const { signals } = normalize(payload, { defaultCluster: 'unused' });
    expect(signals).toEqual([
      expect.objectContaining({ cluster: 'prod-eks-euw1', namespace: 'argo', name: 'etl-7xk2p', uid: '9b2f6a1e', resourceVersion: '48213377', source: 'argo-events' }),
    ]);
  });

  it('Argo Events: RBAC is read-only on Workflows, and the Sensor account holds no Kubernetes permission', async () => {
    const docs = await manifests('infra/argo-events/rbac.yaml');
    const roles = docs.filter((d) => d.kind === 'ClusterRole' || d.kind === 'Role');
    expect(roles).toHaveLength(1);
    expect(roles[0]!.rules).toEqual([{ apiGroups: ['argoproj.io'], resources: ['workflows'], verbs: ['get', 'list', 'watch'] }]);
    const bindings = docs.filter((d) => d.kind.endsWith('Binding'));
    expect(bindings.flatMap((b) => (b.subjects ?? []).map((s) => s.name))).toEqual(['afr-workflow-eventsource']);
  });
});

describe('private EKS endpoint (params vpcSubnetIds, vpcSecurityGroupIds)', () => {
  const ENI_POLICY = 'arn:${AWS::Partition}:iam::aws:policy/service-role/AWSLambdaENIManagementAccess';

  it('puts evaluate and sweep, and only them, in the VPC when subnets and security groups are set; off by default', () => {
    expect(template.Conditions?.['InVpc']).toEqual({
      'Fn::And': [{ 'Fn::Not': [{ 'Fn::Equals': [{ Ref: 'VpcSubnetIds' }, ''] }] }, { 'Fn::Not': [{ 'Fn::Equals': [{ Ref: 'VpcSecurityGroupIds' }, ''] }] }],
    });
    expect(template.Parameters?.['VpcSubnetIds']?.Default).toBe('');
    for (const fn of FUNCTIONS) {
      const vpc = resource(template, logicalId(fn)).Properties['VpcConfig'] as { 'Fn::If'?: unknown[] } | undefined;
      if (fn === 'evaluate' || fn === 'sweep') {
        expect(vpc?.['Fn::If']?.[0], fn).toBe('InVpc');
        expect(vpc?.['Fn::If']?.[1], fn).toEqual({
          SubnetIds: { 'Fn::Split': [',', { Ref: 'VpcSubnetIds' }] },
          SecurityGroupIds: { 'Fn::Split': [',', { Ref: 'VpcSecurityGroupIds' }] },
        });
      } else {
        expect(vpc, fn).toBeUndefined();
      }
    }
  });

  it("gives their roles AWS's ENI policy under the same condition", () => {
    for (const role of ['EvaluateRole', 'SweepRole']) {
      expect(resource(template, role).Properties['ManagedPolicyArns']).toEqual({
        'Fn::If': ['InVpc', [{ 'Fn::Sub': ENI_POLICY }], { Ref: 'AWS::NoValue' }],
      });
    }
    for (const role of ['IngestRole', 'NotifyRole', 'AuditRole', 'InteractRole']) {
      expect(resource(template, role).Properties['ManagedPolicyArns'], role).toBeUndefined();
    }
  });
});

// The AWS wiring end to end on moto: the packaged template's bus, rules, queues and audit bucket, real exporter
// events, and the bundles osls built, each run in its own Node process with its template environment.
// moto cannot run the Lambda functions, so the EventBridge -> audit invocation goes through a stand-in queue
// (see moto-stack.ts) and each SQS event source mapping is this test receiving and invoking.
describe('the wiring on moto, end to end', () => {
  const fx = withMoto();
  const NOW = new Date();
  let stack: MotoStack;
  let server: LocalApiServer;
  let slack: SlackReceiver;
  let dir: string;

  beforeAll(async () => {
    stack = await createStack(template, fx.moto);
    server = await startApiServer({ seed: demoCluster(NOW).objects });
    slack = await startSlackReceiver();
    dir = await mkdtemp(join(tmpdir(), 'afr-moto-wiring-'));
    const env = stack.environment('EvaluateLambdaFunction');
    const ssm = new SSMClient(fx.moto.clientConfig);
    const config = { clusters: [{ name: 'prod', auth: { type: 'token', server: server.url, token: server.token, skipTLSVerify: true }, mode: 'remediate' }] };
    await ssm.send(new PutParameterCommand({ Name: env['AFR_CONFIG_SSM_PARAM']!, Type: 'SecureString', Value: JSON.stringify(config) }));
    await ssm.send(new PutParameterCommand({ Name: env['SLACK_WEBHOOK_SSM_PARAM']!, Type: 'SecureString', Value: slack.url }));
    ssm.destroy();
  }, 60_000);
  afterAll(async () => {
    await server?.close();
    await slack?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const ruleId = (logicalId: string) => stack.rules.find((r) => r.logicalId === logicalId)!;
  const auditRule = () => stack.rules.find((r) => r.targets.some((t) => t.logicalId === 'AuditLambdaFunction'))!;

  it('creates each rule with the template pattern, targets, retry policy and dead-letter queue', async () => {
    expect(stack.rules.map((r) => r.logicalId).sort()).toEqual(['ExporterSignalsRule', 'NotifyRule', auditRule().logicalId].sort());
    for (const rule of stack.rules) {
      const stored = await storedTargets(fx.moto, stack, rule.name);
      expect(stored.map((t) => ({ Id: t.Id, Arn: t.Arn, RetryPolicy: t.RetryPolicy, DeadLetterConfig: t.DeadLetterConfig }))).toEqual(rule.targets.map((t) => t.target));
      for (const t of stored) {
        expect(t.RetryPolicy?.MaximumRetryAttempts).toBeGreaterThan(0);
        expect(t.DeadLetterConfig?.Arn).toBe(stack.queues['TargetsDLQ']!.arn);
      }
    }
  });

  it('exporter event -> rule -> signals queue -> evaluate -> decisions -> rules -> notify and audit -> objects in the bucket; moto, our matcher and LocalBus route alike', async () => {
    const cluster = demoCluster(NOW);
    const wf = (name: string) => cluster.objects.find((o) => o.kind === 'Workflow' && o.metadata.name === name)!;
    const workflowEvents = [
      exporterEnvelope(wf('parent-wf-7xk2p'), 'WorkflowSucceeded', { cluster: 'prod', now: NOW, seq: 1 }),
      exporterEnvelope(wf('etl-run-q8h2d'), 'ArtifactGCFailed', { cluster: 'prod', now: NOW, seq: 2, type: 'Warning' }),
      exporterEnvelope(wf('hello-world-8xv2k'), 'WorkflowSucceeded', { cluster: 'prod', now: NOW, seq: 3 }),
    ];
    const other = (seq: number, involved: Record<string, unknown>) => {
      const e = exporterEnvelope(wf('etl-run-q8h2d'), 'Other', { cluster: 'prod', now: NOW, seq });
      Object.assign(e.detail.involvedObject, involved);
      return e;
    };
    const exporterEvents = [
      ...workflowEvents,
      other(4, { kind: 'Pod', apiVersion: 'v1', name: 'etl-run-q8h2d-artgc-wfdel-2166136261' }),
      other(5, { kind: 'WorkflowTemplate', name: 'etl-template' }),
      other(6, { kind: 'Workflow', apiVersion: 'example.com/v1' }),
    ];
    const eb = new EventBridgeClient(fx.moto.clientConfig);
    const put = await eb.send(
      new PutEventsCommand({
        Entries: exporterEvents.map((e) => ({ EventBusName: stack.busName, Source: e.source, DetailType: e['detail-type'], Detail: JSON.stringify(e.detail) })),
      }),
    );
    eb.destroy();
    expect(put.FailedEntryCount).toBe(0);

    // The exporter rule delivers the three Workflow events to the signals queue, as EventBridge envelopes.
    const signals = await takeAll(fx.moto, stack.queues['SignalsQueue']!.url);
    expect(signals.map((m) => JSON.parse(m.Body!).detail.involvedObject.name).sort()).toEqual(['etl-run-q8h2d', 'hello-world-8xv2k', 'parent-wf-7xk2p']);

    // evaluate: one batch, as the event source mapping would hand it over.
    const awsEnv = { ...fx.moto.env };
    const evaluated = await invokeBundle('evaluate', dir, { ...stack.environment('EvaluateLambdaFunction'), ...awsEnv }, sqsEvent(signals, stack.queues['SignalsQueue']!.arn));
    expect(evaluated).toEqual({ ok: true, result: { batchItemFailures: [] } });
    const parent = server.store.get({ kind: 'Workflow', apiVersion: 'argoproj.io/v1alpha1', namespace: 'argo-workflows', name: 'parent-wf-7xk2p' }) as { metadata: { finalizers?: string[] } } | undefined;
    expect(parent === undefined || !(parent.metadata.finalizers ?? []).includes('workflows.argoproj.io/artifact-gc')).toBe(true);

    // Everything published on the bus so far, as the wire carried it: the exporter events and evaluate's decisions.
    const onTheBus = fx.moto.callsTo('AWSEvents.PutEvents').flatMap((c) => (JSON.parse(c.body) as { Entries: { Source: string; DetailType: string; Detail: string }[] }).Entries);
    const decisions = onTheBus.filter((e) => e.DetailType === 'Remediation Decision').map((e) => JSON.parse(e.Detail) as { decisionId: string; workflow: { name: string }; action: string; notifyOperator: boolean });
    expect(decisions.map((d) => [d.workflow.name, d.action]).sort()).toEqual(
      expect.arrayContaining([
        ['etl-run-q8h2d', 'notified'],
        ['parent-wf-7xk2p', 'removed'],
      ]),
    );

    // The bus rules deliver: notify's queue gets the decisions that need a human; audit (its stand-in) all of them.
    const notifyMessages = await takeAll(fx.moto, stack.queues['NotifyQueue']!.url);
    const auditInvocations = (await takeAll(fx.moto, stack.queues['AuditLambdaFunction']!.url)).map((m) => JSON.parse(m.Body!) as BusEvent<{ decisionId: string }>);

    const notified = await invokeBundle('notify', dir, { ...stack.environment('NotifyLambdaFunction'), ...awsEnv }, sqsEvent(notifyMessages, stack.queues['NotifyQueue']!.arn));
    expect(notified).toMatchObject({ ok: true, result: { batchItemFailures: [] } });
    expect(slack.posts.filter((p) => p.reply.status === 200).length).toBeGreaterThanOrEqual(1);
    expect(slack.posts.map((p) => p.body).join('\n')).toContain('etl-run-q8h2d');

    for (const event of auditInvocations) {
      const audited = await invokeBundle('audit', dir, { ...stack.environment('AuditLambdaFunction'), ...awsEnv }, event);
      expect(audited).toMatchObject({ ok: true, result: { result: 'written' } });
    }
    const s3 = new S3Client(fx.moto.clientConfig);
    const all = ((await s3.send(new ListObjectsV2Command({ Bucket: stack.bucket, Prefix: 'audit/' }))).Contents ?? []).map((o) => o.Key!);
    // Each removal's intent record sits beside its audit record, written before the PATCH (README "Audit log").
    const intents = all.filter((k) => k.endsWith('.intent.json'));
    const removals = decisions.filter((d) => d.action === 'removed');
    expect(intents).toHaveLength(removals.length);
    for (const d of removals) expect(intents.some((k) => k.endsWith(`/${d.decisionId}.intent.json`)), d.decisionId).toBe(true);
    const keys = all.filter((k) => !k.endsWith('.intent.json'));
    // One object per decision, under its documented key (README "Audit log").
    expect(keys).toHaveLength(decisions.length);
    for (const d of decisions) {
      const pattern = new RegExp(`^audit/cluster=prod/date=\\d{4}-\\d{2}-\\d{2}/[^/]+/${d.workflow.name}/[^/]+/${d.decisionId}\\.json$`);
      expect(keys.filter((k) => pattern.test(k)), d.decisionId).toHaveLength(1);
    }
    const record = JSON.parse(await (await s3.send(new GetObjectCommand({ Bucket: stack.bucket, Key: keys[0]! }))).Body!.transformToString());
    expect(decisions.map((d) => d.decisionId)).toContain(record.decision.decisionId);
    s3.destroy();

    // Routing, three ways, for every event the bus carried: what moto delivered (by queue), what our matcher
    // says of each rule's pattern, and what LocalBus (wired from serverless.yml, as the demo runs) delivers.
    const keyOf = (detailType: string, detail: Record<string, any>) => `${detailType}:${detail['decisionId'] ?? detail['metadata']?.name ?? JSON.stringify(detail).slice(0, 80)}`;
    const envelopeOf = (e: { Source: string; DetailType: string; Detail: string }): BusEvent => ({
      version: '0', id: 'x', 'detail-type': e.DetailType, source: e.Source, account: '123456789012', time: NOW.toISOString(), region: 'us-east-1', resources: [], detail: JSON.parse(e.Detail),
    });
    const byMoto: Record<string, string[]> = {
      ExporterSignalsRule: signals.map((m) => JSON.parse(m.Body!)).map((b) => keyOf(b['detail-type'], b.detail)),
      NotifyRule: notifyMessages.map((m) => JSON.parse(m.Body!)).map((b) => keyOf(b['detail-type'], b.detail)),
      [auditRule().logicalId]: auditInvocations.map((b) => keyOf(b['detail-type'], b.detail as Record<string, any>)),
    };
    const byMatcher: Record<string, string[]> = {};
    for (const rule of stack.rules) {
      byMatcher[rule.logicalId] = onTheBus.filter((e) => matchesPattern(rule.pattern as Pattern, envelopeOf(e))).map((e) => keyOf(e.DetailType, JSON.parse(e.Detail)));
    }
    const wiring = readWiring();
    const byLocalBus: Record<string, string[]> = { ExporterSignalsRule: [], NotifyRule: [], [auditRule().logicalId]: [] };
    const record_ = (id: string) => async (event: BusEvent) => void byLocalBus[id]!.push(keyOf(event['detail-type'], event.detail as Record<string, any>));
    const local = new LocalBus([
      { name: 'exporter', pattern: wiring.exporterRule, target: record_('ExporterSignalsRule') },
      { name: 'notify', pattern: wiring.notify.pattern, target: record_('NotifyRule') },
      { name: 'audit', pattern: wiring.audit.pattern, target: record_(auditRule().logicalId) },
    ]);
    await local.publish(onTheBus.map((e) => ({ source: e.Source, detailType: e.DetailType, detail: JSON.parse(e.Detail) })));
    await local.settle();
    const sorted = (m: Record<string, string[]>) => Object.fromEntries(Object.entries(m).map(([k, v]) => [k, [...v].sort()]));
    expect(sorted(byMatcher)).toEqual(sorted(byMoto));
    expect(sorted(byLocalBus)).toEqual(sorted(byMoto));
    // And the routing is not trivially empty: every rule delivered something, and something was filtered out.
    for (const keys of Object.values(byMoto)) expect(keys.length).toBeGreaterThan(0);
    expect(byMoto['ExporterSignalsRule']).toHaveLength(3);
    expect(ruleId('NotifyRule').pattern).toBeDefined();
  }, 240_000);
});
