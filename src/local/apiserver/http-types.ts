import type { IncomingHttpHeaders, ServerResponse } from 'node:http';
import type { RequestAttributes, UserInfo } from './authz.js';
import type { ObjectStore } from './store.js';

/** One authenticated API request, body already read. */
export interface Incoming {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: Buffer;
  info: RequestAttributes;
  user: UserInfo;
}

/** What a handler answers; the HTTP layer serialises it. */
export interface Reply {
  status: number;
  body: unknown;
  contentType?: string;
  headers?: Record<string, string>;
  /** For the request log only. */
  note?: string;
  /** A streaming answer (watch): called once the headers are written. */
  stream?: (res: ServerResponse) => void;
}

export interface HandlerContext {
  store: ObjectStore;
  now: () => Date;
  serverAddress: string;
}

export function json(status: number, body: unknown, contentType = 'application/json'): Reply {
  return { status, body, contentType };
}

export function headerValue(headers: IncomingHttpHeaders, name: string): string {
  const v = headers[name.toLowerCase()];
  return Array.isArray(v) ? (v[0] ?? '') : (v ?? '');
}

/** The media type without parameters, lower case: `application/json-patch+json`. */
export function mediaType(contentType: string): string {
  return (contentType.split(';')[0] ?? '').trim().toLowerCase();
}
