import type { Member, Shape } from '../model/shapes';

/** Where each member of a restJson1 input/output travels, sorted once per operation. */
export interface RestBindings {
  readonly input: MessageBindings;
  readonly output: MessageBindings;
}

export interface MessageBindings {
  readonly labels: Member[];
  readonly query: Member[];
  readonly queryParams?: Member;
  readonly headers: Member[];
  readonly prefixHeaders: Member[];
  readonly payload?: Member;
  readonly statusCode?: Member;
  /** Members serialised in the JSON body (when there is no payload member). */
  readonly body: Member[];
}

export function buildMessageBindings(shape: Shape): MessageBindings {
  const b = { labels: [], query: [], headers: [], prefixHeaders: [], body: [] } as {
    labels: Member[]; query: Member[]; headers: Member[]; prefixHeaders: Member[]; body: Member[];
    queryParams?: Member; payload?: Member; statusCode?: Member;
  };
  if (shape.kind !== 'struct') return b;
  for (const m of shape.members) {
    if (m.httpLabel) b.labels.push(m);
    else if (m.httpQuery) b.query.push(m);
    else if (m.httpQueryParams) b.queryParams = m;
    else if (m.httpHeader) b.headers.push(m);
    else if (m.httpPrefixHeaders !== undefined) b.prefixHeaders.push(m);
    else if (m.httpPayload) b.payload = m;
    else if (m.httpResponseCode) b.statusCode = m;
    else b.body.push(m);
  }
  return b;
}

export function buildRestBindings(input: Shape, output: Shape): RestBindings {
  return { input: buildMessageBindings(input), output: buildMessageBindings(output) };
}
