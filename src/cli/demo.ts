import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { Decision } from '../domain/decision.js';
import { outputFormat } from './input.js';
import { type CliIO, type Command, UsageError } from './io.js';
import { renderTable, verdictColour } from './table.js';

const HELP = `Usage: argo-finalizer-remediator demo [--mode remediate|dry-run] [-o json|table] [--out DIR] [--keep-running]

Runs the whole pipeline on this machine, wired as serverless.yml wires it: a local Kubernetes API server
seeded with stuck and healthy Workflows, the events kubernetes-event-exporter would send, the bus rule, the
signals queue, the evaluate, notify and audit handlers, a local Slack receiver and a folder for the audit log.

Options:
  --mode MODE        remediate (default: removals happen) or dry-run (only would-remove)
  -o, --output FMT   json or table (default: table on a terminal, json otherwise)
  --out DIR          where audit records and Slack payloads go (default: a new temporary folder)
  --keep-running     leave the API server up and print a kubeconfig to explore it with kubectl or scan
`;

const ACTION_COLOURS = { removed: 'green', 'would-remove': 'yellow', notified: 'red', none: 'dim' } as const;

export const demoCommand: Command = async (args, io) => {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: false,
    options: {
      mode: { type: 'string', default: 'remediate' },
      output: { type: 'string', short: 'o' },
      out: { type: 'string' },
      'keep-running': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    io.stdout.write(HELP);
    return 0;
  }
  void positionals;
  const mode = values.mode;
  if (mode !== 'remediate' && mode !== 'dry-run') throw new UsageError(`--mode must be remediate or dry-run, not '${mode}'`);
  const format = outputFormat(values.output, io);
  const outDir = values.out ? resolve(values.out) : mkdtempSync(join(tmpdir(), 'afr-demo-'));

  // Only the demo's own summary goes to stdout: the handlers' JSON logs and EMF metrics stay off.
  if (!io.env['DEBUG']) {
    process.env['POWERTOOLS_LOG_LEVEL'] ??= 'SILENT';
    process.env['POWERTOOLS_METRICS_DISABLED'] ??= 'true';
  }
  const { runDemo } = await import('../demo/run.js');
  const { demoCluster } = await import('../demo/seed.js');
  const started = Date.now();
  const progress = (line: string) => io.stderr.write(`${io.stderr.isTTY ? '\u001b[2m' : ''}› ${line}${io.stderr.isTTY ? '\u001b[0m' : ''}\n`);
  const run = await runDemo({ mode, outDir, progress, tls: values['keep-running'] === true });
  const seconds = ((Date.now() - started) / 1000).toFixed(1);

  try {
    if (format === 'json') {
      io.stdout.write(`${JSON.stringify({ decisions: run.decisions, auditDir: run.auditDir, slackMessages: run.slackMessages }, null, 2)}\n`);
    } else {
      io.stdout.write(summaryTable(run.decisions, demoCluster(new Date()).workflows, io));
      io.stdout.write(
        [
          '',
          `${run.patches} finalizer(s) removed with a test-guarded JSON patch; ${run.signals.rechecksScheduled} re-check(s) scheduled (not awaited)`,
          `${run.signals.rejected} malformed signal(s) rejected and audited; ${run.signals.filteredByRule} event(s) filtered by the bus rule`,
          `audit records:  ${run.auditDir}`,
          `Slack payloads: ${run.slackDir} (${run.slackMessages} message(s))`,
          `done in ${seconds}s`,
          '',
        ].join('\n'),
      );
    }
    if (values['keep-running']) {
      const { path } = run.server.kubeconfig({ token: run.server.adminToken, path: join(outDir, 'kubeconfig') });
      io.stderr.write(
        `\nThe API server stays up at ${run.server.url}. Try:\n` +
          `  kubectl --kubeconfig ${path} get workflows -A\n` +
          `  npx argo-finalizer-remediator scan --kubeconfig ${path} -A\n` +
          'Press Ctrl-C to stop.\n',
      );
      await new Promise<void>((resolveStop) => {
        process.once('SIGINT', resolveStop);
        process.once('SIGTERM', resolveStop);
      });
    }
  } finally {
    await run.server.close();
  }
  return 0;
};

function summaryTable(decisions: Decision[], workflows: { name: string; namespace: string; story: string }[], io: CliIO): string {
  const color = !!io.stdout.isTTY && !io.env['NO_COLOR'];
  const byName = new Map(decisions.map((d) => [`${d.workflow.namespace}/${d.workflow.name}`, d]));
  const rows = workflows.map((w) => {
    const d = byName.get(`${w.namespace}/${w.name}`);
    if (!d) return [`${w.namespace}/${w.name}`, '-', '-', '-', 'gone before it was read (deleted with its parent)', w.story];
    return [
      `${w.namespace}/${w.name}`,
      { text: d.verdict, colour: verdictColour(d.verdict) },
      d.cause,
      { text: d.action, colour: ACTION_COLOURS[d.action] },
      d.outcome,
      w.story,
    ];
  });
  return renderTable(['WORKFLOW', 'VERDICT', 'CAUSE', 'ACTION', 'OUTCOME', 'SCENARIO'], rows, { color });
}
