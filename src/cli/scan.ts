import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { KubeConfig } from '@kubernetes/client-node';
import { auditEvent } from '../audit/audit-event.js';
import { FileAuditSink } from '../audit/file-sink.js';
import { ConfigError } from '../config/config-error.js';
import { loadConfigFile } from '../config/load.js';
import { finishingPolicyFor } from '../config/finishing-policy.js';
import { policyFor } from '../config/policy.js';
import { planFinishing } from '../finishing/plan.js';
import type { ClusterConfig, RemediatorConfig } from '../config/schema.js';
import { FolderEvidenceSink } from '../evidence/folder-sink.js';
import { removalEvidenceStep } from '../evidence/removal-step.js';
import { DECISION_DETAIL_TYPE } from '../domain/decision.js';
import { formatDuration } from '../domain/duration.js';
import { toDecision } from '../evaluate/decision.js';
import { KubeconfigError, loadKubeconfig } from '../kube/auth/kubeconfig.js';
import { KubeClusterPort } from '../kube/cluster-port.js';
import { KubeError } from '../kube/errors.js';
import { assertNamespace, InvalidWorkflowKeyError } from '../kube/names.js';
import { portFor } from '../kube/port-for.js';
import type { ClusterPort, Scope } from '../kube/port.js';
import type { TransportOptions } from '../kube/transport.js';
import type { ReconcileResult } from '../remediation/reconcile.js';
import { ScanAbortedError, scanCluster, type ScanResult } from '../remediation/scan.js';
import { parseNow, parseQuiet } from './input.js';
import { type CliIO, type Command, EXIT_CAP_EXCEEDED, RuntimeFailure, UsageError } from './io.js';
import { colourOn, OUTPUT_HELP, outputFormat, parseRequestTimeout, writeDocument } from './output.js';
import { type Cell, renderTable, verdictColour } from './table.js';

const HELP = `Usage: argo-finalizer-remediator scan [--kubeconfig F] [--context C | --config FILE [--cluster NAME]]
                                     [-n NS | -A] [--apply] [--max-removals N] [--quiet-period DUR] [--now ISO]
                                     [--request-timeout DUR] [--audit-dir DIR] [-o json|yaml|wide|table]

List the Workflows carrying the workflows.argoproj.io/artifact-gc finalizer on a live cluster, assess each
with its live GC pods and WorkflowArtifactGCTasks, and say what would be done. Nothing is changed unless
--apply is given; then only the artifact-gc finalizer of Workflows assessed 'remove' is removed, each
re-read and re-assessed right before its race-safe JSON patch.

Options:
  --kubeconfig F        kubeconfig file (default: KUBECONFIG, then ~/.kube/config)
  --context C           kubeconfig context (default: its current-context)
  --config FILE         take the cluster from a remediator configuration instead: its auth, namespaces,
                        per-namespace modes (--apply removes only where the mode is remediate), quiet period
                        and maxRemovalsPerSweep (as the cap); flags given explicitly win
  --cluster NAME        which of the configuration's clusters (default: the only one)
  -n, --namespace NS    one namespace (default: the context's namespace, else "default")
  -A, --all-namespaces  every namespace
  --apply               remove the finalizer where the verdict is 'remove' (default: dry run)
  --max-removals N      if more than N Workflows are removable, remove none: a systemic cause is likely
                        (default 10; applied in a dry run too, to show what --apply would do). With --apply,
                        the scan then exits 3
  --quiet-period DUR    how long nothing may happen before a Workflow counts as stuck (default 30m)
  --now ISO             judge as of this time (default: now)
  --request-timeout DUR give up on one attempt of a request after DUR (kubectl's flag: 10s, 1m, a number
                        of seconds, 0 for no limit; default 10s; each request is tried up to 4 times)
  ${OUTPUT_HELP}
  --audit-dir DIR       record every decision as an audit object under DIR/audit/ (default with --apply:
                        ./afr-audit; the same key layout as the S3 audit log). With --apply, each removal's
                        evidence bundle goes under DIR/evidence/ and its intent record beside its audit
                        record, both written before the patch
`;

const DEFAULT_MAX_REMOVALS = 10;
const DEFAULT_QUIET_PERIOD = '30m';

