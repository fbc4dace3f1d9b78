// Container health check for every Wharf app (Dockerfile HEALTHCHECK): GET /health on this container's own
// port; exit 0 on 200, 1 otherwise (503 = a broker is not ready, no answer, timeout). Node only: the slim
// runtime image has no curl or wget.
// Port: WHARF_HEALTH_PORT if set, else the app's own port variable (EDGE_PORT, SQS_PORT, ... as in
// docs/CONVENTIONS.md), else its default port, chosen by APP (which the Dockerfile sets).
import { request } from 'node:http';

const PORTS = { edge: 4566, sqs: 9324, sns: 9911, kinesis: 4567, mq: 8180 };
const app = process.env.APP ?? '';
const port = Number(process.env.WHARF_HEALTH_PORT || process.env[`${app.toUpperCase()}_PORT`] || PORTS[app]);
if (!Number.isInteger(port) || port <= 0) {
  console.error(`healthcheck: no port for APP=${app} (set WHARF_HEALTH_PORT)`);
  process.exit(1);
}
const req = request({ host: '127.0.0.1', port, path: '/health', method: 'GET', timeout: 4000 }, (res) => {
  res.resume();
  process.exit(res.statusCode === 200 ? 0 : 1);
});
req.on('timeout', () => req.destroy(new Error('timeout')));
req.on('error', (err) => {
  console.error(`healthcheck: ${err.message}`);
  process.exit(1);
});
req.end();
