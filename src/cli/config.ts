import { parseArgs } from 'node:util';
import type { ConfigProblem } from '../config/config-error.js';
import { ConfigError } from '../config/config-error.js';
import { reviewForDeployment } from '../config/deployment.js';
import { checkConfigText, readConfigFile } from '../config/load.js';
import { type Command, EXIT_USAGE, UsageError } from './io.js';
import { colourOn, OUTPUT_HELP, outputFormat, writeDocument } from './output.js';
import { paint, renderTable } from './table.js';

const HELP = `Usage: argo-finalizer-remediator config check FILE [--local] [-o json|yaml|wide|table]

Validates a configuration (JSON or YAML) exactly as the deployed functions do at a cold start, with the
same parser and schema, and lists every problem with its path. Then checks what the stack cannot honour
once the document is in SSM: kubeconfig auth (Lambda has no kubeconfig file), audit.bucket (the stack owns
the bucket), audit.localDir, and the parameter's size (over 4 KB needs the Advanced tier).
Exit 0 when valid, 2 on any problem. Values are never printed: a configuration holds tokens.

Options:
  --local               the file is for the CLI or a local run: allow kubeconfig auth and audit.localDir
  ${OUTPUT_HELP}
`;

export const configCommand: Command = async (args, io) => {
  const [sub, ...rest] = args;
  if (sub === undefined || sub === '--help' || sub === '-h') {
    (sub === undefined ? io.stderr : io.stdout).write(HELP);
    return sub === undefined ? EXIT_USAGE : 0;
  }
  if (sub !== 'check') throw new UsageError(`config: unknown subcommand '${sub}' (try: config check FILE)`);
  const { values, positionals } = parseArgs({
    args: rest,
    allowPositionals: true,
    options: {
      local: { type: 'boolean', default: false },
      output: { type: 'string', short: 'o' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    io.stdout.write(HELP);
    return 0;
  }
  if (positionals.length !== 1) throw new UsageError('config check takes exactly one FILE');
  const format = outputFormat(values.output);
  const file = positionals[0]!;
  let text: string;
  try {
    text = await readConfigFile(file);
  } catch (err) {
    if (err instanceof ConfigError) throw new UsageError(err.message);
    throw err;
  }

  const checked = checkConfigText(text, `file ${file}`);
  let problems: ConfigProblem[] = checked.ok ? [] : checked.problems;
  let warnings: ConfigProblem[] = [];
  // A local file (the CLI, the demo) may use kubeconfig and a folder: only the schema applies to it.
  if (checked.ok && !values.local) {
    const review = reviewForDeployment(checked.config, text);
    problems = review.problems;
    warnings = review.warnings;
  }
  const valid = problems.length === 0;
  const clusters = checked.ok ? checked.config.clusters.map((c) => ({ name: c.name, auth: c.auth.type, mode: c.mode })) : [];

  if (!writeDocument({ file, valid, target: values.local ? 'local' : 'deployment', problems, warnings, clusters }, format, io)) {
    const colour = colourOn(io);
    if (problems.length + warnings.length > 0) {
      const rows = [
        ...problems.map((p) => [p.path, { text: 'problem', colour: 'red' as const }, p.message]),
        ...warnings.map((p) => [p.path, { text: 'warning', colour: 'yellow' as const }, p.message]),
      ];
      io.stdout.write(renderTable(['PATH', 'LEVEL', 'WHAT TO DO'], rows, { color: colour }));
    }
    const summary = valid
      ? `${file}: valid${values.local ? ' for local use' : ' for deployment'} (${clusters.map((c) => `${c.name}: ${c.auth}, ${c.mode}`).join('; ')})`
      : `${file}: ${problems.length} problem(s)`;
    io.stdout.write(`${paint(summary, valid ? 'green' : 'red', colour)}\n`);
  }
  return valid ? 0 : EXIT_USAGE;
};
