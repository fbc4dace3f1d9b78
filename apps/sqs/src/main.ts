import { bootstrapService } from '@wharf/service-kit';
import { sqsConfig } from './sqs.config';
import { SqsModule } from './sqs.module';

void bootstrapService({ name: 'sqs', module: SqsModule, port: sqsConfig().port, fallbackProtocol: 'awsJson1_0' }).catch((err) => {
  console.error(err);
  process.exit(1);
});
