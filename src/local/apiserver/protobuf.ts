/**
 * Just enough of the Kubernetes protobuf encoding to read a SelfSubjectAccessReview: kubectl's typed
 * clients (e.g. `kubectl auth can-i`) send `application/vnd.kubernetes.protobuf` and accept JSON back.
 * Wire format: the magic `k8s\0`, then a runtime.Unknown {1: typeMeta, 2: raw, 3: contentEncoding,
 * 4: contentType} whose `raw` is the object's own message.
 */

export const PROTOBUF_MEDIA_TYPE = 'application/vnd.kubernetes.protobuf';
const MAGIC = Buffer.from([0x6b, 0x38, 0x73, 0x00]);

type Fields = Map<number, Buffer[]>;

function readVarint(buf: Buffer, pos: number): [number, number] {
  let result = 0;
  let shift = 0;
  for (let i = 0; i < 10; i++) {
    const b = buf[pos++];
    if (b === undefined) throw new Error('truncated varint');
    result += (b & 0x7f) * 2 ** shift;
    if ((b & 0x80) === 0) return [result, pos];
    shift += 7;
  }
  throw new Error('varint too long');
}

/** Length-delimited fields by number; other wire types are skipped. */
function fields(buf: Buffer): Fields {
  const out: Fields = new Map();
  let pos = 0;
  while (pos < buf.length) {
    const [key, p1] = readVarint(buf, pos);
    pos = p1;
    const field = Math.floor(key / 8);
    const wire = key % 8;
    if (wire === 0) {
      pos = readVarint(buf, pos)[1];
    } else if (wire === 1) {
      pos += 8;
    } else if (wire === 5) {
      pos += 4;
    } else if (wire === 2) {
      const [len, p2] = readVarint(buf, pos);
      const value = buf.subarray(p2, p2 + len);
      if (value.length !== len) throw new Error('truncated field');
      pos = p2 + len;
      const list = out.get(field) ?? [];
      list.push(value);
      out.set(field, list);
    } else {
      throw new Error(`unsupported wire type ${wire}`);
    }
  }
  return out;
}

function str(f: Fields, n: number): string {
  return f.get(n)?.[0]?.toString('utf8') ?? '';
}

function message(f: Fields, n: number): Fields | undefined {
  const b = f.get(n)?.[0];
  return b === undefined ? undefined : fields(b);
}

/** Decodes a protobuf SelfSubjectAccessReview into the JSON shape of its spec. */
export function decodeSelfSubjectAccessReview(body: Buffer): { spec: Record<string, unknown> } {
  if (body.length < 4 || !body.subarray(0, 4).equals(MAGIC)) throw new Error('not a Kubernetes protobuf message');
  const unknown = fields(body.subarray(4));
  const raw = unknown.get(2)?.[0];
  if (raw === undefined) throw new Error('protobuf message has no raw object');
  const spec = message(fields(raw), 2);
  const out: Record<string, unknown> = {};
  const ra = spec ? message(spec, 1) : undefined;
  const nra = spec ? message(spec, 2) : undefined;
  if (ra) {
    out.resourceAttributes = {
      namespace: str(ra, 1), verb: str(ra, 2), group: str(ra, 3), version: str(ra, 4),
      resource: str(ra, 5), subresource: str(ra, 6), name: str(ra, 7),
    };
  }
  if (nra) out.nonResourceAttributes = { path: str(nra, 1), verb: str(nra, 2) };
  return { spec: out };
}
