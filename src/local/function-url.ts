import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';

export interface LocalFunctionUrl {
  url: string;
  /** Every event handed to the handler, as the function URL would have built it. */
  events: APIGatewayProxyEventV2[];
  close(): Promise<void>;
}

/** Content types a function URL passes as text; anything else arrives base64-encoded. */
const TEXT_TYPES = /^(text\/|application\/(json|xml|javascript))/i;

/**
 * A Lambda function URL on 127.0.0.1: each HTTP request becomes a payload-format-2.0 event (lower-cased
 * headers, `rawPath`, `requestContext.http`, the body base64-encoded unless it is text) and the handler's
 * result becomes the response. `base64: 'always'` or `'never'` forces one form: AWS does not document which a
form post gets, so both are tested.
 */
export async function startLocalFunctionUrl(
  handler: (event: APIGatewayProxyEventV2, context: object) => Promise<APIGatewayProxyStructuredResultV2>,
  o: { base64?: 'auto' | 'always' | 'never' } = {},
): Promise<LocalFunctionUrl> {
  const events: APIGatewayProxyEventV2[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(req.headers)) if (v !== undefined) headers[k.toLowerCase()] = Array.isArray(v) ? v.join(',') : v;
      const [path = '/', query = ''] = (req.url ?? '/').split('?');
      const asText = o.base64 === 'never' || (o.base64 !== 'always' && TEXT_TYPES.test(headers['content-type'] ?? ''));
      const now = new Date();
      const event: APIGatewayProxyEventV2 = {
        version: '2.0',
        routeKey: '$default',
        rawPath: path,
        rawQueryString: query,
        headers,
        requestContext: {
          accountId: 'anonymous',
          apiId: 'local0function0url',
          domainName: headers['host'] ?? '127.0.0.1',
          domainPrefix: 'local0function0url',
          http: { method: req.method ?? 'GET', path, protocol: 'HTTP/1.1', sourceIp: req.socket.remoteAddress ?? '127.0.0.1', userAgent: headers['user-agent'] ?? '' },
          requestId: randomUUID(),
          routeKey: '$default',
          stage: '$default',
          time: now.toUTCString(),
          timeEpoch: now.getTime(),
        },
        ...(raw.length > 0 ? { body: asText ? raw.toString('utf8') : raw.toString('base64') } : {}),
        isBase64Encoded: raw.length > 0 && !asText,
      };
      events.push(event);
      handler(event, {}).then(
        (out) => {
          res.writeHead(out.statusCode ?? 200, out.headers as Record<string, string> | undefined);
          res.end(out.isBase64Encoded && out.body ? Buffer.from(out.body, 'base64') : (out.body ?? ''));
        },
        () => {
          // What a function URL answers when the function throws.
          res.writeHead(502, { 'content-type': 'application/json' });
          res.end('{"Message":"Internal Server Error"}');
        },
      );
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    events,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}
