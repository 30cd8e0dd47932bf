import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';

const require = createRequire(import.meta.url);
const iam = require('../../../infra/finishing-iam.cjs') as {
  parseBuckets(text: string): { bucket: string; prefixes: string[] }[];
  statements(b: { bucket: string; prefixes: string[] }[], del: boolean): { Sid: string; Effect: string; Action: string; Resource: unknown; Condition?: unknown }[];
  (ctx: { resolveVariable(v: string): Promise<string> }): Promise<{ statements: unknown[] }>;
};

describe('infra/finishing-iam.cjs (the evaluate role S3 rights from serverless params)', () => {
  it('names exactly the listed buckets and prefixes; s3:ListBucket only under an s3:prefix condition', async () => {
    const out = await iam({ resolveVariable: async (v) => (v === 'param:finishingBuckets' ? 'argo-artifacts:{{workflow.name}}/,runs/{{workflow.uid}}/' : 'false') });
    expect(out.statements).toEqual([
      { Sid: 'FinishingRead', Effect: 'Allow', Action: 's3:GetObject', Resource: [{ 'Fn::Sub': 'arn:${AWS::Partition}:s3:::argo-artifacts/*/*' }, { 'Fn::Sub': 'arn:${AWS::Partition}:s3:::argo-artifacts/runs/*/*' }] },
      { Sid: 'FinishingList0', Effect: 'Allow', Action: 's3:ListBucket', Resource: { 'Fn::Sub': 'arn:${AWS::Partition}:s3:::argo-artifacts' }, Condition: { StringLike: { 's3:prefix': ['*/*', 'runs/*/*'] } } },
      { Sid: 'FinishingNeverDeletes', Effect: 'Deny', Action: 's3:DeleteObject', Resource: { 'Fn::Sub': 'arn:${AWS::Partition}:s3:::*/*' } },
    ]);
  });

  it('adds s3:DeleteObject on the same ARNs only when completion is enabled', () => {
    const s = iam.statements(iam.parseBuckets('b-1:{{workflow.name}}/'), true);
    expect(s.find((x) => x.Sid === 'FinishingDelete')).toEqual({ Sid: 'FinishingDelete', Effect: 'Allow', Action: 's3:DeleteObject', Resource: [{ 'Fn::Sub': 'arn:${AWS::Partition}:s3:::b-1/*/*' }] });
    expect(s.some((x) => x.Effect === 'Deny')).toBe(false);
    expect(s.every((x) => !String(x.Action).includes('*'))).toBe(true);
  });

  it('without buckets: only the deny; refuses prefixes without a Workflow-unique segment and delete without buckets', () => {
    expect(iam.statements(iam.parseBuckets(''), false).map((x) => x.Sid)).toEqual(['FinishingNeverDeletes']);
    expect(() => iam.parseBuckets('b-1:artifacts/')).toThrow('{{workflow.name}}');
    expect(() => iam.parseBuckets('b-1')).toThrow('names no key prefix');
    expect(() => iam.parseBuckets('B_1:{{workflow.name}}/')).toThrow('not an S3 bucket name');
    expect(() => iam.statements([], true)).toThrow('names no bucket');
  });
});
