// The location rules of Argo's GC, one test per rule and per driver. Shapes come from argoproj/argo-workflows at
// f016ad89eb (v4.1.2): pkg/apis/workflow/v1alpha1/workflow_types.go (HasLocation, GetKey/SetKey, Relocate),
// artifact_repository_types.go (IntoArtifactLocation), workflow/controller/artifact_gc.go and its test.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ArtifactStorage, Assessment } from '../../../src/domain/assessment.js';
import {
  displayLocation,
  driverLocation,
  hasLocation,
  indexTemplates,
  keyOf,
  repositoryLocation,
  resolveArtifact,
  storageOf,
} from '../../../src/domain/locations.js';
import { Workflow } from '../../../src/domain/objects.js';
import { assessRaw } from '../../../src/domain/snapshot.js';

type Obj = Record<string, any>;
const fixture = (name: string): Obj => JSON.parse(readFileSync(new URL(`../../fixtures/workflows/${name}`, import.meta.url), 'utf8'));
const secret = (name: string) => ({ name, key: 'k' });

/** A finished Workflow with one Pod node on template `t`; the template and repository are what each test varies. */
function wf(opts: { artifact: Obj; template?: Obj | null; repository?: Obj | null; node?: Obj; status?: Obj; spec?: Obj }): Obj {
  const template = opts.template === null ? undefined : { name: 't', ...(opts.template ?? {}) };
  return Workflow.parse({
    kind: 'Workflow',
    metadata: { name: 'w', namespace: 'argo' },
    spec: opts.spec ?? { templates: template ? [template] : [] },
    status: {
      phase: 'Succeeded',
      ...(opts.repository === null ? {} : { artifactRepositoryRef: { artifactRepository: opts.repository ?? { s3: { endpoint: 'minio:9000', bucket: 'repo-bucket' } } } }),
      nodes: { n1: { id: 'n1', type: 'Pod', templateName: 't', ...(opts.node ?? {}), outputs: { artifacts: [opts.artifact] } } },
      ...(opts.status ?? {}),
    },
  });
}

function resolve(w: Obj) {
  const node = w.status.nodes.n1;
  return resolveArtifact(node.outputs.artifacts[0], node, w as never, indexTemplates(w as never));
}

function storage(w: Obj) {
  const r = resolve(w);
  if (r.kind !== 'resolved') throw new Error(`expected a resolved location, got ${JSON.stringify(r)}`);
  return { source: r.source, storage: storageOf(r.location) };
}

