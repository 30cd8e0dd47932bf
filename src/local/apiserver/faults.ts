import { setTimeout as sleep } from 'node:timers/promises';
import type { ObjectStore } from './store.js';

/**
 * Fault injection for tests. Faults are checked in the order they were added, before authentication.
 * `latency` and `hook` faults run and let the request continue; the first matching `status`, `drop` or
 * `hang` fault ends it, and an `applied-then` fault lets it be handled, then loses the answer. `times` bounds how often a fault fires (default: always).
 */

export interface FaultMatch {
  /** One method or several, case-insensitive. */
  method?: string | string[];
  /** Tested against the URL path (no query string). */
  pathRegex?: RegExp | string;
}

/** What a hook sees: enough to change the store "between our GET and our PATCH". */
export interface FaultContext {
  method: string;
  path: string;
  query: URLSearchParams;
  store: ObjectStore;
}

export type FaultAction =
  | { kind: 'latency'; ms: number }
  | {
      kind: 'status';
      code: 429 | 500 | 503 | 504;
      retryAfterSeconds?: number;
      message?: string;
      /** Answer text/plain like the API server's priority-and-fairness filter does for 429, instead of a Status. */
      plainText?: boolean;
    }
  /** Destroys the socket without a response. */
  | { kind: 'drop' }
  /** Never answers; the socket is destroyed when the server closes. */
  | { kind: 'hang' }
  /** Runs code, then the request continues normally. */
  | { kind: 'hook'; run: (ctx: FaultContext) => void | Promise<void> }
  /**
   * The request is handled (a write is applied to the store), then its answer is lost: the socket is destroyed
   * (`drop`), a gateway answers 504 instead (`504`), or nothing is ever sent (`hang`). What a client cannot tell
   * from "not done", and what a PATCH retried after it must survive.
   */
  | { kind: 'applied-then'; response: 'drop' | '504' | 'hang' };

export type FaultSpec = FaultAction & { match?: FaultMatch; times?: number };

export interface FaultHandle {
  readonly id: number;
  /** How many times the fault has fired. */
  readonly hits: number;
  remove(): void;
}

interface Entry {
  id: number;
  spec: FaultSpec;
  left: number;
  hits: number;
}

/** The terminal outcome of fault processing, if any (`applied-then` ends the request after it was handled). */
export type FaultOutcome = Extract<FaultAction, { kind: 'status' | 'drop' | 'hang' | 'applied-then' }> | undefined;

const WRITE_METHODS = ['POST', 'PUT', 'PATCH', 'DELETE'];

export class FaultInjector {
  private entries: Entry[] = [];
  private nextId = 1;

  add(spec: FaultSpec): FaultHandle {
    if (spec.times !== undefined && (!Number.isInteger(spec.times) || spec.times < 1)) {
      throw new Error('fault times must be a positive integer');
    }
    const entry: Entry = { id: this.nextId++, spec, left: spec.times ?? Infinity, hits: 0 };
    this.entries.push(entry);
    const remove = (): void => {
      this.entries = this.entries.filter((e) => e !== entry);
    };
    return {
      id: entry.id,
      get hits() {
        return entry.hits;
      },
      remove,
    };
  }

  /**
   * Runs `fn` before matching writes (POST/PUT/PATCH/DELETE) are handled, e.g. to let a "controller"
   * change the object between a client's GET and its PATCH: `faults.onBeforeWrite(({store}) => store.mutate(...), {times: 1})`.
   */
  onBeforeWrite(
    fn: (ctx: FaultContext) => void | Promise<void>,
    opts: { pathRegex?: RegExp | string; method?: string | string[]; times?: number } = {},
  ): FaultHandle {
    return this.add({
      kind: 'hook',
      run: fn,
      match: { method: opts.method ?? WRITE_METHODS, ...(opts.pathRegex !== undefined ? { pathRegex: opts.pathRegex } : {}) },
      ...(opts.times !== undefined ? { times: opts.times } : {}),
    });
  }

  clear(): void {
    this.entries = [];
  }

  get size(): number {
    return this.entries.length;
  }

  /** Applies non-terminal faults in order and returns the first terminal one (consuming it). */
  async apply(ctx: FaultContext): Promise<{ outcome: FaultOutcome; fired: string[] }> {
    const fired: string[] = [];
    for (const entry of [...this.entries]) {
      if (entry.left <= 0 || !matches(entry.spec.match, ctx)) continue;
      entry.left -= 1;
      entry.hits += 1;
      if (entry.left <= 0) this.entries = this.entries.filter((e) => e !== entry);
      const spec = entry.spec;
      fired.push(spec.kind === 'status' ? `status:${spec.code}` : spec.kind === 'applied-then' ? `applied-then:${spec.response}` : spec.kind);
      switch (spec.kind) {
        case 'latency':
          await sleep(spec.ms);
          break;
        case 'hook':
          await spec.run(ctx);
          break;
        default:
          return { outcome: spec, fired };
      }
    }
    return { outcome: undefined, fired };
  }
}

function matches(m: FaultMatch | undefined, ctx: FaultContext): boolean {
  if (!m) return true;
  if (m.method !== undefined) {
    const methods = (Array.isArray(m.method) ? m.method : [m.method]).map((x) => x.toUpperCase());
    if (!methods.includes(ctx.method.toUpperCase())) return false;
  }
  if (m.pathRegex !== undefined) {
    const re = typeof m.pathRegex === 'string' ? new RegExp(m.pathRegex) : m.pathRegex;
    re.lastIndex = 0;
    if (!re.test(ctx.path)) return false;
  }
  return true;
}
