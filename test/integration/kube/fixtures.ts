/**
 * Realistic seeds, trimmed from real stuck Workflows reported upstream (argo-workflows #13556, #9953): (a) a nested parent stuck with nothing
 * to delete (remove), (b) a GC pod that failed on RBAC (notify), (c) GC still running (wait). Owner uids are
 * consistent so the local API server's garbage collector keeps the dependents.
 */
export const GC = 'workflows.argoproj.io/artifact-gc';

/** A fixed "now" for all three: (c)'s deletion was requested 20 s earlier; (a) and (b) are long past. */
export const NOW = '2026-08-20T06:30:20Z';

export function parentWorkflowA(opts: { finalizers?: string[]; deleting?: boolean } = {}): Record<string, unknown> {
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Workflow',
    metadata: {
      name: 'parent-wf-7xk2p',
      generateName: 'parent-wf-',
      namespace: 'argo-workflows',
      uid: '5b0f3c1e-8d7a-4c55-9a52-2f6b1f0e9a11',
      creationTimestamp: '2024-09-05T00:55:40Z',
      ...(opts.deleting === false ? {} : { deletionTimestamp: '2024-09-05T01:20:00Z', deletionGracePeriodSeconds: 0 }),
      finalizers: opts.finalizers ?? [GC],
      labels: { 'workflows.argoproj.io/completed': 'true', 'workflows.argoproj.io/phase': 'Succeeded' },
      annotations: { 'workflows.argoproj.io/pod-name-format': 'v2' },
    },
    spec: {
      entrypoint: 'main',
      artifactGC: { strategy: 'OnWorkflowDeletion' },
      templates: [
        { name: 'main', steps: [[{ name: 'create-child', template: 'create-child' }], [{ name: 'summarize', template: 'summarize' }]] },
        {
          name: 'create-child',
          resource: { action: 'create', setOwnerReference: true, manifest: 'apiVersion: argoproj.io/v1alpha1\nkind: Workflow\n' },
          outputs: { parameters: [{ name: 'child-name', valueFrom: { jsonPath: '{.metadata.name}' } }] },
        },
        {
          name: 'summarize',
          container: { image: 'alpine:3.20', command: ['sh', '-c', 'echo done'] },
          outputs: { artifacts: [{ name: 'summary', path: '/tmp/summary.txt', optional: true }] },
        },
      ],
    },
    status: {
      phase: 'Succeeded',
      startedAt: '2024-09-05T00:55:40Z',
      finishedAt: '2024-09-05T00:56:10Z',
      progress: '2/2',
      nodes: {
        'parent-wf-7xk2p': {
          id: 'parent-wf-7xk2p', name: 'parent-wf-7xk2p', displayName: 'parent-wf-7xk2p', type: 'Steps', templateName: 'main',
          phase: 'Succeeded', startedAt: '2024-09-05T00:55:40Z', finishedAt: '2024-09-05T00:56:10Z',
          children: ['parent-wf-7xk2p-3740809012'], outboundNodes: ['parent-wf-7xk2p-330962874'],
        },
        'parent-wf-7xk2p-3740809012': {
          id: 'parent-wf-7xk2p-3740809012', name: 'parent-wf-7xk2p[0]', displayName: '[0]', type: 'StepGroup', phase: 'Succeeded',
          boundaryID: 'parent-wf-7xk2p', children: ['parent-wf-7xk2p-1398340669'],
        },
        'parent-wf-7xk2p-1398340669': {
          id: 'parent-wf-7xk2p-1398340669', name: 'parent-wf-7xk2p[0].create-child', displayName: 'create-child', type: 'Pod',
          templateName: 'create-child', phase: 'Succeeded', boundaryID: 'parent-wf-7xk2p',
          outputs: { parameters: [{ name: 'child-name', value: 'child-wf-bdvxw', valueFrom: { jsonPath: '{.metadata.name}' } }] },
          children: ['parent-wf-7xk2p-2734004777'],
        },
        'parent-wf-7xk2p-2734004777': {
          id: 'parent-wf-7xk2p-2734004777', name: 'parent-wf-7xk2p[1]', displayName: '[1]', type: 'StepGroup', phase: 'Succeeded',
          boundaryID: 'parent-wf-7xk2p', children: ['parent-wf-7xk2p-330962874'],
        },
        'parent-wf-7xk2p-330962874': {
          id: 'parent-wf-7xk2p-330962874', name: 'parent-wf-7xk2p[1].summarize', displayName: 'summarize', type: 'Pod',
          templateName: 'summarize', phase: 'Succeeded', boundaryID: 'parent-wf-7xk2p', outputs: { exitCode: '0' },
        },
      },
      conditions: [{ type: 'PodRunning', status: 'False' }, { type: 'Completed', status: 'True' }],
      artifactRepositoryRef: {
        default: true,
        artifactRepository: { s3: { bucket: 'argo-artifacts', endpoint: 's3.amazonaws.com', useSDKCreds: true } },
      },
      artifactGCStatus: { strategiesProcessed: { OnWorkflowCompletion: true, OnWorkflowDeletion: true } },
      taskResultsCompletionStatus: { 'parent-wf-7xk2p-1398340669': true, 'parent-wf-7xk2p-330962874': true },
    },
  };
}

