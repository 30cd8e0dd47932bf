import { evidenceNeeded } from '../domain/evidence.js';
import { KubeError } from '../kube/errors.js';
import type { EvidenceReads, RawSnapshot } from '../kube/port.js';
import { type CapHit, type FetchedLog, LOG_TAIL_LINES, logPath, MAX_FILE_BYTES, type NotFetched } from './bundle.js';

export interface Collected {
  pods: Record<string, unknown>[];
  tasks: Record<string, unknown>[];
  events: Record<string, unknown>[];
  logs: FetchedLog[];
  notFetched: NotFetched[];
  capsHit: CapHit[];
  /** API requests made beyond the snapshot's own: what the bundle costs (bench). */
  requests: number;
}

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Obj) : {});
const list = (v: unknown): Obj[] => (Array.isArray(v) ? v.map(obj) : []);
const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

/** Every container of a pod (init, regular, ephemeral), and whether an earlier instance of it ran. */
function containersOf(pod: Obj): { name: string; restarted: boolean }[] {
  const spec = obj(pod['spec']);
  const status = obj(pod['status']);
  const statuses = [...list(status['initContainerStatuses']), ...list(status['containerStatuses']), ...list(status['ephemeralContainerStatuses'])];
  const names = [...list(spec['initContainers']), ...list(spec['containers']), ...list(spec['ephemeralContainers'])].map((c) => str(c['name'])).filter((n): n is string => !!n);
  return [...new Set(names)].map((name) => {
    const s = statuses.find((x) => x['name'] === name) ?? {};
    const restarts = typeof s['restartCount'] === 'number' ? s['restartCount'] : 0;
    return { name, restarted: restarts > 0 || Object.keys(obj(obj(s['lastState'])['terminated'])).length > 0 };
  });
}

function failure(what: string, err: unknown): NotFetched {
  if (err instanceof KubeError) return { what, reason: err.message, ...(err.status !== undefined ? { status: err.status } : {}) };
  throw err;
}

/**
 * What the bundle holds beyond the snapshot: GC tasks when the snapshot skipped them, the Events about the
 * Workflow and each GC pod, and every container's log (the previous instance too when it restarted). A read
 * the API refuses (403, a pod gone since the list, a container that never started) is recorded, not fatal:
 * the bundle says what it lacks and why. Only errors that are not API answers propagate.
 */
export async function collectEvidence(reads: EvidenceReads, raw: RawSnapshot): Promise<Collected> {
  const meta = obj(raw.workflow['metadata']);
  const namespace = str(meta['namespace']) ?? '';
  const uid = str(meta['uid']);
  const notFetched: NotFetched[] = [];
  const capsHit: CapHit[] = [];
  let requests = 0;

  const tasksListed = evidenceNeeded(raw.workflow).tasks;
  const tasksRead: Promise<Obj[]> =
    tasksListed || !uid
      ? Promise.resolve(raw.tasks)
      : (requests++, reads.gcTasks(namespace, uid).catch((err: unknown) => (notFetched.push(failure('gc-tasks.json', err)), [])));

  const involved = [...(uid ? [uid] : []), ...raw.pods.map((p) => str(obj(p['metadata'])['uid'])).filter((u): u is string => !!u)];
  const eventsRead = Promise.all(
    involved.map((u) => {
      requests++;
      return reads.events(namespace, u).catch((err: unknown) => (notFetched.push(failure(`events.json (involvedObject.uid=${u})`, err)), [] as Obj[]));
    }),
  );

  const wanted = raw.pods.flatMap((pod) => {
    const name = str(obj(pod['metadata'])['name']);
    if (!name) return [];
    return containersOf(pod).flatMap((c) => [
      { pod: name, container: c.name, previous: false },
      ...(c.restarted ? [{ pod: name, container: c.name, previous: true }] : []),
    ]);
  });
  const logsRead = Promise.all(
    wanted.map(async (w): Promise<FetchedLog | undefined> => {
      const path = logPath(w.pod, w.container, w.previous);
      requests++;
      try {
        const text = await reads.podLog(namespace, w.pod, { container: w.container, limitBytes: MAX_FILE_BYTES, tailLines: LOG_TAIL_LINES, ...(w.previous ? { previous: true } : {}) });
        if (Buffer.byteLength(text, 'utf8') >= MAX_FILE_BYTES) capsHit.push({ path, cap: 'limitBytes', limit: MAX_FILE_BYTES });
        else if (text.split('\n').filter((l, i, all) => i < all.length - 1 || l !== '').length >= LOG_TAIL_LINES) capsHit.push({ path, cap: 'tailLines', limit: LOG_TAIL_LINES });
        return { ...w, text };
      } catch (err) {
        notFetched.push(failure(path, err));
        return undefined;
      }
    }),
  );

  const [tasks, eventLists, logs] = await Promise.all([tasksRead, eventsRead, logsRead]);
  // Events of several involved objects, each once, in a stable order.
  const seen = new Set<string>();
  const events = eventLists.flat().filter((e) => {
    const m = obj(e['metadata']);
    const key = str(m['uid']) ?? `${str(m['namespace'])}/${str(m['name'])}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  notFetched.sort((a, b) => (a.what < b.what ? -1 : a.what > b.what ? 1 : 0));
  capsHit.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return { pods: raw.pods, tasks, events, logs: logs.filter((l): l is FetchedLog => !!l), notFetched, capsHit, requests };
}
