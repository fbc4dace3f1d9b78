import { randomUUID } from 'node:crypto';

/** AWS request ids are UUIDs; randomUUID is cached-entropy fast (no per-call syscall). */
export function newRequestId(): string {
  return randomUUID();
}
