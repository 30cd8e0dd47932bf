import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';
import { type Cluster, type Context, KubeConfig, type User } from '@kubernetes/client-node';

/** The kubeconfig cannot be used as given: the user has to fix a file, a flag or KUBECONFIG. */
export class KubeconfigError extends Error {
  override readonly name = 'KubeconfigError';
}

export interface KubeconfigOptions {
  /** An explicit file (--kubeconfig): must exist; KUBECONFIG is then ignored, as kubectl does. */
  path?: string;
  context?: string;
  env?: NodeJS.ProcessEnv;
  /** Home directory for ~/.kube/config; injectable for tests. */
  home?: string;
}

/**
 * Loads a kubeconfig with kubectl's rules: --kubeconfig, else every file of the KUBECONFIG list (missing
 * files skipped, the first file to define a cluster, user or context wins, and the first current-context
 * set wins), else ~/.kube/config, else the in-cluster service account. client-node's own loadFromDefault
 * lets later files override current-context and throws on duplicate names, which kubectl does not.
 */
export function loadKubeconfig(opts: KubeconfigOptions = {}): KubeConfig {
  const env = opts.env ?? process.env;
  const files = kubeconfigFiles(opts, env);
  const kc = new KubeConfig();
  if (files.length === 0) {
    if (env['KUBERNETES_SERVICE_HOST'] && env['KUBERNETES_SERVICE_PORT']) {
      kc.loadFromCluster();
      return selectContext(kc, opts.context, 'in-cluster config');
    }
    throw new KubeconfigError('no kubeconfig found: pass --kubeconfig, set KUBECONFIG, or create ~/.kube/config');
  }

  const clusters = new Map<string, Cluster>();
  const users = new Map<string, User>();
  const contexts = new Map<string, Context>();
  let currentContext: string | undefined;
  for (const file of files) {
    const one = new KubeConfig();
    try {
      one.loadFromFile(file);
    } catch (err) {
      throw new KubeconfigError(`cannot read kubeconfig ${file}: ${(err as Error).message.split('\n')[0]}`);
    }
    for (const c of one.getClusters() ?? []) if (!clusters.has(c.name)) clusters.set(c.name, c);
    for (const u of one.getUsers() ?? []) if (!users.has(u.name)) users.set(u.name, u);
    for (const c of one.getContexts() ?? []) if (!contexts.has(c.name)) contexts.set(c.name, c);
    currentContext ||= one.getCurrentContext() || undefined;
  }
  kc.loadFromOptions({
    clusters: [...clusters.values()],
    users: [...users.values()],
    contexts: [...contexts.values()],
    currentContext,
  });
  return selectContext(kc, opts.context, files.join(delimiter));
}

function kubeconfigFiles(opts: KubeconfigOptions, env: NodeJS.ProcessEnv): string[] {
  if (opts.path) {
    if (!existsSync(opts.path)) throw new KubeconfigError(`kubeconfig ${opts.path} does not exist`);
    return [opts.path];
  }
  const list = env['KUBECONFIG'];
  if (list) {
    const files = list.split(delimiter).filter((f) => f.length > 0 && existsSync(f));
    if (files.length === 0) throw new KubeconfigError(`none of the files in KUBECONFIG exist (${list})`);
    return [...new Set(files)];
  }
  const fallback = join(opts.home ?? env['HOME'] ?? homedir(), '.kube', 'config');
  return existsSync(fallback) ? [fallback] : [];
}

function selectContext(kc: KubeConfig, context: string | undefined, source: string): KubeConfig {
  if (context) {
    if (!kc.getContextObject(context)) {
      const known = kc.getContexts().map((c) => c.name);
      throw new KubeconfigError(
        `context "${context}" not found in ${source}${known.length ? ` (known: ${known.join(', ')})` : ''}`,
      );
    }
    kc.setCurrentContext(context);
  }
  const current = kc.getCurrentContext();
  if (!current) throw new KubeconfigError(`no current-context in ${source}: pass --context`);
  const ctx = kc.getContextObject(current);
  if (!ctx) throw new KubeconfigError(`current-context "${current}" is not defined in ${source}`);
  if (!kc.getCluster(ctx.cluster)) throw new KubeconfigError(`context "${current}" names cluster "${ctx.cluster}", which is not defined`);
  if (ctx.user && !kc.getUser(ctx.user)) throw new KubeconfigError(`context "${current}" names user "${ctx.user}", which is not defined`);
  return kc;
}
