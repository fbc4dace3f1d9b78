import { randomBytes } from 'node:crypto';

/** A short unique token for names and key prefixes, so parallel test files never collide. */
export function uniqueId(prefix = 't'): string {
  return `${prefix}${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
}
