const DAY = '(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)';
const LONG_DAY = '(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)';
const MONTH = '(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)';
const TIME = '\\d{2}:\\d{2}:\\d{2}';
/** RFC 9110 section 5.6.7: IMF-fixdate, and the obsolete RFC 850 and asctime forms a recipient must accept. */
const IMF_FIXDATE = new RegExp(`^${DAY}, \\d{2} ${MONTH} \\d{4} ${TIME} GMT$`);
const RFC850_DATE = new RegExp(`^${LONG_DAY}, \\d{2}-${MONTH}-\\d{2} ${TIME} GMT$`);
const ASCTIME_DATE = new RegExp(`^${DAY} ${MONTH} (?: \\d|\\d{2}) ${TIME} \\d{4}$`);

/**
 * Retry-After (RFC 9110 section 10.2.3) in milliseconds from `nowMs`: delay-seconds (a decimal integer) or an
 * HTTP-date; undefined when absent or unreadable, so the caller falls back to its own backoff. A fractional
 * number of seconds is not in the RFC but is read rather than ignored (rounded up). Anything else is
 * unreadable: `Date.parse` alone would take "1.5" or "-1" for a date in 2001 and retry at once.
 */
export function parseRetryAfter(value: string | null | undefined, nowMs: number): number | undefined {
  if (value === null || value === undefined) return undefined;
  const v = value.trim();
  if (/^\d+$/.test(v)) return Number(v) * 1000;
  if (/^\d+\.\d+$/.test(v)) return Math.ceil(Number(v) * 1000);
  let at = Number.NaN;
  if (IMF_FIXDATE.test(v) || RFC850_DATE.test(v)) at = Date.parse(v);
  // asctime carries no zone; HTTP dates are always UTC.
  else if (ASCTIME_DATE.test(v)) at = Date.parse(`${v} GMT`);
  return Number.isNaN(at) ? undefined : Math.max(0, at - nowMs);
}
