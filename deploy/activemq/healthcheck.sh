#!/bin/bash
# Health of one broker of the ActiveMQ pair (used by docker-compose.yml and the k8s liveness probe).
# Healthy = this broker is the active one (OpenWire port open) OR it is a standby that found the shared
# KahaDB locked by the active one and is waiting for the lock. A broker that is neither (still starting,
# or stuck) is unhealthy. Readiness in Kubernetes is the port alone, so only the active gets traffic.
(exec 3<>/dev/tcp/127.0.0.1/61616) 2>/dev/null && exit 0
grep -qs 'waiting a lock to be acquired' /opt/apache-activemq/data/activemq.log && exit 0
exit 1
