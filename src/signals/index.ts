// The inbound-signal API, in one import for the Lambda adapters and the CLI.
export { normalize, normalizeText, type NormalizeContext, type NormalizeResult } from './normalize.js';
export { SignalRejected } from './rejected.js';
export { dedupe } from './dedupe.js';
export { MAX_JSON_DEPTH, MAX_PAYLOAD_BYTES, parseBoundedJson } from './bounded-json.js';
export { buildSweepMessage, SWEEP_MESSAGE_KIND, SweepMessage } from './sweep-message.js';
export { buildRequeueMessage, REQUEUE_MESSAGE_KIND, RequeueMessage } from './requeue-message.js';
export { buildForwardedMessage, FORWARDED_MESSAGE_KIND, ForwardedMessage } from './forwarded-message.js';
export { DEFAULT_EXPORTER_LAYOUT } from './templated-layout.js';
export { WorkflowSignal, SignalSource } from './signal.js';
