import * as z from 'zod';

/**
 * How far a cluster (or namespace) lets the remediator go. Its own module so the configuration schema reads it
 * without the decision and assessment schemas: interact, which loads the configuration, needs none of them, and
 * every zod schema in a bundle is built at load (bench/README.md "interact").
 */
export const Mode = z.enum(['dry-run', 'notify-only', 'remediate']);
export type Mode = z.infer<typeof Mode>;
