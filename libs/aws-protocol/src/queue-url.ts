/** `<baseUrl>/<account>/<queueName>`; baseUrl is the public origin clients can reach (no trailing slash needed). */
export function queueUrl(baseUrl: string, accountId: string, queueName: string): string {
  return `${baseUrl.replace(/\/+$/, '')}/${accountId}/${queueName}`;
}

const QUEUE_NAME = /^[A-Za-z0-9_-]{1,80}$|^[A-Za-z0-9_-]{1,75}\.fifo$/;

/**
 * Account = second-to-last path segment, name = last. Accepts a full URL (any host) or a bare path, since
 * Query clients POST to the queue URL path.
 */
export function parseQueueUrl(url: string): { accountId: string; queueName: string } | undefined {
  if (typeof url !== 'string' || !url) return undefined;
  let path = url;
  const scheme = url.indexOf('://');
  if (scheme >= 0) {
    const slash = url.indexOf('/', scheme + 3);
    if (slash < 0) return undefined;
    path = url.slice(slash);
  }
  const q = path.search(/[?#]/);
  if (q >= 0) path = path.slice(0, q);
  const parts = path.split('/').filter(Boolean);
  if (parts.length < 2) return undefined;
  const queueName = parts[parts.length - 1];
  const accountId = parts[parts.length - 2];
  if (!/^\d{12}$/.test(accountId) || !QUEUE_NAME.test(queueName)) return undefined;
  return { accountId, queueName };
}
