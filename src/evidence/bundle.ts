import { createHash } from 'node:crypto';
import type { Assessment } from '../domain/assessment.js';
import { readNodes } from '../domain/nodes.js';
import { Workflow } from '../domain/objects.js';
import { orphanedByRemoval } from '../domain/orphans.js';
import { pathSegment } from '../audit/key.js';
import { redact, redactString } from '../observability/redact.js';
import type { DestructiveKind } from './intent.js';

/** Per file, as k8s-cleaner caps its snapshots; logs are asked for with this limit. */
export const MAX_FILE_BYTES = 256 * 1024;
/** The end of a log says why GC failed; the start says which client it built. Both fit in 2,000 lines. */
export const LOG_TAIL_LINES = 2000;

export interface FetchedLog {
  pod: string;
  container: string;
  previous: boolean;
  text: string;
}

/** Something the bundle should hold but does not, and why (a 403 on logs, a pod gone since the list). */
export interface NotFetched {
  what: string;
  reason: string;
  status?: number;
}

/** A limit that cut a file: the server's limitBytes or tailLines on a log, or the bundle's own per-file cap. */
export interface CapHit {
  path: string;
  cap: 'limitBytes' | 'tailLines' | 'maxFileBytes';
  limit: number;
  /** Bytes before the cut, when known. */
  bytes?: number;
}

/** What the bundle was collected for: a destructive action, or a person looking first (`evidence NS/NAME`). */
export type BundlePurpose = DestructiveKind | 'inspect';

export interface BundleInput {
  prefix: string;
  decisionId: string;
  cluster: string;
  action: BundlePurpose;
  collectedAt: string;
  workflow: Record<string, unknown>;
  pods: Record<string, unknown>[];
  tasks: Record<string, unknown>[];
  events: Record<string, unknown>[];
  logs: FetchedLog[];
  assessment: Assessment;
  notFetched: NotFetched[];
  capsHit: CapHit[];
}

export interface ManifestFile {
  path: string;
  bytes: number;
  sha256: string;
}

export interface Manifest {
  schemaVersion: 1;
  kind: 'evidence-manifest';
  decisionId: string;
  cluster: string;
  action: BundlePurpose;
  workflow: { namespace: string; name: string; uid?: string; resourceVersion?: string };
  collectedAt: string;
  prefix: string;
  maxFileBytes: number;
  files: ManifestFile[];
  capsHit: CapHit[];
  notFetched: NotFetched[];
  notes: string[];
}

export interface BundleFile {
  path: string;
  body: Buffer;
  contentType: string;
}

export interface Bundle {
  prefix: string;
  files: BundleFile[];
  manifest: Manifest;
}

export const MANIFEST = 'manifest.json';

export function sha256(body: Buffer): string {
  return createHash('sha256').update(body).digest('hex');
}

export function logPath(pod: string, container: string, previous: boolean): string {
  return `logs/${pathSegment(pod)}/${pathSegment(container)}${previous ? '.previous' : ''}.log`;
}

function jsonBody(value: unknown): Buffer {
  return Buffer.from(JSON.stringify(redact(value), null, 2) + '\n', 'utf8');
}

/** Cut at the cap, backing off to a UTF-8 character boundary. */
function capped(path: string, body: Buffer, caps: CapHit[]): Buffer {
  if (body.length <= MAX_FILE_BYTES) return body;
  let end = MAX_FILE_BYTES;
  while (end > 0 && (body[end]! & 0xc0) === 0x80) end--;
  caps.push({ path, cap: 'maxFileBytes', limit: MAX_FILE_BYTES, bytes: body.length });
  return body.subarray(0, end);
}

/**
 * The bundle's files and manifest (README "Evidence bundle and intent record"), built from what was collected. Pure: the same input gives
 * the same bytes. Everything is redacted with the project's redactor before it is hashed.
 */
export function buildBundle(input: BundleInput): Bundle {
  const capsHit = [...input.capsHit];
  const notFetched = [...input.notFetched];
  const notes: string[] = [];
  const files: BundleFile[] = [];
  const add = (path: string, body: Buffer, contentType = 'application/json') => files.push({ path, body: capped(path, body, capsHit), contentType });

  add('workflow.json', jsonBody(input.workflow));
  const parsed = Workflow.safeParse(input.workflow);
  const nodes = parsed.success ? readNodes(parsed.data) : { readable: false as const, reason: 'the Workflow could not be parsed' };
  if (nodes.readable) {
    // Plain nodes exactly as read; compressed ones as decoded.
    const plain = nodes.source === 'status.nodes' ? (input.workflow['status'] as Record<string, unknown>)['nodes'] : nodes.nodes;
    add('nodes.json', jsonBody(plain));
    notes.push(`nodes.json holds ${Object.keys(nodes.nodes).length} node(s) from ${nodes.source}`);
  } else {
    notFetched.push({ what: 'nodes.json', reason: nodes.reason });
  }
  add('gc-pods.json', jsonBody(input.pods));
  add('gc-tasks.json', jsonBody(input.tasks));
  add('events.json', jsonBody(input.events));
  for (const log of input.logs) add(logPath(log.pod, log.container, log.previous), Buffer.from(redactString(log.text), 'utf8'), 'text/plain; charset=utf-8');
  // `orphans`: what removing the finalizer leaves (or, looked at on request, would leave) in storage.
  const removal = input.action === 'remove-finalizer' || input.action === 'inspect';
  add('assessment.json', jsonBody({ ...input.assessment, orphans: removal ? orphanedByRemoval(input.assessment) : [] }));

  files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const w = input.assessment.workflow;
  const manifest: Manifest = {
    schemaVersion: 1,
    kind: 'evidence-manifest',
    decisionId: input.decisionId,
    cluster: input.cluster,
    action: input.action,
    workflow: {
      namespace: w.namespace,
      name: w.name,
      ...(w.uid ? { uid: w.uid } : {}),
      ...(input.assessment.resourceVersion ? { resourceVersion: input.assessment.resourceVersion } : {}),
    },
    collectedAt: input.collectedAt,
    prefix: input.prefix,
    maxFileBytes: MAX_FILE_BYTES,
    files: files.map((f) => ({ path: f.path, bytes: f.body.length, sha256: sha256(f.body) })),
    capsHit,
    notFetched: redact(notFetched),
    notes,
  };
  return { prefix: input.prefix, files, manifest };
}

export function manifestBody(manifest: Manifest): Buffer {
  return Buffer.from(JSON.stringify(manifest, null, 2) + '\n', 'utf8');
}
