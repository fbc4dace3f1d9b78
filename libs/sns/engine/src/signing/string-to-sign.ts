// The canonical string SNS signs (docs: "Verifying the signatures of Amazon SNS messages"): selected fields
// in byte order of their names, each as "Name\nValue\n".

export type SnsMessageType = 'Notification' | 'SubscriptionConfirmation' | 'UnsubscribeConfirmation';

export interface SignableFields {
  Type: SnsMessageType;
  MessageId: string;
  TopicArn: string;
  Message: string;
  Timestamp: string;
  Subject?: string;
  SubscribeURL?: string;
  Token?: string;
}

const NOTIFICATION_KEYS = ['Message', 'MessageId', 'Subject', 'Timestamp', 'TopicArn', 'Type'] as const;
const CONFIRMATION_KEYS = ['Message', 'MessageId', 'SubscribeURL', 'Timestamp', 'Token', 'TopicArn', 'Type'] as const;

export function stringToSign(fields: SignableFields): string {
  const keys = fields.Type === 'Notification' ? NOTIFICATION_KEYS : CONFIRMATION_KEYS;
  let out = '';
  for (const key of keys) {
    const value = fields[key];
    // Subject is signed only when the message has one.
    if (value === undefined || value === null) continue;
    out += `${key}\n${value}\n`;
  }
  return out;
}
