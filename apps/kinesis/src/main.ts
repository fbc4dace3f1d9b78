import { bootstrapService } from '@wharf/service-kit';
// TODO(service-kit): import from '@wharf/service-kit' once its index exports the dual listener.
import { http1AndH2cServerFactory } from '@wharf/service-kit/dist/dual-listener';
import { kinesisConfig } from './kinesis.config';
import { KinesisModule } from './kinesis.module';

// HTTP/1.1 (AWS CLI, Java SDK) and h2c with prior knowledge (the JS SDK sends every Kinesis call over HTTP/2) on one port.
void bootstrapService({
  name: 'kinesis',
  module: KinesisModule,
  port: kinesisConfig().port,
  fallbackProtocol: 'awsJson1_1',
  serverFactory: http1AndH2cServerFactory(),
}).catch((err) => {
  console.error(err);
  process.exit(1);
});
