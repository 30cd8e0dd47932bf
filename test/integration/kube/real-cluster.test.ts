/**
 * Opt-in, READ-ONLY checks of the cluster adapter against a real Kubernetes API server (kind, EKS, ...).
 * Nothing is ever patched here. Skipped unless AFR_REAL_KUBECONFIG is set.
 *
 *   AFR_REAL_KUBECONFIG  path to a kubeconfig whose user may get/list workflows.argoproj.io, pods and
 *                        workflowartifactgctasks.argoproj.io (infra/rbac/clusterrole.yaml)   [required]
 *   AFR_REAL_CONTEXT     kubeconfig context to use (default: its current-context)
 *   AFR_REAL_NAMESPACE   list candidates in this namespace only (default: all namespaces)
 *   AFR_REAL_WORKFLOW    namespace/name of a Workflow to snapshot (default: the first candidate found)
 *
 * Example: AFR_REAL_KUBECONFIG=~/.kube/config AFR_REAL_NAMESPACE=argo npx vitest run test/integration/kube/real-cluster.test.ts
 */
import { describe, expect, it } from 'vitest';
import { ARTIFACT_GC_FINALIZER } from '../../../src/domain/assessment.js';
import { assessRaw } from '../../../src/domain/snapshot.js';
import { portFor } from '../../../src/kube/port-for.js';
import type { Scope, WorkflowKey } from '../../../src/kube/port.js';

const kubeconfig = process.env['AFR_REAL_KUBECONFIG'];
const skipReason = 'AFR_REAL_KUBECONFIG is not set: the real-cluster suite is opt-in';
if (!kubeconfig) console.info(`[real-cluster] skipped: ${skipReason}`);

describe.skipIf(!kubeconfig)('cluster adapter against a real cluster (read-only)', () => {
  const port = () =>
    portFor({
      type: 'kubeconfig',
      path: kubeconfig!,
      ...(process.env['AFR_REAL_CONTEXT'] ? { context: process.env['AFR_REAL_CONTEXT'] } : {}),
    });
  const namespace = process.env['AFR_REAL_NAMESPACE'];
  const scope: Scope = namespace ? { namespace } : { allNamespaces: true };

  it('lists only Workflows that carry the artifact-GC finalizer, paging through the list', async () => {
    let seen = 0;
    for await (const wf of port().candidates(scope, { pageSize: 50 })) {
      const meta = wf['metadata'] as { finalizers?: string[] };
      expect(meta.finalizers).toContain(ARTIFACT_GC_FINALIZER);
      if (++seen >= 500) break;
    }
    console.info(`[real-cluster] ${seen} candidate(s) in ${namespace ?? 'all namespaces'}`);
  });

  it('snapshots a Workflow with its GC pods and tasks, and the domain can assess it', async () => {
    const p = port();
    let key: WorkflowKey | undefined;
    const given = process.env['AFR_REAL_WORKFLOW'];
    if (given) {
      const [ns, name] = given.split('/');
      key = { namespace: ns!, name: name! };
    } else {
      for await (const wf of p.candidates(scope, { pageSize: 50 })) {
        const meta = wf['metadata'] as { namespace: string; name: string };
        key = { namespace: meta.namespace, name: meta.name };
        break;
      }
    }
    if (!key) {
      console.info('[real-cluster] no candidate Workflow to snapshot; set AFR_REAL_WORKFLOW to pick one');
      return;
    }
    const raw = await p.snapshot(key);
    expect(raw).not.toBeNull();
    for (const pod of raw!.pods) {
      const labels = (pod['metadata'] as { labels?: Record<string, string> }).labels ?? {};
      expect(labels['workflows.argoproj.io/workflow']).toBe(key.name);
      expect(labels['workflows.argoproj.io/component']).toBe('artifact-gc');
      // Raw JSON, not the client's typed model: timestamps stay strings.
      expect(typeof (pod['metadata'] as { creationTimestamp?: unknown }).creationTimestamp).toBe('string');
    }
    const assessment = assessRaw(raw!, { now: new Date(), quietPeriodMs: 30 * 60_000 });
    console.info(`[real-cluster] ${key.namespace}/${key.name}: ${assessment.verdict} (${assessment.cause})`);
  });

  it('reads a missing Workflow as null', async () => {
    const ns = namespace ?? 'default';
    expect(await port().snapshot({ namespace: ns, name: `afr-missing-${Date.now()}` })).toBeNull();
  });
});
