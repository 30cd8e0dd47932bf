/**
 * What `status.artifactGCStatus.strategiesProcessed` means on a given controller. Before argo PR #16897
 * (fixes #16894) a strategy was marked processed once GC was *attempted*, even when creating its task or pod
 * failed; with it, only once they were *created*, and failed creates are retried on every reconcile. The fix was
 * merged to main and cherry-picked to release-4.0 and release-4.1 on 2026-09-21, after v4.0.10 and v4.1.2
 * (argo-workflows #16897); the first patches carrying it are assumed to be v4.0.11 and v4.1.3.
 * Only the texts depend on this: verdicts never do.
 */
export type ProcessedReading = 'attempted' | 'created' | 'unknown';

const VERSION = /^v?(\d+)\.(\d+)\.(\d+)(?:[-+].*)?$/;

/** True when the text is a release version such as `v3.7.18` or `4.1.3`. */
export function isArgoVersion(text: string): boolean {
  return VERSION.test(text);
}

export function processedReading(argoVersion: string | undefined): ProcessedReading {
  const m = argoVersion ? VERSION.exec(argoVersion) : null;
  if (!m) return 'unknown';
  const [major, minor, patch] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (major > 4 || (major === 4 && minor >= 2)) return 'created';
  if (major === 4 && minor === 1) return patch >= 3 ? 'created' : 'attempted';
  if (major === 4 && minor === 0) return patch >= 11 ? 'created' : 'attempted';
  return 'attempted';
}

/** One reason line saying which reading of `strategiesProcessed` the cause was worded for. */
export function processedReadingReason(argoVersion: string | undefined): string {
  switch (processedReading(argoVersion)) {
    case 'attempted':
      return `argoVersion ${argoVersion} (config): strategiesProcessed read as "GC was attempted" (before argo #16897)`;
    case 'created':
      return `argoVersion ${argoVersion} (config): strategiesProcessed read as "GC task and pod were created" (argo #16897, assumed from v4.0.11/v4.1.3)`;
    case 'unknown':
      return 'no argoVersion in the config: strategiesProcessed means "GC was attempted" before argo #16897 and "created" with it; both readings apply';
  }
}
