#!/bin/bash
# Health of one broker of the ActiveMQ pair (docker-compose.yml healthcheck, k8s liveness probe).
# Healthy = this broker is the active one (its OpenWire port accepts connections) OR it is a standby that
# found the shared KahaDB locked by the active one and waits for the lock (ActiveMQ logs that once, at INFO).
# Anything else (still starting, stuck) is unhealthy. Kubernetes readiness is the port alone, so only the
# active broker gets traffic. The defaults are the apache/activemq-classic image's; the two variables let
# tools/deploy-check.int.spec.ts run this script against brokers started from jars.
port=${ACTIVEMQ_HEALTH_PORT:-61616}
log=${ACTIVEMQ_HEALTH_LOG:-/opt/apache-activemq/data/activemq.log}
(exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && exit 0
grep -qs 'waiting a lock to be acquired' "$log" && exit 0
exit 1
