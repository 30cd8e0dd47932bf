import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withApiServer } from '../../helpers/apiserver.js';
import { kubectlTool } from '../../helpers/kubectl.js';

/**
 * pods/log and core Events as the remediator's evidence bundle reads them, checked over HTTP and with real
 * kubectl (`kubectl logs`, `kubectl get events --field-selector involvedObject.uid=...`).
 */

const NS = 'data';
const POD = 'etl-run-q8h2d-artgc-wfdel-1104873411';
const MAIN_LOG = [
  'time="2026-11-30T09:00:01.120Z" level=info msg="S3 Delete" key=etl-run-q8h2d/etl-run-q8h2d/main.log',
  'time="2026-11-30T09:00:01.320Z" level=warning msg="Non-transient error: Access Denied."',
  'time="2026-11-30T09:00:01.321Z" level=error msg="executor error: Access Denied." code=AccessDenied',
].join('\n') + '\n';
const PREVIOUS_LOG = 'time="2026-11-30T08:55:00.000Z" level=info msg="Creating minio client using IAM role"\n';

const { path: KUBECTL, skipNote: KUBECTL_SKIP } = kubectlTool();

const pod = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: POD, namespace: NS, uid: 'pod-uid-1', labels: { 'workflows.argoproj.io/workflow': 'etl-run-q8h2d', 'workflows.argoproj.io/component': 'artifact-gc' } },
  spec: { nodeName: 'ip-10-0-1-23.ec2.internal', restartPolicy: 'OnFailure', containers: [{ name: 'main' }, { name: 'istio-proxy' }] },
  status: {
    phase: 'Running',
    containerStatuses: [
      { name: 'main', restartCount: 1, state: { terminated: { exitCode: 1, reason: 'Error' } }, lastState: { terminated: { exitCode: 1, reason: 'Error' } } },
      { name: 'istio-proxy', restartCount: 0, state: { running: { startedAt: '2026-11-30T08:54:00Z' } }, lastState: {} },
    ],
  },
};
const waitingPod = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'pulling', namespace: NS, uid: 'pod-uid-2' },
  spec: { nodeName: 'ip-10-0-1-23.ec2.internal', containers: [{ name: 'main' }] },
  status: { phase: 'Pending', containerStatuses: [{ name: 'main', state: { waiting: { reason: 'ImagePullBackOff' } } }] },
};
const unscheduled = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'unscheduled', namespace: NS }, spec: { containers: [{ name: 'main' }] }, status: { phase: 'Pending' } };

const event = (name: string, involved: Record<string, string>, reason: string, extra: Record<string, unknown> = {}) => ({
  apiVersion: 'v1',
  kind: 'Event',
  metadata: { name, namespace: NS },
  involvedObject: { namespace: NS, ...involved },
  reason,
  message: `${reason} happened`,
  type: reason === 'ArtifactGCFailed' ? 'Warning' : 'Normal',
  source: { component: 'workflow-controller' },
  count: 1,
  firstTimestamp: '2026-11-30T09:00:02Z',
  lastTimestamp: '2026-11-30T09:00:02Z',
  ...extra,
});
const WF = { apiVersion: 'argoproj.io/v1alpha1', kind: 'Workflow', name: 'etl-run-q8h2d', uid: 'wf-uid-1' };

const SEEDED = {
    seed: [
      pod,
      waitingPod,
      unscheduled,
      event('etl-run-q8h2d.1', WF, 'ArtifactGCFailed'),
      event('etl-run-q8h2d.2', WF, 'WorkflowSucceeded'),
      event('pod.1', { apiVersion: 'v1', kind: 'Pod', name: POD, uid: 'pod-uid-1' }, 'BackOff', { source: {}, reportingComponent: 'kubelet' }),
      event('other.1', { apiVersion: 'argoproj.io/v1alpha1', kind: 'Workflow', name: 'other', uid: 'wf-uid-2' }, 'WorkflowSucceeded'),
    ],
    podLogs: [
      { namespace: NS, pod: POD, container: 'main', text: MAIN_LOG },
      { namespace: NS, pod: POD, container: 'main', previous: true, text: PREVIOUS_LOG },
      { namespace: NS, pod: POD, container: 'istio-proxy', text: 'envoy ready\n' },
    ],
};