describe('HasLocation, driver by driver (workflow_types.go)', () => {
  it.each([
    ['s3 needs endpoint, bucket and key (L2935)', { s3: { endpoint: 'e', bucket: 'b', key: 'k' } }, true],
    ['s3 with a bucket but no endpoint is not a location', { s3: { bucket: 'b', key: 'k' } }, false],
    ['s3 key only', { s3: { key: 'k' } }, false],
    ['gcs needs bucket and key (L3272)', { gcs: { bucket: 'b', key: 'k' } }, true],
    ['gcs key only', { gcs: { key: 'k' } }, false],
    ['azure needs endpoint, container and blob (L3069)', { azure: { endpoint: 'https://a.blob.core.windows.net', container: 'c', blob: 'k' } }, true],
    ['azure without endpoint', { azure: { container: 'c', blob: 'k' } }, false],
    ['oss needs bucket, endpoint and key (L3329)', { oss: { endpoint: 'oss-cn-hangzhou.aliyuncs.com', bucket: 'b', key: 'k' } }, true],
    ['oss without endpoint', { oss: { bucket: 'b', key: 'k' } }, false],
    ['hdfs needs addresses (L3093)', { hdfs: { addresses: ['nn:8020'], path: '/p' } }, true],
    ['hdfs path only', { hdfs: { path: '/p' } }, false],
    ['http needs a url (L3242)', { http: { url: 'https://h/p' } }, true],
    ['artifactory needs a url and a username secret (L3033)', { artifactory: { url: 'https://a/r/p', usernameSecret: secret('u') } }, true],
    ['artifactory url alone', { artifactory: { url: 'https://a/r/p' } }, false],
    ['git needs a repo (L2979)', { git: { repo: 'https://github.com/o/r.git' } }, true],
    ['raw is a location as soon as it is there (L3154)', { raw: { data: '' } }, true],
    ['plugin needs name, configuration and key (L3394)', { plugin: { name: 'p', configuration: 'c', key: 'k' } }, true],
    ['plugin with a name only (TestArtifactGCPodWithPlugins)', { plugin: { name: 'p' } }, false],
    // Each field the rule names is needed: the location lacking any one of them is relocated instead.
    ['s3 without a key', { s3: { endpoint: 'e', bucket: 'b' } }, false],
    ['s3 with an empty bucket', { s3: { endpoint: 'e', bucket: '', key: 'k' } }, false],
    ['gcs without a bucket', { gcs: { bucket: '', key: 'k' } }, false],
    ['gcs without a key', { gcs: { bucket: 'b' } }, false],
    ['azure without a container', { azure: { endpoint: 'e', blob: 'k' } }, false],
    ['azure without a blob', { azure: { endpoint: 'e', container: 'c' } }, false],
    ['oss without a bucket', { oss: { endpoint: 'e', key: 'k' } }, false],
    ['oss without a key', { oss: { endpoint: 'e', bucket: 'b' } }, false],
    ['hdfs with an empty address list', { hdfs: { addresses: [], path: '/p' } }, false],
    ['hdfs addresses that are not a list', { hdfs: { addresses: 'nn:8020', path: '/p' } }, false],
    ['http without a url', { http: { url: '' } }, false],
    ['git with an empty repo', { git: { repo: '' } }, false],
    ['artifactory with a null username secret', { artifactory: { url: 'https://a/r/p', usernameSecret: null } }, false],
    ['artifactory with a username secret but no url', { artifactory: { usernameSecret: secret('u') } }, false],
    ['plugin without a configuration', { plugin: { name: 'p', key: 'k' } }, false],
    ['plugin without a key', { plugin: { name: 'p', configuration: 'c' } }, false],
    ['plugin without a name', { plugin: { configuration: 'c', key: 'k' } }, false],
  ])('%s', (_what, location, expected) => {
    expect(hasLocation(driverLocation(location)!)).toBe(expected);
  });

  it('takes the first driver in ArtifactLocation.Get() order (L1420-1446) and tolerates unknown keys', () => {
    expect(driverLocation({ s3: { key: 'k' }, azure: { blob: 'b' } })!.driver).toBe('azure');
    expect(driverLocation({ s3: { key: 'k', someFieldFromArgo5: 1 } })!.driver).toBe('s3');
    expect(driverLocation({ s3: null })).toBeUndefined();
    expect(driverLocation({ name: 'a' })).toBeUndefined();
  });
});

describe('GetKey and ToArtifactLocation', () => {
  it('a git or raw location has no key at all (Argo: "key unsupported"), not an empty one', () => {
    expect(keyOf(driverLocation({ git: { repo: 'https://g/r.git' } })!)).toBeUndefined();
    expect(keyOf(driverLocation({ raw: { data: 'x' } })!)).toBeUndefined();
    expect(keyOf(driverLocation({ s3: {} })!)).toBe('');
  });

  it('a repository that is not an object names no location', () => {
    expect(repositoryLocation(undefined)).toBeUndefined();
    expect(repositoryLocation('s3')).toBeUndefined();
    expect(repositoryLocation({ archiveLogs: true })).toBeUndefined();
  });
});

