import { createReadStream } from 'node:fs';
import { parseArgs } from 'node:util';
import { type Judgement, judgeText } from '../signals/judge.js';
import { LAMBDA_INVOCATION } from '../signals/limits.js';
import { SignalRejected } from '../signals/rejected.js';
import { type Command, type CliIO, UsageError } from './io.js';
import { outputFormat, writeDocument } from './output.js';

/** The cluster named in signals whose payload carries none (Argo Events, the opsgenie exporter). */
export const DEFAULT_CLI_CLUSTER = 'default';

const USAGE = `Usage: argo-finalizer-remediator explain-event [FILE|-] [-o json|yaml|wide|table] [--cluster NAME]

Shows the Workflow references a forwarder payload yields, as the pipeline would: a kubernetes-event-exporter
EnhancedEvent or templated layout, an EventBridge envelope, an SQS event or record, an SNS notification, an
Argo Events resource event or CloudEvent (a Workflow, a core v1 Event about one, a delete tombstone), or an
afr.* message. Reads stdin when FILE is - or absent (at most 6 MB, a Lambda invocation's limit; each part is
held to the limit of its own transport). An SQS batch is judged record by record, as evaluate does: records
that cannot be read are listed as rejected and the exit code stays 0. A payload about something else (a
WorkflowTemplate, a Pod) exits 0 and says why; input of which nothing can be read exits 2.

Options:
  -o, --output FORMAT       json, yaml, wide (adds the resourceVersion) or table (default)
      --cluster NAME        cluster for payloads that name none (default: ${DEFAULT_CLI_CLUSTER})
  -h, --help                show this help
`;

export const explainEventCommand: Command = async (args, io) => {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    strict: true,
    options: {
      output: { type: 'string', short: 'o' },
      cluster: { type: 'string', default: DEFAULT_CLI_CLUSTER },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    io.stdout.write(USAGE);
    return 0;
  }
  if (positionals.length > 1) throw new UsageError(`explain-event takes one FILE or -, got ${positionals.length} arguments`);
  const format = outputFormat(values.output);
  if (values.cluster.trim() === '') throw new UsageError('explain-event: --cluster must not be empty');

  const file = positionals[0] ?? '-';
  if (file === '-' && io.stdin.isTTY) throw new UsageError('explain-event: no input: pass a FILE, or pipe a payload into stdin');
  const text = await readBounded(file, io);
  let result: Judgement;
  try {
    result = judgeText(text, { defaultCluster: values.cluster });
  } catch (err) {
    if (err instanceof SignalRejected) throw new UsageError(`explain-event: ${err.reason}`);
    throw err;
  }
  if (!writeDocument(result, format, io)) io.stdout.write(renderTable(result, format === 'wide'));
  return 0;
};

/** Reads at most one byte past the largest transport's limit, so an oversize input is refused without reading it all. */
async function readBounded(file: string, io: CliIO): Promise<string> {
  const limit = LAMBDA_INVOCATION.maxBytes + 1;
  const stream = file === '-' ? io.stdin : createReadStream(file, { end: limit - 1 });
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of stream) {
      const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
      chunks.push(bytes);
      size += bytes.length;
      if (size >= limit) break;
    }
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? (err instanceof Error ? err.message : String(err));
    throw new UsageError(`explain-event: cannot read ${file === '-' ? 'stdin' : JSON.stringify(file)}: ${code}`);
  }
  return Buffer.concat(chunks).subarray(0, limit).toString('utf8');
}

function renderTable(result: Judgement, wide: boolean): string {
  const columns = ['CLUSTER', 'NAMESPACE', 'NAME', 'UID', ...(wide ? ['RESOURCEVERSION'] : []), 'SOURCE', 'REASON'];
  const lines: string[] = [];
  if (result.signals.length === 0) {
    lines.push('no Workflow references');
  } else {
    const rows = result.signals.map((s) =>
      [s.cluster, s.namespace, s.name, s.uid ?? '-', ...(wide ? [s.resourceVersion ?? '-'] : []), s.source, s.reason ?? '-'].map(printable),
    );
    const widths = columns.map((title, i) => Math.max(title.length, ...rows.map((row) => row[i]?.length ?? 0)));
    for (const row of [columns, ...rows]) {
      lines.push(row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i] ?? 0))).join('  '));
    }
  }
  for (const { reason } of result.ignored) lines.push(`ignored: ${printable(reason)}`);
  for (const { reason } of result.rejected) lines.push(`rejected: ${printable(reason)}`);
  return `${lines.join('\n')}\n`;
}

/** Payload text reaches a terminal here: control and format characters (escape sequences, bidi) are masked. */
function printable(text: string): string {
  return text.replace(/[\p{Cc}\p{Cf}]/gu, '?');
}
