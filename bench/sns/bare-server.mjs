#!/usr/bin/env node
// The floor of SNS fan-out to SQS for the bench's SNS rows: one Node http server answering, like the edge, both
// the SNS Query calls the rows make (CreateTopic, Subscribe, Publish, PublishBatch, DeleteTopic; form in, XML out)
// and the SQS JSON calls (bench/lib/bare-sqs.mjs). A publish puts one Notification envelope into each subscribed
// queue's memory, signed as SNS signs it (SignatureVersion 1, SHA1withRSA of the AWS string to sign, an RSA 2048
// key, once a message for all its copies, on libuv's pool as Wharf signs); no broker, durability, SigV4,
// attributes, filter policies or limits. bench/run.mjs runs the SNS rows against it beside Wharf.
//
//   node bench/sns/bare-server.mjs <port>
import { generateKeyPairSync, randomUUID, sign } from 'node:crypto';
import { serveWholeBodies } from '../lib/bare-http.mjs';
import { answerSqs, enqueue } from '../lib/bare-sqs.mjs';

const ACCOUNT = '000000000000';
const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
/** topic ARN → subscribed queue ARNs */
const topics = new Map();
let origin = '';

const signAsync = (text) => new Promise((ok, fail) => sign('sha1', Buffer.from(text), privateKey, (err, sig) => (err ? fail(err) : ok(sig.toString('base64')))));

async function publish(TopicArn, Message) {
  const MessageId = randomUUID();
  const Timestamp = new Date().toISOString();
  const Signature = await signAsync(`Message\n${Message}\nMessageId\n${MessageId}\nTimestamp\n${Timestamp}\nTopicArn\n${TopicArn}\nType\nNotification\n`);
  for (const queueArn of topics.get(TopicArn) ?? []) {
    const subscription = `${TopicArn}:${queueArn.slice(queueArn.lastIndexOf(':') + 1)}`;
    enqueue(
      queueArn,
      JSON.stringify({
        Type: 'Notification',
        MessageId,
        TopicArn,
        Message,
        Timestamp,
        SignatureVersion: '1',
        Signature,
        SigningCertURL: `${origin}/SimpleNotificationService.pem`,
        UnsubscribeURL: `${origin}/?Action=Unsubscribe&SubscriptionArn=${encodeURIComponent(subscription)}`,
      }),
    );
  }
  return MessageId;
}

const xmlEscape = (s) => s.replace(/[<>&'"]/g, (c) => `&#${c.charCodeAt(0)};`);
const answer = (action, result) =>
  `<${action}Response xmlns="http://sns.amazonaws.com/doc/2010-03-31/">${result === undefined ? '' : `<${action}Result>${result}</${action}Result>`}<ResponseMetadata><RequestId>${randomUUID()}</RequestId></ResponseMetadata></${action}Response>`;

const actions = {
  CreateTopic(form) {
    const arn = `arn:aws:sns:us-east-1:${ACCOUNT}:${form.get('Name')}`;
    if (!topics.has(arn)) topics.set(arn, []);
    return `<TopicArn>${arn}</TopicArn>`;
  },
  Subscribe(form) {
    const arn = form.get('TopicArn');
    topics.get(arn).push(form.get('Endpoint'));
    return `<SubscriptionArn>${arn}:${randomUUID()}</SubscriptionArn>`;
  },
  DeleteTopic(form) {
    topics.delete(form.get('TopicArn'));
  },
  async Publish(form) {
    return `<MessageId>${await publish(form.get('TopicArn'), form.get('Message'))}</MessageId>`;
  },
  async PublishBatch(form) {
    const arn = form.get('TopicArn');
    const ok = [];
    for (let i = 1; form.has(`PublishBatchRequestEntries.member.${i}.Id`); i++) {
      const id = form.get(`PublishBatchRequestEntries.member.${i}.Id`);
      ok.push(publish(arn, form.get(`PublishBatchRequestEntries.member.${i}.Message`)).then((messageId) => `<member><Id>${xmlEscape(id)}</Id><MessageId>${messageId}</MessageId></member>`));
    }
    return `<Successful>${(await Promise.all(ok)).join('')}</Successful><Failed/>`;
  },
};

serveWholeBodies(process.argv[2], async (req, body, res) => {
  origin ||= `http://${req.headers.host}`;
  if (req.headers['x-amz-target']) return answerSqs(req, body, res);
  const form = new URLSearchParams(body.toString('utf8'));
  const action = form.get('Action');
  if (!actions[action]) return void res.writeHead(400, { 'content-type': 'text/xml' }).end(`<ErrorResponse><Error><Type>Sender</Type><Code>InvalidAction</Code><Message>${xmlEscape(String(action))}</Message></Error></ErrorResponse>`);
  const text = answer(action, await actions[action](form));
  res.writeHead(200, { 'content-type': 'text/xml', 'content-length': Buffer.byteLength(text) });
  res.end(text);
});