describe('Relocate: the artifact keeps its own location, or moves into the archive location with its own key', () => {
  it('keeps an artifact that HasLocation, whatever the template and repository say', () => {
    const w = wf({ artifact: { name: 'a', s3: { endpoint: 'minio:9000', bucket: 'own', key: 'k/a', region: 'eu-west-1' } }, template: { archiveLocation: { s3: { endpoint: 'e', bucket: 'tmpl', key: 'x' } } } });
    expect(storage(w)).toEqual({ source: 'artifact', storage: { driver: 's3', endpoint: 'minio:9000', bucket: 'own', key: 'k/a', region: 'eu-west-1' } });
  });

  it('moves a key-only artifact into the template archiveLocation when that HasLocation (artifact_gc.go L321-325)', () => {
    const w = wf({ artifact: { name: 'a', s3: { key: 'k/a' } }, template: { archiveLocation: { s3: { endpoint: 'minio:9000', bucket: 'tmpl', key: 'ignored' } } } });
    expect(storage(w)).toEqual({ source: 'template', storage: { driver: 's3', endpoint: 'minio:9000', bucket: 'tmpl', key: 'k/a' } });
  });

  it('falls back to the repository when the template archiveLocation is not a full location', () => {
    const w = wf({ artifact: { name: 'a', s3: { key: 'k/a' } }, template: { archiveLocation: { archiveLogs: true, s3: { bucket: 'half' } } } });
    expect(storage(w)).toEqual({ source: 'repository', storage: { driver: 's3', endpoint: 'minio:9000', bucket: 'repo-bucket', key: 'k/a' } });
  });

  it('deletes an S3 artifact that names a bucket but no endpoint in the archive bucket, not its own', () => {
    const w = wf({ artifact: { name: 'a', s3: { bucket: 'named-but-ignored', key: 'k/a' } } });
    expect(storage(w).storage).toEqual({ driver: 's3', endpoint: 'minio:9000', bucket: 'repo-bucket', key: 'k/a' });
  });

  it('copies the whole archive location except the key, so the archive driver wins (Relocate, L1503-1519)', () => {
    const w = wf({ artifact: { name: 'a', azure: { blob: 'k/a' } }, repository: { gcs: { bucket: 'g', keyFormat: 'x/{{workflow.name}}' } } });
    expect(storage(w).storage).toEqual({ driver: 'gcs', bucket: 'g', key: 'k/a' });
  });

  it.each([
    ['gcs', { gcs: { key: 'k/a' } }, { gcs: { bucket: 'g', serviceAccountKeySecret: secret('sa') } }, { driver: 'gcs', bucket: 'g', key: 'k/a' }],
    ['azure (the blob is the key)', { azure: { blob: 'k/a' } }, { azure: { endpoint: 'https://acct.blob.core.windows.net', container: 'c', accountKeySecret: secret('ak') } }, { driver: 'azure', endpoint: 'https://acct.blob.core.windows.net', bucket: 'c', key: 'k/a' }],
    ['oss', { oss: { key: 'k/a' } }, { oss: { endpoint: 'oss.example.com', bucket: 'o', accessKeySecret: secret('a'), secretKeySecret: secret('s') } }, { driver: 'oss', endpoint: 'oss.example.com', bucket: 'o', key: 'k/a' }],
    ['hdfs (the path is the key)', { hdfs: { path: '/data/a' } }, { hdfs: { addresses: ['nn1:8020', 'nn2:8020'], pathFormat: '/x' } }, { driver: 'hdfs', endpoint: 'nn1:8020,nn2:8020', key: '/data/a' }],
    ['artifactory (the URL path is the key; repoURL is the base)', { artifactory: { url: '/w/p/a.tgz' } }, { artifactory: { repoURL: 'https://art.example.com/artifactory/generic', usernameSecret: secret('u'), passwordSecret: secret('p') } }, { driver: 'artifactory', endpoint: 'https://art.example.com', key: '/w/p/a.tgz' }],
    ['plugin', { plugin: { key: 'k/a' } }, { plugin: { name: 'my-driver', configuration: 'bucket: secret-ish', keyFormat: 'x' } }, { driver: 'plugin', plugin: 'my-driver', key: 'k/a' }],
    ['s3 with addressingStyle and region (Argo 4.x)', { s3: { key: 'k/a' } }, { s3: { endpoint: 's3.amazonaws.com', bucket: 'b', region: 'us-east-2', addressingStyle: 'path', roleARN: 'arn:aws:iam::1:role/r' } }, { driver: 's3', endpoint: 's3.amazonaws.com', bucket: 'b', key: 'k/a', region: 'us-east-2', addressingStyle: 'path' }],
  ])('key-only %s artifact relocated into a %s repository', (_what, artifact, repository, expected) => {
    const w = wf({ artifact: { name: 'a', ...artifact }, repository });
    const s = storage(w);
    expect(s.source).toBe('repository');
    expect(s.storage).toEqual(expected);
    expect(() => ArtifactStorage.parse(s.storage)).not.toThrow();
  });

  it.each([
    ['a relative key gets the / that url.URL.String() puts after the host', { s3: { key: 'k/a' } }, 'https://files.example.com/old/path?sig=1', { endpoint: 'https://files.example.com', key: '/k/a' }],
    ['a key that starts with / gets no second one', { s3: { key: '/k/a' } }, 'https://files.example.com/old', { endpoint: 'https://files.example.com', key: '/k/a' }],
    ['an archive URL without a host keeps the key as the path', { s3: { key: 'k/a' } }, '/base', { key: 'k/a' }],
  ])('relocating into an http archive location: %s', (_what, artifact, url, expected) => {
    const w = wf({ artifact: { name: 'a', ...artifact }, template: { archiveLocation: { http: { url } } } });
    expect(storage(w)).toEqual({ source: 'template', storage: { driver: 'http', ...expected } });
  });

  it('an artifactory repoURL that already ends in / is the base as it is', () => {
    const w = wf({ artifact: { name: 'a', artifactory: { url: 'w/p/a.tgz' } }, repository: { artifactory: { repoURL: 'https://art.example.com/generic/' } } });
    expect(storage(w).storage).toEqual({ driver: 'artifactory', endpoint: 'https://art.example.com', key: '/w/p/a.tgz' });
  });

  it('relocates into an hdfs repository by its string addresses only, and names no endpoint without one', () => {
    const key = { hdfs: { path: '/data/a' } };
    expect(storage(wf({ artifact: { name: 'a', ...key }, repository: { hdfs: { addresses: ['nn1:8020', 7, null, 'nn2:8020'] } } })).storage).toEqual({ driver: 'hdfs', endpoint: 'nn1:8020,nn2:8020', key: '/data/a' });
    expect(storage(wf({ artifact: { name: 'a', ...key }, repository: { hdfs: { pathFormat: '/x' } } })).storage).toEqual({ driver: 'hdfs', key: '/data/a' });
  });

  it('cannot relocate into a git archive location, which takes no key (GitArtifact.SetKey)', () => {
    const w = wf({ artifact: { name: 'a', s3: { key: 'k' } }, template: { archiveLocation: { git: { repo: 'https://g/r.git' } } } });
    expect(resolve(w)).toEqual({ kind: 'unresolved', reason: 'a git archive location takes no key' });
  });

  it.each([
    ['http with a url', { http: { url: 'https://files.example.com/a.bin' } }, { driver: 'http', endpoint: 'https://files.example.com', key: '/a.bin' }],
    ['http with a query and a fragment (set apart, as url.Parse does)', { http: { url: 'HTTPS://files.example.com/d/a.bin?X-Sig=1/2#frag' } }, { driver: 'http', endpoint: 'HTTPS://files.example.com', key: '/d/a.bin' }],
    ['http with a host only', { http: { url: 'https://files.example.com?x=1' } }, { driver: 'http', endpoint: 'https://files.example.com', key: '' }],
    ['git with a repo', { git: { repo: 'https://github.com/o/r.git', revision: 'main' } }, { driver: 'git', endpoint: 'https://github.com/o/r.git' }],
    ['raw', { raw: { data: 'hello' } }, { driver: 'raw' }],
    ['plugin with name, configuration and key', { plugin: { name: 'p', configuration: 'c', key: 'k' } }, { driver: 'plugin', plugin: 'p', key: 'k' }],
    ['hdfs with addresses', { hdfs: { addresses: ['nn:8020'], path: '/d/a', hdfsUser: 'u' } }, { driver: 'hdfs', endpoint: 'nn:8020', key: '/d/a' }],
  ])('%s keeps its own location', (_what, artifact, expected) => {
    expect(storage(wf({ artifact: { name: 'a', ...artifact } }))).toEqual({ source: 'artifact', storage: expected });
  });
});

