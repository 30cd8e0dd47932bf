import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { decisionId } from '../domain/decision.js';
import { formatDuration } from '../domain/duration.js';
import { assessRaw } from '../domain/snapshot.js';
import { toDecision } from '../evaluate/decision.js';
import { collectBundle, storeBundle } from '../evidence/before-act.js';
import { FolderEvidenceSink } from '../evidence/folder-sink.js';
import { KubeError } from '../kube/errors.js';
import { assertWorkflowKey, InvalidWorkflowKeyError } from '../kube/names.js';
import type { WorkflowKey } from '../kube/port.js';
import { parseNow, parseQuiet } from './input.js';
import { type CliIO, type Command, RuntimeFailure, UsageError } from './io.js';
import { OUTPUT_HELP, outputFormat, parseRequestTimeout, writeDocument } from './output.js';
import { connect, explainKubeError } from './scan.js';

const HELP = `Usage: argo-finalizer-remediator evidence NAMESPACE/NAME [--out DIR] [--kubeconfig F] [--context C]
                                         [--quiet-period DUR] [--now ISO] [--request-timeout DUR] [-o json|yaml|wide|table]

Collect the evidence bundle of one live Workflow into a folder, without changing anything: the Workflow as
read, its decoded nodes, its GC pods and WorkflowArtifactGCTasks, the Events about it and its GC pods, the log
of every container of every GC pod (the previous instance too when it restarted), the assessment (with what a
removal would orphan), and manifest.json: the sha256 of each file, the caps hit, what could not be read and
why. The layout is the one the pipeline writes to the audit bucket before a removal, under DIR/evidence/.
Needs get on pods/log and list on events (infra/rbac/).

Options:
  --out DIR             where to write (default ./afr-evidence); nothing already there is replaced
  --kubeconfig F        kubeconfig file (default: KUBECONFIG, then ~/.kube/config)
  --context C           kubeconfig context (default: its current-context)
  --quiet-period DUR    for the assessment (default 30m)
  --now ISO             judge as of this time (default: now)
  --request-timeout DUR per API request (default 10s; 0 for none)
${OUTPUT_HELP}`;

const DEFAULT_OUT = 'afr-evidence';

export const evidenceCommand: Command = async (args, io) => {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      out: { type: 'string' },
      kubeconfig: { type: 'string' },
      context: { type: 'string' },
      'quiet-period': { type: 'string', default: '30m' },
      now: { type: 'string' },
      'request-timeout': { type: 'string' },
      output: { type: 'string', short: 'o' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    io.stdout.write(HELP);
    return 0;
  }
  if (positionals.length !== 1) throw new UsageError('evidence takes one NAMESPACE/NAME');
  const key = workflowKey(positionals[0]!);
  const format = outputFormat(values.output);
  const quietPeriodMs = parseQuiet(values['quiet-period']!);
  const at = values.now === undefined ? new Date() : parseNow(values.now);
  const timeoutMs = parseRequestTimeout(values['request-timeout']);
  const out = resolve(values.out ?? DEFAULT_OUT);

  const target = connect({
    configured: undefined,
    kubeconfig: values.kubeconfig,
    context: values.context,
    io,
    transport: {
      ...(timeoutMs !== undefined ? { timeoutMs } : {}),
      onRetry: ({ failure, attempt, delayMs }) => io.stderr.write(`${failure.message}; attempt ${attempt + 1} in ${formatDuration(delayMs)}\n`),
    },
  });
  try {
    // Every list, whatever the verdict: this bundle is for a person deciding, not for the decision table.
    const raw = await target.port.snapshot(key);
    if (!raw) throw new RuntimeFailure(`Workflow ${key.namespace}/${key.name} not found at ${target.endpoint}`);
    const assessment = assessRaw(raw, { now: at, quietPeriodMs });
    const w = assessment.workflow;
    const decision = toDecision(
      { workflow: { namespace: w.namespace, name: w.name, ...(w.uid ? { uid: w.uid } : {}) }, assessment, action: 'none', outcome: 'evidence collected on request' },
      { cluster: target.clusterName, mode: 'dry-run', signal: undefined, at },
    );
    // Its own id: an on-request bundle never shares a folder with a decision's.
    decision.decisionId = decisionId({ cluster: target.clusterName, uid: w.uid, resourceVersion: assessment.resourceVersion, verdict: assessment.verdict, cause: assessment.cause, mode: 'on-request', action: 'evidence' });
    const { bundle } = await collectBundle(target.port, { decision, assessment, raw, action: 'inspect' }, at);
    const stored = await storeBundle(new FolderEvidenceSink(out), bundle);
    const doc = {
      workflow: w,
      verdict: assessment.verdict,
      cause: assessment.cause,
      evidenceKey: bundle.prefix,
      evidenceSha256: stored.sha256,
      dir: resolve(out, ...bundle.prefix.split('/')),
      written: stored.written,
      files: bundle.manifest.files.map((f) => f.path),
      notFetched: bundle.manifest.notFetched,
      capsHit: bundle.manifest.capsHit,
    };
    if (!writeDocument(doc, format, io)) io.stdout.write(summary(doc));
    return 0;
  } catch (err) {
    if (err instanceof KubeError) throw new RuntimeFailure(explainKubeError(err, target.endpoint));
    throw err;
  }
};

function workflowKey(text: string): WorkflowKey {
  const [namespace, name, ...rest] = text.split('/');
  if (!namespace || !name || rest.length > 0) throw new UsageError(`expected NAMESPACE/NAME, not '${text}'`);
  try {
    return assertWorkflowKey({ namespace, name });
  } catch (err) {
    if (err instanceof InvalidWorkflowKeyError) throw new UsageError(err.message);
    throw err;
  }
}

function summary(doc: { workflow: { namespace: string; name: string }; verdict: string; cause: string; dir: string; evidenceSha256: string; written: number; files: string[]; notFetched: { what: string; reason: string }[]; capsHit: { path: string; cap: string }[] }): string {
  const lines = [
    `${doc.workflow.namespace}/${doc.workflow.name}: ${doc.verdict} (${doc.cause})`,
    `bundle: ${doc.dir}/ (${doc.files.length + 1} files${doc.written === 0 ? ', already there: nothing replaced' : ''})`,
    `manifest sha256: ${doc.evidenceSha256}`,
    ...doc.capsHit.map((c) => `cut: ${c.path} (${c.cap})`),
    ...doc.notFetched.map((n) => `not fetched: ${n.what}: ${n.reason}`),
  ];
  return `${lines.join('\n')}\n`;
}

export { HELP as EVIDENCE_HELP };
export type { CliIO };
