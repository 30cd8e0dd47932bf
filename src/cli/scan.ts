import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { auditEvent } from '../audit/audit-event.js';
import { FileAuditSink } from '../audit/file-sink.js';
import { DECISION_DETAIL_TYPE } from '../domain/decision.js';
import { toDecision } from '../evaluate/decision.js';
import { KubeconfigError, loadKubeconfig } from '../kube/auth/kubeconfig.js';
import { KubeClusterPort } from '../kube/cluster-port.js';
import { KubeError } from '../kube/errors.js';
import { assertNamespace, InvalidWorkflowKeyError } from '../kube/names.js';
import type { Scope } from '../kube/port.js';
import type { ReconcileResult } from '../remediation/reconcile.js';
import { ScanAbortedError, scanCluster } from '../remediation/scan.js';
import { outputFormat, parseNow, parseQuiet } from './input.js';
import { type CliIO, type Command, RuntimeFailure, UsageError } from './io.js';
import { type Cell, renderTable, verdictColour } from './table.js';

const HELP = `Usage: argo-finalizer-remediator scan [--kubeconfig F] [--context C] [-n NS | -A] [--apply]
                                     [--max-removals N] [--quiet-period DUR] [--now ISO] [-o json|table]

List the Workflows carrying the workflows.argoproj.io/artifact-gc finalizer on a live cluster, assess each
with its live GC pods and WorkflowArtifactGCTasks, and say what would be done. Nothing is changed unless
--apply is given; then only the artifact-gc finalizer of Workflows assessed 'remove' is removed, each
re-read and re-assessed right before its race-safe JSON patch.

Options:
  --kubeconfig F        kubeconfig file (default: KUBECONFIG, then ~/.kube/config)
  --context C           kubeconfig context (default: its current-context)
  -n, --namespace NS    one namespace (default: the context's namespace, else "default")
  -A, --all-namespaces  every namespace
  --apply               remove the finalizer where the verdict is 'remove' (default: dry run)
  --max-removals N      if more than N Workflows are removable, remove none: a systemic cause is likely
                        (default 10; applied in a dry run too, to show what --apply would do)
  --quiet-period DUR    how long nothing may happen before a Workflow counts as stuck (default 30m)
  --now ISO             judge as of this time (default: now)
  -o, --output FORMAT   json or table (default: table on a terminal, json otherwise)
  --audit-dir DIR       record every decision as an audit object under DIR/audit/ (default with --apply:
                        ./afr-audit; the same key layout as the S3 audit log)
`;

