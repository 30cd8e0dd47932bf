import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { Decision } from '../domain/decision.js';
import { type CliIO, type Command, UsageError } from './io.js';
import { colourOn, OUTPUT_HELP, outputFormat, writeDocument } from './output.js';
import { renderTable, verdictColour } from './table.js';

const HELP = `Usage: argo-finalizer-remediator demo [--mode remediate|dry-run] [-o json|yaml|wide|table] [--out DIR] [--keep-running]

Runs the whole pipeline on this machine, wired as serverless.yml wires it: a local Kubernetes API server
seeded with stuck and healthy Workflows, the events kubernetes-event-exporter would send, the bus rule, the
signals queue, the evaluate, notify and audit handlers, a local Slack receiver and a folder for the audit log.

Options:
  --mode MODE        remediate (default: removals happen) or dry-run (only would-remove)
  ${OUTPUT_HELP}
  --out DIR          keep the audit records and Slack payloads in DIR (default: a temporary folder, removed
                     when the demo ends)
  --keep-running     leave the API server up and print a kubeconfig to explore it with kubectl or scan;
                     the kubeconfig (it holds a token) is deleted when the demo stops
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
  const format = outputFormat(values.output);
  const keep = values.out !== undefined;
  const outDir = keep ? resolve(values.out!) : mkdtempSync(join(tmpdir(), 'afr-demo-'));
  // Nothing is left behind, however the demo ends: Ctrl-C during the run included.
  const cleanUp = () => {
    if (!keep) rmSync(outDir, { recursive: true, force: true });
  };
  const onSignal = (signal: NodeJS.Signals) => {
    cleanUp();
    process.kill(process.pid, signal); // the default action, now that the handler is gone
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  // Only the demo's own summary goes to stdout: the handlers' JSON logs and EMF metrics stay off.
  if (!io.env['DEBUG']) {
    process.env['POWERTOOLS_LOG_LEVEL'] ??= 'SILENT';
    process.env['POWERTOOLS_METRICS_DISABLED'] ??= 'true';
  }
  try {
    const { runDemo } = await import('../demo/run.js');
    const { demoCluster } = await import('../demo/seed.js');
    const started = Date.now();
    const progress = (line: string) => io.stderr.write(`${io.stderr.isTTY ? '\u001b[2m' : ''}› ${line}${io.stderr.isTTY ? '\u001b[0m' : ''}\n`);
    const run = await runDemo({ mode, outDir, progress, tls: values['keep-running'] === true, approvals: true });
    const seconds = ((Date.now() - started) / 1000).toFixed(1);

    try {
      const document = { decisions: run.decisions, auditDir: keep ? run.auditDir : null, slackMessages: run.slackMessages, approvals: run.approvals };
      if (!writeDocument(document, format, io)) {
        io.stdout.write(summaryTable(run.decisions, demoCluster(new Date()).workflows, io, format === 'wide'));
        const where = (dir: string) => (keep ? dir : `${dir} (temporary: removed when the demo ends; keep it with --out DIR)`);
        io.stdout.write(
          [
            '',
            `${removedCount(run.decisions, run.approvals)} finalizer(s) removed with a test-guarded JSON patch${approvedRemovals(run.approvals)}; ${run.signals.rechecksScheduled} re-check(s) scheduled (not awaited)`,
            ...finishingLines(run.decisions, run.approvals),
            '',
            'Slack approvals (clicks on the buttons above, signed as Slack signs them, sent to the interact function URL):',
            ...run.approvals.map((a) => `  ${a.action.padEnd(8)} ${a.workflow.padEnd(28)} HTTP ${a.http.status}  ${a.outcome ?? '-'}: ${a.reason ?? a.http.answer}`),
            `  (${run.slackResponses} message(s) updated through their response_url)`,
            '',
            `${run.signals.rejected} malformed signal(s) rejected and audited; ${run.signals.filteredByRule} event(s) filtered by the bus rule`,
            `audit records:  ${where(run.auditDir)}`,
            `Slack payloads: ${where(run.slackDir)} (${run.slackMessages} message(s))`,
            `done in ${seconds}s`,
            '',
          ].join('\n'),
        );
      }
      if (values['keep-running']) {
        // From here Ctrl-C is the normal way out: stop the server, then clean up.
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
        // In the server's own temporary folder, which close() removes: the token never outlives the demo.
        const { path } = run.server.kubeconfig({ token: run.server.adminToken });
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
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    cleanUp();
  }
  return 0;
};

function summaryTable(decisions: Decision[], workflows: { name: string; namespace: string; story: string }[], io: CliIO, wide: boolean): string {
  const color = colourOn(io);
  const byName = new Map(decisions.map((d) => [`${d.workflow.namespace}/${d.workflow.name}`, d]));
  const rows = workflows.map((w) => {
    const d = byName.get(`${w.namespace}/${w.name}`);
    if (!d) return [`${w.namespace}/${w.name}`, '-', '-', '-', 'gone before it was read (deleted with its parent)', ...(wide ? ['-'] : []), w.story];
    return [
      `${w.namespace}/${w.name}`,
      { text: d.verdict, colour: verdictColour(d.verdict) },
      d.cause,
      { text: d.action, colour: ACTION_COLOURS[d.action] },
      d.outcome,
      ...(wide ? [d.decisionId] : []),
      w.story,
    ];
  });
  return renderTable(['WORKFLOW', 'VERDICT', 'CAUSE', 'ACTION', 'OUTCOME', ...(wide ? ['DECISION'] : []), 'SCENARIO'], rows, { color });
}

/** Workflows whose finalizer the pipeline removed (each once, whichever batch saw it), plus approved removals. */
function removedCount(decisions: readonly Decision[], approvals: ReadonlyArray<{ action: string; outcome?: string }>): number {
  const removed = new Set(decisions.filter((d) => d.action === 'removed').map((d) => `${d.workflow.namespace}/${d.workflow.name}`));
  return removed.size + approvals.filter((a) => a.action === 'remove' && a.outcome === 'acted').length;
}

/** What finishing GC did by itself (README "Finishing GC"), and what it did on an approval from Slack. */
function finishingLines(decisions: readonly Decision[], approvals: ReadonlyArray<{ action: string; workflow: string; outcome?: string }>): string[] {
  const done = decisions.filter((d) => d.finishing?.applied).map((d) => `${d.finishing!.action} ${d.workflow.namespace}/${d.workflow.name} (${d.finishing!.outcome})`);
  const approved = approvals.filter((a) => (a.action === 'rearm' || a.action === 'complete') && a.outcome === 'acted').map((a) => `${a.action} ${a.workflow}`);
  if (done.length === 0 && approved.length === 0) return [];
  return [`finishing GC: ${[...new Set(done)].join('; ')}${approved.length > 0 ? `; approved in Slack: ${approved.join('; ')}` : ''}`];
}

function approvedRemovals(approvals: ReadonlyArray<{ action: string; outcome?: string }>): string {
  const n = approvals.filter((a) => a.action === 'remove' && a.outcome === 'acted').length;
  return n > 0 ? ` (${n} of them approved in Slack, below)` : '';
}
