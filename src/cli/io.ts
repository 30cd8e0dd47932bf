/** What a CLI command may touch. Commands never call process.exit; they return an exit code. */
export interface CliIO {
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
  stdin: NodeJS.ReadableStream & { isTTY?: boolean };
  env: NodeJS.ProcessEnv;
}

export const EXIT_OK = 0;
export const EXIT_RUNTIME = 1;
export const EXIT_USAGE = 2;
/** `scan --apply` found more removable Workflows than its cap and removed none: a human must look. */
export const EXIT_CAP_EXCEEDED = 3;

/** A failure the user can fix: printed as one line on stderr, exit code 2, no stack trace. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** A failure of the world (cluster unreachable, ...): one line on stderr, exit code 1. */
export class RuntimeFailure extends Error {
  override readonly name = 'RuntimeFailure';
}

export type Command = (args: string[], io: CliIO) => Promise<number>;