const B_UID = '0f6c2a9b-51e4-4b3e-9d1a-7c2f9e8b4d21';
const B_TASK_UID = '7d1e0c55-2b0a-4a8e-9a40-3e9b5a6c1f02';

export function etlWorkflowB(): Record<string, unknown> {
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Workflow',
    metadata: {
      name: 'etl-run-q8h2d',
      namespace: 'data',
      uid: B_UID,
      creationTimestamp: '2026-08-17T02:00:00Z',
      deletionTimestamp: '2026-08-18T09:00:00Z',
      deletionGracePeriodSeconds: 0,
      finalizers: [GC],
      labels: {
        'workflows.argoproj.io/completed': 'true',
        'workflows.argoproj.io/phase': 'Succeeded',
        'workflows.argoproj.io/cron-workflow': 'etl-run',
      },
    },
    spec: {
      entrypoint: 'main',
      artifactGC: { strategy: 'OnWorkflowDeletion', serviceAccountName: 'artgc-sa' },
      templates: [
        {
          name: 'main',
          container: { image: 'python:3.12', command: ['python', '/app/etl.py'] },
          outputs: { artifacts: [{ name: 'report', path: '/tmp/report.csv', s3: { key: 'etl/{{workflow.uid}}/report.csv' } }] },
        },
      ],
    },
    status: {
      phase: 'Succeeded',
      startedAt: '2026-08-17T02:00:00Z',
      finishedAt: '2026-08-17T02:07:31Z',
      nodes: {
        'etl-run-q8h2d': {
          id: 'etl-run-q8h2d', name: 'etl-run-q8h2d', displayName: 'etl-run-q8h2d', type: 'Pod', templateName: 'main',
          phase: 'Succeeded', startedAt: '2026-08-17T02:00:00Z', finishedAt: '2026-08-17T02:07:31Z',
          outputs: {
            artifacts: [
              { name: 'report', path: '/tmp/report.csv', s3: { key: `etl/${B_UID}/report.csv` } },
              { name: 'main-logs', s3: { key: 'etl-run-q8h2d/etl-run-q8h2d/main.log' } },
            ],
            exitCode: '0',
          },
        },
      },
      conditions: [
        { type: 'PodRunning', status: 'False' },
        { type: 'Completed', status: 'True' },
        {
          type: 'ArtifactGCError',
          status: 'True',
          message:
            'Artifact Garbage Collection failed for strategy OnWorkflowDeletion, pod etl-run-q8h2d-artgc-wfdel-1104873411 exited with non-zero exit code: check pod logs for more information',
        },
      ],
      artifactRepositoryRef: {
        configMap: 'artifact-repositories', key: 'default-v1', namespace: 'data',
        artifactRepository: { archiveLogs: true, s3: { bucket: 'data-artifacts', endpoint: 's3.amazonaws.com', useSDKCreds: true } },
      },
      artifactGCStatus: {
        strategiesProcessed: { OnWorkflowCompletion: true, OnWorkflowDeletion: true },
        podsRecouped: { 'etl-run-q8h2d-artgc-wfdel-1104873411': true },
      },
      taskResultsCompletionStatus: { 'etl-run-q8h2d': true },
    },
  };
}

