import { Errors } from './errors';
import { Limits } from './limits';

/** Checks queue tags as AWS does (count, key and value lengths); values as strings. */
export function validateTags(tags: Record<string, string>): Record<string, string> {
  const keys = Object.keys(tags);
  if (keys.length > Limits.maxTags) throw Errors.invalidParameterValue('Too many tags added for queue.');
  for (const k of keys) {
    const v = tags[k] ?? '';
    if (k.length < 1 || k.length > 128) throw Errors.invalidParameterValue(`Tag key ${k} must be between 1 and 128 characters.`);
    if (v.length > 256) throw Errors.invalidParameterValue(`Tag value for key ${k} must be at most 256 characters.`);
  }
  return Object.fromEntries(keys.map((k) => [k, String(tags[k] ?? '')]));
}
