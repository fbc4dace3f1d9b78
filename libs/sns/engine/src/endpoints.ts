import { invalidParameter, unsupportedFeature } from './errors';
import { deliveryAllowed, parseIp, type CidrRange } from './ip';
import type { SubscriptionProtocol, TopicRecord } from './records';
import { parseSqsQueueArn } from './names';

export const SUPPORTED_PROTOCOLS: readonly SubscriptionProtocol[] = ['sqs', 'http', 'https'];
const OTHER_AWS_PROTOCOLS = new Set(['email', 'email-json', 'sms', 'application', 'lambda', 'firehose']);

/** Which HTTP(S) endpoints this deployment may deliver to, and how host names resolve (DNS lives in the app). */
export interface EndpointPolicy {
  allowedCidrs: CidrRange[];
  resolve(host: string): Promise<string[]>;
}

export interface ValidEndpoint {
  protocol: SubscriptionProtocol;
  endpoint: string;
  /** SQS queue in another account: AWS asks that account to confirm. */
  crossAccount: boolean;
}

export async function validateEndpoint(
  protocolInput: string | undefined,
  endpoint: string | undefined,
  topic: TopicRecord,
  policy: EndpointPolicy,
): Promise<ValidEndpoint> {
  const protocol = (protocolInput ?? '').toLowerCase();
  if (!protocol) throw invalidParameter('Invalid parameter: Protocol');
  if (OTHER_AWS_PROTOCOLS.has(protocol)) {
    throw unsupportedFeature(`the ${protocol} protocol (${protocol === 'application' ? 'mobile push' : protocol === 'sms' ? 'SMS' : protocol})`);
  }
  if (!SUPPORTED_PROTOCOLS.includes(protocol as SubscriptionProtocol)) {
    throw invalidParameter(`Invalid parameter: Amazon SNS does not support this protocol string: ${protocolInput}`);
  }
  if (!endpoint) throw invalidParameter('Invalid parameter: Endpoint');
  if (protocol === 'sqs') {
    const queue = parseSqsQueueArn(endpoint);
    if (!queue) throw invalidParameter('Invalid parameter: SQS endpoint ARN');
    if (queue.fifo && !topic.fifo) {
      throw invalidParameter('Invalid parameter: Invalid parameter: Endpoint Reason: FIFO SQS Queues can not be subscribed to standard SNS topics');
    }
    return { protocol: 'sqs', endpoint, crossAccount: queue.accountId !== topic.accountId };
  }
  if (topic.fifo) {
    throw invalidParameter(`Invalid parameter: Endpoint Reason: FIFO topics support only sqs subscriptions, not ${protocol}`);
  }
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    throw invalidParameter('Invalid parameter: Endpoint must match the specified protocol');
  }
  if (url.protocol !== `${protocol}:`) throw invalidParameter('Invalid parameter: Endpoint must match the specified protocol');
  await checkHttpEndpointAllowed(url, policy);
  return { protocol: protocol as SubscriptionProtocol, endpoint, crossAccount: false };
}

/** Every address the host resolves to must lie in an allowed range (else a name could point anywhere later). */
export async function checkHttpEndpointAllowed(url: URL, policy: EndpointPolicy): Promise<void> {
  const host = url.hostname.replace(/^\[|\]$/g, '');
  let addresses: string[];
  if (parseIp(host)) {
    addresses = [host];
  } else {
    try {
      addresses = await policy.resolve(host);
    } catch {
      addresses = [];
    }
    if (addresses.length === 0) throw invalidParameter(`Invalid parameter: Endpoint Reason: ${host} does not resolve to an address`);
  }
  for (const address of addresses) {
    const ip = parseIp(address);
    if (!ip || !deliveryAllowed(ip, policy.allowedCidrs)) {
      throw invalidParameter(
        `Invalid parameter: Endpoint Reason: ${host} (${address}) is outside the addresses this Wharf delivers to (SNS_HTTP_ALLOWED_CIDRS)`,
      );
    }
  }
}
