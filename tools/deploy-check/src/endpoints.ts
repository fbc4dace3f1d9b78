// The hosts and ports a connection setting names, in every form Wharf reads: one URL, a comma list of URLs
// (the edge's upstreams, RabbitMQ nodes), host:port lists (Kafka) and redis-cluster://h1:p1,h2:p2.

export interface Endpoint {
  host: string;
  port: number;
}

/** Each host:port `value` names; [] when it names none (a plain word, a CIDR list, a number). */
export function endpointsOf(value: string): Endpoint[] {
  const cluster = /^(?:rediss?)-cluster:\/\/(?:[^@/]*@)?([^/?#]+)\/?$/.exec(value.trim());
  const parts = cluster ? cluster[1].split(',') : value.split(',');
  const out: Endpoint[] = [];
  for (const part of parts) {
    const m = /^(?:[a-z][a-z0-9+.-]*:\/\/)?(?:[^@/]*@)?([A-Za-z][A-Za-z0-9.-]*):(\d+)(?:[/?#].*)?$/.exec(part.trim());
    if (m) out.push({ host: m[1], port: Number(m[2]) });
  }
  return out;
}

/** `host:port` strings of a setting, sorted: to compare a list with the nodes it should name. */
export const endpointKeys = (value: unknown): string[] => (typeof value === 'string' ? endpointsOf(value).map((e) => `${e.host}:${e.port}`).sort() : []);
