import { type Command, UsageError } from './io.js';

// Placeholder until the command lands; replaced by its real implementation.
export const scanCommand: Command = async () => {
  throw new UsageError('scan is not available in this build yet');
};
