import type { HandlerContext, Incoming, Reply } from './http-types.js';
import { isRecord } from '../../domain/json.js';
import type { KubeObject } from './meta.js';
import { badRequest, invalid, invalidValue } from './status.js';

/**
 * `GET /api/v1/namespaces/{ns}/pods/{name}/log`, with the semantics of the API server (container resolution in
 * pkg/registry/core/pod/strategy.go validateContainer, option validation in ValidatePodLogOptions) and of the
 * kubelet it proxies to (validateContainerLogStatus: which container instance has logs; tailLines applied
 * before limitBytes). There is no kubelet here: the text is what a test or the demo stored with
 * `store.logs.set(...)`, keyed by the pod's uid so that a recreated namesake starts without logs.
 */

export interface PodLogRef {
  namespace: string;
  pod: string;
  container: string;
  /** The log of the previous (terminated) instance of a restarted container. */
  previous?: boolean;
}

export class PodLogStore {
  private readonly logs = new Map<string, string>();

  constructor(private readonly podUid: (namespace: string, name: string) => string | undefined) {}

  /** Stores (replaces) a container's log. The pod must exist: logs belong to one pod instance. */
  set(ref: PodLogRef, text: string): void {
    const uid = this.podUid(ref.namespace, ref.pod);
    if (!uid) throw new Error(`pod ${ref.namespace}/${ref.pod} does not exist: put the pod before its logs`);
    this.logs.set(logKey(uid, ref.container, ref.previous ?? false), text);
  }

  get(uid: string, container: string, previous: boolean): string | undefined {
    return this.logs.get(logKey(uid, container, previous));
  }
}

function logKey(uid: string, container: string, previous: boolean): string {
  return `${uid}\u0000${container}\u0000${previous ? 'previous' : 'current'}`;
}

function at(obj: unknown, ...path: string[]): unknown {
  let cur = obj;
  for (const p of path) cur = isRecord(cur) ? cur[p] : undefined;
  return cur;
}

function names(list: unknown): string[] {
  return Array.isArray(list) ? list.map((c) => at(c, 'name')).filter((n): n is string => typeof n === 'string') : [];
}

function intParam(query: URLSearchParams, name: string): number | undefined {
  const raw = query.get(name);
  if (raw === null || raw === '') return undefined;
  if (!/^-?\d+$/.test(raw)) throw badRequest(`${name}: strconv.ParseInt: parsing ${JSON.stringify(raw)}: invalid syntax`);
  return Number(raw);
}

function boolParam(query: URLSearchParams, name: string): boolean {
  const raw = query.get(name);
  return raw === 'true' || raw === '1' || raw === 'True' || raw === 'TRUE';
}

/** Container instance with logs, or the kubelet's reason why there is none. */
function checkLogStatus(pod: KubeObject, container: string, previous: boolean): void {
  const podName = pod.metadata.name ?? '';
  const statuses = ['containerStatuses', 'initContainerStatuses', 'ephemeralContainerStatuses'].flatMap((k) => {
    const list = at(pod, 'status', k);
    return Array.isArray(list) ? list : [];
  });
  const status: unknown = statuses.find((s) => at(s, 'name') === container);
  if (!status) throw badRequest(`container "${container}" in pod "${podName}" is waiting to start: ContainerCreating`);
  const lastTerminated = at(status, 'lastState', 'terminated');
  if (previous) {
    if (!isRecord(lastTerminated)) throw badRequest(`previous terminated container "${container}" in pod "${podName}" not found`);
    return;
  }
  if (isRecord(at(status, 'state', 'running')) || isRecord(at(status, 'state', 'terminated')) || isRecord(lastTerminated)) return;
  const waiting = at(status, 'state', 'waiting');
  if (isRecord(waiting)) {
    const reason = typeof waiting.reason === 'string' ? waiting.reason : '';
    const why =
      reason === 'ErrImagePull' ? "image can't be pulled" : reason === 'ImagePullBackOff' ? 'trying and failing to pull image' : reason;
    throw badRequest(`container "${container}" in pod "${podName}" is waiting to start: ${why}`);
  }
  throw badRequest(`container "${container}" in pod "${podName}" is waiting to start: ContainerCreating`);
}

function tail(text: string, lines: number): string {
  if (lines === 0) return '';
  const parts = text.split(/(?<=\n)/);
  return parts.slice(Math.max(0, parts.length - lines)).join('');
}

export function podLog(ctx: HandlerContext, req: Incoming, pod: KubeObject): Reply {
  const q = req.query;
  const podName = pod.metadata.name ?? '';
  const tailLines = intParam(q, 'tailLines');
  const limitBytes = intParam(q, 'limitBytes');
  const sinceSeconds = intParam(q, 'sinceSeconds');
  const errors = [
    ...(tailLines !== undefined && tailLines < 0 ? [invalidValue('tailLines', tailLines, 'must be greater than or equal to 0')] : []),
    ...(limitBytes !== undefined && limitBytes < 1 ? [invalidValue('limitBytes', limitBytes, 'must be greater than 0')] : []),
    ...(sinceSeconds !== undefined && sinceSeconds < 1 ? [invalidValue('sinceSeconds', sinceSeconds, 'must be greater than 0')] : []),
  ];
  if (errors.length > 0) throw invalid('', 'PodLogOptions', podName, errors);

  const containers = names(at(pod, 'spec', 'containers'));
  const all = [...names(at(pod, 'spec', 'initContainers')), ...containers, ...names(at(pod, 'spec', 'ephemeralContainers'))];
  let container = q.get('container') ?? '';
  if (container === '') {
    if (containers.length === 0) throw badRequest(`pod ${podName} does not have a container`);
    if (containers.length > 1) throw badRequest(`a container name must be specified for pod ${podName}, choose one of: [${all.join(' ')}]`);
    container = containers[0]!;
  } else if (!all.includes(container)) {
    throw badRequest(`container ${container} is not valid for pod ${podName}`);
  }
  // LogLocation: a pod not yet bound to a node has no kubelet to ask; the API server answers an empty log.
  const nodeName = at(pod, 'spec', 'nodeName');
  if (typeof nodeName !== 'string' || nodeName === '') return { status: 200, body: '', contentType: 'text/plain' };

  const previous = boolParam(q, 'previous');
  checkLogStatus(pod, container, previous);
  let text = ctx.store.logs.get(pod.metadata.uid ?? '', container, previous) ?? '';
  if (tailLines !== undefined) text = tail(text, tailLines);
  let bytes = Buffer.from(text, 'utf8');
  if (limitBytes !== undefined && bytes.length > limitBytes) bytes = bytes.subarray(0, limitBytes);
  // Bytes, not a string: limitBytes may end inside a UTF-8 sequence, as the kubelet's cut does.
  return { status: 200, body: bytes, contentType: 'text/plain' };
}
