import type { ErrorTraits, Member, Shape, StructShape } from './shapes';

/*
 * The SDK's static schema encoding (see @smithy/core/schema NormalizedSchema):
 *   number      simple type: 0 string, 1 number, 2 boolean, 4..7 timestamp (format), 15 document,
 *               17 bigint, 19 bigdecimal, 21 blob, 42 streaming blob; 64|x list of x; 128|x map of string→x
 *   "unit"      no input/output
 *   () => ref   lazy reference
 *   [ref, traits]                     member (traits: object, or a bitmask of the common ones)
 *   [0, ns, name, traits, ref]        simple type with traits
 *   [1, ns, name, traits, valueRef]   list
 *   [2, ns, name, traits, keyRef, valueRef] map
 *   [3|-3|4, ns, name, traits, memberNames, memberRefs] structure | error | union
 *   [9, ns, name, traits, inputRef, outputRef] operation
 */

type Traits = Record<string, unknown>;
type Ref = unknown;

// Same bit order as @smithy/core/schema translateTraits.
const BIT_TRAITS = ['httpLabel', 'idempotent', 'idempotencyToken', 'sensitive', 'httpPayload', 'httpResponseCode', 'httpQueryParams'];
const bitCache: Traits[] = [];

export function translateTraits(indicator: unknown): Traits {
  if (indicator && typeof indicator === 'object') return indicator as Traits;
  const n = (Number(indicator) || 0) | 0;
  const cached = bitCache[n];
  if (cached) return cached;
  const traits: Traits = {};
  BIT_TRAITS.forEach((name, i) => {
    if ((n >> i) & 1) traits[name] = 1;
  });
  return (bitCache[n] = traits);
}

const deref = (ref: Ref): Ref => (typeof ref === 'function' ? (ref as () => Ref)() : ref);
const isMember = (ref: Ref): ref is [Ref, unknown] => Array.isArray(ref) && ref.length === 2;
const isStatic = (ref: Ref): ref is unknown[] => Array.isArray(ref) && ref.length >= 5;

const SCALARS: Record<number, Shape> = {
  0: { kind: 'string' },
  1: { kind: 'number' },
  2: { kind: 'boolean' },
  4: { kind: 'timestamp', format: 4 },
  5: { kind: 'timestamp', format: 5 },
  6: { kind: 'timestamp', format: 6 },
  7: { kind: 'timestamp', format: 7 },
  15: { kind: 'document' },
  17: { kind: 'bigint' },
  19: { kind: 'bigdecimal' },
  21: { kind: 'blob' },
  42: { kind: 'blob', streaming: true },
};
const UNIT: Shape = { kind: 'unit' };

// Shared across models: the SDK's schema arrays are module singletons.
const shapeCache = new WeakMap<object, Shape>();
const numberCache = new Map<number, Shape>();

/** Own traits of a dereferenced schema (static arrays carry them at index 3). */
function ownTraits(schema: Ref): Traits {
  return isStatic(schema) ? translateTraits(schema[3]) : {};
}

