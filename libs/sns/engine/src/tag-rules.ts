import type { Tag } from '@aws-sdk/client-sns';
import { invalidParameter, tagLimitExceeded } from './errors';

export const MAX_TAGS = 50;

/** Checks tags as AWS does (key length, value length, no `aws:` prefix, at most 50) and keys them. */
export function validateTags(tags: Tag[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const tag of tags) {
    const key = tag.Key ?? '';
    const value = tag.Value ?? '';
    if (key.length < 1 || key.length > 128) throw invalidParameter('Invalid parameter: Tags Reason: Tag keys must be between 1 and 128 characters');
    if (value.length > 256) throw invalidParameter('Invalid parameter: Tags Reason: Tag values must be at most 256 characters');
    if (/^aws:/i.test(key)) throw invalidParameter('Invalid parameter: Tags Reason: Tag keys must not start with aws:');
    out[key] = value;
  }
  if (Object.keys(out).length > MAX_TAGS) throw tagLimitExceeded();
  return out;
}
