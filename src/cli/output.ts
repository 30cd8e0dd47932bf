import { stringify } from 'yaml';
import { parseDuration } from '../domain/duration.js';
import { type CliIO, UsageError } from './io.js';

/**
 * kubectl's output conventions: a table by default (on a terminal or not, so a pipe sees what a terminal
 * sees), `-o wide` for the same table with more columns, and `-o json` / `-o yaml` for exactly one document.
 * `-o table` is kept as a name for the default.
 */
export type OutputFormat = 'table' | 'wide' | 'json' | 'yaml';

const FORMATS: readonly OutputFormat[] = ['table', 'wide', 'json', 'yaml'];

export const OUTPUT_HELP = '-o, --output FORMAT   json, yaml, wide (the table with more columns), or table (default)';

export function outputFormat(value: string | undefined): OutputFormat {
  if (value === undefined) return 'table';
  if ((FORMATS as readonly string[]).includes(value)) return value as OutputFormat;
  throw new UsageError(`-o must be one of json, yaml, wide or table, not '${value}'`);
}

/** Writes `document` as the one JSON or YAML document on stdout; returns false for the table formats. */
export function writeDocument(document: unknown, format: OutputFormat, io: CliIO): boolean {
  if (format === 'json') io.stdout.write(`${JSON.stringify(document, null, 2)}\n`);
  else if (format === 'yaml') io.stdout.write(stringify(document, { lineWidth: 0 }));
  else return false;
  return true;
}

export const isTableFormat = (format: OutputFormat): format is 'table' | 'wide' => format === 'table' || format === 'wide';

/** Colour only on a terminal, never with NO_COLOR (https://no-color.org). */
export function colourOn(io: CliIO): boolean {
  return !!io.stdout.isTTY && !io.env['NO_COLOR'];
}

/**
 * kubectl's `--request-timeout`: a duration (`10s`, `1m`), a bare number of seconds, or 0 for none.
 * Applied to every attempt of every request to the API server.
 */
export function parseRequestTimeout(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  try {
    return parseDuration(text);
  } catch {
    throw new UsageError(`--request-timeout must be a duration such as 10s or 1m, a number of seconds, or 0 for none, not '${value}'`);
  }
}