export const scanCommand: Command = async (args, io) => {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      kubeconfig: { type: 'string' },
      context: { type: 'string' },
      config: { type: 'string' },
      cluster: { type: 'string' },
      namespace: { type: 'string', short: 'n' },
      'all-namespaces': { type: 'boolean', short: 'A' },
      apply: { type: 'boolean', default: false },
      'max-removals': { type: 'string' },
      'quiet-period': { type: 'string' },
      now: { type: 'string' },
      'request-timeout': { type: 'string' },
      output: { type: 'string', short: 'o' },
      'audit-dir': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    io.stdout.write(HELP);
    return 0;
  }
  if (positionals.length > 0) throw new UsageError(`scan takes no positional arguments (got '${positionals[0]}')`);
  if (values.namespace !== undefined && values['all-namespaces']) throw new UsageError('give either -n NAMESPACE or -A, not both');
  if (values.config !== undefined && (values.kubeconfig !== undefined || values.context !== undefined)) {
    throw new UsageError('give either --config (the cluster comes from it) or --kubeconfig/--context, not both');
  }
  if (values.cluster !== undefined && values.config === undefined) throw new UsageError('--cluster picks a cluster of --config FILE');
  const format = outputFormat(values.output);
  const fixedNow = values.now === undefined ? undefined : parseNow(values.now);
  const now = fixedNow ? () => fixedNow : () => new Date();
  const timeoutMs = parseRequestTimeout(values['request-timeout']);

  const configured = values.config === undefined ? undefined : await configuredCluster(values.config, values.cluster);
  const maxRemovals = parseMaxRemovals(values['max-removals'] ?? String(configured?.cluster.maxRemovalsPerSweep ?? DEFAULT_MAX_REMOVALS));
  const quietPeriodMs =
    values['quiet-period'] !== undefined ? parseQuiet(values['quiet-period']) : (configured?.cluster.quietPeriodMs ?? parseQuiet(DEFAULT_QUIET_PERIOD));

  let endpoint = '';
  const progress = progressLine(io, () => endpoint);
  const target = connect({ configured, kubeconfig: values.kubeconfig, context: values.context, io, transport: {
    ...(timeoutMs !== undefined ? { timeoutMs } : {}),
    onRetry: ({ failure, attempt, delayMs }) =>
      progress.say(`${failure.message}; attempt ${attempt + 1} in ${formatDuration(delayMs)}`),
  } });
  endpoint = target.endpoint;
  const scope = scopeOf(values.namespace, values['all-namespaces'] === true, target.contextNamespace);

  // What --apply does is recorded like the Lambda pipeline records it: one write-once object per decision.
  const auditDir = values['audit-dir'] ?? (values.apply ? DEFAULT_AUDIT_DIR : undefined);
  const recordAndSay = async (results: ReconcileResult[], dir: string) => {
    const written = await recordScan(results, { dir: resolve(dir), cluster: target.clusterName, mode: values.apply ? 'remediate' : 'dry-run' });
    io.stderr.write(`audit: ${written.written} record(s) written, ${written.duplicate} already there, under ${resolve(dir)}/audit/\n`);
    const bundles = results.filter((r) => r.evidence).length;
    if (bundles > 0) io.stderr.write(`evidence: ${bundles} bundle(s) under ${resolve(dir)}/evidence/\n`);
  };

  let report;
  try {
    report = await scanCluster(target.port, {
      scope,
      act: values.apply ? 'apply' : 'dry-run',
      maxRemovals,
      quietPeriodMs,
      now,
      ...(configured?.cluster.argoVersion ? { argoVersion: configured.cluster.argoVersion } : {}),
      onProgress: progress.update,
      ...(configured ? policyHooks(configured.config, configured.cluster) : {}),
      // Before each PATCH: the evidence bundle and the intent record, under the audit folder (README "Evidence bundle and intent record").
      ...(values.apply && auditDir
        ? { beforeAct: removalEvidenceStep({ reads: target.port, sink: new FolderEvidenceSink(resolve(auditDir)), cluster: target.clusterName, mode: 'remediate', now }) }
        : {}),
    });
  } catch (err) {
    // Removals done before the failure are recorded before anything else is said.
    if (err instanceof ScanAbortedError && auditDir) await recordAndSay(err.partial, auditDir);
    const cause = err instanceof ScanAbortedError ? err.cause : err;
    if (cause instanceof KubeError) throw new RuntimeFailure(explainKubeError(cause, target.endpoint));
    throw cause;
  } finally {
    progress.done();
  }

  if (report.capExceeded) {
    io.stderr.write(
      `warning: ${report.capExceeded.removable} Workflows assess as removable, more than --max-removals ${report.capExceeded.max}: ` +
        'nothing was removed (a systemic cause is suspected; investigate before raising the cap)' +
        (values.apply ? `; exit code ${EXIT_CAP_EXCEEDED}` : '') +
        '\n',
    );
  }
  if (auditDir) await recordAndSay(report.results, auditDir);
  // What each Workflow's finishing action would be (README "Finishing GC"), under the configuration's policy.
  const finishingOf = (r: ScanResult): string | undefined => {
    if (!configured || !r.assessment) return undefined;
    const policy = finishingPolicyFor(configured.config, configured.cluster.name, r.workflow.namespace);
    const deletion = r.assessment.evidence.deletionTimestamp;
    const plan = planFinishing(r.assessment, { metadata: { name: r.workflow.name, ...(deletion ? { deletionTimestamp: deletion } : {}) } }, policy);
    if (plan.next) return `${plan.next}${plan.offers[plan.next].applies ? '' : ' (dry run)'}`;
    const eligible = (['verify', 'complete', 'rearm'] as const).filter((a) => plan.offers[a].eligible);
    const waiting = eligible.find((a) => policy.actions[a].setting !== 'off') ?? eligible[0];
    return waiting ? `${waiting}: ${policy.actions[waiting].setting}` : 'none';
  };
  const document = {
    results: report.results.map((r) => jsonResult(r, finishingOf)),
    ...(report.capExceeded ? { cap: { max: report.capExceeded.max, removable: report.capExceeded.removable, exceeded: true } } : {}),
  };
  if (!writeDocument(document, format, io)) io.stdout.write(scanTable(report.results, io, format === 'wide', !!report.capExceeded, finishingOf));
  return report.capExceeded && values.apply ? EXIT_CAP_EXCEEDED : 0;
};

