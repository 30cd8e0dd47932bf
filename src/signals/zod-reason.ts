import type { z } from 'zod';
import { SignalRejected } from './rejected.js';

/** The first schema issue as one line ("SQS record: body: expected string"), the rest counted. */
export function schemaRejected(subject: string, error: z.ZodError): SignalRejected {
  const [first, ...rest] = error.issues;
  const path = first?.path.length ? `${first.path.map(String).join('.')}: ` : '';
  const more = rest.length > 0 ? ` (and ${rest.length} more)` : '';
  return new SignalRejected(`${subject}: ${path}${first?.message ?? 'invalid'}${more}`);
}

/** `schema.safeParse` that throws a SignalRejected naming `subject` on failure. */
export function parseOrReject<S extends z.ZodType>(schema: S, input: unknown, subject: string): z.infer<S> {
  const parsed = schema.safeParse(input);
  if (!parsed.success) throw schemaRejected(subject, parsed.error);
  return parsed.data;
}
