import { bootstrapService } from '@wharf/service-kit';
import { mqConfig } from './mq.config';
import { MqModule } from './mq.module';

void bootstrapService({ name: 'mq', module: MqModule, port: mqConfig().port, fallbackProtocol: 'restJson1' }).catch((err) => {
  console.error(err);
  process.exit(1);
});