export function compileShape(ref: Ref): Shape {
  const schema = deref(ref);
  if (schema === 'unit' || schema === undefined) return UNIT;
  if (typeof schema === 'number') return compileNumber(schema);
  if (isMember(schema)) return compileShape(schema[0]);
  if (!isStatic(schema)) throw new Error(`aws-protocol: unrecognised schema ${String(schema)}`);
  const cached = shapeCache.get(schema);
  if (cached) return cached;
  const [type, ns, name] = schema as [number, string, string];
  const traits = translateTraits(schema[3]);
  switch (type) {
    case 0: {
      const shape = compileShape(schema[4]);
      shapeCache.set(schema, shape);
      return shape;
    }
    case 1: {
      const shape = { kind: 'list', name, sparse: !!traits.sparse } as { kind: 'list'; name: string; sparse: boolean; member?: Member };
      shapeCache.set(schema, shape as Shape);
      shape.member = compileMember(schema[4], 'member');
      return shape as Shape;
    }
    case 2: {
      const shape = { kind: 'map', name, sparse: !!traits.sparse } as { kind: 'map'; name: string; sparse: boolean; key?: Member; value?: Member };
      shapeCache.set(schema, shape as Shape);
      shape.key = compileMember(schema[4] ?? 0, 'key');
      shape.value = compileMember(schema[5], 'value');
      return shape as Shape;
    }
    case 3:
    case -3:
    case 4: {
      const members: Member[] = [];
      const shape: StructShape = {
        kind: 'struct',
        union: type === 4,
        name,
        namespace: ns,
        members,
        byName: new Map(),
        error: type === -3 ? errorTraits(traits) : undefined,
        streaming: !!traits.streaming,
      };
      shapeCache.set(schema, shape);
      const names = schema[4] as string[];
      const refs = schema[5] as Ref[];
      const requiredCount = typeof schema[6] === 'number' ? schema[6] : 0;
      for (let i = 0; i < names.length; i++) {
        const m = compileMember(refs[i], names[i], i < requiredCount);
        members.push(m);
        shape.byName.set(m.name, m);
      }
      return shape;
    }
    default:
      throw new Error(`aws-protocol: unsupported schema type ${type} for ${ns}#${name}`);
  }
}

function compileNumber(n: number): Shape {
  const scalar = SCALARS[n];
  if (scalar) return scalar;
  const cached = numberCache.get(n);
  if (cached) return cached;
  let shape: Shape;
  if (n >= 64 && n < 128) {
    shape = { kind: 'list', member: compileMember(n & 63, 'member'), sparse: false };
  } else if (n >= 128 && n <= 255) {
    shape = { kind: 'map', key: compileMember(0, 'key'), value: compileMember(n & 63, 'value'), sparse: false };
  } else {
    throw new Error(`aws-protocol: unsupported simple schema ${n}`);
  }
  numberCache.set(n, shape);
  return shape;
}

function errorTraits(traits: Traits): ErrorTraits {
  const query = traits.awsQueryError as [string, number] | undefined;
  return {
    fault: traits.error === 'server' ? 'server' : 'client',
    httpError: typeof traits.httpError === 'number' ? traits.httpError : undefined,
    queryCode: query?.[0],
    queryStatus: query?.[1],
  };
}

/** Unwraps member layers (outermost wins, like NormalizedSchema) and merges with the target's own traits. */
export function compileMember(ref: Ref, name: string, required = false): Member {
  const memberLayers: Traits[] = [];
  let cur = ref;
  while (isMember(cur)) {
    memberLayers.push(translateTraits(cur[1]));
    cur = deref(cur[0]);
  }
  cur = deref(cur);
  const memberTraits: Traits = {};
  for (let i = memberLayers.length - 1; i >= 0; i--) Object.assign(memberTraits, memberLayers[i]);
  const merged: Traits = { ...ownTraits(cur), ...memberTraits };
  const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
  return {
    name,
    shape: compileShape(cur),
    jsonName: str(merged.jsonName),
    xmlName: str(memberTraits.xmlName),
    queryName: str(merged.xmlName) ?? name,
    flattened: !!merged.xmlFlattened,
    httpLabel: !!merged.httpLabel,
    httpQuery: str(merged.httpQuery),
    httpQueryParams: !!merged.httpQueryParams,
    httpHeader: str(merged.httpHeader)?.toLowerCase(),
    httpPrefixHeaders: str(merged.httpPrefixHeaders)?.toLowerCase(),
    httpPayload: !!merged.httpPayload,
    httpResponseCode: !!merged.httpResponseCode,
    idempotencyToken: !!merged.idempotencyToken,
    eventPayload: !!merged.eventPayload,
    eventHeader: !!merged.eventHeader,
    mediaType: str(merged.mediaType),
    required,
  };
}