describe('finding the template (util.GetTemplateFromNode, Workflow.GetTemplateByName)', () => {
  const tmpl = (bucket: string) => ({ name: 'shared', archiveLocation: { s3: { endpoint: 'e', bucket, key: 'x' } } });
  const artifact = { name: 'a', s3: { key: 'k' } };

  it('by templateRef.template in status.storedTemplates', () => {
    const w = wf({ artifact, template: null, node: { templateName: undefined, templateRef: { name: 'wft', template: 'shared' } }, status: { storedTemplates: { 'namespaced/wft/shared': tmpl('stored') } } });
    expect(storage(w)).toEqual({ source: 'template', storage: { driver: 's3', endpoint: 'e', bucket: 'stored', key: 'k' } });
  });

  it('prefers the stored template under the node\'s own templateRef id when names collide', () => {
    const w = wf({
      artifact,
      template: null,
      node: { templateRef: { name: 'b-wft', template: 'shared', clusterScope: true } },
      status: { storedTemplates: { 'namespaced/a-wft/shared': tmpl('from-a'), 'cluster/b-wft/shared': tmpl('from-b') } },
    });
    expect(storage(w).storage.bucket).toBe('from-b');
  });

  it('tells a namespaced WorkflowTemplate from a ClusterWorkflowTemplate of the same name', () => {
    const stored = { 'cluster/b-wft/shared': tmpl('cluster'), 'namespaced/b-wft/shared': tmpl('namespaced') };
    const at = (templateRef: Obj) => storage(wf({ artifact, template: null, node: { templateRef }, status: { storedTemplates: stored } })).storage.bucket;
    expect(at({ name: 'b-wft', template: 'shared' })).toBe('namespaced');
    expect(at({ name: 'b-wft', template: 'shared', clusterScope: false })).toBe('namespaced');
    expect(at({ name: 'b-wft', template: 'shared', clusterScope: true })).toBe('cluster');
  });

  it('takes the first stored template by id when none is stored under the node\'s own templateRef, or the node has none', () => {
    const stored = { 'namespaced/z-wft/shared': tmpl('z'), 'namespaced/a-wft/shared': tmpl('a') };
    expect(storage(wf({ artifact, template: null, node: { templateRef: { name: 'other', template: 'shared' } }, status: { storedTemplates: stored } })).storage.bucket).toBe('a');
    expect(storage(wf({ artifact, template: null, node: { templateName: 'shared' }, status: { storedTemplates: stored } })).storage.bucket).toBe('a');
  });

  it('finds a stored template by its own name, never by the id it is stored under alone (GetTemplateByName)', () => {
    const node = { templateRef: { name: 'b-wft', template: 'shared' } };
    const at = (storedTemplates: Obj) => storage(wf({ artifact, template: null, node, status: { storedTemplates } })).storage.bucket;
    // Under the node's own id, but nameless or named otherwise: not the template the node runs.
    expect(at({ 'namespaced/a-wft/shared': tmpl('a'), 'namespaced/b-wft/shared': { archiveLocation: tmpl('nameless').archiveLocation }, 'namespaced/c-wft/shared': tmpl('c') })).toBe('a');
    expect(at({ 'namespaced/a-wft/shared': tmpl('a'), 'namespaced/b-wft/shared': { ...tmpl('misnamed'), name: 'other' } })).toBe('a');
  });

  it('indexes a Workflow without a spec or a status (nothing stored, nothing to find)', () => {
    const bare = Workflow.parse({ kind: 'Workflow', metadata: { name: 'w', namespace: 'argo' } });
    expect(indexTemplates(bare)).toEqual({ byName: new Map(), stored: new Map(), storedByRef: new Map() });
    const specOnly = Workflow.parse({ kind: 'Workflow', metadata: { name: 'w', namespace: 'argo' }, spec: { templates: [{ name: 't' }] } });
    expect([...indexTemplates(specOnly).byName.keys()]).toEqual(['t']);
    const statusOnly = Workflow.parse({ kind: 'Workflow', metadata: { name: 'w', namespace: 'argo' }, status: { storedWorkflowTemplateSpec: { templates: [{ name: 's' }] } } });
    expect([...indexTemplates(statusOnly).byName.keys()]).toEqual(['s']);
  });

  it('by templateName in status.storedWorkflowTemplateSpec.templates (workflowTemplateRef)', () => {
    const w = wf({ artifact, template: null, spec: { workflowTemplateRef: { name: 'wft' } }, status: { storedWorkflowTemplateSpec: { templates: [{ ...tmpl('wft-spec'), name: 't' }] } } });
    expect(storage(w).storage.bucket).toBe('wft-spec');
  });

  it('spec.templates first, then the stored WorkflowTemplate spec, then storedTemplates (L3828-3848)', () => {
    const w = wf({
      artifact,
      spec: { templates: [{ ...tmpl('spec'), name: 't' }] },
      status: { storedWorkflowTemplateSpec: { templates: [{ ...tmpl('wft-spec'), name: 't' }] }, storedTemplates: { 'namespaced/x/t': { ...tmpl('stored'), name: 't' } } },
    });
    expect(storage(w).storage.bucket).toBe('spec');
  });

  it('a templateRef without a template name is an unnamed template, as in Argo (artifact_gc.go L180-183)', () => {
    const w = wf({ artifact, node: { templateRef: { name: 'wft' } } });
    expect(resolve(w)).toEqual({ kind: 'unresolved', reason: 'its node names no template' });
  });

  it('a template not in the Workflow gives no location rather than a guessed bucket', () => {
    const w = wf({ artifact, template: null });
    expect(resolve(w)).toEqual({ kind: 'unresolved', reason: 'template t is not in the Workflow' });
  });

  it('a missing repository gives no location for key-only artifacts', () => {
    const none = { kind: 'unresolved', reason: 'no archiveLocation on its template and no status.artifactRepositoryRef.artifactRepository' };
    expect(resolve(wf({ artifact, repository: null }))).toEqual(none);
    expect(resolve(wf({ artifact, repository: null, status: { artifactRepositoryRef: { artifactRepository: null } } }))).toEqual(none);
    expect(resolve(wf({ artifact, repository: { archiveLogs: true } }))).toEqual({ kind: 'unresolved', reason: 'the artifact repository names no storage' });
  });
});