const DEFAULT_AUDIT_DIR = 'afr-audit';

export interface Target {
  port: ClusterPort;
  /** The API server's URL, named in errors about reaching it. */
  endpoint: string;
  clusterName: string;
  contextNamespace: string | undefined;
}

export function connect(opts: {
  configured: { config: RemediatorConfig; cluster: ClusterConfig } | undefined;
  kubeconfig: string | undefined;
  context: string | undefined;
  io: CliIO;
  transport: TransportOptions;
}): Target {
  const kubeconfigOf = (path: string | undefined, context: string | undefined): KubeConfig => {
    try {
      return loadKubeconfig({ ...(path ? { path } : {}), ...(context ? { context } : {}), env: opts.io.env });
    } catch (err) {
      if (err instanceof KubeconfigError) throw new UsageError(err.message);
      throw err;
    }
  };
  const fromKubeconfig = (kc: KubeConfig) => ({
    endpoint: kc.getCurrentCluster()?.server ?? '(no server in the kubeconfig)',
    contextNamespace: kc.getContextObject(kc.getCurrentContext())?.namespace,
  });
  if (!opts.configured) {
    const kc = kubeconfigOf(opts.kubeconfig, opts.context);
    return { port: new KubeClusterPort(kc, opts.transport), clusterName: kc.getCurrentCluster()?.name ?? kc.getCurrentContext(), ...fromKubeconfig(kc) };
  }
  const { cluster } = opts.configured;
  const auth = cluster.auth;
  const where = auth.type === 'kubeconfig' ? fromKubeconfig(kubeconfigOf(auth.path, auth.context)) : { endpoint: auth.server, contextNamespace: undefined };
  return { port: portFor(auth, { ...opts.transport, env: opts.io.env }), clusterName: cluster.name, ...where };
}

export async function configuredCluster(file: string, name: string | undefined): Promise<{ config: RemediatorConfig; cluster: ClusterConfig }> {
  let config: RemediatorConfig;
  try {
    config = await loadConfigFile(file);
  } catch (err) {
    if (err instanceof ConfigError) throw new UsageError(`${err.message} (config check ${file} lists every problem)`);
    throw err;
  }
  const names = config.clusters.map((c) => c.name);
  if (name === undefined && names.length > 1) throw new UsageError(`${file} names ${names.length} clusters: pick one with --cluster (${names.join(', ')})`);
  const cluster = name === undefined ? config.clusters[0]! : config.clusters.find((c) => c.name === name);
  if (!cluster) throw new UsageError(`${file} has no cluster '${name}' (it has: ${names.join(', ')})`);
  return { config, cluster };
}

/** The configuration's namespace scope and modes, as the pipeline applies them (policyFor). */
function policyHooks(config: RemediatorConfig, cluster: ClusterConfig) {
  return {
    inScope: (namespace: string) => policyFor(config, cluster.name, namespace).included,
    dryRunReason: (namespace: string) => {
      const policy = policyFor(config, cluster.name, namespace);
      return policy.mode === 'remediate' ? undefined : policy.reason;
    },
  };
}

/** The failures a user meets first, worded as what to do about them. */
export function explainKubeError(err: KubeError, endpoint: string): string {
  if (err.kind === 'not-found' && err.op.verb === 'list' && err.op.resource === 'workflows.argoproj.io') {
    return (
      `${endpoint} has no argoproj.io/v1alpha1 workflows API (HTTP 404): the Argo Workflows CRDs may be missing, ` +
      'or this is not the cluster Argo runs on (check: kubectl get crd workflows.argoproj.io)'
    );
  }
  if (err.kind === 'timeout' || err.kind === 'transport') return `cannot reach ${endpoint}: ${err.message}`;
  return err.message;
}

