import type { ServerHttp2Session } from 'node:http2';
import { bootstrapService, http1AndH2cServerFactory, type DualProtocolServer } from '@wharf/service-kit';
import { kinesisConfig } from './kinesis.config';
import { SUBSCRIBE_TARGET } from './kinesis.controller';
import { KinesisModule } from './kinesis.module';

const WINDOW = 16 * 1024 * 1024;

// HTTP/1.1 (AWS CLI, Java SDK) and h2c with prior knowledge (the JS SDK sends every Kinesis call over HTTP/2,
// each on a new connection) on one port. Large HTTP/2 windows: a PutRecords body is up to 10 MiB, and with
// the 64 KiB defaults the client stops every 64 KiB to wait for a WINDOW_UPDATE.
bootstrapService({
  name: 'kinesis',
  module: KinesisModule,
  port: kinesisConfig().port,
  fallbackProtocol: 'awsJson1_1',
  serverFactory: http1AndH2cServerFactory({ http2: { settings: { initialWindowSize: WINDOW } } }),
  directApi: { leave: (req) => req.headers['x-amz-target'] === SUBSCRIBE_TARGET },
})
  .then(({ app }) => {
    const server = app.getHttpServer() as unknown as DualProtocolServer;
    server.http2Server.on('session', (session: ServerHttp2Session) => session.setLocalWindowSize(WINDOW));
  })
  .catch((err) => {
    console.error(err);
    process.exit(1);
  });
