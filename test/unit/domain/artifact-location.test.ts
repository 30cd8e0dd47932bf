import { describe, expect, it } from 'vitest';
import { artifactLocation } from '../../../src/domain/artifacts.js';

const repo = {
  s3: { bucket: 'argo-artifacts', endpoint: 's3.amazonaws.com' },
  gcs: { bucket: 'gcs-artifacts' },
  oss: { bucket: 'oss-artifacts' },
  azure: { container: 'argo', endpoint: 'https://acct.blob.core.windows.net' },
};

describe('artifactLocation: a URL a person can paste', () => {
  it.each([
    ['s3 with its own bucket', { name: 'a', s3: { bucket: 'b1', key: 'k/a.csv' } }, 's3://b1/k/a.csv'],
    ['key-only s3 (archived logs) resolved against the repository', { name: 'main-logs', s3: { key: 'wf/wf/main.log' } }, 's3://argo-artifacts/wf/wf/main.log'],
    ['gcs', { name: 'a', gcs: { key: 'k/a' } }, 'gs://gcs-artifacts/k/a'],
    ['oss', { name: 'a', oss: { bucket: 'o1', key: '/k/a' } }, 'oss://o1/k/a'],
    ['azure with the repository endpoint', { name: 'a', azure: { blob: 'k/a' } }, 'https://acct.blob.core.windows.net/argo/k/a'],
    ['artifactory', { name: 'a', artifactory: { url: 'https://artifactory.example.com/repo/a.tgz' } }, 'https://artifactory.example.com/repo/a.tgz'],
    ['http, credentials stripped', { name: 'a', http: { url: 'https://user:secret@files.example.com/a' } }, 'https://files.example.com/a'],
    ['hdfs', { name: 'a', hdfs: { path: '/data/a', addresses: ['nn:8020'] } }, 'hdfs:///data/a'],
    ['git, credentials stripped', { name: 'a', git: { repo: 'https://token@github.com/o/r.git' } }, 'https://github.com/o/r.git'],
    ['raw', { name: 'a', raw: { data: 'x' } }, 'raw (inline in the Workflow)'],
  ])('%s', (_what, artifact, expected) => {
    expect(artifactLocation(artifact as never, repo)).toBe(expected);
  });

  it('says the bucket is the default one when neither the artifact nor the repository names it', () => {
    expect(artifactLocation({ name: 'a', s3: { key: 'k' } } as never, undefined)).toBe('s3://<default bucket>/k');
  });

  it('gives no location when there is nothing to point at', () => {
    expect(artifactLocation({ name: 'a' } as never, repo)).toBeUndefined();
    expect(artifactLocation({ name: 'a', s3: {} } as never, repo)).toBeUndefined();
    expect(artifactLocation({ name: 'a', azure: { container: 'c' } } as never, repo)).toBeUndefined();
  });
});
