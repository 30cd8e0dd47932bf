import { stringify } from 'yaml';

/** A kubeconfig with one cluster, one token user and the context `local`, as kubectl and client-node read it. */
export function kubeconfigYaml(opts: { server: string; token: string; caData?: string; namespace?: string }): string {
  const cluster: Record<string, unknown> = { server: opts.server };
  if (opts.caData !== undefined) cluster['certificate-authority-data'] = opts.caData;
  // client-node refuses a plain http:// server unless TLS verification is off.
  else cluster['insecure-skip-tls-verify'] = true;
  const context: Record<string, unknown> = { cluster: 'local', user: 'local' };
  if (opts.namespace !== undefined) context.namespace = opts.namespace;
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: 'local', cluster }],
    users: [{ name: 'local', user: { token: opts.token } }],
    contexts: [{ name: 'local', context }],
    'current-context': 'local',
    preferences: {},
  });
}
