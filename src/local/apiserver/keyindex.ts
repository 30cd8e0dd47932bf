/**
 * Keys of one resource type in byte order, the order etcd lists them in (`namespace/name`). Inserts are
 * buffered and merged in on the next read, deletes are compacted on the next read, so seeding 50,000
 * objects and paging through them stays O(n log n) overall instead of O(n^2).
 */
export class KeyIndex {
  private sorted: string[] = [];
  private pending = new Set<string>();
  private removed = new Set<string>();

  add(key: string): void {
    if (this.removed.delete(key)) return;
    if (this.pending.has(key)) return;
    if (this.find(key) >= 0) return;
    this.pending.add(key);
  }

  delete(key: string): void {
    if (this.pending.delete(key)) return;
    this.removed.add(key);
  }

  /** The live keys, sorted. The array is owned by the index: do not mutate, do not keep across writes. */
  keys(): readonly string[] {
    if (this.removed.size > 0) {
      const removed = this.removed;
      this.sorted = this.sorted.filter((k) => !removed.has(k));
      this.removed = new Set();
    }
    if (this.pending.size > 0) {
      const incoming = [...this.pending].sort(compare);
      this.pending = new Set();
      this.sorted = mergeSorted(this.sorted, incoming);
    }
    return this.sorted;
  }

  /** First position whose key is >= `key`. */
  static lowerBound(keys: readonly string[], key: string): number {
    let lo = 0;
    let hi = keys.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (compare(keys[mid] ?? '', key) < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  private find(key: string): number {
    const i = KeyIndex.lowerBound(this.sorted, key);
    return this.sorted[i] === key ? i : -1;
  }
}

/** Code-unit order; keys are ASCII (DNS-1123 names), so this is etcd's byte order. */
export function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function mergeSorted(a: readonly string[], b: readonly string[]): string[] {
  const out = new Array<string>(a.length + b.length);
  let i = 0;
  let j = 0;
  let k = 0;
  while (i < a.length && j < b.length) {
    const x = a[i] ?? '';
    const y = b[j] ?? '';
    if (compare(x, y) <= 0) {
      out[k++] = x;
      i++;
    } else {
      out[k++] = y;
      j++;
    }
  }
  while (i < a.length) out[k++] = a[i++] ?? '';
  while (j < b.length) out[k++] = b[j++] ?? '';
  return out;
}
