// The Slack stand-in lives in src/local (the demo posts to it too); tests use the same one, so what the demo
// shows and what the tests assert cannot drift apart. Scripted replies: `replies.ok()`, `rateLimited(s)`,
// `serverError()`, `invalidToken()`, `channelNotFound()`, `noService()`, `invalidBlocks()`, `channelArchived()`.
export { RECEIVER_SECRET, type ReceivedPost, type Reply, type SlackReceiver, replies, startSlackReceiver } from '../../src/local/slack-receiver.js';
