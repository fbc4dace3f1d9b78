// Wharf as one Node process (`npm start -- --one-process`): every built service and the edge on one event loop.
// The edge answers the services' API calls in process (WHARF_ONE_PROCESS; libs/service-kit/src/local-services.ts)
// instead of over a loopback hop; each service still listens on its own port, and what is not a plain API call
// (Wharf's routes, REST APIs, event streams) the edge proxies there as usual. One process instead of five: for a
// laptop, a CI job or a single container (the Dockerfile's stage "one", compose's profile "one"); the default
// compose layout and Kubernetes keep a process per service.
const { existsSync } = require('node:fs');
const { join } = require('node:path');

process.env.WHARF_ONE_PROCESS = 'true';
const root = join(__dirname, '..');
// WHARF_APPS=sqs,sns,edge runs some of them (default: every app that is built).
const apps = (process.env.WHARF_APPS || 'sqs,sns,kinesis,mq,edge').split(',').map((a) => a.trim());
for (const app of apps) {
  const main = join(root, 'apps', app, 'dist', 'main.js');
  if (existsSync(main)) require(main);
}
