const UNITS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };
/** Largest first, as formatDuration writes them. */
const FORMAT_UNITS = [['d', UNITS.d!], ['h', UNITS.h!], ['m', UNITS.m!], ['s', UNITS.s!]] as const;

/** Parses `90s`, `30m`, `2h`, `1h30m`, `500ms`, `1d`. Throws a readable error on anything else. */
export function parseDuration(text: string): number {
  const trimmed = text.trim();
  const re = /(\d+(?:\.\d+)?)(ms|s|m|h|d)/gy;
  let total = 0;
  let consumed = 0;
  let match: RegExpExecArray | null;
  while ((match = re.exec(trimmed)) !== null) {
    total += Number(match[1]) * UNITS[match[2]!]!;
    consumed = re.lastIndex;
  }
  if (trimmed.length === 0 || consumed !== trimmed.length) {
    throw new Error(`invalid duration '${text}': use a number with a unit, such as 90s, 30m or 2h`);
  }
  return Math.round(total);
}

/** The inverse, rounded to the largest sensible units: 5400000 -> "1h30m", 45000 -> "45s". */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms)) return String(ms);
  const sign = ms < 0 ? '-' : '';
  let rest = Math.abs(Math.round(ms));
  if (rest < 1_000) return `${sign}${rest}ms`;
  let text = sign;
  let parts = 0;
  for (const [unit, size] of FORMAT_UNITS) {
    const n = Math.floor(rest / size);
    if (n > 0) {
      text += `${n}${unit}`;
      parts++;
    }
    rest -= n * size;
    if (parts === 2) break;
  }
  return text;
}
