import { bootstrapService, commonConfig, http1AndH2cServerFactory } from '@wharf/service-kit';
import { edgeConfig } from './edge.config';
import { EdgeModule } from './edge.module';

// One endpoint for every API (AWS_ENDPOINT_URL=http://localhost:4566): HTTP/1.1 (the AWS CLI) and h2c with
// prior knowledge (the Kinesis SDK) on the same port, routed to the services by target, action or path.
const config = edgeConfig();
void bootstrapService({
  name: 'edge',
  module: EdgeModule,
  port: config.port,
  fallbackProtocol: 'awsJson1_1',
  serverFactory: http1AndH2cServerFactory(),
  // Bodies stream through to the services; the edge enforces its own body limit (AWS-shaped 413).
  streamBodies: true,
  config: { ...commonConfig(), bodyLimitBytes: config.bodyLimitBytes },
}).catch((err) => {
  console.error(err);
  process.exit(1);
});