export const scanCommand: Command = async (args, io) => {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      kubeconfig: { type: 'string' },
      context: { type: 'string' },
      namespace: { type: 'string', short: 'n' },
      'all-namespaces': { type: 'boolean', short: 'A' },
      apply: { type: 'boolean', default: false },
      'max-removals': { type: 'string', default: '10' },
      'quiet-period': { type: 'string', default: '30m' },
      now: { type: 'string' },
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
  const format = outputFormat(values.output, io);
  const maxRemovals = parseMaxRemovals(values['max-removals']!);
  const quietPeriodMs = parseQuiet(values['quiet-period']!);
  const fixedNow = values.now === undefined ? undefined : parseNow(values.now);
  const now = fixedNow ? () => fixedNow : () => new Date();

  let kubeConfig;
  try {
    kubeConfig = loadKubeconfig({
      ...(values.kubeconfig ? { path: values.kubeconfig } : {}),
      ...(values.context ? { context: values.context } : {}),
      env: io.env,
    });
  } catch (err) {
    if (err instanceof KubeconfigError) throw new UsageError(err.message);
    throw err;
  }
  const scope = scopeOf(values.namespace, values['all-namespaces'] === true, kubeConfig.getContextObject(kubeConfig.getCurrentContext())?.namespace);
  const port = new KubeClusterPort(kubeConfig);

  // What --apply does is recorded like the Lambda pipeline records it: one write-once object per decision.
  const auditDir = values['audit-dir'] ?? (values.apply ? DEFAULT_AUDIT_DIR : undefined);
  const recordAndSay = async (results: ReconcileResult[], dir: string) => {
    const cluster = kubeConfig.getCurrentCluster()?.name ?? kubeConfig.getCurrentContext();
    const written = await recordScan(results, { dir: resolve(dir), cluster, mode: values.apply ? 'remediate' : 'dry-run' });
    io.stderr.write(`audit: ${written.written} record(s) written, ${written.duplicate} already there, under ${resolve(dir)}/audit/\n`);
  };

  const progress = progressLine(io);
  let report;
  try {
    report = await scanCluster(port, {
      scope,
      act: values.apply ? 'apply' : 'dry-run',
      maxRemovals,
      quietPeriodMs,
      now,
      onProgress: progress.update,
    });
  } catch (err) {
    // Removals done before the failure are recorded before anything else is said.
    if (err instanceof ScanAbortedError && auditDir) await recordAndSay(err.partial, auditDir);
    const cause = err instanceof ScanAbortedError ? err.cause : err;
    // Forbidden, unauthorized, unreachable, bad TLS: one line naming the cause, exit 1.
    if (cause instanceof KubeError) throw new RuntimeFailure(cause.message);
    throw cause;
  } finally {
    progress.done();
  }

  if (report.capExceeded) {
    io.stderr.write(
      `warning: ${report.capExceeded.removable} Workflows assess as removable, more than --max-removals ${report.capExceeded.max}: ` +
        'nothing was removed (a systemic cause is suspected; investigate before raising the cap)\n',
    );
  }
  if (auditDir) await recordAndSay(report.results, auditDir);
  io.stdout.write(format === 'json' ? `${JSON.stringify({ results: report.results.map(jsonResult) }, null, 2)}\n` : scanTable(report.results, io));
  return 0;
};

const DEFAULT_AUDIT_DIR = 'afr-audit';

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
function jsonResult(r: ReconcileResult): Record<string, unknown> {
  return {
    ...(r.assessment ?? { workflow: r.workflow }),
    action: r.action,
    outcome: r.outcome,
    ...(r.apiStatus !== undefined ? { apiStatus: r.apiStatus } : {}),
    ...(r.snapshotDigest ? { snapshotDigest: r.snapshotDigest } : {}),
  };
}

const ACTION_COLOURS = { removed: 'green', 'would-remove': 'yellow', notified: 'red', none: undefined } as const;

function scanTable(results: ReconcileResult[], io: CliIO): string {
  const color = !!io.stdout.isTTY && !io.env['NO_COLOR'];
  const columns = (io.stdout as { columns?: number }).columns;
  const rows: (string | Cell)[][] = results.map((r) => [
    r.workflow.namespace,
    r.workflow.name,
    r.assessment ? { text: r.assessment.verdict, colour: verdictColour(r.assessment.verdict) } : '-',
    r.assessment ? r.assessment.cause + (r.assessment.notifyOperator ? ' (!)' : '') : '-',
    { text: r.action, colour: ACTION_COLOURS[r.action] },
    r.outcome,
  ]);
  if (rows.length === 0) return 'no Workflow carries the workflows.argoproj.io/artifact-gc finalizer\n';
  return renderTable(['NAMESPACE', 'NAME', 'VERDICT', 'CAUSE', 'ACTION', 'OUTCOME'], rows, {
    color,
    ...(columns ? { maxWidth: columns } : {}),
  });
}

/** `scanned N...` rewritten in place, only when stderr is a terminal (never in logs or pipes). */
function progressLine(io: CliIO): { update: (n: number) => void; done: () => void } {
  if (!io.stderr.isTTY) return { update: () => {}, done: () => {} };
  let shown = false;
  return {
    update: (n) => {
      io.stderr.write(`\rscanned ${n}...`);
      shown = true;
    },
    done: () => {
      if (shown) io.stderr.write('\r\u001b[K');
    },
  };
}

export { HELP as SCAN_HELP };
