import { endpointOverride, requiredRegion, type SignedRequestOptions, signedRequest, jsonAnswer } from './signed-request.js';

/** GetParameter with decryption; undefined when the parameter has no value. Errors are the caller's to word. */
export function signedGetParameter(o: SignedRequestOptions = {}): (name: string) => Promise<string | undefined> {
  return async (name) => {
    const env = o.env ?? process.env;
    const url = new URL(`${endpointOverride(env, 'SSM') ?? `https://ssm.${requiredRegion(env)}.amazonaws.com`}/`);
    const res = await signedRequest(
      {
        service: 'SSM',
        signingName: 'ssm',
        operation: 'GetParameter',
        method: 'POST',
        url,
        headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'AmazonSSM.GetParameter' },
        body: JSON.stringify({ Name: name, WithDecryption: true }),
      },
      o,
    );
    const value = jsonAnswer<{ Parameter?: { Value?: unknown } }>(res, 'SSM', 'GetParameter').Parameter?.Value;
    return typeof value === 'string' ? value : undefined;
  };
}
