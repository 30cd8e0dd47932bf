/**
 * metav1.Status bodies, built the way k8s.io/apimachinery/pkg/api/errors builds them, so clients that
 * branch on `reason`, `code` and `details` behave here as they do against a real API server.
 */

export type StatusReason =
  | 'NotFound'
  | 'AlreadyExists'
  | 'Conflict'
  | 'Invalid'
  | 'BadRequest'
  | 'Forbidden'
  | 'Unauthorized'
  | 'MethodNotAllowed'
  | 'UnsupportedMediaType'
  | 'NotAcceptable'
  | 'RequestEntityTooLarge'
  | 'TooManyRequests'
  | 'ServiceUnavailable'
  | 'InternalError'
  | 'Expired'
  | 'Gone'
  | 'Timeout';

export interface StatusCause {
  reason?: string;
  message?: string;
  field?: string;
}

export interface StatusDetails {
  name?: string;
  group?: string;
  kind?: string;
  uid?: string;
  causes?: StatusCause[];
  retryAfterSeconds?: number;
}

export interface Status {
  kind: 'Status';
  apiVersion: 'v1';
  metadata: Record<string, never>;
  status: 'Failure' | 'Success';
  message?: string;
  reason?: StatusReason;
  details?: StatusDetails;
  code: number;
}

/** The group and plural a status speaks about: `workflows.argoproj.io`, or `pods` for the core group. */
export interface GroupResource {
  group: string;
  resource: string;
}

export function qualified(gr: GroupResource): string {
  return gr.group === '' ? gr.resource : `${gr.resource}.${gr.group}`;
}

/** Go omits empty strings (`omitempty`), so an empty group or name never appears in a real body. */
function details(gr: GroupResource | undefined, name: string | undefined, extra: StatusDetails = {}): StatusDetails {
  const d: StatusDetails = {};
  if (name) d.name = name;
  if (gr?.group) d.group = gr.group;
  if (gr?.resource) d.kind = gr.resource;
  return { ...d, ...extra };
}

/** An error that carries the exact Status body the server answers with. */
export class ApiError extends Error {
  readonly status: Status;
  readonly headers: Record<string, string>;
  /** Why, for the request log only: real servers sometimes hide the cause (JSON patch failures). */
  readonly note: string | undefined;

  constructor(status: Status, opts: { headers?: Record<string, string>; note?: string } = {}) {
    super(status.message ?? status.reason ?? `HTTP ${status.code}`);
    this.name = 'ApiError';
    this.status = status;
    this.headers = opts.headers ?? {};
    this.note = opts.note;
  }

  get code(): number {
    return this.status.code;
  }
}

function failure(code: number, reason: StatusReason | undefined, message: string | undefined, d?: StatusDetails): Status {
  // Key order as the Go encoder writes it, so recorded bodies read like real ones.
  return {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    ...(message !== undefined ? { message } : {}),
    ...(reason !== undefined ? { reason } : {}),
    ...(d !== undefined ? { details: d } : {}),
    code,
  };
}

export const OPTIMISTIC_LOCK_MESSAGE =
  'the object has been modified; please apply your changes to the latest version and try again';

export function notFound(gr: GroupResource, name: string): ApiError {
  return new ApiError(failure(404, 'NotFound', `${qualified(gr)} "${name}" not found`, details(gr, name)));
}

/** What a real server says for a path it does not serve inside a group it knows. */
export function resourceNotFound(): ApiError {
  return new ApiError(failure(404, 'NotFound', 'the server could not find the requested resource', {}));
}

export function alreadyExists(gr: GroupResource, name: string): ApiError {
  return new ApiError(failure(409, 'AlreadyExists', `${qualified(gr)} "${name}" already exists`, details(gr, name)));
}

export function conflict(gr: GroupResource, name: string, why: string = OPTIMISTIC_LOCK_MESSAGE): ApiError {
  return new ApiError(
    failure(409, 'Conflict', `Operation cannot be fulfilled on ${qualified(gr)} "${name}": ${why}`, details(gr, name)),
  );
}

export function badRequest(message: string): ApiError {
  return new ApiError(failure(400, 'BadRequest', message));
}

/** A field.Error as NewInvalid renders it: `metadata.uid: Invalid value: "x": field is immutable`. */
export interface FieldError {
  type: 'FieldValueInvalid' | 'FieldValueForbidden' | 'FieldValueRequired' | 'FieldValueNotSupported';
  field: string;
  /** The part after the field path, e.g. `Invalid value: "x": field is immutable`. */
  body: string;
}

export function invalidValue(field: string, value: unknown, detail: string): FieldError {
  return { type: 'FieldValueInvalid', field, body: `Invalid value: ${goQuote(value)}: ${detail}` };
}

export function forbiddenField(field: string, detail: string): FieldError {
  return { type: 'FieldValueForbidden', field, body: `Forbidden: ${detail}` };
}

