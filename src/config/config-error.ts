import type * as z from 'zod';

/**
 * A configuration that cannot be used. The message is one paragraph naming each offending field, and never
 * quotes a configured value: configurations hold cluster tokens and webhook URLs.
 */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/** One thing wrong with a configuration: where (`clusters[0].auth.server`) and what, never the value. */
export interface ConfigProblem {
  path: string;
  message: string;
}

/**
 * Every issue zod found, one per field. An unknown key is reported at its own path, so the user sees
 * `clusters[0].mdoe` rather than a message about `clusters[0]`.
 */
export function configProblems(error: z.ZodError): ConfigProblem[] {
  return error.issues.flatMap((issue): ConfigProblem[] => {
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({ path: formatPath([...issue.path, key]), message: 'unknown key (misspelt? every key is checked)' }));
    }
    return [{ path: formatPath(issue.path), message: issue.message }];
  });
}

/** The problems on one line, for errors thrown at a cold start. */
export function describeIssues(error: z.ZodError): string {
  return configProblems(error)
    .map((p) => `${p.path}: ${p.message}`)
    .join('; ');
}

export function formatPath(path: readonly PropertyKey[]): string {
  if (path.length === 0) return '(top level)';
  return path
    .map((segment, i) => {
      if (typeof segment === 'number') return `[${segment}]`;
      const text = String(segment);
      if (/^[A-Za-z_$][\w$]*$/.test(text)) return i === 0 ? text : `.${text}`;
      return `[${JSON.stringify(text)}]`;
    })
    .join('');
}