export function etlGcTaskB(): Record<string, unknown> {
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'WorkflowArtifactGCTask',
    metadata: {
      name: 'etl-run-q8h2d-artgc-wfdel-1104873411-0',
      namespace: 'data',
      uid: B_TASK_UID,
      creationTimestamp: '2026-08-18T09:00:02Z',
      labels: { 'workflows.argoproj.io/artifact-gc-pod': '291688674' },
      ownerReferences: [
        { apiVersion: 'argoproj.io/v1alpha1', kind: 'Workflow', name: 'etl-run-q8h2d', uid: B_UID, controller: true, blockOwnerDeletion: true },
      ],
    },
    spec: {
      artifactsByNode: {
        'etl-run-q8h2d': {
          archiveLocation: { archiveLogs: true, s3: { bucket: 'data-artifacts', endpoint: 's3.amazonaws.com', useSDKCreds: true } },
          artifacts: {
            report: { name: 'report', path: '/tmp/report.csv', s3: { key: `etl/${B_UID}/report.csv` } },
            'main-logs': { name: 'main-logs', s3: { key: 'etl-run-q8h2d/etl-run-q8h2d/main.log' } },
          },
        },
      },
    },
    status: {},
  };
}

export function etlGcPodB(): Record<string, unknown> {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: 'etl-run-q8h2d-artgc-wfdel-1104873411',
      namespace: 'data',
      creationTimestamp: '2026-08-18T09:00:03Z',
      labels: {
        'workflows.argoproj.io/workflow': 'etl-run-q8h2d',
        'workflows.argoproj.io/component': 'artifact-gc',
        'workflows.argoproj.io/completed': 'false',
      },
      annotations: { 'workflows.argoproj.io/artifact-gc-strategy': 'OnWorkflowDeletion' },
      ownerReferences: [
        {
          apiVersion: 'argoproj.io/v1alpha1', kind: 'WorkflowArtifactGCTask', name: 'etl-run-q8h2d-artgc-wfdel-1104873411-0',
          uid: B_TASK_UID, controller: true, blockOwnerDeletion: true,
        },
      ],
    },
    spec: {
      serviceAccountName: 'artgc-sa',
      restartPolicy: 'Never',
      containers: [
        { name: 'main', image: 'quay.io/argoproj/argoexec:v3.5.10', args: ['artifact', 'delete', '--loglevel', 'info'], env: [{ name: 'ARGO_ARTIFACT_POD_NAME', value: '291688674' }] },
      ],
    },
    status: {
      phase: 'Failed',
      containerStatuses: [
        { name: 'main', ready: false, restartCount: 0, image: 'quay.io/argoproj/argoexec:v3.5.10', imageID: '',
          state: { terminated: { exitCode: 1, reason: 'Error', startedAt: '2026-08-18T09:00:05Z', finishedAt: '2026-08-18T09:00:09Z' } } },
      ],
    },
  };
}

const C_UID = 'a3d9e7f2-0c4b-4e1a-8f55-61b2c9d0e7aa';
const C_TASK_UID = 'c0ffee00-0c4b-4e1a-8f55-61b2c9d0e7ab';

