import { readdirSync } from 'node:fs';
import { join } from 'node:path';

/** The ActiveMQ version of the jars the launcher runs (lib/activemq-broker-<version>.jar). */
export function activeMqVersion(home: string): string {
  let names: string[];
  try {
    names = readdirSync(join(home, 'lib'));
  } catch {
    throw new Error(`No ActiveMQ jars in ${join(home, 'lib')} (run: bash tools/brokers/brokers.sh up activemq)`);
  }
  for (const n of names) {
    const m = /^activemq-broker-(\d+\.\d+\.\d+)\.jar$/.exec(n);
    if (m) return m[1];
  }
  throw new Error(`No activemq-broker-<version>.jar in ${join(home, 'lib')}`);
}
