#!/usr/bin/env node
// The floor of an SQS server for the bench's SQS rows: Node's http server answering the SDK's JSON calls from
// queues in this process's memory (bench/lib/bare-sqs.mjs says what it does and what it leaves out).
// bench/run.mjs runs the SQS rows against it beside Wharf: its CPU a message is a floor under any SQS server's
// here, and the CPU budget tells a row that even this floor could not meet on this machine.
//
//   node bench/sqs/bare-server.mjs <port>
import { serveWholeBodies } from '../lib/bare-http.mjs';
import { answerSqs } from '../lib/bare-sqs.mjs';

serveWholeBodies(process.argv[2], answerSqs);
