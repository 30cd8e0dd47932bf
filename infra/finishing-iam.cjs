// serverless.yml: `${file(./infra/finishing-iam.cjs)}` -> the evaluate role's S3 statements for finishing GC
// (README "Finishing GC"), generated from two stage params so the role names exactly the allow-listed buckets and
// key prefixes:
//   finishingBuckets: 'BUCKET:PREFIX[,PREFIX...] [BUCKET:PREFIX...]'  e.g. 'argo-artifacts:{{workflow.name}}/'
//   finishingDelete:  'true' to grant s3:DeleteObject (the "complete" action); anything else: read only
// A prefix's {{workflow.name}} / {{workflow.uid}} segment becomes `*` (IAM cannot name one Workflow); the
// remediator itself checks the exact Workflow's prefix before every request (src/domain/allow-list.ts).
// No buckets: only an explicit deny of s3:DeleteObject, so a deployment without finishing has no S3 rights on artifacts.
'use strict';

const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
const PLACEHOLDER = /\{\{workflow\.(name|uid)\}\}/g;

function parseBuckets(text) {
  const out = [];
  for (const entry of String(text ?? '').split(/\s+/).filter(Boolean)) {
    const colon = entry.indexOf(':');
    const bucket = colon < 0 ? entry : entry.slice(0, colon);
    const prefixes = colon < 0 ? [] : entry.slice(colon + 1).split(',').filter(Boolean);
    if (!BUCKET.test(bucket)) throw new Error(`finishingBuckets: ${JSON.stringify(bucket)} is not an S3 bucket name`);
    if (prefixes.length === 0) throw new Error(`finishingBuckets: bucket ${bucket} names no key prefix`);
    for (const p of prefixes) {
      const unique = p.split('/').some((s) => s === '{{workflow.name}}' || s === '{{workflow.uid}}');
      if (!unique || !p.endsWith('/') || p.includes('*')) {
        throw new Error(`finishingBuckets: prefix ${JSON.stringify(p)} of ${bucket} must hold {{workflow.name}} or {{workflow.uid}} as a whole segment, end in '/', and have no '*'`);
      }
    }
    out.push({ bucket, prefixes: prefixes.map((p) => p.replace(PLACEHOLDER, '*')) });
  }
  return out;
}

function statements(buckets, allowDelete) {
  if (allowDelete && buckets.length === 0) throw new Error('finishingDelete is true but finishingBuckets names no bucket');
  // Never an empty policy (IAM refuses one): without completion, an explicit deny on deleting any object.
  const neverDelete = { Sid: 'FinishingNeverDeletes', Effect: 'Deny', Action: 's3:DeleteObject', Resource: { 'Fn::Sub': 'arn:${AWS::Partition}:s3:::*/*' } };
  if (buckets.length === 0) return [neverDelete];
  const objects = buckets.flatMap((b) => b.prefixes.map((p) => ({ 'Fn::Sub': `arn:\${AWS::Partition}:s3:::${b.bucket}/${p}*` })));
  const list = buckets.map((b, i) => ({
    Sid: `FinishingList${i}`,
    Effect: 'Allow',
    Action: 's3:ListBucket',
    Resource: { 'Fn::Sub': `arn:\${AWS::Partition}:s3:::${b.bucket}` },
    Condition: { StringLike: { 's3:prefix': b.prefixes.map((p) => `${p}*`) } },
  }));
  return [
    { Sid: 'FinishingRead', Effect: 'Allow', Action: 's3:GetObject', Resource: objects },
    ...list,
    allowDelete ? { Sid: 'FinishingDelete', Effect: 'Allow', Action: 's3:DeleteObject', Resource: objects } : neverDelete,
  ];
}

module.exports = async ({ resolveVariable }) => {
  const buckets = parseBuckets(await resolveVariable('param:finishingBuckets'));
  const allowDelete = String(await resolveVariable('param:finishingDelete')) === 'true';
  return { statements: statements(buckets, allowDelete) };
};
module.exports.parseBuckets = parseBuckets;
module.exports.statements = statements;
