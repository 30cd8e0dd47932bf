import { isTerminating, type KubeObject } from './meta.js';
import { isRecord } from '../../domain/json.js';
import { EVENTS, NAMESPACES, PODS, WORKFLOWS, type ResourceType } from './resources.js';

/**
 * Server-side printing: the meta.k8s.io Table kubectl asks for (`Accept: application/json;as=Table;...`).
 * Columns follow the real printers: the pod and namespace printers of kube-apiserver, and the
 * additionalPrinterColumns of Argo's CRDs (workflows: Status, Age from status.startedAt, Message; others:
 * Name, Age).
 */

export interface ColumnDefinition {
  name: string;
  type: string;
  format: string;
  description: string;
  priority: number;
}

export interface TableRow {
  cells: unknown[];
  object?: unknown;
}

export type IncludeObject = 'None' | 'Metadata' | 'Object';

const NAME_COLUMN: ColumnDefinition = {
  name: 'Name',
  type: 'string',
  format: 'name',
  description:
    'Name must be unique within a namespace. Is required when creating resources, although some resources may allow a client to request the generation of an appropriate name automatically. Name is primarily intended for creation idempotence and configuration definition. Cannot be updated. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names',
  priority: 0,
};

const AGE_DESCRIPTION =
  'CreationTimestamp is a timestamp representing the server time when this object was created. It is not guaranteed to be set in happens-before order across separate operations. Clients may not set this value. It is represented in RFC3339 form and is in UTC.\n\nPopulated by the system. Read-only. Null for lists. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata';

function col(name: string, type: string, description: string, priority = 0, format = ''): ColumnDefinition {
  return { name, type, format, description, priority };
}

/** duration.HumanDuration from k8s.io/apimachinery: what AGE columns show. */
export function humanDuration(ms: number): string {
  const seconds = Math.floor(ms / 1000);
  if (seconds < -1) return '<invalid>';
  if (seconds < 0) return '0s';
  if (seconds < 120) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 10) {
    const s = seconds % 60;
    return s === 0 ? `${minutes}m` : `${minutes}m${s}s`;
  }
  if (minutes < 180) return `${minutes}m`;
  const hours = Math.floor(minutes / 60);
  if (hours < 8) {
    const m = minutes % 60;
    return m === 0 ? `${hours}h` : `${hours}h${m}m`;
  }
  if (hours < 48) return `${hours}h`;
  if (hours < 24 * 8) {
    const h = hours % 24;
    return h === 0 ? `${Math.floor(hours / 24)}d` : `${Math.floor(hours / 24)}d${h}h`;
  }
  if (hours < 24 * 365 * 2) return `${Math.floor(hours / 24)}d`;
  if (hours < 24 * 365 * 8) {
    const dy = Math.floor(hours / 24) % 365;
    const y = Math.floor(hours / 24 / 365);
    return dy === 0 ? `${y}y` : `${y}y${dy}d`;
  }
  return `${Math.floor(hours / 24 / 365)}y`;
}

function age(value: unknown, now: Date): string {
  if (typeof value !== 'string' || value === '') return '<unknown>';
  const t = Date.parse(value);
  return Number.isNaN(t) ? '<unknown>' : humanDuration(now.getTime() - t);
}

function at(obj: unknown, ...path: string[]): unknown {
  let cur = obj;
  for (const p of path) cur = isRecord(cur) ? cur[p] : undefined;
  return cur;
}

function str(v: unknown): string {
  return typeof v === 'string' ? v : '';
}

interface Printer {
  columns: ColumnDefinition[];
  cells(obj: KubeObject, now: Date): unknown[];
}

const WORKFLOW_PRINTER: Printer = {
  columns: [
    NAME_COLUMN,
    col('Status', 'string', 'Status of the workflow'),
    col('Age', 'date', 'When the workflow was started', 0, 'date-time'),
    col('Message', 'string', 'Human readable message indicating details about why the workflow is in this condition.'),
  ],
  cells(obj, now) {
    // CRD printer columns yield nil for an absent value; kubectl prints nil as an empty cell.
    const phase = at(obj, 'status', 'phase');
    const started = at(obj, 'status', 'startedAt');
    const message = at(obj, 'status', 'message');
    return [
      obj.metadata.name,
      typeof phase === 'string' ? phase : null,
      typeof started === 'string' ? age(started, now) : null,
      typeof message === 'string' ? message : null,
    ];
  },
};

const GENERIC_CRD_PRINTER: Printer = {
  columns: [NAME_COLUMN, col('Age', 'date', AGE_DESCRIPTION)],
  cells(obj, now) {
    return [obj.metadata.name, age(obj.metadata.creationTimestamp, now)];
  },
};

const NAMESPACE_PRINTER: Printer = {
  columns: [
    NAME_COLUMN,
    col('Status', 'string', 'The status of the namespace'),
    col('Age', 'string', AGE_DESCRIPTION),
  ],
  cells(obj, now) {
    return [obj.metadata.name, str(at(obj, 'status', 'phase')), age(obj.metadata.creationTimestamp, now)];
  },
};

/** The STATUS column of `kubectl get pods`, reduced to the cases a pod here can be in. */
function podReason(pod: KubeObject): string {
  let reason = str(at(pod, 'status', 'reason')) || str(at(pod, 'status', 'phase'));
  const statuses = at(pod, 'status', 'containerStatuses');
  if (Array.isArray(statuses)) {
    for (let i = statuses.length - 1; i >= 0; i--) {
      const s: unknown = statuses[i];
      const waiting = str(at(s, 'state', 'waiting', 'reason'));
      const terminated = at(s, 'state', 'terminated');
      if (waiting) reason = waiting;
      else if (isRecord(terminated)) {
        const r = str(terminated.reason);
        if (r) reason = r;
        else if (typeof terminated.signal === 'number' && terminated.signal !== 0) reason = `Signal:${terminated.signal}`;
        else reason = `ExitCode:${String(terminated.exitCode ?? 0)}`;
      }
    }
  }
  if (isTerminating(pod)) reason = 'Terminating';
  return reason;
}

