import * as z from 'zod';

/**
 * A configuration that cannot be used. The message is one paragraph naming each offending field, and never
 * quotes a configured value: configurations hold cluster tokens and webhook URLs.
 */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/**
 * `z.prettifyError` renders one issue as "✖ message" plus an optional "  → at path" line; folding each pair
 * into "path: message" keeps every field named while fitting on the single line the CLI prints.
 */
export function describeIssues(error: z.ZodError): string {
  return z
    .prettifyError(error)
    .split(/\n(?=✖)/)
    .map((entry) => {
      const [first = '', ...rest] = entry.split('\n');
      const message = first.replace(/^✖\s*/, '').trim();
      const at = rest.map((line) => /→ at (.+)$/.exec(line)?.[1]).find((p) => p !== undefined);
      return `${at ?? '(top level)'}: ${message}`;
    })
    .join('; ');
}
