import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { FileAuditSink } from '../audit/file-sink.js';
import { auditHandler } from '../audit/handler.js';
import { FolderEvidenceSink } from '../evidence/folder-sink.js';
import { matches } from '../bus/event-pattern.js';
import { parseConfig, readSsmParameter } from '../config/load.js';
import { type Decision, DECISION_DETAIL_TYPE } from '../domain/decision.js';
import { evaluateHandler } from '../evaluate/handler.js';
import { portFor } from '../kube/port-for.js';
import type { ClusterPort } from '../kube/port.js';
import { defaultRbacFiles, finishingRbacFile, type LocalApiServer, startApiServer } from '../local/apiserver/index.js';
import { LocalBus } from '../local/bus.js';
import { drain, LocalQueue } from '../local/queue.js';
import { type SlackReceiver, startSlackReceiver } from '../local/slack-receiver.js';
import { readWiring } from '../local/wiring.js';
import { FileEpisodeStore } from '../notify/episodes-file.js';
import { notifyHandler } from '../notify/handler.js';
import { SlackWebhookClient } from '../notify/slack-client.js';
import { lambdaLogger, lambdaMetrics } from '../observability/lambda.js';
import type { QueueMessage, SignalQueue } from '../queue/signal-queue.js';
import { FileApprovalStore } from '../approvals/file-store.js';
import { approvalSettings } from '../approvals/settings.js';
import { APPROVAL_OUTCOME_DETAIL_TYPE } from '../domain/alerts.js';
import type { ApprovalEvent } from '../domain/approval.js';
import type { ApprovalRuntime } from '../evaluate/approval.js';
import { interactHandler } from '../interact/handler.js';
import { DEMO_SLACK_APP } from '../local/slack-clicker.js';
import { buttonSettingsFromConfig } from '../notify/handler.js';
import { type DemoApproval, runApprovalsDemo } from './approvals.js';
import { DEMO_FINISHING, demoCluster, exporterEvent } from './seed.js';
import { CasDailyLedger, FolderVersionedStore } from '../finishing/ledger.js';
import { finishingWiringFor } from '../finishing/wiring.js';

export const DEMO_CLUSTER = 'demo';

export interface DemoOptions {
  mode: 'dry-run' | 'remediate';
  /** Where audit records, Slack payloads and notification markers go. */
  outDir: string;
  now?: Date;
  /** An already running server (the end-to-end test reruns the pipeline on the same state). */
  server?: LocalApiServer;
  /** HTTPS with a generated CA: kubectl sends no bearer token to a plain-HTTP server. */
  tls?: boolean;
  progress?: (line: string) => void;
  /** After the pipeline, click three of the buttons notify posted (approved, changed, forged). */
  approvals?: boolean;
}

export interface DemoRun {
  server: LocalApiServer;
  decisions: Decision[];
  auditDir: string;
  slackDir: string;
  slackMessages: number;
  signals: { emitted: number; filteredByRule: number; rejected: number; deadLettered: number; invocations: number; rechecksScheduled: number };
  patches: number;
  /** The demo's clicks and what became of them; empty unless `approvals`. */
  approvals: DemoApproval[];
  /** Messages replaced through a click's response_url. */
  slackResponses: number;
}

/**
 * The whole pipeline on one machine, wired as serverless.yml wires it: exporter events -> the bus rule ->
 * the signals queue -> the evaluate handler (batches, partial failures, redelivery, DLQ) -> decision events
 * -> the notify and audit handlers. The cluster is the local API server; Slack is a local receiver; S3 is a
 * folder. Nothing leaves the machine.
 */