describe('never uploaded (HasLocationOrKey false, argo #13161)', () => {
  it.each([
    ['no location at all', { name: 'a', path: '/tmp/a' }],
    ['an empty s3 block', { name: 'a', s3: {} }],
    ['a plugin with a name only', { name: 'a', plugin: { name: 'p' } }],
    ['git without a repo', { name: 'a', git: {} }],
  ])('%s', (_what, artifact) => {
    expect(resolve(wf({ artifact }))).toEqual({ kind: 'never-uploaded' });
  });
});

describe('credentials never appear', () => {
  it('keeps addresses only: no secret selectors, no userinfo, no query strings', () => {
    const cases: Obj[] = [
      { name: 'a', s3: { endpoint: 'https://AKIAXXXX:hunter2@minio:9000', bucket: 'b', key: 'k', accessKeySecret: secret('ak'), secretKeySecret: secret('sk'), sessionTokenSecret: secret('st'), caSecret: secret('ca'), encryptionOptions: { kmsKeyId: 'kms-1', serverSideCustomerKeySecret: secret('c') } } },
      { name: 'a', http: { url: 'https://user:hunter2@files.example.com/a?X-Amz-Signature=hunter2#frag', headers: [{ name: 'Authorization', value: 'Bearer hunter2' }], auth: { basicAuth: { usernameSecret: secret('u') } } } },
      { name: 'a', git: { repo: 'https://hunter2@github.com/o/r.git?token=hunter2', usernameSecret: secret('u'), sshPrivateKeySecret: secret('ssh') } },
      { name: 'a', oss: { endpoint: 'oss.example.com', bucket: 'b', key: 'k', securityToken: 'hunter2', accessKeySecret: secret('a') } },
      { name: 'a', plugin: { name: 'p', configuration: 'password: hunter2', key: 'k' } },
      { name: 'a', hdfs: { addresses: ['nn:8020'], path: '/p', krbKeytabSecret: secret('kt'), krbCCacheSecret: secret('cc') } },
    ];
    for (const artifact of cases) {
      const { storage: s } = storage(wf({ artifact }));
      const text = JSON.stringify(s) + displayLocation(s);
      expect(text).not.toMatch(/hunter2|AKIA|Secret|secret|kms|Bearer|token/);
    }
  });

  it.each([
    ['an S3 endpoint without a scheme', { s3: { endpoint: 'AKIAXXXX:hunter2@minio:9000', bucket: 'b', key: 'k' } }, 'minio:9000'],
    ['an S3 endpoint with a user and no password', { s3: { endpoint: 'http://AKIAXXXX@minio:9000', bucket: 'b', key: 'k' } }, 'http://minio:9000'],
    ['an S3 endpoint with a user, no password and no scheme', { s3: { endpoint: 'AKIAXXXX@minio:9000', bucket: 'b', key: 'k' } }, 'minio:9000'],
    ['a git repository whose path holds an @, which is not userinfo', { git: { repo: 'https://git.example.com/mirrors/@team/r.git' } }, 'https://git.example.com/mirrors/@team/r.git'],
    ['an OSS endpoint', { oss: { endpoint: 'https://AKIAXXXX:hunter2@oss.example.com', bucket: 'b', key: 'k' } }, 'https://oss.example.com'],
    ['an Azure endpoint', { azure: { endpoint: 'https://AKIAXXXX:hunter2@acct.blob.core.windows.net', container: 'c', blob: 'k' } }, 'https://acct.blob.core.windows.net'],
    ['an Artifactory URL', { artifactory: { url: 'https://AKIAXXXX:hunter2@art.example.com/r/a.tgz', usernameSecret: secret('u') } }, 'https://art.example.com'],
    ['a git repository without a scheme', { git: { repo: 'git:hunter2@github.com:o/r.git' } }, 'github.com:o/r.git'],
  ])('drops the userinfo of %s and keeps the address', (_what, artifact, endpoint) => {
    expect(storage(wf({ artifact: { name: 'a', ...artifact } })).storage.endpoint).toBe(endpoint);
  });
});

