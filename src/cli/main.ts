import { parseArgs } from 'node:util';
import { type CliIO, type Command, EXIT_RUNTIME, EXIT_USAGE, RuntimeFailure, UsageError } from './io.js';

const USAGE = `Usage: argo-finalizer-remediator <command> [options]

Commands:
  assess [FILE|-]     assess Workflows from a JSON/YAML file or stdin (no cluster needed)
  scan                find and assess stuck Workflows on a live cluster (dry run unless --apply)
  explain-event [FILE|-]  show the Workflow references a forwarder payload yields
  evidence NS/NAME    collect one live Workflow's evidence bundle into a folder, without acting
  config check FILE   validate a configuration as the deployed functions will, every problem listed
  finish NS/NAME --rearm|--complete|--verify  finish one Workflow's artifact GC (dry run unless --apply)
  demo                run the whole pipeline locally on an embedded cluster (npm start)

Output: a table by default; -o wide, -o json or -o yaml as kubectl has them.
Exit codes: 0 done (whatever the verdicts), 1 runtime failure, 2 bad usage, input or configuration,
3 scan --apply refused because more Workflows were removable than --max-removals.

Run 'argo-finalizer-remediator <command> --help' for a command's options.
`;

/** Lazy so that `assess` does not pay for loading the Kubernetes client or the AWS SDK. */
const commands: Record<string, () => Promise<Command>> = {
  assess: async () => (await import('./assess.js')).assessCommand,
  scan: async () => (await import('./scan.js')).scanCommand,
  'explain-event': async () => (await import('./explain-event.js')).explainEventCommand,
  evidence: async () => (await import('./evidence.js')).evidenceCommand,
  config: async () => (await import('./config.js')).configCommand,
  finish: async () => (await import('./finish.js')).finishCommand,
  demo: async () => (await import('./demo.js')).demoCommand,
};

export async function main(argv: string[], io: CliIO = processIO()): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    (name === undefined ? io.stderr : io.stdout).write(USAGE);
    return name === undefined ? EXIT_USAGE : 0;
  }
  if (name === '--version') {
    io.stdout.write(`${(await import('../../package.json', { with: { type: 'json' } })).default.version}\n`);
    return 0;
  }
  const load = commands[name];
  if (!load) {
    io.stderr.write(`argo-finalizer-remediator: unknown command '${name}' (try --help)\n`);
    return EXIT_USAGE;
  }
  try {
    return await (await load())(rest, io);
  } catch (err) {
    return reportFailure(err, io);
  }
}

/** One line, no stack: the contract for every CLI failure (README, CLI). */
export function reportFailure(err: unknown, io: CliIO): number {
  if (err instanceof UsageError || isParseArgsError(err)) {
    io.stderr.write(`argo-finalizer-remediator: ${oneLine(err)}\n`);
    return EXIT_USAGE;
  }
  if (err instanceof RuntimeFailure) {
    io.stderr.write(`argo-finalizer-remediator: ${oneLine(err)}\n`);
    return EXIT_RUNTIME;
  }
  io.stderr.write(`argo-finalizer-remediator: unexpected failure: ${oneLine(err)}\n`);
  if (io.env['DEBUG']) io.stderr.write(`${(err as Error)?.stack ?? ''}\n`);
  return EXIT_RUNTIME;
}

function isParseArgsError(err: unknown): boolean {
  const code = (err as { code?: unknown })?.code;
  return typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS');
}

function oneLine(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  return message.replace(/\s*\n\s*/g, '; ');
}

function processIO(): CliIO {
  return { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, env: process.env };
}

export { parseArgs };
