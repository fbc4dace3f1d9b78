import type { WireAttribute } from './message-attributes';
import type { MessageSigner, SignatureVersion } from './signing/signer';
import type { SignableFields, SnsMessageType } from './signing/string-to-sign';
import { messageForProtocol, type StoredMessage } from './stored-message';

export interface EnvelopeSettings {
  signer: MessageSigner;
  /** Public base URL of the sns service (SubscribeURL, UnsubscribeURL). */
  baseUrl: string;
  signingCertUrl: string;
}

/** AWS prints envelopes with Jackson's pretty printer: `"Key" : value`, two-space indent, one line per field. */
function awsJson(fields: [string, unknown][]): string {
  const lines = fields.filter(([, v]) => v !== undefined).map(([k, v]) => {
    if (k === 'MessageAttributes') {
      const inner = Object.entries(v as Record<string, unknown>).map(([name, attr]) => `    ${JSON.stringify(name)} : ${JSON.stringify(attr)}`);
      return `  "MessageAttributes" : {\n${inner.join(',\n')}\n  }`;
    }
    return `  ${JSON.stringify(k)} : ${JSON.stringify(v)}`;
  });
  return `{\n${lines.join(',\n')}\n}`;
}

export function subscribeUrl(baseUrl: string, topicArn: string, token: string): string {
  return `${baseUrl}/?Action=ConfirmSubscription&TopicArn=${encodeURIComponent(topicArn)}&Token=${encodeURIComponent(token)}`;
}

export function unsubscribeUrl(baseUrl: string, subscriptionArn: string): string {
  return `${baseUrl}/?Action=Unsubscribe&SubscriptionArn=${encodeURIComponent(subscriptionArn)}`;
}

/** Envelope `MessageAttributes`: `{"name":{"Type":"String","Value":"v"}}`, binary as base64. */
export function envelopeAttributes(attributes: Record<string, WireAttribute> | undefined): Record<string, { Type: string; Value: string }> | undefined {
  if (!attributes || Object.keys(attributes).length === 0) return undefined;
  const out: Record<string, { Type: string; Value: string }> = {};
  for (const [name, a] of Object.entries(attributes)) out[name] = { Type: a.DataType, Value: a.StringValue ?? a.BinaryValue ?? '' };
  return out;
}

/** Builds and signs envelopes; one signature per message text and version is computed once and reused. */
export class EnvelopeBuilder {
  private readonly signatures = new Map<string, Promise<string>>();
  private static readonly CACHE_LIMIT = 20_000;

  constructor(private readonly settings: EnvelopeSettings) {}

  get signingCertUrl(): string {
    return this.settings.signingCertUrl;
  }

  /** One signature per message text and version, shared by every subscription's copy (also while in progress). */
  private sign(fields: SignableFields, version: SignatureVersion, cacheKey: string): Promise<string> {
    const key = `${cacheKey}|${version}`;
    let signature = this.signatures.get(key);
    if (signature === undefined) {
      signature = this.settings.signer.signAsync(fields, version);
      signature.catch(() => this.signatures.delete(key));
      if (this.signatures.size >= EnvelopeBuilder.CACHE_LIMIT) this.signatures.delete(this.signatures.keys().next().value as string);
      this.signatures.set(key, signature);
    }
    return signature;
  }

  /** The JSON Notification delivered to SQS and HTTP(S) subscriptions without raw delivery. */
  async notification(message: StoredMessage, protocol: string, subscriptionArn: string, version: SignatureVersion): Promise<string> {
    const text = messageForProtocol(message, protocol);
    const fields: SignableFields = {
      Type: 'Notification',
      MessageId: message.messageId,
      TopicArn: message.topicArn,
      Message: text,
      Timestamp: message.timestamp,
      ...(message.subject !== undefined ? { Subject: message.subject } : {}),
    };
    const variant = message.messages?.[protocol] !== undefined ? protocol : 'default';
    const signature = await this.sign(fields, version, `${message.messageId}|${variant}`);
    return awsJson([
      ['Type', 'Notification'],
      ['MessageId', message.messageId],
      ['SequenceNumber', message.sequenceNumber],
      ['TopicArn', message.topicArn],
      ['Subject', message.subject],
      ['Message', text],
      ['Timestamp', message.timestamp],
      ['SignatureVersion', version],
      ['Signature', signature],
      ['SigningCertURL', this.settings.signingCertUrl],
      ['UnsubscribeURL', unsubscribeUrl(this.settings.baseUrl, subscriptionArn)],
      ['MessageAttributes', envelopeAttributes(message.attributes)],
    ]);
  }

  /** SubscriptionConfirmation / UnsubscribeConfirmation for HTTP(S) endpoints. */
  async confirmation(
    type: Exclude<SnsMessageType, 'Notification'>,
    input: { messageId: string; topicArn: string; subscriptionArn: string; token: string; timestamp: string },
    version: SignatureVersion,
  ): Promise<string> {
    const message =
      type === 'SubscriptionConfirmation'
        ? `You have chosen to subscribe to the topic ${input.topicArn}.\nTo confirm the subscription, visit the SubscribeURL included in this message.`
        : `You have chosen to deactivate subscription ${input.subscriptionArn}.\nTo cancel this operation and restore the subscription, visit the SubscribeURL included in this message.`;
    const url = subscribeUrl(this.settings.baseUrl, input.topicArn, input.token);
    const fields: SignableFields = {
      Type: type,
      MessageId: input.messageId,
      Token: input.token,
      TopicArn: input.topicArn,
      Message: message,
      SubscribeURL: url,
      Timestamp: input.timestamp,
    };
    return awsJson([
      ['Type', type],
      ['MessageId', input.messageId],
      ['Token', input.token],
      ['TopicArn', input.topicArn],
      ['Message', message],
      ['SubscribeURL', url],
      ['Timestamp', input.timestamp],
      ['SignatureVersion', version],
      ['Signature', await this.settings.signer.signAsync(fields, version)],
      ['SigningCertURL', this.settings.signingCertUrl],
    ]);
  }
}
