import { readStruct, type ReadOptions } from '../document/read';
import type { Member, Shape } from '../model/shapes';

/** Parses a JSON body (empty = `{}`) and reads it as the operation input. */
export function decodeJsonBody(
  shape: Shape,
  body: Buffer,
  opts: ReadOptions,
  members?: readonly Member[],
): Record<string, unknown> {
  if (shape.kind !== 'struct') return {};
  const doc = parseJson(body, opts);
  if (doc === undefined) return {};
  return readStruct(shape, doc, opts, '', members);
}

export function parseJson(body: Buffer, opts: ReadOptions): unknown {
  if (body.length === 0) return undefined;
  const text = body.toString('utf8');
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text);
  } catch (e) {
    throw opts.fail(`Malformed JSON: ${(e as Error).message}`);
  }
}
