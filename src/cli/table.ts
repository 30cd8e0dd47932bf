const ANSI = { red: 31, green: 32, yellow: 33, blue: 34, magenta: 35, cyan: 36, dim: 2, bold: 1 } as const;
export type Colour = keyof typeof ANSI;

export function paint(text: string, colour: Colour | undefined, enabled: boolean): string {
  return enabled && colour ? `\u001b[${ANSI[colour]}m${text}\u001b[0m` : text;
}

const VERDICT_COLOURS: Record<string, Colour> = { remove: 'green', notify: 'red', wait: 'cyan', ignore: 'dim' };
export const verdictColour = (verdict: string): Colour | undefined => VERDICT_COLOURS[verdict];

export interface Cell {
  text: string;
  colour?: Colour | undefined;
}

/** Aligned columns; colour codes are added after padding so they never break alignment. */
export function renderTable(headers: string[], rows: (string | Cell)[][], opts: { color: boolean; maxWidth?: number }): string {
  const cells = rows.map((r) => r.map((c) => (typeof c === 'string' ? { text: c } : c)));
  const widths = headers.map((h, i) => Math.max(h.length, ...cells.map((r) => r[i]?.text.length ?? 0)));
  const last = headers.length - 1;
  if (opts.maxWidth) {
    const fixed = widths.slice(0, last).reduce((a, w) => a + w + 2, 0);
    widths[last] = Math.max(headers[last]!.length, Math.min(widths[last]!, opts.maxWidth - fixed));
  }
  const line = (row: Cell[], header = false) =>
    row
      .map((c, i) => {
        const text = i === last ? truncate(c.text, widths[i]!) : c.text.padEnd(widths[i]!);
        return paint(text, header ? 'bold' : c.colour, opts.color);
      })
      .join('  ')
      .trimEnd();
  return [line(headers.map((text) => ({ text })), true), ...cells.map((r) => line(r))].join('\n') + '\n';
}

function truncate(text: string, width: number): string {
  return text.length <= width ? text : `${text.slice(0, Math.max(0, width - 1))}…`;
}
