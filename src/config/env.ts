import * as z from 'zod';

/** An optional environment variable: serverless writes unset optional parameters as "", which means absent. */
export const optionalEnv = <T extends z.ZodType>(schema: T) => z.preprocess((v) => (v === '' ? undefined : v), schema.optional());
