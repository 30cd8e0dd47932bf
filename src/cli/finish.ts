import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { FinishingAction } from '../config/finishing.js';
import { finishingPolicyFor } from '../config/finishing-policy.js';
import { FolderEvidenceSink } from '../evidence/folder-sink.js';
import { CasDailyLedger, FolderVersionedStore } from '../finishing/ledger.js';
import { finishingWiringFor } from '../finishing/wiring.js';
import { invocationBudget, runFinishing, type FinishingResult } from '../finishing/index.js';
import { KubeError } from '../kube/errors.js';
import { assertWorkflowKey, InvalidWorkflowKeyError } from '../kube/names.js';
import type { ClusterPort, GcWritePort } from '../kube/port.js';
import { parseNow } from './input.js';
import { type Command, RuntimeFailure, UsageError } from './io.js';
import { OUTPUT_HELP, outputFormat, writeDocument } from './output.js';
import { configuredCluster, connect, explainKubeError } from './scan.js';
import { regionFromEnv } from '../aws/region.js';

const HELP = `Usage: argo-finalizer-remediator finish NS/NAME --rearm|--complete|--verify --config FILE [--cluster NAME]
                                       [--apply] [--audit-dir DIR] [--bucket-dir DIR] [--now ISO] [-o json|yaml|table]

Finish the artifact GC of one live Workflow instead of orphaning it (README "Finishing GC"), under the same policy
the pipeline applies: the configuration's finishing settings for the Workflow's cluster and namespace, its bucket
allow-list and caps. Running this command is the approval an 'approval' setting asks for; 'off' stays off.
Nothing is changed unless --apply is given and the namespace's mode is remediate.

Actions:
  --verify     read each pending artifact's location in S3; if nothing is there, remove the finalizer (row 11)
  --rearm      delete the strategy's WorkflowArtifactGCTasks, wait for their GC pods to go, reset the strategy in
               the Workflow's artifactGCStatus: Argo's controller runs GC again (needs infra/rbac/finishing/)
  --complete   delete the pending artifacts from allow-listed AWS S3 buckets, verify each gone, then mark them
               deleted: true so Argo removes the finalizer itself

Options:
  --config FILE    the remediator configuration (required: the allow-list and the policy live there)
  --cluster NAME   which of its clusters (default: the only one)
  --apply          act (default: dry run, which says what each step would do)
  --audit-dir DIR  where the evidence bundle and intent record are written before anything is changed
                   (default ./afr-audit)
  --bucket-dir DIR use a folder as the buckets (<DIR>/<bucket>/<key>) instead of S3, as the demo does
  --now ISO        judge as of this time (default: now)
  ${OUTPUT_HELP}
`;

export const finishCommand: Command = async (args, io) => {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      rearm: { type: 'boolean', default: false },
      complete: { type: 'boolean', default: false },
      verify: { type: 'boolean', default: false },
      config: { type: 'string' },
      cluster: { type: 'string' },
      apply: { type: 'boolean', default: false },
      'audit-dir': { type: 'string' },
      'bucket-dir': { type: 'string' },
      now: { type: 'string' },
      output: { type: 'string', short: 'o' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    io.stdout.write(HELP);
    return 0;
  }
  const chosen = (['rearm', 'complete', 'verify'] as const).filter((a) => values[a]);
  if (chosen.length !== 1) throw new UsageError('give exactly one of --rearm, --complete or --verify');
  const action: FinishingAction = chosen[0]!;
  if (positionals.length !== 1) throw new UsageError('finish takes one Workflow as NAMESPACE/NAME');
  const [namespace, name, ...extra] = positionals[0]!.split('/');
  if (!namespace || !name || extra.length > 0) throw new UsageError(`'${positionals[0]}' is not NAMESPACE/NAME`);
  try {
    assertWorkflowKey({ namespace, name });
  } catch (err) {
    if (err instanceof InvalidWorkflowKeyError) throw new UsageError(err.message);
    throw err;
  }
  if (values.config === undefined) throw new UsageError('finish needs --config FILE: the bucket allow-list and the finishing policy live there');
  const format = outputFormat(values.output);
  const fixedNow = values.now === undefined ? undefined : parseNow(values.now);
  const clock = fixedNow ? () => fixedNow : () => new Date();

  const configured = await configuredCluster(values.config, values.cluster);
  const target = connect({ configured, kubeconfig: undefined, context: undefined, io, transport: {} });
  const policy = finishingPolicyFor(configured.config, configured.cluster.name, namespace, { approved: new Set([action]) });
  const effective = values.apply ? policy : { ...policy, actions: Object.fromEntries(Object.entries(policy.actions).map(([k, v]) => [k, { ...v, applies: false }])) as typeof policy.actions };
  const auditDir = resolve(values['audit-dir'] ?? 'afr-audit');
  const wiring = finishingWiringFor(configured.config, {
    bucketDir: values['bucket-dir'] ? resolve(values['bucket-dir']) : undefined,
    region: regionFromEnv(io.env) ?? 'us-east-1',
    // The day's caps are kept beside the evidence, as the pipeline keeps them beside its audit records.
    ledger: new CasDailyLedger(new FolderVersionedStore(auditDir)),
  });
  if (!wiring) throw new UsageError(`every finishing action is off in ${values.config}: set finishing.defaults (or a cluster's or namespace's) ${action} to approval or auto`);
  let result: FinishingResult;
  try {
    result = await runFinishing(action, { namespace, name }, { cluster: configured.cluster.name, policy: effective, quietPeriodMs: configured.cluster.quietPeriodMs }, {
      cluster: target.port as ClusterPort & GcWritePort,
      bucket: wiring.bucket,
      // The same bundle and intent record the pipeline writes, in the same layout, under --audit-dir.
      evidence: { sink: new FolderEvidenceSink(auditDir) },
      budget: invocationBudget(policy.caps),
      ledger: wiring.ledger,
      clock,
    });
  } catch (err) {
    if (err instanceof KubeError) throw new RuntimeFailure(explainKubeError(err, target.endpoint));
    throw err;
  } finally {
    wiring.close();
  }
  if (!writeDocument(result, format, io)) io.stdout.write(finishText(result));
  return result.retryable ? 1 : 0;
};

function finishText(r: FinishingResult): string {
  const lines = [`${r.workflow.namespace}/${r.workflow.name}: ${r.action}: ${r.outcome}`];
  if (r.before) lines.push(`  before: ${r.before.verdict}/${r.before.cause}`);
  for (const reason of r.reasons) lines.push(`  - ${reason}`);
  for (const d of r.wouldDelete ?? []) lines.push(`  would delete s3://${d.bucket}/${d.key} (${d.size} B)`);
  for (const d of r.deleted ?? []) lines.push(`  deleted s3://${d.bucket}/${d.key} (${d.size} B${d.etag ? `, ETag ${d.etag}` : ''}${d.deleteMarkerVersionId ? `, delete marker ${d.deleteMarkerVersionId}` : ''})`);
  if (r.after) lines.push(`  after: ${r.after.verdict}/${r.after.cause}`);
  if (r.evidence?.intentKey) lines.push(`  intent: ${r.evidence.intentKey}`);
  return `${lines.join('\n')}\n`;
}

export { HELP as FINISH_HELP };
