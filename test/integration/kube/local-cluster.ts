import { afterAll, afterEach, beforeAll } from 'vitest';
import { type ApiServerOptions, type LocalApiServer, startApiServer } from '../../../src/local/apiserver/index.js';
import { kubeConfigFromToken } from '../../../src/kube/auth/token.js';
import { KubeClusterPort, type KubeClusterPortOptions } from '../../../src/kube/cluster-port.js';

export type { LocalApiServer };

export function startLocalCluster(opts: ApiServerOptions = {}): Promise<LocalApiServer> {
  return startApiServer(opts);
}

/**
 * One server for a whole test file: started before the first test, closed after the last; faults and the
 * request log are cleared after each test. Returns a getter (the server exists only once beforeAll ran).
 */
export function useLocalCluster(opts: ApiServerOptions = {}): () => LocalApiServer {
  let server: LocalApiServer | undefined;
  beforeAll(async () => {
    server = await startApiServer(opts);
  });
  afterAll(() => server?.close());
  afterEach(() => {
    server?.faults.clear();
    if (server) server.requests.length = 0;
  });
  return () => {
    if (!server) throw new Error('the local cluster is not started yet');
    return server;
  };
}

/**
 * A port on the local server whose retry sleeps are recorded instead of waited (no timing in tests), and
 * whose rate limit never throttles so every recorded sleep is a retry delay.
 */
export function portOn(
  server: LocalApiServer,
  opts: KubeClusterPortOptions & { token?: string } = {},
): { port: KubeClusterPort; sleeps: number[] } {
  const sleeps: number[] = [];
  const { token, ...rest } = opts;
  const kubeConfig = kubeConfigFromToken({
    server: server.url,
    token: token ?? server.token,
    ...(server.caData ? { caData: server.caData } : { skipTLSVerify: true }),
  });
  const port = new KubeClusterPort(kubeConfig, {
    rateLimit: { qps: 10_000, burst: 10_000 },
    ...rest,
    deps: { sleep: async (ms) => void sleeps.push(ms), random: () => 0.5, ...rest.deps },
  });
  return { port, sleeps };
}

export const WORKFLOW_PATH = (ns: string, name: string) => `/apis/argoproj.io/v1alpha1/namespaces/${ns}/workflows/${name}`;
