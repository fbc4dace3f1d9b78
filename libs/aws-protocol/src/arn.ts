export interface ArnParts {
  partition: string;
  service: string;
  region: string;
  accountId: string;
  /** Everything after the account: `my-queue`, `stream/foo`, `broker:name:b-123`. */
  resource: string;
}

/** `arn:aws:<service>:<region>:<account>:<resource>` (partition defaults to aws). */
export function arn(parts: { service: string; region: string; accountId: string; resource: string; partition?: string }): string {
  return `arn:${parts.partition ?? 'aws'}:${parts.service}:${parts.region}:${parts.accountId}:${parts.resource}`;
}

/** Splits an ARN into its six parts; the resource may itself contain ':' and '/'. */
export function parseArn(value: string): ArnParts | undefined {
  if (typeof value !== 'string' || !value.startsWith('arn:')) return undefined;
  const parts = value.split(':');
  if (parts.length < 6) return undefined;
  const [, partition, service, region, accountId] = parts;
  const resource = parts.slice(5).join(':');
  if (!partition || !service || !resource) return undefined;
  return { partition, service, region, accountId, resource };
}
