// The SNS side of the bench's SNS servers (bench/sns/bare-server.mjs in memory, bench/sns/floor-server.mjs on
// RabbitMQ and Redis): the Query calls the SNS rows make (CreateTopic, Subscribe, Publish, PublishBatch,
// DeleteTopic; form in, XML out), and the Notification envelope an SQS subscriber gets, signed as SNS signs it
// (SignatureVersion 1, SHA1withRSA of the AWS string to sign, an RSA 2048 key, once a message for all its
// copies, on libuv's pool as Wharf signs). No SigV4, attributes, filter policies or limits.
import { generateKeyPairSync, randomUUID, sign } from 'node:crypto';

const ACCOUNT = '000000000000';
const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const signAsync = (text) => new Promise((ok, fail) => sign('sha1', Buffer.from(text), privateKey, (err, sig) => (err ? fail(err) : ok(sig.toString('base64')))));

/** What every copy of one published message shares: its id, time and signature. */
export async function signedNotification(TopicArn, Message) {
  const MessageId = randomUUID();
  const Timestamp = new Date().toISOString();
  const Signature = await signAsync(`Message\n${Message}\nMessageId\n${MessageId}\nTimestamp\n${Timestamp}\nTopicArn\n${TopicArn}\nType\nNotification\n`);
  return { MessageId, TopicArn, Message, Timestamp, Signature };
}

/** The body an SQS subscription (`queueArn`) gets: the envelope of `signed`, with its subscription's links. */
export function envelope(origin, signed, queueArn) {
  const subscription = `${signed.TopicArn}:${queueArn.slice(queueArn.lastIndexOf(':') + 1)}`;
  return JSON.stringify({
    Type: 'Notification',
    MessageId: signed.MessageId,
    TopicArn: signed.TopicArn,
    Message: signed.Message,
    Timestamp: signed.Timestamp,
    SignatureVersion: '1',
    Signature: signed.Signature,
    SigningCertURL: `${origin}/SimpleNotificationService.pem`,
    UnsubscribeURL: `${origin}/?Action=Unsubscribe&SubscriptionArn=${encodeURIComponent(subscription)}`,
  });
}

const xmlEscape = (s) => s.replace(/[<>&'"]/g, (c) => `&#${c.charCodeAt(0)};`);
const answer = (action, result) =>
  `<${action}Response xmlns="http://sns.amazonaws.com/doc/2010-03-31/">${result === undefined ? '' : `<${action}Result>${result}</${action}Result>`}<ResponseMetadata><RequestId>${randomUUID()}</RequestId></ResponseMetadata></${action}Response>`;

/**
 * Answers one SNS Query call with its whole body, through `topics`: createTopic(arn), subscribe(topicArn,
 * queueArn, origin) → subscription ARN, deleteTopic(arn), publish(topicArn, message, origin) → message id, and
 * optionally publishBatch(topicArn, messages, origin) → their ids; each may return a promise. Without
 * publishBatch, a PublishBatch publishes its entries side by side and answers when all are.
 */
export function snsAnswerer(topics) {
  const actions = {
    async CreateTopic(form) {
      const arn = `arn:aws:sns:us-east-1:${ACCOUNT}:${form.get('Name')}`;
      await topics.createTopic(arn);
      return `<TopicArn>${arn}</TopicArn>`;
    },
    async Subscribe(form, origin) {
      return `<SubscriptionArn>${await topics.subscribe(form.get('TopicArn'), form.get('Endpoint'), origin)}</SubscriptionArn>`;
    },
    async DeleteTopic(form) {
      await topics.deleteTopic(form.get('TopicArn'));
    },
    async Publish(form, origin) {
      return `<MessageId>${await topics.publish(form.get('TopicArn'), form.get('Message'), origin)}</MessageId>`;
    },
    async PublishBatch(form, origin) {
      const arn = form.get('TopicArn');
      const ids = [];
      const messages = [];
      for (let i = 1; form.has(`PublishBatchRequestEntries.member.${i}.Id`); i++) {
        ids.push(form.get(`PublishBatchRequestEntries.member.${i}.Id`));
        messages.push(form.get(`PublishBatchRequestEntries.member.${i}.Message`));
      }
      const messageIds = topics.publishBatch ? await topics.publishBatch(arn, messages, origin) : await Promise.all(messages.map((m) => topics.publish(arn, m, origin)));
      return `<Successful>${ids.map((id, i) => `<member><Id>${xmlEscape(id)}</Id><MessageId>${messageIds[i]}</MessageId></member>`).join('')}</Successful><Failed/>`;
    },
  };
  return async (req, body, res) => {
    const form = new URLSearchParams(body.toString('utf8'));
    const action = form.get('Action');
    if (!actions[action]) return void res.writeHead(400, { 'content-type': 'text/xml' }).end(`<ErrorResponse><Error><Type>Sender</Type><Code>InvalidAction</Code><Message>${xmlEscape(String(action))}</Message></Error></ErrorResponse>`);
    const text = answer(action, await actions[action](form, `http://${req.headers.host}`));
    res.writeHead(200, { 'content-type': 'text/xml', 'content-length': Buffer.byteLength(text) });
    res.end(text);
  };
}
