// The console's one addition to an API request's path at the edge: its routes in fastify's router
// (find-my-way). An API request (POST /, POST /<account>/<queue>, GET /v1/brokers) is looked up in a tree that
// now also holds /_wharf/console/… . This measures that lookup with and without the console's routes, in
// the same run, as CPU time per million lookups; prints the ratio (1.00 = nothing added).
//   node bench/console/router.mjs
import { createRequire } from 'node:module';
const require = createRequire(import.meta.url);
const FindMyWay = require('find-my-way');

const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS'];
function router(withConsole) {
  const r = FindMyWay();
  const noop = () => {};
  r.on(['GET', 'HEAD'], '/health', noop);
  r.on(['GET', 'HEAD'], '/metrics', noop);
  if (withConsole) {
    r.on(['GET', 'HEAD'], '/_wharf/console', noop);
    r.on(['GET', 'HEAD'], '/_wharf/console/config.json', noop);
    r.on(['GET', 'HEAD'], '/_wharf/console/*', noop);
  }
  r.on(METHODS, '/*', noop); // the edge's API catch-all (EdgeController)
  return r;
}
const API = [
  ['POST', '/'],
  ['POST', '/000000000000/orders'],
  ['GET', '/v1/brokers'],
  ['GET', '/_wharf/sqs/stats'],
];
function measure(r, n) {
  const start = process.cpuUsage();
  let found = 0;
  for (let i = 0; i < n; i++) {
    const [m, p] = API[i & 3];
    if (r.find(m, p)) found++;
  }
  const used = process.cpuUsage(start);
  if (found !== n) throw new Error('a route was not found');
  return (used.user + used.system) / (n / 1e6) / 1000; // ms per million
}
const without = router(false);
const withC = router(true);
const n = 2_000_000;
measure(without, n); measure(withC, n); // warm up
const a = [], b = [];
for (let i = 0; i < 5; i++) { a.push(measure(without, n)); b.push(measure(withC, n)); }
const med = (xs) => [...xs].sort((x, y) => x - y)[2];
console.log(`router lookup of API paths, CPU ms per million: without console routes ${med(a).toFixed(1)}, with ${med(b).toFixed(1)}, ratio ${(med(b) / med(a)).toFixed(2)}`);
