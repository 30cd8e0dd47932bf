import { ClusterAuth } from './auth/config.js';
import { kubeConfigForEks } from './auth/eks.js';
import type { EksTokenSourceOptions } from './auth/eks-token.js';
import { loadKubeconfig } from './auth/kubeconfig.js';
import { kubeConfigFromToken } from './auth/token.js';
import { KubeClusterPort, type KubeClusterPortOptions } from './cluster-port.js';

export interface PortForOptions extends KubeClusterPortOptions {
  /** For kubeconfig auth: where KUBECONFIG and HOME are read. */
  env?: NodeJS.ProcessEnv;
  /** For EKS auth: credentials provider, clock and refresh interval (tests inject fixed ones). */
  eks?: Pick<EksTokenSourceOptions, 'credentials' | 'now' | 'refreshAfterMs'>;
}

/** Builds the cluster adapter for one configured cluster. Validates the auth config first. */
export function portFor(auth: ClusterAuth, opts: PortForOptions = {}): KubeClusterPort {
  const config = ClusterAuth.parse(auth);
  const { env, eks, ...portOptions } = opts;
  switch (config.type) {
    case 'kubeconfig':
      return new KubeClusterPort(
        loadKubeconfig({
          ...(config.path ? { path: config.path } : {}),
          ...(config.context ? { context: config.context } : {}),
          ...(env ? { env } : {}),
        }),
        portOptions,
      );
    case 'token':
      return new KubeClusterPort(kubeConfigFromToken(config), portOptions);
    case 'eks': {
      const { kubeConfig, tokens } = kubeConfigForEks(config, eks);
      return new KubeClusterPort(kubeConfig, {
        ...portOptions,
        // A 401 most likely means the cached token outlived its 15 minutes (a frozen Lambda sandbox
        // thawed): mint a new one and try once more.
        onUnauthorized: () => {
          tokens.invalidate();
          return true;
        },
      });
    }
  }
}
