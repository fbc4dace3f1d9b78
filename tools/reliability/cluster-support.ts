// Helpers of the cluster reliability tests (cluster-trucks, cluster-broker-loss): reading the CLI's
// verification table and the edge's request counts.

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
  const text = await (await fetch(`${edgeUrl}/metrics`)).text();
  const out = new Map<string, number>();
  for (const m of text.matchAll(/^wharf_edge_requests_total\{([^}]*)\} (\d+)/gm)) {
    const labels = Object.fromEntries([...(m[1] as string).matchAll(/(\w+)="([^"]*)"/g)].map((l) => [l[1], l[2]]));
    const key = `${labels.service} ${labels.outcome} ${labels.status}`;
    out.set(key, (out.get(key) ?? 0) + Number(m[2]));
  }
  return out;
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
