import { bootstrapService } from '@wharf/service-kit';
import { snsConfig } from './sns.config';
import { SnsModule } from './sns.module';

void bootstrapService({ name: 'sns', module: SnsModule, port: snsConfig().port, fallbackProtocol: 'awsQuery', directApi: {} }).catch((err) => {
  console.error(err);
  process.exit(1);
});
