import { bootstrapService, http1AndH2cServerFactory } from '@wharf/service-kit';
import { kinesisConfig } from './kinesis.config';
import { KinesisModule } from './kinesis.module';

// HTTP/1.1 (AWS CLI, Java SDK) and h2c with prior knowledge (the JS SDK sends every Kinesis call over HTTP/2) on one port.
void bootstrapService({
  name: 'kinesis',
  module: KinesisModule,
  port: kinesisConfig().port,
  fallbackProtocol: 'awsJson1_1',
  // Large HTTP/2 windows: a PutRecords body is up to 10 MiB; with the 64 KiB default the client waits on
  // WINDOW_UPDATEs every 64 KiB.
  serverFactory: http1AndH2cServerFactory({ http2: { settings: { initialWindowSize: 16 * 1024 * 1024 } } }),
}).catch((err) => {
  console.error(err);
  process.exit(1);
});
