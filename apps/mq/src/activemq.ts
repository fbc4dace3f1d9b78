import { readFileSync } from 'node:fs';
import { LocalActiveMqBackend, StaticActiveMqBackend, parseStaticSlots } from '@wharf/mq-backend-activemq';
import type { EngineLogger } from '@wharf/engine-kit';
import type { BrokerBackend } from '@wharf/mq-engine';
import type { MqConfig } from './mq.config';

/** The ACTIVEMQ backend the configuration asks for: local processes (default; watched while `mayAct`), static brokers, or none. */
export function activeMqBackend(c: MqConfig, logger: EngineLogger, mayAct: () => boolean): BrokerBackend | undefined {
  switch (c.activemqStrategy) {
    case 'off':
      return undefined;
    case 'static':
      return new StaticActiveMqBackend({ slots: parseStaticSlots(c.activemqStatic || '{"slots":[]}', (p) => readFileSync(p, 'utf8')), logger });
    default:
      return new LocalActiveMqBackend({
        dataDir: c.activemqDataDir,
        home: c.activemqHome,
        launcher: c.activemqLauncher,
        bindHost: c.activemqHost,
        publicHost: c.activemqPublicHost,
        ports: c.activemqPorts,
        tls: c.activemqTls,
        logger,
        mayAct,
      });
  }
}
