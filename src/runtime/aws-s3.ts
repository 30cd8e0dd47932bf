// What the evaluate and sweep functions build on the S3 SDK. Reached only through the import() in
// src/runtime/aws.ts, so the bundles carry it as a chunk of its own (serverless.yml: splitting) that a Lambda
// loads on its first removal, finishing action or approval, and an evaluation that only notifies never parses.
export { approvalRuntimeFromConfig } from '../evaluate/approval-deps.js';
export { evidenceSinkFor } from '../evidence/config.js';
export { finishingWiringFromEnv } from '../finishing/wiring.js';