describe('pods/log and events on the local API server', () => {
  const api = withApiServer(SEEDED);
  // kubectl sends no bearer token to a plain-HTTP server.
  const tlsApi = withApiServer({ ...SEEDED, tls: true });

  const get = async (path: string, token = api.server.token) => {
    const res = await fetch(`${api.server.url}${path}`, { headers: { Authorization: `Bearer ${token}` } });
    return { status: res.status, type: res.headers.get('content-type'), text: await res.text() };
  };
  const logPath = (q: string, name = POD) => `/api/v1/namespaces/${NS}/pods/${name}/log?${q}`;

  describe('pods/log over HTTP, as the remediator reads it', () => {
    it('serves a container log as text/plain, the previous instance with previous=true', async () => {
      const main = await get(logPath('container=main&limitBytes=262144'));
      expect(main).toEqual({ status: 200, type: 'text/plain', text: MAIN_LOG });
      expect((await get(logPath('container=main&previous=true'))).text).toBe(PREVIOUS_LOG);
    });

    it('applies tailLines before limitBytes, as the kubelet does', async () => {
      expect((await get(logPath('container=main&tailLines=1'))).text).toBe(MAIN_LOG.split('\n').slice(2).join('\n'));
      expect((await get(logPath('container=main&tailLines=2&limitBytes=10'))).text).toBe(MAIN_LOG.split('\n')[1]!.slice(0, 10));
      expect((await get(logPath('container=main&tailLines=0'))).text).toBe('');
    });

    it('400 for an unknown container, a missing container name, a previous instance that never was, a waiting container', async () => {
      const unknown = await get(logPath('container=wait'));
      expect(unknown.status).toBe(400);
      expect(JSON.parse(unknown.text)).toMatchObject({ kind: 'Status', reason: 'BadRequest', code: 400, message: `container wait is not valid for pod ${POD}` });
      expect(JSON.parse((await get(logPath(''))).text).message).toBe(`a container name must be specified for pod ${POD}, choose one of: [main istio-proxy]`);
      const previous = await get(logPath('container=istio-proxy&previous=true'));
      expect([previous.status, JSON.parse(previous.text).message]).toEqual([400, `previous terminated container "istio-proxy" in pod "${POD}" not found`]);
      const waiting = await get(logPath('', 'pulling'));
      expect([waiting.status, JSON.parse(waiting.text).message]).toEqual([400, 'container "main" in pod "pulling" is waiting to start: trying and failing to pull image']);
    });

    it('422 for invalid options, 404 for a pod that is gone, an empty log for a pod not bound to a node', async () => {
      const bad = await get(logPath('container=main&limitBytes=0'));
      expect([bad.status, JSON.parse(bad.text).message]).toEqual([422, `PodLogOptions "${POD}" is invalid: limitBytes: Invalid value: 0: must be greater than 0`]);
      const gone = await get(logPath('container=main', 'no-such-pod'));
      expect([gone.status, JSON.parse(gone.text).message]).toEqual([404, 'pods "no-such-pod" not found']);
      expect(await get(logPath('', 'unscheduled'))).toMatchObject({ status: 200, text: '' });
    });

    it('the remediator may read logs and list events, and nothing more of either', async () => {
      expect((await get(logPath('container=main'))).status).toBe(200);
      expect((await get(`/api/v1/namespaces/${NS}/events`)).status).toBe(200);
      expect((await get(`/api/v1/namespaces/${NS}/events/etl-run-q8h2d.1`)).status).toBe(403);
      const res = await fetch(`${api.server.url}/api/v1/namespaces/${NS}/events`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${api.server.token}`, 'Content-Type': 'application/json' },
        body: JSON.stringify(event('forged', WF, 'Forged')),
      });
      expect(res.status).toBe(403);
    });

    it('Events by involvedObject field selectors, with the real server semantics', async () => {
      const names = async (selector: string) => {
        const r = await get(`/api/v1/namespaces/${NS}/events?fieldSelector=${encodeURIComponent(selector)}`);
        expect(r.status).toBe(200);
        return (JSON.parse(r.text) as { items: { metadata: { name: string } }[] }).items.map((i) => i.metadata.name);
      };
      expect(await names('involvedObject.uid=wf-uid-1')).toEqual(['etl-run-q8h2d.1', 'etl-run-q8h2d.2']);
      expect(await names('involvedObject.uid=wf-uid-1,reason=ArtifactGCFailed')).toEqual(['etl-run-q8h2d.1']);
      expect(await names('involvedObject.kind=Workflow,involvedObject.name!=etl-run-q8h2d')).toEqual(['other.1']);
      // source is source.component, else reportingComponent (pkg/registry/core/event/strategy.go).
      expect(await names('source=kubelet')).toEqual(['pod.1']);
      expect(await names('type=Warning')).toEqual(['etl-run-q8h2d.1']);
      const bad = await get(`/api/v1/namespaces/${NS}/events?fieldSelector=involvedObject.color%3Dred`);
      expect([bad.status, JSON.parse(bad.text).message]).toEqual([400, 'field label not supported: involvedObject.color']);
    });
  });

  describe.skipIf(!KUBECTL)(`with real kubectl${KUBECTL_SKIP}`, () => {
    let home: string;
    let config: string;
    beforeAll(() => {
      home = mkdtempSync(join(tmpdir(), 'kubectl-home-'));
      config = tlsApi.server.kubeconfig({ token: tlsApi.server.adminToken }).path;
    });
    afterAll(() => rmSync(home, { recursive: true, force: true }));

    const kubectl = (...args: string[]) =>
      new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
        execFile(
          KUBECTL ?? 'kubectl',
          ['--kubeconfig', config, '--cache-dir', join(home, 'cache'), '--request-timeout=20s', ...args],
          { env: { PATH: process.env.PATH ?? '', HOME: home }, timeout: 30_000 },
          (error, stdout, stderr) => resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr }),
        );
      });

    it('kubectl logs -c, --previous, --tail and --limit-bytes', async () => {
      expect(await kubectl('logs', '-n', NS, POD, '-c', 'main')).toEqual({ code: 0, stdout: MAIN_LOG, stderr: '' });
      expect((await kubectl('logs', '-n', NS, POD, '-c', 'main', '--previous')).stdout).toBe(PREVIOUS_LOG);
      expect((await kubectl('logs', '-n', NS, POD, '-c', 'main', '--tail=1')).stdout).toBe(MAIN_LOG.split('\n')[2] + '\n');
      expect((await kubectl('logs', '-n', NS, POD, '-c', 'main', '--limit-bytes=4')).stdout).toBe('time');
      const unknown = await kubectl('logs', '-n', NS, POD, '-c', 'nope');
      expect(unknown.code).not.toBe(0);
      expect(unknown.stderr.trim()).toBe(`error: container nope is not valid for pod ${POD}`);
    });

    it('kubectl get events --field-selector involvedObject.uid=... prints the event table', async () => {
      const r = await kubectl('get', 'events', '-n', NS, '--field-selector', 'involvedObject.uid=wf-uid-1');
      expect(r.stderr).toBe('');
      const lines = r.stdout.trim().split('\n');
      expect(lines[0]?.split(/\s{2,}/)).toEqual(['LAST SEEN', 'TYPE', 'REASON', 'OBJECT', 'MESSAGE']);
      expect(lines.slice(1).map((l) => l.split(/\s{2,}/).slice(1))).toEqual([
        ['Warning', 'ArtifactGCFailed', 'workflow/etl-run-q8h2d', 'ArtifactGCFailed happened'],
        ['Normal', 'WorkflowSucceeded', 'workflow/etl-run-q8h2d', 'WorkflowSucceeded happened'],
      ]);
      const json = await kubectl('get', 'events', '-n', NS, '--field-selector', 'involvedObject.uid=pod-uid-1', '-o', 'json');
      expect((JSON.parse(json.stdout) as { items: { reason: string }[] }).items.map((i) => i.reason)).toEqual(['BackOff']);
    });
  });
});
