import { bootstrapService } from '@wharf/service-kit';
import { sqsConfig } from './sqs.config';
import { SqsModule } from './sqs.module';

// Queue URLs take the scheme from req.protocol: behind the edge that is its x-forwarded-proto, believed only from
// loopback — where the edge runs beside the services (npm start, tools/clients/run.sh, tests). In containers the
// edge is another host and SQS_PUBLIC_URL sets the URL base instead; nobody else gets to choose the scheme.
void bootstrapService({ name: 'sqs', module: SqsModule, port: sqsConfig().port, fallbackProtocol: 'awsJson1_0', trustProxy: 'loopback', directApi: {} }).catch((err) => {
  console.error(err);
  process.exit(1);
});