export function requiredField(field: string, detail: string): FieldError {
  return { type: 'FieldValueRequired', field, body: `Required value: ${detail}` };
}

/** Go's %#v of a string or number, enough for the values we report. */
function goQuote(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

/** NewInvalid: `Workflow.argoproj.io "x" is invalid: <errors>`, reason Invalid, causes per field. */
export function invalid(group: string, kind: string, name: string, errors: FieldError[]): ApiError {
  const qualifiedKind = group === '' ? kind : `${kind}.${group}`;
  const rendered = errors.map((e) => `${e.field}: ${e.body}`);
  const aggregate = rendered.length === 1 ? rendered[0] : `[${rendered.join(', ')}]`;
  const d: StatusDetails = {};
  if (name) d.name = name;
  if (group) d.group = group;
  if (kind) d.kind = kind;
  d.causes = errors.map((e) => ({ reason: e.type, message: e.body, field: e.field }));
  return new ApiError(failure(422, 'Invalid', `${qualifiedKind} "${name}" is invalid: ${aggregate}`, d));
}

/**
 * A JSON patch that cannot be applied. The real server builds this with NewGenericServerResponse(422, ...,
 * isUnexpectedResponse=false): the library's reason (`testing value /x failed: test failed`) is dropped and
 * `details` is empty. We keep the reason only for the request log.
 */
export function patchNotApplied(reason: string): ApiError {
  return new ApiError(
    failure(422, 'Invalid', 'the server rejected our request due to an error in our request', {}),
    { note: reason },
  );
}

export function forbidden(gr: GroupResource, name: string, message: string): ApiError {
  const head = name ? `${qualified(gr)} "${name}" is forbidden` : `${qualified(gr)} is forbidden`;
  return new ApiError(failure(403, 'Forbidden', `${head}: ${message}`, details(gr, name)));
}

/** Forbidden for a non-resource URL: NewForbidden with an empty GroupResource. */
export function forbiddenPath(message: string): ApiError {
  return new ApiError(failure(403, 'Forbidden', `forbidden: ${message}`, {}));
}

export function unauthorized(): ApiError {
  return new ApiError(failure(401, 'Unauthorized', 'Unauthorized'));
}

export function methodNotSupported(gr: GroupResource, action: string): ApiError {
  return new ApiError(
    failure(405, 'MethodNotAllowed', `${action} is not supported on resources of kind "${qualified(gr)}"`, {
      ...(gr.group ? { group: gr.group } : {}),
      kind: gr.resource,
    }),
  );
}

export function unsupportedMediaType(contentType: string, accepted: string[]): ApiError {
  return new ApiError(
    failure(
      415,
      'UnsupportedMediaType',
      `the body of the request was in an unknown format - accepted media types include: ${accepted.join(', ')}`,
      {},
    ),
    { note: `content-type ${contentType || '(none)'}` },
  );
}

/** What the real server answers when the Accept header names a form it cannot produce for the request. */
export function notAcceptable(asked: string): ApiError {
  return new ApiError(
    failure(406, 'NotAcceptable', `only the following media types are accepted: application/json, application/yaml, application/vnd.kubernetes.protobuf`, {}),
    { note: `accept ${asked}` },
  );
}

export function entityTooLarge(message: string): ApiError {
  return new ApiError(failure(413, 'RequestEntityTooLarge', `Request entity too large: ${message}`));
}

export function tooManyRequests(retryAfterSeconds: number, message?: string): ApiError {
  return new ApiError(
    failure(429, 'TooManyRequests', message ?? 'Too many requests, please try again later.', { retryAfterSeconds }),
    { headers: { 'Retry-After': String(retryAfterSeconds) } },
  );
}

export function serviceUnavailable(message?: string, retryAfterSeconds?: number): ApiError {
  return new ApiError(
    failure(
      503,
      'ServiceUnavailable',
      message ?? 'the server is currently unable to handle the request',
      retryAfterSeconds !== undefined ? { retryAfterSeconds } : undefined,
    ),
    { headers: retryAfterSeconds !== undefined ? { 'Retry-After': String(retryAfterSeconds) } : {} },
  );
}

export function timeoutError(message?: string): ApiError {
  return new ApiError(
    failure(504, 'Timeout', `Timeout: ${message ?? 'request did not complete within requested timeout - context deadline exceeded'}`, {}),
  );
}

export function internalError(cause: string): ApiError {
  return new ApiError(
    failure(500, 'InternalError', `Internal error occurred: ${cause}`, { causes: [{ message: cause }] }),
  );
}

/** The Success status CRD storage answers a DELETE with when the object is gone at once (no `code`: Go omits 0). */
export interface SuccessStatus {
  kind: 'Status';
  apiVersion: 'v1';
  metadata: Record<string, never>;
  status: 'Success';
  details: StatusDetails;
}

export function deletedStatus(gr: GroupResource, name: string, uid: string): SuccessStatus {
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', details: { ...details(gr, name), uid } };
}
