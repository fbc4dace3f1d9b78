// Helpers of the cluster reliability tests (cluster-trucks, cluster-broker-loss): reading the CLI's
// verification table and the edge's request counts.
import { counterTotals } from '@wharf/testing';

/** The verification table's rows of `wharf demo trucks` (one per subscriber queue), keyed by column header. */
export function summary(stdout: string): Record<string, string>[] {
  const lines = stdout.split('\n');
  const at = lines.findIndex((l) => /^(subscriber +)?expected +received/.test(l));
  if (at < 0) throw new Error(`no verification table in:\n${stdout}`);
  const header = (lines[at] as string).trim().split(/ {2,}/);
  const rows: Record<string, string>[] = [];
  for (const line of lines.slice(at + 2)) {
    if (!line.trim()) break;
    const cells = line.trim().split(/ {2,}/);
    rows.push(Object.fromEntries(header.map((h, i) => [h, cells[i] ?? ''])));
  }
  return rows;
}

/** The edge's request counter (GET /metrics, wharf_edge_requests_total) as `service outcome status` → count. */
export async function edgeRequestCounts(edgeUrl: string): Promise<Map<string, number>> {
  return counterTotals(await (await fetch(`${edgeUrl}/metrics`)).text(), 'wharf_edge_requests_total', ['service', 'outcome', 'status']);
}

/** Client errors as the edge counted them: 5xx it proxied or answered itself (503 unavailable), per service. */
export function serverErrors(counts: Map<string, number>, service: string): number {
  let n = 0;
  for (const [key, count] of counts) {
    const [s, , status] = key.split(' ');
    if (s === service && Number(status) >= 500) n += count;
  }
  return n;
}
