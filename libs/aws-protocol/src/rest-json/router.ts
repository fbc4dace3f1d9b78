/** `http` trait of a restJson1 operation: method, URI pattern (may carry a static query), success code. */
export interface HttpTrait {
  readonly method: string;
  readonly uri: string;
  readonly code: number;
}

/** What the router needs of an operation (generic, so that routing does not depend on the service model). */
export interface Routable {
  readonly http?: HttpTrait;
}

interface Segment {
  /** Literal text, or the label's member name. */
  readonly text: string;
  readonly label: boolean;
  /** `{Name+}`: takes the rest of the path. */
  readonly greedy: boolean;
}

interface Route<Op> {
  readonly op: Op;
  readonly segments: Segment[];
  /** Static query pairs from a URI like `/x?type=foo`; the request must carry them. */
  readonly staticQuery: [string, string][];
  readonly literalCount: number;
}

export interface RouteMatch<Op> {
  readonly op: Op;
  /** Label member name → percent-decoded value. */
  readonly labels: Record<string, string>;
}

const splitPath = (path: string) => path.split('/').filter((s, i, all) => s !== '' || (i > 0 && i < all.length - 1));

/** Routes restJson1 requests by the operations' `http` trait (method + URI pattern). */
export class RestRouter<Op extends Routable> {
  private readonly byMethod = new Map<string, Route<Op>[]>();

  constructor(operations: Op[]) {
    for (const op of operations) {
      if (!op.http) continue;
      const [pathPart, queryPart] = op.http.uri.split('?');
      const segments = splitPath(pathPart).map((s): Segment => {
        const m = /^\{([^{}+]+)(\+)?\}$/.exec(s);
        return m ? { text: m[1], label: true, greedy: !!m[2] } : { text: s, label: false, greedy: false };
      });
      const route: Route<Op> = {
        op,
        segments,
        staticQuery: queryPart ? [...new URLSearchParams(queryPart)] : [],
        literalCount: segments.filter((s) => !s.label).length,
      };
      const method = op.http.method.toUpperCase();
      const list = this.byMethod.get(method) ?? [];
      list.push(route);
      this.byMethod.set(method, list);
    }
    // Most specific first: more literal segments, then static query constraints.
    for (const list of this.byMethod.values()) {
      list.sort((a, b) => b.literalCount - a.literalCount || b.staticQuery.length - a.staticQuery.length);
    }
  }

  /** `path` is the raw request path (no query); `query` the parsed query string. */
  match(method: string, path: string, query: Map<string, string[]>): RouteMatch<Op> | undefined {
    const routes = this.byMethod.get(method.toUpperCase());
    if (!routes) return undefined;
    const parts = splitPath(path);
    for (const route of routes) {
      const labels = matchSegments(route.segments, parts);
      if (!labels) continue;
      if (route.staticQuery.some(([k, v]) => !(query.get(k) ?? []).includes(v))) continue;
      return { op: route.op, labels };
    }
    return undefined;
  }
}

function matchSegments(segments: Segment[], parts: string[]): Record<string, string> | undefined {
  const labels: Record<string, string> = {};
  for (let i = 0; i < segments.length; i++) {
    const seg = segments[i];
    if (seg.greedy) {
      const rest = parts.slice(i);
      if (!rest.length) return undefined;
      const value = decode(rest.join('/'));
      if (value === undefined) return undefined;
      labels[seg.text] = value;
      return labels;
    }
    const part = parts[i];
    if (part === undefined) return undefined;
    if (seg.label) {
      const value = decode(part);
      if (!value) return undefined;
      labels[seg.text] = value;
    } else if (part !== seg.text) {
      return undefined;
    }
  }
  return parts.length === segments.length ? labels : undefined;
}

function decode(s: string): string | undefined {
  try {
    return decodeURIComponent(s);
  } catch {
    return undefined;
  }
}
