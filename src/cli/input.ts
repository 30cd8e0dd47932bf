import { readFile } from 'node:fs/promises';
import { parseAllDocuments } from 'yaml';
import { parseDuration } from '../domain/duration.js';
import { type CliIO, UsageError } from './io.js';

/** Reads FILE, or stdin for `-` (or no argument when stdin is piped). Missing files are usage errors. */
export async function readInput(file: string | undefined, io: CliIO): Promise<{ text: string; origin: string }> {
  if (file === undefined || file === '-') {
    if (file === undefined && io.stdin.isTTY) throw new UsageError('no input: give a FILE, or - to read stdin');
    const chunks: Buffer[] = [];
    for await (const chunk of io.stdin) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)));
    return { text: Buffer.concat(chunks).toString('utf8'), origin: 'stdin' };
  }
  try {
    return { text: await readFile(file, 'utf8'), origin: file };
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new UsageError(`${file}: no such file`);
    if (code === 'EISDIR') throw new UsageError(`${file}: is a directory`);
    if (code === 'EACCES') throw new UsageError(`${file}: permission denied`);
    throw new UsageError(`${file}: cannot be read (${code ?? (err as Error).message})`);
  }
}

/** JSON first (what kubectl and the exporter print), then YAML with any number of documents. */
export function parseDocuments(text: string, origin: string): unknown[] {
  if (text.trim().length === 0) throw new UsageError(`${origin}: input is empty`);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined; // not JSON: try YAML below
  }
  if (json !== undefined) {
    if (json === null || typeof json !== 'object') throw new UsageError(`${origin}: neither JSON nor YAML objects`);
    return [json];
  }
  const docs = parseAllDocuments(text);
  const list = Array.isArray(docs) ? docs : [docs];
  const values: unknown[] = [];
  for (const doc of list) {
    if (doc.errors.length > 0) throw new UsageError(`${origin}: neither JSON nor YAML (${doc.errors[0]!.message.split('\n')[0]})`);
    const value = doc.toJS({ maxAliasCount: 100 });
    if (value !== null && value !== undefined) values.push(value);
  }
  if (values.length === 0) throw new UsageError(`${origin}: input holds no document`);
  if (values.some((v) => typeof v !== 'object')) throw new UsageError(`${origin}: neither JSON nor YAML objects`);
  return values;
}

/** Flattens `v1 List`s and arrays into Kubernetes objects. */
export function objectsOf(docs: unknown[]): unknown[] {
  return docs.flatMap((d) => {
    if (Array.isArray(d)) return objectsOf(d);
    const o = d as { kind?: unknown; items?: unknown };
    if (o && typeof o.kind === 'string' && o.kind.endsWith('List') && Array.isArray(o.items)) return objectsOf(o.items);
    return [d];
  });
}

export function outputFormat(value: string | undefined, io: CliIO): 'json' | 'table' {
  if (value === undefined) return io.stdout.isTTY ? 'table' : 'json';
  if (value === 'json' || value === 'table') return value;
  throw new UsageError(`-o must be json or table, not '${value}'`);
}

/** `--now`: an ISO-8601 time (default: the clock). */
export function parseNow(value: string | undefined): Date {
  if (value === undefined) return new Date();
  const t = Date.parse(value);
  if (!/^\d{4}-\d{2}-\d{2}/.test(value) || Number.isNaN(t)) throw new UsageError(`--now must be an ISO-8601 time, not '${value}'`);
  return new Date(t);
}

/** `--quiet-period`: `90s`, `30m`, `2h`... */
export function parseQuiet(value: string): number {
  try {
    return parseDuration(value);
  } catch (err) {
    throw new UsageError(`--quiet-period: ${(err as Error).message}`);
  }
}