describe('what a location names, field by field', () => {
  it('has no endpoint when none is written (an AWS default), and no empty field where one would be', () => {
    expect(storageOf(driverLocation({ s3: { bucket: 'b', key: 'k' } })!)).toStrictEqual({ driver: 's3', bucket: 'b', key: 'k' });
  });

  it('reads a number, a list or an empty text where a name belongs as no name at all', () => {
    expect(storageOf(driverLocation({ s3: { endpoint: 9000, bucket: '', region: ['eu-west-1'], key: 'k' } })!)).toStrictEqual({ driver: 's3', key: 'k' });
  });
});

describe('display URLs', () => {
  it.each([
    [{ driver: 's3', bucket: 'b', key: '/k/a' }, 's3://b/k/a'],
    [{ driver: 's3', key: 'k' }, 's3://<no bucket>/k'],
    [{ driver: 'gcs', bucket: 'g', key: 'k' }, 'gs://g/k'],
    [{ driver: 'oss', bucket: 'o', key: 'k' }, 'oss://o/k'],
    [{ driver: 'azure', endpoint: 'https://acct.blob.core.windows.net/', bucket: 'c', key: 'k' }, 'https://acct.blob.core.windows.net/c/k'],
    [{ driver: 'hdfs', endpoint: 'nn:8020', key: '/d/a' }, 'hdfs:///d/a'],
    [{ driver: 'http', endpoint: 'https://h', key: '/a' }, 'https://h/a'],
    [{ driver: 'git', endpoint: 'https://github.com/o/r.git' }, 'https://github.com/o/r.git'],
    [{ driver: 'raw' }, 'raw (inline in the Workflow)'],
    [{ driver: 'plugin', plugin: 'p', key: 'k' }, 'plugin://p/k'],
    // What is missing is said, never left as an empty part of the URL.
    [{ driver: 's3', bucket: 'b', key: '//k/a' }, 's3://b/k/a'],
    [{ driver: 's3', bucket: 'b' }, 's3://b/'],
    [{ driver: 'gcs', key: 'k' }, 'gs://<no bucket>/k'],
    [{ driver: 'azure', bucket: 'c', key: 'k' }, 'azblob://c/k'],
    [{ driver: 'azure', endpoint: 'https://acct.blob.core.windows.net//', key: 'k' }, 'https://acct.blob.core.windows.net/<no bucket>/k'],
    [{ driver: 'http', key: 'a' }, '/a'],
    [{ driver: 'git' }, 'git (no repository)'],
    [{ driver: 'plugin', key: 'k' }, 'plugin://<no plugin>/k'],
  ] as const)('%j', (s, expected) => {
    expect(displayLocation(s as never)).toBe(expected);
  });
});

