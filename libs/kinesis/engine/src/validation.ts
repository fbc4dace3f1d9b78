import { KinesisErrors } from './errors';

/**
 * Model constraints (length, range, pattern, enum) checked the way AWS reports them:
 * "2 validation errors detected: Value 'x' at 'streamName' failed to satisfy constraint: …; …".
 * The SDK's schemas carry no constraint traits, so the engine checks them itself.
 */
export class Constraints {
  private readonly errors: string[] = [];

  required(path: string, value: unknown): this {
    if (value === undefined || value === null) this.fail(path, null, 'Member must not be null');
    return this;
  }

  length(path: string, value: string | Uint8Array | unknown[] | Record<string, unknown> | undefined | null, min?: number, max?: number): this {
    if (value === undefined || value === null) return this;
    const n = typeof value === 'string' || value instanceof Uint8Array || Array.isArray(value) ? value.length : Object.keys(value).length;
    if (min !== undefined && n < min) this.fail(path, value, `Member must have length greater than or equal to ${min}`);
    else if (max !== undefined && n > max) this.fail(path, value, `Member must have length less than or equal to ${max}`);
    return this;
  }

  range(path: string, value: number | undefined | null, min?: number, max?: number): this {
    if (value === undefined || value === null) return this;
    if (min !== undefined && value < min) this.fail(path, value, `Member must have value greater than or equal to ${min}`);
    else if (max !== undefined && value > max) this.fail(path, value, `Member must have value less than or equal to ${max}`);
    return this;
  }

  pattern(path: string, value: string | undefined | null, pattern: string): this {
    if (value === undefined || value === null) return this;
    if (!new RegExp(`^(?:${pattern})$`).test(value)) this.fail(path, value, `Member must satisfy regular expression pattern: ${pattern}`);
    return this;
  }

  oneOf(path: string, value: string | undefined | null, allowed: readonly string[]): this {
    if (value === undefined || value === null) return this;
    if (!allowed.includes(value)) this.fail(path, value, `Member must satisfy enum value set: [${allowed.join(', ')}]`);
    return this;
  }

  streamName(path: string, value: string | undefined | null): this {
    return this.length(path, value, 1, 128).pattern(path, value, '[a-zA-Z0-9_.-]+');
  }

  streamArn(path: string, value: string | undefined | null): this {
    return this.length(path, value, 1, 2048).pattern(path, value, 'arn:aws.*:kinesis:.*:\\d{12}:stream/\\S+');
  }

  fail(path: string, value: unknown, constraint: string): void {
    if (this.errors.length < 10) this.errors.push(`Value ${show(value)} at '${path}' failed to satisfy constraint: ${constraint}`);
  }

  get count(): number {
    return this.errors.length;
  }

  throwIfAny(): void {
    if (this.errors.length === 0) return;
    const n = this.errors.length;
    throw KinesisErrors.validation(`${n} validation error${n > 1 ? 's' : ''} detected: ${this.errors.join('; ')}`);
  }
}

function show(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (value instanceof Uint8Array) return `'java.nio.HeapByteBuffer[pos=0 lim=${value.length} cap=${value.length}]'`;
  if (Array.isArray(value)) return `'[${value.length} items]'`;
  if (typeof value === 'object') return `'${JSON.stringify(value)}'`;
  return `'${String(value)}'`;
}
