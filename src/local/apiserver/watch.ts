import type { ServerResponse } from 'node:http';
import { headerValue, type HandlerContext, type Incoming, type Reply } from './http-types.js';
import { includeObject, selectorsOf, tableVersion } from './list.js';
import type { KubeObject } from './meta.js';
import type { ResourceType } from './resources.js';
import { matchesFields, matchesLabels } from './selectors.js';
import { resolveField, type ObjectStore, type StoreEvent } from './store.js';
import { toTable } from './table.js';

/**
 * A minimal watch (`?watch=true`), enough for `kubectl delete` (which waits through a watch), `kubectl
 * wait --for=delete` and `kubectl get -w`: newline-delimited {"type","object"} events, replay from a
 * resourceVersion out of a bounded history (410 Expired beyond it), selector transitions reported as
 * ADDED/DELETED like the watch cache, `timeoutSeconds`. No bookmarks, no WatchList.
 */

interface HubEvent extends StoreEvent {
  rv: number;
}

type Listener = (e: HubEvent) => void;

export class WatchHub {
  private events: HubEvent[] = [];
  private readonly listeners = new Set<Listener>();
  private readonly streams = new Set<ServerResponse>();
  private floor: number;
  private readonly unsubscribe: () => void;

  constructor(
    readonly store: ObjectStore,
    private readonly capacity = 10_000,
  ) {
    this.floor = Number(store.resourceVersion);
    this.unsubscribe = store.onChange((e) => this.push(e));
  }

  private push(e: StoreEvent): void {
    const ev: HubEvent = { ...e, rv: Number(e.object.metadata.resourceVersion ?? '0') };
    this.events.push(ev);
    if (this.events.length > this.capacity * 2) {
      const dropped = this.events.length - this.capacity;
      this.floor = this.events[dropped - 1]?.rv ?? this.floor;
      this.events = this.events.slice(dropped);
    }
    for (const l of this.listeners) l(ev);
  }

  /** Every event after `rv` is still in the history. */
  covers(rv: number): boolean {
    return rv >= this.floor;
  }

  /** Oldest resourceVersion a watch can still start from. */
  get oldest(): number {
    return this.floor;
  }

  since(rv: number): HubEvent[] {
    return this.events.filter((e) => e.rv > rv);
  }

  subscribe(l: Listener): () => void {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  }

  track(res: ServerResponse): void {
    this.streams.add(res);
    res.on('close', () => this.streams.delete(res));
  }

  close(): void {
    this.unsubscribe();
    this.listeners.clear();
    for (const res of this.streams) res.end();
    this.streams.clear();
  }
}

export function watchObjects(ctx: HandlerContext, req: Incoming, rt: ResourceType, hub: WatchHub): Reply {
  const { labels, fields } = selectorsOf(rt, req.query);
  const namespace = rt.namespaced ? req.info.namespace : '';
  const table = tableVersion(headerValue(req.headers, 'accept'));
  const include = includeObject(req.query);
  const rawRv = req.query.get('resourceVersion') ?? '';
  const timeout = Number(req.query.get('timeoutSeconds') ?? '0');

  const matches = (o: KubeObject | undefined): boolean =>
    o !== undefined &&
    (namespace === '' || o.metadata.namespace === namespace) &&
    matchesLabels(labels, o.metadata.labels) &&
    matchesFields(fields, (f) => resolveField(rt, o, f));

  const render = (o: KubeObject): unknown =>
    table ? toTable(rt, [o], { now: ctx.now(), include, apiVersion: table, listMetadata: { resourceVersion: o.metadata.resourceVersion ?? '' } }) : o;

  return {
    status: 200,
    body: undefined,
    contentType: 'application/json',
    stream: (res: ServerResponse) => {
      hub.track(res);
      const write = (type: string, object: unknown): void => {
        res.write(`${JSON.stringify({ type, object })}\n`);
      };
      const deliver = (e: HubEvent): void => {
        if (e.resource !== rt) return;
        const now = matches(e.object) && e.type !== 'DELETED';
        const before = e.type === 'MODIFIED' ? matches(e.previous) : e.type === 'DELETED' && matches(e.object);
        if (e.type === 'DELETED') {
          if (before) write('DELETED', render(e.object));
        } else if (now && before) write('MODIFIED', render(e.object));
        else if (now) write('ADDED', render(e.object));
        else if (before) write('DELETED', render(e.object));
      };

      if (rawRv === '' || rawRv === '0') {
        const page = ctx.store.listPage(rt, { ...(namespace ? { namespace } : {}), labels, fields });
        for (const o of page.items) write('ADDED', render(o));
      } else {
        const from = Number(rawRv);
        if (!Number.isFinite(from) || !hub.covers(from)) {
          write('ERROR', {
            kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure',
            message: `too old resource version: ${rawRv} (${hub.oldest})`, reason: 'Expired', code: 410,
          });
          res.end();
          return;
        }
        for (const e of hub.since(from)) deliver(e);
      }
      const unsubscribe = hub.subscribe(deliver);
      const timer = timeout > 0 ? setTimeout(() => res.end(), timeout * 1000) : undefined;
      res.on('close', () => {
        unsubscribe();
        if (timer) clearTimeout(timer);
      });
    },
  };
}
