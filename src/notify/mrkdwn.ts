/** Text helpers for Slack mrkdwn. Every value that came from a cluster goes through `esc` or `code`. */

/** Slack's three control characters; anything else in mrkdwn is shown as typed. */
export function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Inline code; a backtick inside would end it early. */
export function code(s: string): string {
  return '`' + esc(s).replace(/`/g, "'") + '`';
}

/** A fenced block; a fence inside would end it early. */
export function codeBlock(s: string): string {
  return '```' + esc(s).replace(/```/g, "'''") + '```';
}

/** Cuts to at most `max` characters, marking the cut. */
export function clip(s: string, max: number): string {
  if (s.length <= max) return s;
  return max <= 1 ? s.slice(0, max) : s.slice(0, max - 1) + '…';
}

/** `<url|label>` when a URL is known. The label is escaped; the URL is built by us from validated parts. */
export function link(url: string | undefined, label: string): string {
  return url ? `<${url}|${esc(label)}>` : esc(label);
}

/**
 * Joins as many lines as fit in `budget` characters, then says how many were left out. Each line is
 * clipped first so one huge line cannot push out all the others. Room for the "…and N more" line is kept
 * back at every step, so the result never exceeds the budget.
 */
export function fitLines(lines: readonly string[], budget: number, maxLine = 400): string {
  const out: string[] = [];
  let used = 0;
  for (const [i, raw] of lines.entries()) {
    const line = clip(raw, Math.min(maxLine, budget));
    const cost = line.length + (out.length > 0 ? 1 : 0);
    const left = lines.length - i - 1;
    const reserve = left > 0 ? `\n…and ${left} more`.length : 0;
    if (used + cost + reserve > budget) {
      const omitted = lines.length - i;
      return out.length === 0 ? `(${omitted} items, too long to list)` : `${out.join('\n')}\n…and ${omitted} more`;
    }
    out.push(line);
    used += cost;
  }
  return out.join('\n');
}
