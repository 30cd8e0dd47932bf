import { type Command, UsageError } from './io.js';

// Placeholder until the command lands; replaced by its real implementation.
export const demoCommand: Command = async () => {
  throw new UsageError('demo is not available in this build yet');
};
