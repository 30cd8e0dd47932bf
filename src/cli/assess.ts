import { type Command, UsageError } from './io.js';

// Placeholder until the command lands; replaced by its real implementation.
export const assessCommand: Command = async () => {
  throw new UsageError('assess is not available in this build yet');
};