async function recordScan(
  results: ReconcileResult[],
  opts: { dir: string; cluster: string; mode: 'remediate' | 'dry-run' },
): Promise<{ written: number; duplicate: number }> {
  const sink = new FileAuditSink(opts.dir);
  const count = { written: 0, duplicate: 0 };
  for (const r of results) {
    if (!r.assessment) continue;
    const decision = toDecision({ ...r, assessment: r.assessment }, { cluster: opts.cluster, mode: opts.mode, signal: undefined, at: new Date() });
    count[(await auditEvent(DECISION_DETAIL_TYPE, decision, { sink })).result] += 1;
  }
  return count;
}

function scopeOf(namespace: string | undefined, all: boolean, contextNamespace: string | undefined): Scope {
  if (all) return { allNamespaces: true };
  const ns = namespace ?? contextNamespace ?? 'default';
  try {
    return { namespace: assertNamespace(ns) };
  } catch (err) {
    if (err instanceof InvalidWorkflowKeyError) throw new UsageError(err.message);
    throw err;
  }
}

function parseMaxRemovals(value: string): number {
  if (!/^\d+$/.test(value) || Number(value) > 1_000_000) throw new UsageError(`--max-removals must be a whole number, not '${value}'`);
  return Number(value);
}

/** `{...assessment, action, outcome}`; a Workflow gone before it could be read has only its reference. */
function jsonResult(r: ScanResult, finishingOf: (r: ScanResult) => string | undefined): Record<string, unknown> {
  const finishing = finishingOf(r);
  return {
    ...(r.assessment ?? { workflow: r.workflow }),
    action: r.action,
    outcome: r.outcome,
    ...(finishing !== undefined ? { finishing } : {}),
    ...(r.cap ? { cap: r.cap } : {}),
    ...(r.apiStatus !== undefined ? { apiStatus: r.apiStatus } : {}),
    ...(r.snapshotDigest ? { snapshotDigest: r.snapshotDigest } : {}),
    ...(r.evidence ? { evidenceKey: r.evidence.evidenceKey, evidenceSha256: r.evidence.evidenceSha256, intentKey: r.evidence.intentKey } : {}),
  };
}

const ACTION_COLOURS = { removed: 'green', 'would-remove': 'yellow', notified: 'red', none: undefined } as const;

function scanTable(results: ScanResult[], io: CliIO, wide: boolean, capExceeded: boolean, finishingOf: (r: ScanResult) => string | undefined): string {
  const finishing = results.map(finishingOf);
  const showFinishing = finishing.some((f) => f !== undefined);
  const columns = (io.stdout as { columns?: number }).columns;
  if (results.length === 0) return 'no Workflow carries the workflows.argoproj.io/artifact-gc finalizer\n';
  const rows: (string | Cell)[][] = results.map((r, i) => [
    r.workflow.namespace,
    r.workflow.name,
    r.assessment ? { text: r.assessment.verdict, colour: verdictColour(r.assessment.verdict) } : '-',
    r.assessment ? r.assessment.cause + (r.assessment.notifyOperator ? ' (!)' : '') : '-',
    { text: r.action, colour: ACTION_COLOURS[r.action] },
    ...(capExceeded ? [r.cap ? { text: r.cap, colour: 'red' as const } : '-'] : []),
    ...(showFinishing ? [finishing[i] ?? '-'] : []),
    ...(wide ? [String(r.assessment?.pendingArtifacts.length ?? '-'), r.workflow.uid ?? '-'] : []),
    r.outcome + (wide && r.assessment ? `; ${r.assessment.reasons.slice(1).join('; ')}` : ''),
  ]);
  const headers = ['NAMESPACE', 'NAME', 'VERDICT', 'CAUSE', 'ACTION', ...(capExceeded ? ['CAP'] : []), ...(showFinishing ? ['FINISH'] : []), ...(wide ? ['PENDING', 'UID'] : []), 'OUTCOME'];
  return renderTable(headers, rows, { color: colourOn(io), ...(columns && !wide ? { maxWidth: columns } : {}) });
}

/**
 * Progress on stderr, only when it is a terminal (never in logs or pipes): `scanned N...` rewritten in
 * place, and a line per retry naming the endpoint, so a server that does not answer is not silence.
 */
function progressLine(io: CliIO, endpoint: () => string): { update: (n: number) => void; say: (line: string) => void; done: () => void } {
  if (!io.stderr.isTTY) return { update: () => {}, say: () => {}, done: () => {} };
  let shown = false;
  return {
    update: (n) => {
      io.stderr.write(`\rscanned ${n}...`);
      shown = true;
    },
    say: (line) => {
      io.stderr.write(`${shown ? '\r\u001b[K' : ''}${endpoint()}: ${line}\n`);
      shown = false;
    },
    done: () => {
      if (shown) io.stderr.write('\r\u001b[K');
    },
  };
}

export { HELP as SCAN_HELP };
