/**
 * A counter from a Prometheus text page (GET /metrics), summed by the labels asked for: each key is those
 * labels' values joined by a space, in the order given (`['service', 'outcome']` → `"sqs in-process"`).
 * Samples that differ only in other labels add up.
 */
export function counterTotals(metricsText: string, name: string, labels: readonly string[]): Map<string, number> {
  const totals = new Map<string, number>();
  const sample = new RegExp(`^${name}(?:\\{([^}]*)\\})? (\\S+)`, 'gm');
  for (const m of metricsText.matchAll(sample)) {
    const values = new Map([...(m[1] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((l) => [l[1], l[2]]));
    const key = labels.map((l) => values.get(l) ?? '').join(' ');
    totals.set(key, (totals.get(key) ?? 0) + Number(m[2]));
  }
  return totals;
}
