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
  let jsonError: Error | undefined;
  try {
    json = JSON.parse(text);
  } catch (err) {
    jsonError = err as Error; // not JSON: try YAML below
  }
  if (jsonError === undefined) {
    if (json === null || typeof json !== 'object') throw new UsageError(`${origin}: neither JSON nor YAML objects`);
    return [json];
  }
  const docs = parseAllDocuments(text);
  const list = Array.isArray(docs) ? docs : [docs];
  const values: unknown[] = [];
  for (const doc of list) {
    if (doc.errors.length > 0) {
      // Text that opens like JSON was meant as JSON: a YAML complaint about it would only mislead.
      if (/^\s*[[{]/.test(text)) throw new UsageError(`${origin}: not valid JSON: ${jsonProblem(jsonError, text)}`);
      throw new UsageError(`${origin}: neither JSON nor YAML (${doc.errors[0]!.message.split('\n')[0]})`);
    }
    const value = doc.toJS({ maxAliasCount: 100 });
    if (value !== null && value !== undefined) values.push(value);
  }
  if (values.length === 0) throw new UsageError(`${origin}: input holds no document`);
  if (values.some((v) => typeof v !== 'object')) throw new UsageError(`${origin}: neither JSON nor YAML objects`);
  return values;
}

/**
 * Where JSON.parse gave up, as a line and column. Its own message is not reused: newer V8 versions quote
 * the surrounding source, which may be a token.
 */
function jsonProblem(err: Error, text: string): string {
  const truncated = 'it ends before the document is complete (a truncated file?)';
  const position = /position (\d+)/.exec(err.message)?.[1];
  if (position === undefined) return /end of (JSON|data)/i.test(err.message) ? truncated : 'malformed JSON';
  const offset = Number(position);
  if (offset >= text.trimEnd().length) return truncated;
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  return `unexpected character at line ${line}, column ${offset - before.lastIndexOf('\n')}`;
}

/** Flattens `v1 List`s and arrays into Kubernetes objects. */
export function objectsOf(docs: unknown[]): unknown[] {
  return docs.flatMap((d) => {
    if (Array.isArray(d)) return objectsOf(d);
    if (isList(d)) return objectsOf(d.items);
    return [d];
  });
}

/** A `v1 List`, a `WorkflowList`... (`kubectl get -o json` prints one even when nothing matched). */
export function isList(doc: unknown): doc is { kind: string; items: unknown[] } {
  const o = doc as { kind?: unknown; items?: unknown } | null;
  return !!o && typeof o.kind === 'string' && o.kind.endsWith('List') && Array.isArray(o.items);
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