describe("assess on artifact_gc_test.go's artgcWorkflow", () => {
  const w = fixture('argo-artgc-workflow.json');
  const pending = assessRaw({ workflow: w }, { now: new Date('2022-08-01T23:30:00Z'), quietPeriodMs: 1_800_000 }).pendingArtifacts;
  const of = (name: string) => pending.find((a) => a.name === name)!;

  it('keeps the full locations of first-on-completion-1/-2 and second-on-completion', () => {
    expect(of('first-on-completion-1').storage).toEqual({ driver: 's3', endpoint: 'minio:9000', bucket: 'my-bucket-2', key: 'first-on-completion-1' });
    expect(of('first-on-completion-2').storage?.bucket).toBe('my-bucket-3');
    expect(of('second-on-completion').storage?.bucket).toBe('my-bucket-3');
  });

  it("puts the key-only on-deletion artifact in template second's archiveLocation, as the test asserts (L441: my-bucket-3)", () => {
    expect(of('on-deletion')).toMatchObject({ location: 's3://my-bucket-3/on-deletion', storage: { driver: 's3', endpoint: 'minio:9000', bucket: 'my-bucket-3', key: 'on-deletion' } });
  });

  it("puts template first's archived log in the repository bucket (first has no archiveLocation; its strategy is Never, so the resolver is asked directly)", () => {
    const parsed = Workflow.parse(w);
    const node = parsed.status!.nodes!['two-artgc-8tcvt-802059674']!;
    const logs = node.outputs!.artifacts!.find((a) => a.name === 'main-logs');
    const r = resolveArtifact(logs, node, parsed, indexTemplates(parsed));
    expect(r.kind === 'resolved' && r.source).toBe('repository');
    expect(r.kind === 'resolved' && storageOf(r.location)).toEqual({ driver: 's3', endpoint: 'minio:9000', bucket: 'my-bucket', key: 'two-artgc-8tcvt/two-artgc-8tcvt-first-802059674/main.log' });
  });

  it('lists the plugin artifacts of TestArtifactGCPodWithPlugins as never uploaded (name only, no key)', () => {
    // The Go test builds it without a phase or finalizer: give it what a completed Workflow carries.
    const plugins = fixture('argo-artgc-plugins.json');
    plugins.metadata.finalizers = ['workflows.argoproj.io/artifact-gc'];
    plugins.status.phase = 'Succeeded';
    const p = assessRaw({ workflow: plugins }, { now: new Date(), quietPeriodMs: 0 });
    expect(p.pendingArtifacts.map((a) => [a.name, a.neverUploaded])).toEqual([['plugin-artifact-1', true], ['plugin-artifact-2', true]]);
  });
});

