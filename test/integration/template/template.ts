import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { inflateRawSync } from 'node:zlib';

export const ROOT = join(import.meta.dirname, '../../..');
export const PACKAGE_DIR = join(ROOT, '.serverless');
export const STAGE = 'ci';

export interface Resource {
  Type: string;
  Properties: Record<string, unknown>;
  DependsOn?: string | string[];
  Condition?: string;
}

export interface Template {
  Resources: Record<string, Resource>;
  Outputs: Record<string, { Value: unknown }>;
  Parameters?: Record<string, { Default?: unknown }>;
  Conditions?: Record<string, unknown>;
}

const run = promisify(execFile);

/** `osls package` works offline and without AWS credentials: it reads no account until a deploy. */
export async function packageService(): Promise<Template> {
  // osls and esbuild leave several folders (~17 MB) in the temp dir per package: give them one to lose.
  const scratch = await mkdtemp(join(tmpdir(), 'afr-osls-'));
  const env: NodeJS.ProcessEnv = { ...process.env, TMPDIR: scratch, SLS_TELEMETRY_DISABLED: '1', SLS_NOTIFICATIONS_MODE: 'off' };
  for (const name of ['AWS_PROFILE', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN']) delete env[name];
  try {
    await run('npx', ['osls', 'package', '--stage', STAGE], { cwd: ROOT, env, maxBuffer: 16 * 1024 * 1024 });
  } catch (err) {
    const { stdout = '', stderr = '' } = err as { stdout?: string; stderr?: string };
    throw new Error(`osls package failed:\n${stdout}\n${stderr}`);
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
  return JSON.parse(await readFile(join(PACKAGE_DIR, 'cloudformation-template-update-stack.json'), 'utf8')) as Template;
}

export function ofType(template: Template, type: string): [string, Resource][] {
  return Object.entries(template.Resources).filter(([, r]) => r.Type === type);
}

export function resource(template: Template, logicalId: string): Resource {
  const r = template.Resources[logicalId];
  if (!r) throw new Error(`no resource ${logicalId} in the template`);
  return r;
}

/** True when `value` is `{"Fn::GetAtt": [logicalId, attribute]}`. */
export function isGetAtt(value: unknown, logicalId: string, attribute: string): boolean {
  const getAtt = (value as { 'Fn::GetAtt'?: unknown })?.['Fn::GetAtt'];
  return Array.isArray(getAtt) && getAtt[0] === logicalId && getAtt[1] === attribute;
}

export function isRef(value: unknown, logicalId: string): boolean {
  return (value as { Ref?: unknown })?.Ref === logicalId;
}

/** Every policy document in the template, wherever CloudFormation lets one live, with where it was found. */
export function policyDocuments(template: Template): { where: string; statements: Statement[] }[] {
  const docs: { where: string; statements: Statement[] }[] = [];
  for (const [id, r] of Object.entries(template.Resources)) {
    const p = r.Properties ?? {};
    const add = (where: string, doc: unknown) => docs.push({ where, statements: statementsOf(doc) });
    if (r.Type === 'AWS::IAM::Role') {
      add(`${id} trust`, p['AssumeRolePolicyDocument']);
      for (const policy of (p['Policies'] as { PolicyName: string; PolicyDocument: unknown }[] | undefined) ?? []) {
        add(`${id} ${policy.PolicyName}`, policy.PolicyDocument);
      }
    }
    if (['AWS::IAM::ManagedPolicy', 'AWS::IAM::Policy', 'AWS::SQS::QueuePolicy', 'AWS::S3::BucketPolicy', 'AWS::SNS::TopicPolicy'].includes(r.Type)) {
      add(id, p['PolicyDocument']);
    }
  }
  return docs;
}

export interface Statement {
  Sid?: string;
  Effect: 'Allow' | 'Deny';
  Action?: string | string[];
  NotAction?: unknown;
  Resource?: unknown;
  NotResource?: unknown;
  Principal?: unknown;
  Condition?: Record<string, Record<string, unknown>>;
}

/** Statements, with `Fn::If` branches flattened (both branches must be safe) and `AWS::NoValue` dropped. */
function statementsOf(doc: unknown): Statement[] {
  const raw = ((doc as { Statement?: unknown })?.Statement ?? []) as unknown[];
  const out: Statement[] = [];
  const visit = (s: unknown): void => {
    const fnIf = (s as { 'Fn::If'?: unknown[] })?.['Fn::If'];
    if (Array.isArray(fnIf)) {
      visit(fnIf[1]);
      visit(fnIf[2]);
      return;
    }
    if ((s as { Ref?: unknown })?.Ref === 'AWS::NoValue') return;
    out.push(s as Statement);
  };
  for (const s of Array.isArray(raw) ? raw : [raw]) visit(s);
  return out;
}

export function asArray<T>(value: T | T[] | undefined): T[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

/** The files of a zip archive, read from its central directory (no unzip tool needed). */
export function unzip(zip: Buffer): Map<string, Buffer> {
  return new Map([...zipEntries(zip)].map(([name, e]) => [name, e.data]));
}

/**
 * The files of a zip archive with the Unix mode each was stored with (the high 16 bits of the central
 * directory's external attributes, where zip tools on Unix put st_mode): what Lambda extracts them with.
 */
export function zipEntries(zip: Buffer): Map<string, { data: Buffer; mode: number }> {
  const files = new Map<string, { data: Buffer; mode: number }>();
  let end = -1;
  for (let i = zip.length - 22; i >= Math.max(0, zip.length - 22 - 0xffff); i--) {
    if (zip.readUInt32LE(i) === 0x06054b50) {
      end = i;
      break;
    }
  }
  if (end < 0) throw new Error('not a zip archive');
  const count = zip.readUInt16LE(end + 10);
  let offset = zip.readUInt32LE(end + 16);
  for (let n = 0; n < count; n++) {
    if (zip.readUInt32LE(offset) !== 0x02014b50) throw new Error('corrupt zip central directory');
    const method = zip.readUInt16LE(offset + 10);
    const compressedSize = zip.readUInt32LE(offset + 20);
    const nameLength = zip.readUInt16LE(offset + 28);
    const extraLength = zip.readUInt16LE(offset + 30);
    const commentLength = zip.readUInt16LE(offset + 32);
    const mode = zip.readUInt32LE(offset + 38) >>> 16;
    const local = zip.readUInt32LE(offset + 42);
    const name = zip.toString('utf8', offset + 46, offset + 46 + nameLength);
    const dataStart = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
    const raw = zip.subarray(dataStart, dataStart + compressedSize);
    if (!name.endsWith('/')) files.set(name, { data: method === 0 ? Buffer.from(raw) : inflateRawSync(raw), mode });
    offset += 46 + nameLength + extraLength + commentLength;
  }
  return files;
}
