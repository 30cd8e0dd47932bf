import { KubeConfig } from '@kubernetes/client-node';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { startApiServer, type ApiServerOptions, type LocalApiServer } from '../../src/local/apiserver/index.js';

/**
 * Vitest fixture for the local Kubernetes API server: started in beforeAll, closed in afterAll, faults
 * cleared after each test. Read `server` inside tests or hooks, not at collection time.
 */
export interface ApiServerFixture {
  readonly server: LocalApiServer;
  /** A client-node KubeConfig for the server; the default (remediator) token unless one is given. */
  kubeConfig(token?: string): KubeConfig;
}

export function withApiServer(opts: ApiServerOptions = {}): ApiServerFixture {
  let server: LocalApiServer | undefined;
  beforeAll(async () => {
    server = await startApiServer(opts);
  });
  afterEach(() => {
    server?.faults.clear();
  });
  afterAll(async () => {
    await server?.close();
    server = undefined;
  });
  const fixture: ApiServerFixture = {
    get server(): LocalApiServer {
      if (!server) throw new Error('the local API server is not running (use it inside tests or hooks)');
      return server;
    },
    kubeConfig(token?: string): KubeConfig {
      return kubeConfigFor(fixture.server, token);
    },
  };
  return fixture;
}

/**
 * A KubeConfig pointing at the server. Plain HTTP needs skipTLSVerify (client-node refuses http:// otherwise);
 * over TLS the generated CA is trusted and verification stays on.
 */
export function kubeConfigFor(server: LocalApiServer, token: string = server.token): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [
      server.caData !== undefined
        ? { name: 'local', server: server.url, caData: server.caData, skipTLSVerify: false }
        : { name: 'local', server: server.url, skipTLSVerify: true },
    ],
    users: [{ name: 'local', token }],
    contexts: [{ name: 'local', cluster: 'local', user: 'local' }],
    currentContext: 'local',
  });
  return kc;
}
