import { KubeConfig } from '@kubernetes/client-node';
import type { TokenAuth } from './config.js';

/** A KubeConfig for an endpoint and bearer token held in memory. */
export function kubeConfigFromToken(auth: Omit<TokenAuth, 'type'>): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromClusterAndUser(
    {
      name: 'cluster',
      server: auth.server,
      skipTLSVerify: auth.skipTLSVerify ?? false,
      ...(auth.caData ? { caData: auth.caData } : {}),
    },
    { name: 'user', token: auth.token },
  );
  return kc;
}
