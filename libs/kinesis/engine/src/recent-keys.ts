/**
 * `compute` with its answers kept for the partition keys seen lately. Producers reuse a bounded set of keys (a
 * device, a user, an order id in flight), so a put of 500 records usually meets far fewer distinct ones;
 * unbounded key sets just refill the cache after each clear (it is cleared when full, not evicted one by one).
 */
export function forRecentKeys<V>(compute: (partitionKey: string) => V, size = 4096): (partitionKey: string) => V {
  const recent = new Map<string, V>();
  return (partitionKey) => {
    let value = recent.get(partitionKey);
    if (value === undefined) {
      value = compute(partitionKey);
      if (recent.size >= size) recent.clear();
      recent.set(partitionKey, value);
    }
    return value;
  };
}
