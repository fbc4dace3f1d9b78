import type { HttpRequestLike } from '../types';

/** First value of a header (names are lower case in HttpRequestLike). */
export function header(req: HttpRequestLike, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

export function splitPathAndQuery(path: string): [string, string] {
  const q = path.indexOf('?');
  return q < 0 ? [path, ''] : [path.slice(0, q), path.slice(q + 1)];
}

/** Decodes one form/query component: `+` is a space (botocore, curl), `%XX` percent escapes. */
export function decodeComponent(s: string): string | undefined {
  if (s.indexOf('+') >= 0) s = s.replace(/\+/g, ' ');
  if (s.indexOf('%') < 0) return s;
  try {
    return decodeURIComponent(s);
  } catch {
    return undefined;
  }
}

/** Parses `a=1&b=2&a=3` into name → values; undefined when a component has a broken percent escape. */
export function parseQueryString(qs: string): Map<string, string[]> | undefined {
  const out = new Map<string, string[]>();
  if (!qs) return out;
  for (const pair of qs.split('&')) {
    if (!pair) continue;
    const eq = pair.indexOf('=');
    const k = decodeComponent(eq < 0 ? pair : pair.slice(0, eq));
    const v = decodeComponent(eq < 0 ? '' : pair.slice(eq + 1));
    if (k === undefined || v === undefined) return undefined;
    const list = out.get(k);
    if (list) list.push(v);
    else out.set(k, [v]);
  }
  return out;
}

export function safeDecodePath(path: string): string {
  if (path.indexOf('%') < 0) return path;
  try {
    return decodeURIComponent(path);
  } catch {
    return path;
  }
}
