// docker-compose.yml, read as compose reads it: every long-running service has a healthcheck, and every
// dependency waits for it (service_healthy) — or, for a one-shot service, for its success. The container
// part of the test command relies on this to know the stack is up; losing one must fail here.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

interface Service {
  image?: string;
  restart?: string;
  healthcheck?: { test?: string[] | string; disable?: boolean };
  depends_on?: Record<string, { condition?: string }> | string[];
  ports?: string[];
}
const file = parse(readFileSync(join(__dirname, '../../docker-compose.yml'), 'utf8'), { merge: true }) as { services: Record<string, Service> };
const services = Object.entries(file.services);
const oneShot = (s: Service) => s.restart === 'no';

describe('docker-compose.yml', () => {
  it.each(services.filter(([, s]) => !oneShot(s)))('%s has a healthcheck', (_name, s) => {
    expect(s.healthcheck?.disable).not.toBe(true);
    expect(s.healthcheck?.test, 'healthcheck.test').toBeTruthy();
    expect(['NONE']).not.toContain(Array.isArray(s.healthcheck?.test) ? s.healthcheck.test[0] : s.healthcheck?.test);
  });

  it.each(services)('%s waits for its dependencies to be healthy (or, one-shot, done)', (_name, s) => {
    expect(Array.isArray(s.depends_on), 'depends_on must name a condition').toBe(false);
    for (const [dep, { condition } = {}] of Object.entries(s.depends_on ?? {})) {
      const target = file.services[dep];
      expect(target, `depends on unknown ${dep}`).toBeDefined();
      expect(condition, dep).toBe(oneShot(target) ? 'service_completed_successfully' : 'service_healthy');
    }
  });

  it.each(services)('%s takes its image and host ports from variables (CI substitutes them)', (name, s) => {
    expect(s.image, 'image').toMatch(/^\$\{WHARF_[A-Z_]+:-[^}]+\}/);
    for (const p of s.ports ?? []) expect(p, `${name} port`).toMatch(/^\$\{WHARF_PORT_[A-Z_]+:-\d+\}:\d+$/);
  });
});
