import { parseArgs } from 'node:util';
import type { Assessment } from '../domain/assessment.js';
import { assessRaw, InvalidSnapshotError, snapshotsFromObjects } from '../domain/snapshot.js';
import { qualifyBySupplied, type SuppliedEvidence } from '../domain/supplied.js';
import { isList, objectsOf, parseDocuments, parseNow, parseQuiet, readInput } from './input.js';
import { type CliIO, type Command, UsageError } from './io.js';
import { colourOn, OUTPUT_HELP, outputFormat, writeDocument } from './output.js';
import { renderTable, verdictColour } from './table.js';

const HELP = `Usage: argo-finalizer-remediator assess [FILE|-] [--now ISO] [--quiet-period DUR] [-o json|yaml|wide|table]

Assess Workflows read from FILE or stdin (JSON or YAML): one Workflow, or a List holding Workflows with
their artifact-GC pods, WorkflowArtifactGCTasks and child Workflows, as printed by
  kubectl get wf,pods,wfat -n NS -o json
No cluster is contacted. Without pods and tasks in the input, the reasons say which conclusions could not
be checked. An empty List is a valid answer: no assessments, exit 0.

Options:
  --now ISO             judge as of this time (default: now)
  --quiet-period DUR    how long nothing may happen before a Workflow counts as stuck (default 30m)
  ${OUTPUT_HELP}
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
  const format = outputFormat(values.output);
  const now = parseNow(values.now);
  const quietPeriodMs = parseQuiet(values['quiet-period']!);

  const { text, origin } = await readInput(positionals[0], io);
  const documents = parseDocuments(text, origin);
  const objects = objectsOf(documents);
  const snapshots = asUsage(origin, () => snapshotsFromObjects(objects));
  if (snapshots.length === 0 && !(documents.length === 1 && isList(documents[0]))) {
    // A List with no Workflow in it is an answer ("none here"); a lone Pod or ConfigMap is the wrong file.
    const kinds = [...new Set(objects.map((o) => (o as { kind?: unknown })?.kind).filter((k) => typeof k === 'string'))];
    throw new UsageError(`${origin}: holds no Workflow (found ${kinds.join(', ') || 'objects without kind'})`);
  }
  const kinds = new Set(objects.map((o) => (o as { kind?: unknown })?.kind));
  const supplied: SuppliedEvidence = { pods: kinds.has('Pod'), tasks: kinds.has('WorkflowArtifactGCTask') };
  const assessments = asUsage(origin, () =>
    snapshots.map((s) => qualifyBySupplied(assessRaw(s, { now, quietPeriodMs }), supplied)),
  );
  if (!writeDocument({ assessments, supplied }, format, io)) {
    io.stdout.write(assessments.length === 0 ? `no Workflows in ${origin}\n` : assessmentTable(assessments, io, format === 'wide'));
    if (assessments.length > 0 && (!supplied.pods || !supplied.tasks)) io.stderr.write(missingNote(supplied));
  }
  return 0;
};

function missingNote(supplied: SuppliedEvidence): string {
  const missing = [supplied.pods ? '' : 'pods', supplied.tasks ? '' : 'WorkflowArtifactGCTasks'].filter(Boolean).join(' and ');
  return `note: the input holds no ${missing}; causes that rest on them could not be checked (kubectl get wf,pods,wfat -o json)\n`;
}

export function assessmentTable(assessments: Assessment[], io: CliIO, wide = false): string {
  const columns = (io.stdout as { columns?: number }).columns;
  const headers = ['WORKFLOW', 'VERDICT', 'CAUSE', 'PENDING', ...(wide ? ['UID', 'QUIET UNTIL'] : []), 'WHY'];
  const rows = assessments.map((a) => [
    `${a.workflow.namespace}/${a.workflow.name}`,
    { text: a.verdict, colour: verdictColour(a.verdict) },
    a.cause + (a.notifyOperator ? ' (!)' : ''),
    String(a.pendingArtifacts.length),
    ...(wide ? [a.workflow.uid ?? '-', a.quietUntil ?? '-'] : []),
    a.reasons.slice(1).join('; '),
  ]);
  // -o wide shows the reasons whole, as kubectl's wide output does not truncate.
  const table = renderTable(headers, rows, { color: colourOn(io), ...(columns && !wide ? { maxWidth: columns } : {}) });
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

