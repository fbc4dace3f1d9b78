/**
 * Compiled shapes: the SDK's static Smithy schemas flattened once into plain objects with every trait the
 * codecs need already resolved, so no request re-walks NormalizedSchema.
 */

/** Smithy timestamp format as the SDK encodes it in the schema type: 4 default, 5 date-time, 6 http-date, 7 epoch-seconds. */
export type TimestampFormat = 4 | 5 | 6 | 7;

export type ScalarKind = 'string' | 'number' | 'boolean' | 'blob' | 'document' | 'bigint' | 'bigdecimal';

export interface ScalarShape {
  readonly kind: ScalarKind;
  readonly streaming?: boolean;
}

export interface TimestampShape {
  readonly kind: 'timestamp';
  readonly format: TimestampFormat;
}

export interface ListShape {
  readonly kind: 'list';
  readonly name?: string;
  readonly member: Member;
  readonly sparse: boolean;
}

export interface MapShape {
  readonly kind: 'map';
  readonly name?: string;
  readonly key: Member;
  readonly value: Member;
  readonly sparse: boolean;
}

export interface ErrorTraits {
  readonly fault: 'client' | 'server';
  readonly httpError?: number;
  readonly queryCode?: string;
  readonly queryStatus?: number;
}

export interface StructShape {
  readonly kind: 'struct';
  readonly union: boolean;
  /** Shape name without namespace, e.g. SendMessageRequest. */
  readonly name: string;
  readonly namespace: string;
  readonly members: Member[];
  readonly byName: Map<string, Member>;
  readonly error?: ErrorTraits;
  readonly streaming: boolean;
}

export interface UnitShape {
  readonly kind: 'unit';
}

export type Shape = ScalarShape | TimestampShape | ListShape | MapShape | StructShape | UnitShape;

/** A member with its merged traits (target's own traits overlaid by the member's). */
export interface Member {
  readonly name: string;
  readonly shape: Shape;
  /** restJson1 body key. */
  readonly jsonName?: string;
  /** Element name from the member's own traits (what the SDK's XML reader looks for). */
  readonly xmlName?: string;
  /** Key segment used by the Query serializer: merged xmlName ?? member name. */
  readonly queryName: string;
  readonly flattened: boolean;
  readonly httpLabel: boolean;
  readonly httpQuery?: string;
  readonly httpQueryParams: boolean;
  readonly httpHeader?: string;
  readonly httpPrefixHeaders?: string;
  readonly httpPayload: boolean;
  readonly httpResponseCode: boolean;
  readonly idempotencyToken: boolean;
  readonly eventPayload: boolean;
  readonly eventHeader: boolean;
  readonly mediaType?: string;
  /** Required by the model (the SDK lists required members first and counts them). */
  readonly required: boolean;
}
