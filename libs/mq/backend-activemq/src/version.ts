import { readFileSync, readdirSync } from 'node:fs';
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

/** The ActiveMQ 5.x lines Amazon MQ offers today, recommended first; each has its own jars (launcher/activemq-<line>). */
export const ACTIVEMQ_5_LINES = ['5.19', '5.18'] as const;

/** The ActiveMQ version a 5.x line runs: the activemq.version of launcher/activemq-<line>/pom.xml. */
export function lineVersion(launcherDir: string, line: string): string {
  const pom = readFileSync(join(launcherDir, `activemq-${line}`, 'pom.xml'), 'utf8');
  const m = /<activemq\.version>([^<]+)<\/activemq\.version>/.exec(pom);
  if (!m) throw new Error(`no activemq.version in ${join(launcherDir, `activemq-${line}`, 'pom.xml')}`);
  return m[1];
}
