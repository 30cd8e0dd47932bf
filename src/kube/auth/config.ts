import * as z from 'zod';

/** A kubeconfig file and context, resolved like kubectl (KUBECONFIG colon list, then ~/.kube/config). */
export const KubeconfigAuth = z.strictObject({
  type: z.literal('kubeconfig'),
  path: z.string().min(1).optional(),
  context: z.string().min(1).optional(),
});

/** A bearer token and an endpoint held in memory (a Secrets Manager value, a test server). */
export const TokenAuth = z.strictObject({
  type: z.literal('token'),
  server: z.url({ protocol: /^https?$/, error: 'server must be an http(s) URL' }),
  /** Base64 PEM of the cluster CA, as in a kubeconfig's certificate-authority-data. */
  caData: z.string().min(1).optional(),
  token: z.string().min(1),
  skipTLSVerify: z.boolean().optional(),
});

/**
 * EKS with an IAM token minted in-process from the function's role. The endpoint and CA come from
 * configuration (the cluster's `endpoint` and `certificateAuthority.data`), so no eks:DescribeCluster call
 * or permission is needed at run time.
 */
export const EksAuth = z.strictObject({
  type: z.literal('eks'),
  clusterName: z.string().min(1).max(100).regex(/^[0-9A-Za-z][A-Za-z0-9\-_]*$/, 'not an EKS cluster name'),
  region: z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d+$/, 'not an AWS region such as eu-west-1'),
  server: z.url({ protocol: /^https$/, error: 'EKS server must be an https URL' }),
  caData: z.string().min(1),
});

export const ClusterAuth = z.discriminatedUnion('type', [KubeconfigAuth, TokenAuth, EksAuth]);
export type ClusterAuth = z.infer<typeof ClusterAuth>;
export type KubeconfigAuth = z.infer<typeof KubeconfigAuth>;
export type TokenAuth = z.infer<typeof TokenAuth>;
export type EksAuth = z.infer<typeof EksAuth>;
