// The inbound-signal API, in one import for the Lambda adapters and the CLI.
export { normalize, normalizeParsed, normalizeText, type NormalizeContext, type NormalizeResult } from './normalize.js';
export { judge, judgeRecord, judgeText, type InboundRecord, type Judgement, type RecordJudgement } from './judge.js';
export { SignalRejected } from './rejected.js';
export { dedupe } from './dedupe.js';
export { parseBoundedJson } from './bounded-json.js';
export { EVENTBRIDGE_EVENT, LAMBDA_INVOCATION, MAX_JSON_DEPTH, SNS_MESSAGE, SQS_MESSAGE, TRANSPORTS, type Transport } from './limits.js';
export { buildSweepMessage, SWEEP_MESSAGE_KIND, SweepMessage } from './sweep-message.js';
export { buildRequeueMessage, REQUEUE_MESSAGE_KIND, RequeueMessage } from './requeue-message.js';
export { buildForwardedMessage, FORWARDED_MESSAGE_KIND, ForwardedMessage } from './forwarded-message.js';
export { DEFAULT_EXPORTER_LAYOUT } from './templated-layout.js';
export { WorkflowSignal, SignalSource } from './signal.js';
