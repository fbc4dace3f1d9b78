/** Every SNS key lives under one prefix (default `wharf:sns:`); tests may use their own. */
export class SnsKeys {
  constructor(readonly prefix = 'wharf:sns:') {}
  topic = (arn: string) => `${this.prefix}topic:${arn}`;
  topics = (accountId: string, region: string) => `${this.prefix}topics:${accountId}:${region}`;
  sub = (arn: string) => `${this.prefix}sub:${arn}`;
  subs = (accountId: string, region: string) => `${this.prefix}subs:${accountId}:${region}`;
  allSubs = () => `${this.prefix}all-subs`;
  topicSubs = (topicArn: string) => `${this.prefix}topic-subs:${topicArn}`;
  subKey = (topicArn: string, protocol: string, endpoint: string) => `${this.prefix}sub-key:${topicArn}|${protocol}|${endpoint}`;
  deleted = (topicArn: string) => `${this.prefix}topic-deleted:${topicArn}`;
  token = (token: string) => `${this.prefix}token:${token}`;
  signing = () => `${this.prefix}signing-material`;
  dedup = (key: string) => `${this.prefix}fifo-dedup:${key}`;
  sequence = (topicArn: string) => `${this.prefix}fifo-seq:${topicArn}`;
  events = () => `${this.prefix}events`;
}

/** Region and account of an SNS ARN (`arn:aws:sns:<region>:<account>:…`). */
export function scopeOfArn(arn: string): { region: string; accountId: string } {
  const parts = arn.split(':');
  return { region: parts[3], accountId: parts[4] };
}
