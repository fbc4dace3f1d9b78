import { decodeComponent } from '../http/request';

/** One dotted Query parameter path: `Attribute.1.Name=x` → root.c[Attribute].c[1].c[Name].v = x. */
export interface FormNode {
  v?: string;
  c?: Map<string, FormNode>;
}

/**
 * Builds the parameter tree from the query string and the form body (body wins on duplicates).
 * Returns undefined when a component has a broken percent escape.
 */
export function parseForm(...sources: string[]): FormNode | undefined {
  const root: FormNode = {};
  for (const src of sources) {
    if (!src) continue;
    let start = 0;
    while (start <= src.length) {
      let end = src.indexOf('&', start);
      if (end < 0) end = src.length;
      if (end > start) {
        const pair = src.slice(start, end);
        const eq = pair.indexOf('=');
        const key = decodeComponent(eq < 0 ? pair : pair.slice(0, eq));
        const value = decodeComponent(eq < 0 ? '' : pair.slice(eq + 1));
        if (key === undefined || value === undefined) return undefined;
        insert(root, key, value);
      }
      start = end + 1;
    }
  }
  return root;
}

function insert(root: FormNode, key: string, value: string): void {
  let node = root;
  for (const part of key.split('.')) {
    const children = (node.c ??= new Map());
    let child = children.get(part);
    if (!child) children.set(part, (child = {}));
    node = child;
  }
  node.v = value;
}

/** Children named 1..N in numeric order (gaps allowed, like AWS). */
export function indexed(node: FormNode | undefined): FormNode[] {
  if (!node?.c) return [];
  const items: [number, FormNode][] = [];
  for (const [k, child] of node.c) {
    if (/^[1-9]\d{0,6}$/.test(k)) items.push([Number(k), child]);
  }
  return items.sort((a, b) => a[0] - b[0]).map(([, n]) => n);
}
