import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A loopback HTTP proxy in front of moto_server that can refuse chosen S3 requests the way S3 does (503
 * SlowDown, 403 AccessDenied as XML bodies) or never answer them (a stalled connection), so the real SDK
 * client sees real protocol failures. Everything else is forwarded untouched. Every request is logged.
 */
export type S3Fault =
  | { kind: 'status'; status: 403 | 500 | 503; code: string; message: string }
  | { kind: 'hang' };

export interface S3FaultRule {
  method?: string;
  /** Matched against the decoded path (`/bucket/key`). */
  path: RegExp;
  fault: S3Fault;
  /** How many matching requests to refuse; default: all. */
  times?: number;
}

export interface S3FaultProxy {
  readonly endpoint: string;
  readonly requests: { method: string; path: string; status: number | 'hung' }[];
  add(rule: S3FaultRule): void;
  clear(): void;
  close(): Promise<void>;
}

export const SLOW_DOWN: S3Fault = { kind: 'status', status: 503, code: 'SlowDown', message: 'Please reduce your request rate.' };
export const ACCESS_DENIED: S3Fault = { kind: 'status', status: 403, code: 'AccessDenied', message: 'Access Denied' };
export const HANG: S3Fault = { kind: 'hang' };

export async function startS3FaultProxy(target: string): Promise<S3FaultProxy> {
  const upstream = new URL(target);
  let rules: (S3FaultRule & { left: number })[] = [];
  const requests: S3FaultProxy['requests'] = [];
  const held = new Set<ServerResponse>();

  const handle = (req: IncomingMessage, res: ServerResponse) => {
    const path = decodeURIComponent((req.url ?? '/').split('?')[0] ?? '/');
    const method = req.method ?? 'GET';
    const rule = rules.find((r) => r.left > 0 && (!r.method || r.method === method) && r.path.test(path));
    if (rule) {
      rule.left -= 1;
      req.resume();
      if (rule.fault.kind === 'hang') {
        requests.push({ method, path, status: 'hung' });
        held.add(res);
        res.on('close', () => held.delete(res));
        return;
      }
      const { status, code, message } = rule.fault;
      requests.push({ method, path, status });
      const body = `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message><RequestId>FAULT</RequestId></Error>`;
      res.writeHead(status, { 'Content-Type': 'application/xml', 'Content-Length': Buffer.byteLength(body) });
      res.end(body);
      return;
    }
    const out = request(
      { host: upstream.hostname, port: upstream.port, method, path: req.url, headers: req.headers },
      (up) => {
        requests.push({ method, path, status: up.statusCode ?? 0 });
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      },
    );
    out.on('error', () => res.destroy());
    req.pipe(out);
  };

  const server: Server = createServer(handle);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    requests,
    add: (rule) => void rules.push({ ...rule, left: rule.times ?? Number.POSITIVE_INFINITY }),
    clear: () => {
      rules = [];
      for (const res of held) res.destroy();
      held.clear();
    },
    close: async () => {
      for (const res of held) res.destroy();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