export function nightlyWorkflowC(): Record<string, unknown> {
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Workflow',
    metadata: {
      name: 'nightly-report-5jz7c',
      namespace: 'reports',
      uid: C_UID,
      creationTimestamp: '2026-08-19T23:00:00Z',
      deletionTimestamp: '2026-08-20T06:30:00Z',
      deletionGracePeriodSeconds: 0,
      finalizers: [GC],
      labels: { 'workflows.argoproj.io/completed': 'true', 'workflows.argoproj.io/phase': 'Succeeded' },
    },
    spec: {
      entrypoint: 'main',
      artifactGC: { strategy: 'OnWorkflowCompletion', forceFinalizerRemoval: false },
      templates: [
        { name: 'main', dag: { tasks: [{ name: 'extract', template: 'extract' }, { name: 'render', template: 'render', depends: 'extract' }] } },
        {
          name: 'extract',
          container: { image: 'alpine:3.20', command: ['sh', '-c', 'echo x > /tmp/raw.json'] },
          outputs: { artifacts: [{ name: 'raw-data', path: '/tmp/raw.json', s3: { key: 'reports/{{workflow.uid}}/raw.json' } }] },
        },
        {
          name: 'render',
          container: { image: 'alpine:3.20', command: ['sh', '-c', 'cp /tmp/raw.json /tmp/report.pdf'] },
          outputs: {
            artifacts: [
              { name: 'report-pdf', path: '/tmp/report.pdf', s3: { key: 'reports/{{workflow.uid}}/report.pdf' }, artifactGC: { strategy: 'OnWorkflowDeletion' } },
            ],
          },
        },
      ],
    },
    status: {
      phase: 'Succeeded',
      startedAt: '2026-08-19T23:00:00Z',
      finishedAt: '2026-08-19T23:04:12Z',
      nodes: {
        'nightly-report-5jz7c': {
          id: 'nightly-report-5jz7c', name: 'nightly-report-5jz7c', type: 'DAG', templateName: 'main', phase: 'Succeeded',
          children: ['nightly-report-5jz7c-3102124112'], outboundNodes: ['nightly-report-5jz7c-4257194103'],
        },
        'nightly-report-5jz7c-3102124112': {
          id: 'nightly-report-5jz7c-3102124112', name: 'nightly-report-5jz7c.extract', displayName: 'extract', type: 'Pod',
          templateName: 'extract', phase: 'Succeeded', boundaryID: 'nightly-report-5jz7c', children: ['nightly-report-5jz7c-4257194103'],
          outputs: {
            artifacts: [{ name: 'raw-data', path: '/tmp/raw.json', s3: { key: `reports/${C_UID}/raw.json` }, deleted: true }],
            exitCode: '0',
          },
        },
        'nightly-report-5jz7c-4257194103': {
          id: 'nightly-report-5jz7c-4257194103', name: 'nightly-report-5jz7c.render', displayName: 'render', type: 'Pod',
          templateName: 'render', phase: 'Succeeded', boundaryID: 'nightly-report-5jz7c',
          outputs: {
            artifacts: [
              { name: 'report-pdf', path: '/tmp/report.pdf', s3: { key: `reports/${C_UID}/report.pdf` }, artifactGC: { strategy: 'OnWorkflowDeletion' } },
            ],
            exitCode: '0',
          },
        },
      },
      conditions: [{ type: 'PodRunning', status: 'False' }, { type: 'Completed', status: 'True' }],
      artifactRepositoryRef: {
        default: true,
        artifactRepository: { s3: { bucket: 'report-artifacts', endpoint: 's3.amazonaws.com', useSDKCreds: true } },
      },
      artifactGCStatus: {
        strategiesProcessed: { OnWorkflowCompletion: true, OnWorkflowDeletion: true },
        podsRecouped: { 'nightly-report-5jz7c-artgc-wfcomp-2166136261': true },
      },
    },
  };
}

