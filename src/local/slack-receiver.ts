import { type IncomingHttpHeaders, type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What a Slack incoming webhook answers (Slack's documented answers: 200 ok, 400 invalid_payload, 404 no_service, 429 with Retry-After). */
export interface Reply {
  status: number;
  body: string;
  headers?: Record<string, string>;
}

export const replies = {
  ok: (): Reply => ({ status: 200, body: 'ok' }),
  rateLimited: (retryAfterSeconds: number): Reply => ({ status: 429, body: 'rate_limited', headers: { 'retry-after': String(retryAfterSeconds) } }),
  serverError: (): Reply => ({ status: 500, body: 'internal_error' }),
  invalidToken: (): Reply => ({ status: 403, body: 'invalid_token' }),
  channelNotFound: (): Reply => ({ status: 404, body: 'channel_not_found' }),
  noService: (): Reply => ({ status: 404, body: 'no_service' }),
  invalidBlocks: (): Reply => ({ status: 400, body: 'invalid_blocks' }),
  channelArchived: (): Reply => ({ status: 410, body: 'channel_is_archived' }),
};

export interface ReceivedPost {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  json: unknown;
  /** What was answered. */
  reply: Reply;
  /** When it arrived, by the receiver's clock (a test can pass its fake clock). */
  receivedAt: number;
}

export interface SlackReceiver {
  /** The full webhook URL, secret path included: treat it like the real one. */
  url: string;
  /** Every request that reached the webhook path, in order, with the reply it got. */
  posts: ReceivedPost[];
  /** Replies for the next requests, in order; after they run out every request gets 200 ok. */
  script(...next: Reply[]): void;
  close(): Promise<void>;
}

export const RECEIVER_SECRET = 's3cr3tW3bh00kT0k3nXyZ';

/**
 * A local stand-in for a Slack incoming webhook on 127.0.0.1 (port 0), used by the demo and the tests. Only
 * POSTs to its secret path count as the webhook; anything else gets 404 no_service, as Slack answers a webhook
 * that does not exist.
 */
export async function startSlackReceiver(
  opts: { secretPath?: string; now?: () => number; onPost?: (post: ReceivedPost) => void } = {},
): Promise<SlackReceiver> {
  const secretPath = opts.secretPath ?? `/services/T0LOCAL01/B0LOCAL02/${RECEIVER_SECRET}`;
  const now = opts.now ?? Date.now;
  const posts: ReceivedPost[] = [];
  const queue: Reply[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const reply = req.method === 'POST' && req.url === secretPath ? (queue.shift() ?? replies.ok()) : replies.noService();
      if (req.url === secretPath) {
        let json: unknown;
        try {
          json = JSON.parse(body);
        } catch {
          json = undefined;
        }
        const post = { path: req.url, headers: req.headers, body, json, reply, receivedAt: now() };
        posts.push(post);
        opts.onPost?.(post);
      }
      res.writeHead(reply.status, { 'content-type': 'text/html', ...reply.headers });
      res.end(reply.body);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}${secretPath}`,
    posts,
    script: (...next) => void queue.push(...next),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}
