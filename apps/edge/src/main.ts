import { bootstrapService, commonConfig, envBool, ensureLocalCa, http1AndH2cServerFactory, trustHints, type LocalCa } from '@wharf/service-kit';
import { edgeConfig } from './edge.config';
import { EdgeForwarder, isEdgeOwnPath } from './edge-forwarder';
import { EdgeModule } from './edge.module';

// One endpoint for every API (AWS_ENDPOINT_URL=http://localhost:4566 or https://localhost:4566): HTTP/1.1
// (the AWS CLI) and h2c with prior knowledge (the Kinesis SDK) in cleartext, and HTTPS with ALPN h2 and
// http/1.1 (the Java SDK, KCL/KPL) with the local CA's certificate — all on the same port, routed to the
// services by target, action or path. WHARF_TLS=false leaves the port cleartext only.
const config = edgeConfig();
let caError: string | undefined;
function localCa(): LocalCa | undefined {
  try {
    return ensureLocalCa();
  } catch (err) {
    // e.g. a container whose user cannot write the checkout: serve cleartext rather than not at all
    caError = `HTTPS off: the local CA could not be created or read (${String(err)}); set WHARF_TLS_DIR to a writable folder`;
    return undefined;
  }
}
const ca = envBool('WHARF_TLS', true) ? localCa() : undefined;
void bootstrapService({
  name: 'edge',
  module: EdgeModule,
  port: config.port,
  fallbackProtocol: 'awsJson1_1',
  serverFactory: http1AndH2cServerFactory(ca ? { tls: { key: ca.key, cert: ca.cert } } : {}),
  // Bodies stream through to the services; the edge enforces its own body limit (AWS-shaped 413).
  streamBodies: true,
  // The proxy path skips Fastify's router and Nest's pipeline; the edge's own routes stay on them.
  beforeFastify: (app) => {
    const forwarder = app.get(EdgeForwarder);
    return (req, res) => {
      if (isEdgeOwnPath(req.url)) return false;
      void forwarder.handle(req, res);
      return true;
    };
  },
  config: { ...commonConfig(), bodyLimitBytes: config.bodyLimitBytes },
})
  .then(({ logger, url }) => {
    if (caError) logger.warn(caError);
    if (!ca) return;
    const https = url.replace(/^http:/, 'https:');
    logger.info({ https, caCert: ca.caCertPath, sans: ca.sans }, [`edge also serves HTTPS (h2, http/1.1) at ${https}; trust the local CA:`, ...trustHints(ca)].join('\n  '));
  })
  .catch((err) => {
    console.error(err);
    process.exit(1);
  });