export function nightlyGcTaskC(): Record<string, unknown> {
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'WorkflowArtifactGCTask',
    metadata: {
      name: 'nightly-report-5jz7c-artgc-wfdel-2166136261-0',
      namespace: 'reports',
      uid: C_TASK_UID,
      creationTimestamp: '2026-08-20T06:30:07Z',
      labels: { 'workflows.argoproj.io/artifact-gc-pod': '3386871253' },
      ownerReferences: [
        { apiVersion: 'argoproj.io/v1alpha1', kind: 'Workflow', name: 'nightly-report-5jz7c', uid: C_UID, controller: true, blockOwnerDeletion: true },
      ],
    },
    spec: {
      artifactsByNode: {
        'nightly-report-5jz7c-4257194103': {
          artifacts: { 'report-pdf': { name: 'report-pdf', path: '/tmp/report.pdf', s3: { key: `reports/${C_UID}/report.pdf` } } },
        },
      },
    },
    status: {},
  };
}

export function nightlyGcPodC(): Record<string, unknown> {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: 'nightly-report-5jz7c-artgc-wfdel-2166136261',
      namespace: 'reports',
      creationTimestamp: '2026-08-20T06:30:08Z',
      labels: { 'workflows.argoproj.io/workflow': 'nightly-report-5jz7c', 'workflows.argoproj.io/component': 'artifact-gc' },
      annotations: { 'workflows.argoproj.io/artifact-gc-strategy': 'OnWorkflowDeletion' },
      ownerReferences: [
        {
          apiVersion: 'argoproj.io/v1alpha1', kind: 'WorkflowArtifactGCTask', name: 'nightly-report-5jz7c-artgc-wfdel-2166136261-0',
          uid: C_TASK_UID, controller: true, blockOwnerDeletion: true,
        },
      ],
    },
    spec: { restartPolicy: 'Never', containers: [{ name: 'main', image: 'quay.io/argoproj/argoexec:v3.5.10', args: ['artifact', 'delete'] }] },
    status: {
      phase: 'Running',
      containerStatuses: [
        { name: 'main', ready: true, restartCount: 0, image: 'quay.io/argoproj/argoexec:v3.5.10', imageID: '', state: { running: { startedAt: '2026-08-20T06:30:09Z' } } },
      ],
    },
  };
}

/** Objects nobody should pick up: a Workflow without the finalizer, an unrelated pod and a foreign task. */
export function bystanders(): Record<string, unknown>[] {
  return [
    {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Workflow',
      metadata: { name: 'hello-abcde', namespace: 'data', uid: '11111111-2222-3333-4444-555555555555', creationTimestamp: '2026-08-19T00:00:00Z' },
      spec: { entrypoint: 'main', templates: [{ name: 'main', container: { image: 'alpine:3.20' } }] },
      status: { phase: 'Succeeded', finishedAt: '2026-08-19T00:01:00Z', nodes: {} },
    },
    {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name: 'etl-run-q8h2d',
        namespace: 'data',
        creationTimestamp: '2026-08-17T02:00:00Z',
        labels: { 'workflows.argoproj.io/workflow': 'etl-run-q8h2d', 'workflows.argoproj.io/completed': 'true' },
      },
      spec: { containers: [{ name: 'main', image: 'python:3.12' }] },
      status: { phase: 'Succeeded' },
    },
    {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'WorkflowArtifactGCTask',
      metadata: {
        name: 'other-wf-artgc-wfcomp-1-0',
        namespace: 'data',
        uid: '99999999-8888-7777-6666-555555555555',
        ownerReferences: [{ apiVersion: 'argoproj.io/v1alpha1', kind: 'Workflow', name: 'hello-abcde', uid: '11111111-2222-3333-4444-555555555555' }],
      },
      spec: { artifactsByNode: {} },
    },
  ];
}

/** Every seed, owners before dependents. */
export function allSeeds(): Record<string, unknown>[] {
  return [
    parentWorkflowA(),
    etlWorkflowB(),
    etlGcTaskB(),
    etlGcPodB(),
    nightlyWorkflowC(),
    nightlyGcTaskC(),
    nightlyGcPodC(),
    ...bystanders(),
  ];
}