describe('suspected directory orphans (argo #14387)', () => {
  const FINALIZER = 'workflows.argoproj.io/artifact-gc';
  const raw = (artifacts: Obj[], tasks: Obj[] = []) => ({
    workflow: {
      kind: 'Workflow',
      metadata: { name: 'w', namespace: 'argo', uid: 'u1', finalizers: [FINALIZER] },
      spec: { artifactGC: { strategy: 'OnWorkflowCompletion' }, templates: [{ name: 't' }] },
      status: {
        phase: 'Succeeded',
        finishedAt: '2026-08-20T10:00:00Z',
        artifactRepositoryRef: { artifactRepository: { s3: { endpoint: 's3.amazonaws.com', bucket: 'b' } } },
        nodes: { n1: { id: 'n1', type: 'Pod', templateName: 't', outputs: { artifacts } } },
      },
    },
    tasks,
  });
  const task = (results: Record<string, boolean>) => ({
    kind: 'WorkflowArtifactGCTask',
    metadata: { name: 'w-artgc-wfcomp-1-0', namespace: 'argo' },
    status: { artifactResultsByNode: { n1: { artifactResults: Object.fromEntries(Object.entries(results).map(([name, success]) => [name, { name, success }])) } } },
  });
  const run = (r: ReturnType<typeof raw>) => assessRaw(r, { now: new Date('2026-08-20T12:00:00Z'), quietPeriodMs: 1_800_000 });

  it('lists an archive:none S3 artifact without a trailing / once GC said it was deleted (deleted: true)', () => {
    const a = run(raw([{ name: 'dir', archive: { none: {} }, s3: { key: 'w/dir' }, deleted: true }]));
    expect(a.pendingArtifacts).toEqual([]);
    expect(a.suspectedDirectoryOrphans).toEqual([
      { node: 'n1', name: 'dir', location: 's3://b/w/dir', storage: { driver: 's3', endpoint: 's3.amazonaws.com', bucket: 'b', key: 'w/dir' } },
    ]);
    // What the audit record keeps of it reads back whole through the Assessment schema.
    expect(Assessment.parse(a)).toEqual(a);
  });

  it('lists it when a GC task reports success though the controller has not marked it deleted', () => {
    const a = run(raw([{ name: 'dir', archive: { none: {} }, s3: { key: 'w/dir' } }], [task({ dir: true })]));
    expect(a.suspectedDirectoryOrphans!.map((o) => o.name)).toEqual(['dir']);
    expect(a.pendingArtifacts.map((p) => p.name)).toEqual(['dir']);
    // One task saying so is enough: another task (a retried pod's) without that result does not take it back.
    const retried = { ...task({}), metadata: { name: 'w-artgc-wfcomp-2-0', namespace: 'argo' } };
    expect(run(raw([{ name: 'dir', archive: { none: {} }, s3: { key: 'w/dir' } }], [retried, task({ dir: true })])).suspectedDirectoryOrphans!.map((o) => o.name)).toEqual(['dir']);
  });

  it('does not list a key ending in /, a tarred artifact, a failed delete, or a non-S3 driver', () => {
    const a = run(
      raw(
        [
          { name: 'slash', archive: { none: {} }, s3: { key: 'w/dir/' }, deleted: true },
          { name: 'tar', s3: { key: 'w/a.tgz' }, deleted: true },
          { name: 'failed', archive: { none: {} }, s3: { key: 'w/f' } },
          { name: 'gcs', archive: { none: {} }, gcs: { bucket: 'g', key: 'w/g' }, deleted: true },
        ],
        [task({ failed: false })],
      ),
    );
    expect(a.suspectedDirectoryOrphans).toEqual([]);
  });
});

describe('bucket facts: the snapshot slot verify fills (README "Finishing GC")', () => {
  const base = { kind: 'Workflow', metadata: { name: 'w', namespace: 'argo' } };
  it('is validated at the boundary like the rest of the snapshot', async () => {
    const { parseSnapshot, InvalidSnapshotError } = await import('../../../src/domain/snapshot.js');
    const fact = { storage: { driver: 's3', bucket: 'b', key: 'k' }, exists: false, checkedAt: '2026-08-20T12:00:00Z' };
    expect(parseSnapshot({ workflow: base, bucketFacts: [fact] }).bucketFacts).toEqual([fact]);
    expect(parseSnapshot({ workflow: base }).bucketFacts).toBeUndefined();
    expect(() => parseSnapshot({ workflow: base, bucketFacts: [{ ...fact, exists: 'no' }] })).toThrow(InvalidSnapshotError);
    expect(() => parseSnapshot({ workflow: base, bucketFacts: [{ ...fact, storage: { driver: 'ftp' } }] })).toThrow(/bucket fact #1 is not valid at storage.driver/);
  });
});
