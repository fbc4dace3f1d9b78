/**
 * Plain aligned columns (no library: twenty lines, and the output must read the same in a terminal, a CI log
 * and a README code block). Numbers are right-aligned.
 */
export function formatTable(header: string[], rows: (string | number)[][]): string {
  const cells = [header, ...rows.map((r) => r.map(String))];
  const numeric = header.map((_, c) => rows.length > 0 && rows.every((r) => typeof r[c] === 'number' || /^\d[\d,./-]*$/.test(String(r[c]))));
  const widths = header.map((_, c) => Math.max(...cells.map((r) => (r[c] ?? '').length)));
  const line = (r: string[]) => r.map((cell, c) => (numeric[c] ? cell.padStart(widths[c]) : cell.padEnd(widths[c]))).join('  ').trimEnd();
  return [line(cells[0]), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.slice(1).map(line)].join('\n');
}

export const rate = (count: number, ms: number): string => (ms > 0 ? `${Math.round((count * 1000) / ms).toLocaleString('en-US')}/s` : '-');
export const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;