const POD_PRINTER: Printer = {
  columns: [
    NAME_COLUMN,
    col('Ready', 'string', 'The aggregate readiness state of this pod for accepting traffic.'),
    col('Status', 'string', 'The aggregate status of the containers in this pod.'),
    col('Restarts', 'string', 'The number of times the containers in this pod have been restarted and when the last container in this pod has restarted.'),
    col('Age', 'string', AGE_DESCRIPTION),
    col('IP', 'string', 'IP address allocated to the pod. Routable at least within the cluster. Empty if not yet allocated.', 1),
    col('Node', 'string', 'NodeName is a request to schedule this pod onto a specific node.', 1),
    col('Nominated Node', 'string', 'nominatedNodeName is set when this pod preempts other pods on the node.', 1),
    col('Readiness Gates', 'string', 'If specified, all readiness gates will be evaluated for pod readiness.', 1),
  ],
  cells(obj, now) {
    const containers = at(obj, 'spec', 'containers');
    const statuses = at(obj, 'status', 'containerStatuses');
    const total = Array.isArray(containers) ? containers.length : 0;
    let ready = 0;
    let restarts = 0;
    if (Array.isArray(statuses)) {
      for (const s of statuses) {
        if (at(s, 'ready') === true) ready++;
        const r = at(s, 'restartCount');
        if (typeof r === 'number') restarts += r;
      }
    }
    return [
      obj.metadata.name,
      `${ready}/${total}`,
      podReason(obj),
      String(restarts),
      age(obj.metadata.creationTimestamp, now),
      str(at(obj, 'status', 'podIP')) || '<none>',
      str(at(obj, 'spec', 'nodeName')) || '<none>',
      str(at(obj, 'status', 'nominatedNodeName')) || '<none>',
      '<none>',
    ];
  },
};

/** pkg/printers/internalversion printEvent: LAST SEEN, TYPE, REASON, OBJECT (kind/name, kind lower-cased), MESSAGE. */
const EVENT_PRINTER: Printer = {
  columns: [
    col('Last Seen', 'string', 'The time at which the most recent occurrence of this event was recorded.'),
    col('Type', 'string', 'Type of this event (Normal, Warning), new types could be added in the future'),
    col('Reason', 'string', "This should be a short, machine understandable string that gives the reason for the transition into the object's current status."),
    col('Object', 'string', 'The object that this event is about.'),
    col('Subobject', 'string', 'If referring to a piece of an object instead of an entire object, this string should contain a valid JSON/Go field access statement.', 1),
    col('Source', 'string', 'The component reporting this event. Should be a short machine understandable string.', 1),
    col('Message', 'string', 'A human-readable description of the status of this operation.'),
    col('First Seen', 'string', 'The time at which the event was first recorded. (Time of server receipt is in TypeMeta.)', 1),
    col('Count', 'string', 'The number of times this event has occurred.', 1),
    { ...col('Name', 'string', NAME_COLUMN.description, 1), format: 'name' },
  ],
  cells(obj, now) {
    const last = str(at(obj, 'lastTimestamp')) || str(at(obj, 'eventTime')) || str(obj.metadata.creationTimestamp);
    const first = str(at(obj, 'firstTimestamp')) || last;
    const count = at(obj, 'count');
    const source = [str(at(obj, 'source', 'component')) || str(at(obj, 'reportingComponent')), str(at(obj, 'source', 'host'))].filter((s) => s !== '').join(', ');
    return [
      age(last, now),
      str(at(obj, 'type')),
      str(at(obj, 'reason')),
      `${str(at(obj, 'involvedObject', 'kind')).toLowerCase()}/${str(at(obj, 'involvedObject', 'name'))}`,
      str(at(obj, 'involvedObject', 'fieldPath')),
      source,
      str(at(obj, 'message')),
      age(first, now),
      typeof count === 'number' ? count : 1,
      obj.metadata.name,
    ];
  },
};

function printerFor(rt: ResourceType): Printer {
  if (rt === WORKFLOWS) return WORKFLOW_PRINTER;
  if (rt === EVENTS) return EVENT_PRINTER;
  if (rt === PODS) return POD_PRINTER;
  if (rt === NAMESPACES) return NAMESPACE_PRINTER;
  return GENERIC_CRD_PRINTER;
}

function rowObject(obj: KubeObject, include: IncludeObject): unknown {
  if (include === 'Object') return obj;
  return { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: obj.metadata };
}

export function toTable(
  rt: ResourceType,
  objects: readonly KubeObject[],
  opts: { now: Date; include: IncludeObject; apiVersion: string; listMetadata: Record<string, unknown> },
): Record<string, unknown> {
  const printer = printerFor(rt);
  const rows: TableRow[] = objects.map((o) => {
    const row: TableRow = { cells: printer.cells(o, opts.now) };
    if (opts.include !== 'None') row.object = rowObject(o, opts.include);
    return row;
  });
  return {
    kind: 'Table',
    apiVersion: opts.apiVersion,
    metadata: opts.listMetadata,
    columnDefinitions: printer.columns,
    rows,
  };
}
