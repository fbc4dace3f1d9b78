// Container health check for every Wharf image (Dockerfile HEALTHCHECK): GET /health on the container's own
// port(s); exit 0 when each answers 200, 1 otherwise (503 = a broker is not ready, no answer, timeout). Node
// only: the slim runtime image has no curl or wget.
// Port: WHARF_HEALTH_PORT if set, else the app's own port variable (EDGE_PORT, SQS_PORT, ... as in
// docs/CONVENTIONS.md), else its default port, chosen by APP (which the Dockerfile sets). APP=one (every app in
// one process, tools/one-process.cjs): each app it runs (WHARF_APPS, default all five) on its own port.
import { request } from 'node:http';

const PORTS = { edge: 4566, sqs: 9324, sns: 9911, kinesis: 4567, mq: 8180 };
const app = process.env.APP ?? '';
const apps = app === 'one' ? (process.env.WHARF_APPS || Object.keys(PORTS).join(',')).split(',').map((a) => a.trim()) : [app];
const ports = process.env.WHARF_HEALTH_PORT
  ? [Number(process.env.WHARF_HEALTH_PORT)]
  : apps.map((a) => Number(process.env[`${a.toUpperCase()}_PORT`] || PORTS[a]));
// the ports are checked, not the apps: WHARF_HEALTH_PORT names one port whatever APP is
const bad = ports.findIndex((p) => !Number.isInteger(p) || p <= 0);
if (bad >= 0) {
  console.error(`healthcheck: no port for APP=${app}${app === 'one' ? ` (${apps[bad]})` : ''} (set WHARF_HEALTH_PORT)`);
  process.exit(1);
}

/** Resolves true on a 200 from /health on 127.0.0.1:port. */
function healthy(port) {
  return new Promise((resolve) => {
    const req = request({ host: '127.0.0.1', port, path: '/health', method: 'GET', timeout: 4000 }, (res) => {
      res.resume();
      if (res.statusCode !== 200) console.error(`healthcheck: port ${port} answered ${res.statusCode}`);
      resolve(res.statusCode === 200);
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', (err) => {
      console.error(`healthcheck: port ${port}: ${err.message}`);
      resolve(false);
    });
    req.end();
  });
}

const results = await Promise.all(ports.map(healthy));
process.exit(results.every(Boolean) ? 0 : 1);
