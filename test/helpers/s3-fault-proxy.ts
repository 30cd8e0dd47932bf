import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A loopback HTTP proxy in front of moto_server that answers chosen S3 requests with the errors real S3 gives
 * and moto cannot (moto grants every request unless a whole IAM setup is modelled, and never throttles or sits
 * in another region). Everything else is forwarded to moto untouched, so the SDK still speaks the real protocol.
 */
export interface S3Fault {
  method?: string;
  /** Matched against the path and query, e.g. /\/bucket\/key/ or /list-type=2/. */
  match?: RegExp;
  /** Default 500. */
  status?: number;
  code?: string;
  /** How many matching requests get the fault; default every one. */
  times?: number;
  /** Never answer (the client's timeout decides). */
  hang?: boolean;
  /** Forward the first `after` matching requests, fault the ones after. */
  after?: number;
}

export interface S3FaultProxy {
  readonly endpoint: string;
  readonly requests: { method: string; url: string; status: number }[];
  add(fault: S3Fault): void;
  clear(): void;
  close(): Promise<void>;
}

export async function startS3FaultProxy(upstream: string): Promise<S3FaultProxy> {
  const target = new URL(upstream);
  const faults: (S3Fault & { seen: number; used: number })[] = [];
  const requests: S3FaultProxy['requests'] = [];
  const hanging = new Set<ServerResponse>();

  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const url = req.url ?? '/';
    const method = req.method ?? 'GET';
    const fault = faults.find((f) => (!f.method || f.method === method) && (!f.match || f.match.test(url)) && (f.times === undefined || f.used < f.times) && f.seen++ >= (f.after ?? 0));
    if (fault) {
      fault.used++;
      req.resume();
      if (fault.hang) {
        hanging.add(res);
        requests.push({ method, url, status: 0 });
        return;
      }
      const code = fault.status ?? 500;
      requests.push({ method, url, status: code });
      const body = method === 'HEAD' ? '' : `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${fault.code ?? 'Error'}</Code><Message>injected by the test proxy</Message><RequestId>proxy</RequestId></Error>`;
      res.writeHead(code, { 'content-type': 'application/xml', 'x-amz-request-id': 'proxy', ...(code === 301 ? { 'x-amz-bucket-region': 'eu-west-1' } : {}) });
      res.end(body);
      return;
    }
    const upstreamReq = request(
      { host: target.hostname, port: target.port, method, path: url, headers: req.headers },
      (up) => {
        requests.push({ method, url, status: up.statusCode ?? 0 });
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      },
    );
    upstreamReq.on('error', () => {
      res.writeHead(502);
      res.end();
    });
    req.pipe(upstreamReq);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    requests,
    add: (fault) => faults.push({ ...fault, seen: 0, used: 0 }),
    clear: () => {
      faults.length = 0;
      requests.length = 0;
      for (const res of hanging) res.destroy();
      hanging.clear();
    },
    close: async () => {
      for (const res of hanging) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
