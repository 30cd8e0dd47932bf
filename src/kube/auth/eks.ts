import type https from 'node:https';
import { KubeConfig, type User } from '@kubernetes/client-node';

/** client-node does not export its Authenticator interface; this is its shape. */
type Authenticator = Parameters<KubeConfig['addAuthenticator']>[0];
import type { EksAuth } from './config.js';
import { EksTokenSource, type EksTokenSourceOptions } from './eks-token.js';

const PROVIDER_NAME = 'argo-finalizer-remediator/eks';

/** Puts a fresh-enough EKS token on every request through client-node's authenticator hook. */
class EksAuthenticator implements Authenticator {
  constructor(private readonly source: EksTokenSource) {}

  isAuthProvider(user: User): boolean {
    return (user.authProvider as { name?: unknown } | undefined)?.name === PROVIDER_NAME;
  }

  async applyAuthentication(_user: User, opts: https.RequestOptions): Promise<void> {
    opts.headers = { ...opts.headers, Authorization: `Bearer ${await this.source.token()}` };
  }
}

/** A KubeConfig for EKS whose token is minted in-process from IAM credentials and cached. */
export function kubeConfigForEks(
  auth: Omit<EksAuth, 'type'>,
  deps: Pick<EksTokenSourceOptions, 'credentials' | 'now' | 'refreshAfterMs'> = {},
): { kubeConfig: KubeConfig; tokens: EksTokenSource } {
  const tokens = new EksTokenSource({ clusterName: auth.clusterName, region: auth.region, ...deps });
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromOptions({
    clusters: [{ name: auth.clusterName, server: auth.server, caData: auth.caData, skipTLSVerify: false }],
    users: [{ name: 'eks-iam', authProvider: { name: PROVIDER_NAME, config: {} } }],
    contexts: [{ name: auth.clusterName, cluster: auth.clusterName, user: 'eks-iam' }],
    currentContext: auth.clusterName,
  });
  kubeConfig.addAuthenticator(new EksAuthenticator(tokens));
  return { kubeConfig, tokens };
}