export async function runDemo(opts: DemoOptions): Promise<DemoRun> {
  const now = opts.now ?? new Date();
  const say = opts.progress ?? (() => {});
  const cluster = demoCluster(now);
  const server = opts.server ?? (await startApiServer({ seed: cluster.objects, podLogs: cluster.podLogs, tls: opts.tls ?? false, rbac: [...defaultRbacFiles(), finishingRbacFile()] }));
  const auditDir = join(opts.outDir, 'audit');
  const slackDir = join(opts.outDir, 'slack');
  mkdirSync(slackDir, { recursive: true });
  // The artifact buckets finishing reads and deletes in: folders behind the same port as S3 (a second run over
  // the same state finds what the first one left).
  const bucketsDir = join(opts.outDir, 'buckets');
  if (!opts.server) {
    for (const o of cluster.buckets) {
      mkdirSync(join(bucketsDir, o.bucket, ...o.key.split('/').slice(0, -1)), { recursive: true });
      writeFileSync(join(bucketsDir, o.bucket, ...o.key.split('/')), o.body);
    }
  }
  say(`cluster: local Kubernetes API server at ${server.url} with ${cluster.workflows.length} Workflows`);

  let slack: SlackReceiver | undefined;
  let responses: SlackReceiver | undefined;
  try {
    // Where the demo's Slack lets a click update its message (a response_url), kept apart from the channel.
    responses = await startSlackReceiver({
      secretPath: '/actions/T0DEMO0001/1000000001/demoResp0nseUrlT0ken',
      onPost: (post) => writeFileSync(join(slackDir, `response-${String(Date.now())}.json`), JSON.stringify(post.json, null, 2) + '\n'),
    });
    const slackFiles: string[] = [];
    slack = await startSlackReceiver({
      onPost: (post) => {
        const file = join(slackDir, `${String(Date.now())}-${slackFiles.length + 1}.json`);
        writeFileSync(file, JSON.stringify(post.json, null, 2) + '\n');
        slackFiles.push(file);
      },
    });
    const wiring = readWiring();
    const config = parseConfig(
      {
        clusters: [
          {
            name: DEMO_CLUSTER,
            auth: { type: 'token', server: server.url, token: server.token, ...(server.caData ? { caData: server.caData } : { skipTLSVerify: true }) },
            mode: opts.mode,
          },
        ],
        // Finishing GC: verify, complete and re-arm each on in its own namespace, completion in `warehouse` and
        // Retry GC elsewhere only with an approval (the buttons follow this policy: src/approvals/offer.ts).
        finishing: DEMO_FINISHING,
        // The demo's own Slack app (DEMO_SLACK_APP): secrets that exist only on this machine, given as values.
        slack: {
          webhook: { url: slack.url },
          app: {
            teamId: DEMO_SLACK_APP.teamId,
            appId: DEMO_SLACK_APP.appId,
            approvers: [DEMO_SLACK_APP.approver.id],
            signingSecret: { value: DEMO_SLACK_APP.signingSecret },
            buttonKey: { value: DEMO_SLACK_APP.buttonKey },
            responseUrlOrigins: [new URL(responses.url).origin],
          },
        },
      },
      'demo',
    );
    const settings = await approvalSettings(config, { getParameter: readSsmParameter, need: { signingSecrets: true, buttonKeys: true } });
    const finishing = finishingWiringFor(config, { bucketDir: bucketsDir, region: 'eu-west-1', ledger: new CasDailyLedger(new FolderVersionedStore(opts.outDir)) });

    // The handlers the Lambda functions run. Their logs and EMF metrics follow POWERTOOLS_LOG_LEVEL and
    // POWERTOOLS_METRICS_DISABLED, which the demo command sets so that only its own summary is printed.
    // Both stores use their S3 key layout (audit/..., notified/...) under the output folder.
    const buttons = await buttonSettingsFromConfig(config);
    const notifyDeps = { slack: new SlackWebhookClient({ url: slack.url }), episodes: new FileEpisodeStore(opts.outDir), ...(buttons ? { buttons } : {}) };
    const approvalRuntime: ApprovalRuntime = {
      settings: settings!,
      store: new FileApprovalStore(opts.outDir),
      episodes: notifyDeps.episodes,
      respond: (url, message) => new SlackWebhookClient({ url }).post(message),
      webhook: notifyDeps.slack,
    };
    const auditDeps = { sink: new FileAuditSink(opts.outDir) };
    const notify = notifyHandler(async () => notifyDeps, lambdaLogger('notify'), lambdaMetrics('notify'));
    const audit = auditHandler(async () => auditDeps, lambdaLogger('audit'), lambdaMetrics('audit'));
    const notifyQueue = new LocalQueue({ name: 'notify', visibilityTimeoutMs: 0 });
    const bus = new LocalBus([
      { name: 'notify', pattern: wiring.notify.pattern, maximumRetryAttempts: wiring.notify.maximumRetryAttempts, target: async (e) => void notifyQueue.send(JSON.stringify(e)) },
      { name: 'audit', pattern: wiring.audit.pattern, maximumRetryAttempts: wiring.audit.maximumRetryAttempts, target: async (e) => void (await audit(e, {})) },
    ]);

    const dlq = new LocalQueue({ name: 'signals-dlq' });
    const queue = new LocalQueue({ name: 'signals', dlq, maxReceiveCount: wiring.signalsQueue.maxReceiveCount, visibilityTimeoutMs: 0 });
    let rechecks = 0;
    const signalQueue: SignalQueue = {
      async send(messages: QueueMessage[]) {
        for (const m of messages) {
          if ((m.delaySeconds ?? 0) > 0) rechecks += 1;
          queue.send(m.body, m.delaySeconds ?? 0);
        }
      },
    };
    const ports = new Map<string, ClusterPort>();
    const handler = evaluateHandler(
      async () => ({
        config,
        portFor: (name) => ports.get(name) ?? ports.set(name, portFor(config.clusters.find((c) => c.name === name)!.auth)).get(name)!,
        publisher: bus,
        queue: signalQueue,
        // The audit bucket's evidence/ and intent layout, under the output folder like the audit records.
        evidence: new FolderEvidenceSink(opts.outDir),
        // Finishing's buckets are the folders above; the day's caps are kept beside the audit records.
        ...(finishing ? { finishing } : {}),
        approvals: async () => approvalRuntime,
      }),
      new Logger({ serviceName: 'evaluate' }),
      new Metrics({ namespace: 'ArgoFinalizerRemediator', serviceName: 'evaluate' }),
    );

    // What kubernetes-event-exporter would put on the bus: one event per Workflow, a repeat, a Warning, and
    // events the rule must not let through.
    const events = cluster.objects
      .filter((o) => o.kind === 'Workflow')
      .flatMap((wf, i) => {
        const phase = wf.status?.phase;
        const reason = phase === 'Running' ? 'WorkflowRunning' : phase === 'Failed' ? 'WorkflowFailed' : 'WorkflowSucceeded';
        const out = [exporterEvent(wf, reason, { cluster: DEMO_CLUSTER, now, seq: i * 10 })];
        if (wf.status?.conditions?.some((c: { type: string }) => c.type === 'ArtifactGCError')) {
          out.push(exporterEvent(wf, 'ArtifactGCFailed', { cluster: DEMO_CLUSTER, now, seq: i * 10 + 1, type: 'Warning', message: 'Artifact Garbage Collection failed for strategy OnWorkflowDeletion' }));
        }
        return out;
      });
    const template = exporterEvent({ metadata: { name: 'etl-template', namespace: 'data', uid: 'wft-1', labels: {} } }, 'WorkflowTemplateUpdated', { cluster: DEMO_CLUSTER, now, seq: 999 });
    template.detail.involvedObject.kind = 'WorkflowTemplate';
    const all = [...events, events[0]!, template];
    let filtered = 0;
    for (const event of all) {
      if (matches(wiring.exporterRule, event)) queue.send(JSON.stringify(event));
      else filtered += 1;
    }
    // A message the exporter's SQS sink could garble: rejected with its reason, never retried, still audited.
    queue.send('{"involvedObject": {"kind": "Workflow", "name": "Not A Valid Name!"');
    say(`events: ${all.length + 1} emitted, ${filtered} filtered by the bus rule, ${queue.depth} queued`);

    const patchesBefore = server.requests.filter((r) => r.method === 'PATCH').length;
    const report = await drain(queue, (event) => handler(event, {}), {
      batchSize: wiring.evaluate.batchSize,
      onBatch: (records, failed) => say(`evaluate: batch of ${records.length}${failed.length ? `, ${failed.length} to retry` : ''}`),
    });
    await bus.settle();
    // notify consumes its queue in batches: decisions of one cluster and cause become one digest.
    await drain(notifyQueue, async (event) => (await notify(event, {})) as { batchItemFailures: { itemIdentifier: string }[] }, {
      batchSize: wiring.notify.batchSize,
      maxInvocations: 20,
    });
    const decisions = bus.delivered
      .filter((d) => d.rule === 'audit' && d.event['detail-type'] === DECISION_DETAIL_TYPE)
      .map((d) => d.event.detail as Decision);
    let approvals: DemoApproval[] = [];
    if (opts.approvals) {
      const interact = interactHandler(
        async () => ({ settings, store: approvalRuntime.store, audit: auditDeps.sink, queue: signalQueue }),
        lambdaLogger('interact'),
        lambdaMetrics('interact'),
      );
      approvals = await runApprovalsDemo({
        server,
        channelPosts: slack.posts,
        decisions,
        interact,
        responseUrl: responses.url,
        now,
        evaluate: async () => {
          await drain(queue, (event) => handler(event, {}), { batchSize: wiring.evaluate.batchSize });
          await bus.settle();
          return bus.delivered.filter((d) => d.rule === 'audit' && d.event['detail-type'] === APPROVAL_OUTCOME_DETAIL_TYPE).map((d) => d.event.detail as ApprovalEvent);
        },
      });
      for (const a of approvals) say(`approval: ${a.action} on ${a.workflow}: HTTP ${a.http.status}, ${a.outcome ?? 'no outcome'}`);
    }
    const rejected = bus.delivered.filter((d) => d.rule === 'audit' && d.event['detail-type'] === 'Signal Rejected').length;
    say(`decisions: ${decisions.length}; slack messages: ${slack.posts.length}; bus dead letters: ${bus.deadLetters.length}`);
    for (const dead of bus.deadLetters) say(`  dead letter on ${dead.rule}: ${dead.error}`);
    return {
      server,
      decisions,
      auditDir,
      slackDir,
      slackMessages: slack.posts.length,
      signals: { emitted: all.length + 1, filteredByRule: filtered, rejected, deadLettered: report.deadLettered, invocations: report.invocations, rechecksScheduled: rechecks },
      patches: server.requests.filter((r) => r.method === 'PATCH').length - patchesBefore,
      approvals,
      slackResponses: responses.posts.length,
    };
  } finally {
    await slack?.close();
    await responses?.close();
  }
}
