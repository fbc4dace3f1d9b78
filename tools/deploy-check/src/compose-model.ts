import { type Dict, isObj } from './findings';

/** Wharf's apps and the port each listens on (compose publishes it, k8s declares it). */
export const WHARF_APPS: Readonly<Record<string, number>> = { edge: 4566, sqs: 9324, sns: 9911, kinesis: 4567, mq: 8180 };
export const BROKERS = ['redis', 'kafka', 'rabbitmq', 'activemq-a', 'activemq-b'];
export const RABBIT_PLUGINS = ['rabbitmq_management', 'rabbitmq_mqtt', 'rabbitmq_stomp', 'rabbitmq_web_stomp'];

/** The parts of a Compose service these checks read (`docker compose config` has checked the schema). */
export interface ComposeService {
  image?: string;
  build?: string | { context?: string; dockerfile?: string; target?: string; args?: string[] | Dict<string> };
  command?: string | string[];
  restart?: string;
  healthcheck?: { test?: string | string[]; disable?: boolean };
  depends_on?: string[] | Dict<{ condition?: string } | null>;
  volumes?: (string | { source?: string; target: string; type?: string })[];
  ports?: (string | number | { published?: string | number; target?: number })[];
  environment?: string[] | Dict<unknown>;
  profiles?: string[];
  hostname?: string;
  networks?: string[] | Dict<{ aliases?: string[] } | null>;
}

export interface ComposeFile {
  services?: Dict<ComposeService>;
  volumes?: Dict<unknown>;
}

export interface Mount {
  source?: string;
  target: string;
  type: string;
}

const isPath = (source: string) => /^[./~]/.test(source);

/** A service's volumes in one shape, short syntax (`src:target[:mode]`) or long. */
export function mounts(s: ComposeService): Mount[] {
  return (s.volumes ?? []).map((v): Mount => {
    if (isObj(v)) return { source: v.source, target: v.target, type: v.type ?? (v.source && isPath(v.source) ? 'bind' : 'volume') };
    const [source, target] = String(v).split(':');
    return target === undefined ? { source: undefined, target: source, type: 'volume' } : { source, target, type: isPath(source) ? 'bind' : 'volume' };
  });
}

/** The map form of `environment` (the list form is reported, and reads as empty). */
export const envOf = (s: ComposeService | undefined): Dict<unknown> => (isObj(s?.environment) ? s.environment : {});

export const commandOf = (s: ComposeService): string => ([] as string[]).concat(s.command ?? []).join(' ');

/** The Wharf app a service is built as (its build.args.APP), if it is one. */
export function appOf(s: ComposeService): string | undefined {
  const args = isObj(s.build) ? s.build.args : undefined;
  return Array.isArray(args) ? args.find((x) => String(x).startsWith('APP='))?.slice(4) : args?.APP;
}

export const inProfile = (s: ComposeService, profile: string): boolean => (s.profiles ?? []).includes(profile);
