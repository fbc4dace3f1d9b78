import { writeStruct, type WriteOptions } from '../document/write';
import type { Member, Shape } from '../model/shapes';

/** Serialises an output shape as JSON; a unit output is `{}`. */
export function encodeJsonBody(shape: Shape, output: unknown, opts: WriteOptions, members?: readonly Member[]): string {
  if (shape.kind !== 'struct') return '{}';
  return JSON.stringify(writeStruct(shape, output, opts, members));
}
