import { type Command, UsageError } from './io.js';

// Placeholder until the command lands; replaced by its real implementation.
export const explainEventCommand: Command = async () => {
  throw new UsageError('explain-event is not available in this build yet');
};
