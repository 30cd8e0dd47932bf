import { parseArgs } from 'node:util';
import type { Assessment } from '../domain/assessment.js';
import { assessRaw, InvalidSnapshotError, snapshotsFromObjects } from '../domain/snapshot.js';
import { objectsOf, outputFormat, parseDocuments, parseNow, parseQuiet, readInput } from './input.js';
import { type CliIO, type Command, UsageError } from './io.js';
import { renderTable, verdictColour } from './table.js';

const HELP = `Usage: argo-finalizer-remediator assess [FILE|-] [--now ISO] [--quiet-period DUR] [-o json|table]

Assess Workflows read from FILE or stdin (JSON or YAML): one Workflow, or a List holding Workflows with
their artifact-GC pods, WorkflowArtifactGCTasks and child Workflows, as printed by
  kubectl get wf,pods,wfat -n NS -o json
No cluster is contacted.

Options:
  --now ISO             judge as of this time (default: now)
  --quiet-period DUR    how long nothing may happen before a Workflow counts as stuck (default 30m)
  -o, --output FORMAT   json or table (default: table on a terminal, json otherwise)
`;

export const assessCommand: Command = async (args, io) => {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      now: { type: 'string' },
      'quiet-period': { type: 'string', default: '30m' },
      output: { type: 'string', short: 'o' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    io.stdout.write(HELP);
    return 0;
  }
  if (positionals.length > 1) throw new UsageError('assess takes at most one FILE');
  const format = outputFormat(values.output, io);
  const now = parseNow(values.now);
  const quietPeriodMs = parseQuiet(values['quiet-period']!);

  const { text, origin } = await readInput(positionals[0], io);
  const objects = objectsOf(parseDocuments(text, origin));
  const snapshots = asUsage(origin, () => snapshotsFromObjects(objects));
  if (snapshots.length === 0) {
    const kinds = [...new Set(objects.map((o) => (o as { kind?: unknown })?.kind).filter((k) => typeof k === 'string'))];
    throw new UsageError(
      objects.length === 0 ? `${origin}: the List is empty` : `${origin}: holds no Workflow (found ${kinds.join(', ') || 'objects without kind'})`,
    );
  }
  const assessments = asUsage(origin, () => snapshots.map((s) => assessRaw(s, { now, quietPeriodMs })));
  io.stdout.write(format === 'json' ? `${JSON.stringify({ assessments }, null, 2)}\n` : assessmentTable(assessments, io));
  return 0;
};

export function assessmentTable(assessments: Assessment[], io: CliIO): string {
  const color = !!io.stdout.isTTY && !io.env['NO_COLOR'];
  const columns = (io.stdout as { columns?: number }).columns;
  const rows = assessments.map((a) => [
    `${a.workflow.namespace}/${a.workflow.name}`,
    { text: a.verdict, colour: verdictColour(a.verdict) },
    a.cause + (a.notifyOperator ? ' (!)' : ''),
    String(a.pendingArtifacts.length),
    a.reasons.slice(1).join('; '),
  ]);
  const table = renderTable(['WORKFLOW', 'VERDICT', 'CAUSE', 'PENDING', 'WHY'], rows, { color, ...(columns ? { maxWidth: columns } : {}) });
  const flagged = assessments.some((a) => a.notifyOperator) ? '(!) the operator is notified as well\n' : '';
  return table + flagged;
}

/** Input that is not a readable Workflow is the user's to fix: exit 2, naming the file. */
function asUsage<T>(origin: string, fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (err instanceof InvalidSnapshotError) throw new UsageError(`${origin}: ${err.message}`);
    throw err;
  }
}
