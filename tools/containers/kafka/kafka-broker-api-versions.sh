#!/bin/sh
# The official image's tool of the same name (compose healthcheck): asks the broker for its API versions.
exec java -Xmx64m -XX:TieredStopAtLevel=1 -Xshare:auto -Djava.awt.headless=true \
  -Dlog4j2.configurationFile=/opt/kafka/config/log4j2-tools.properties -cp '/opt/kafka/libs/*' \
  org.apache.kafka.tools.BrokerApiVersionsCommand "$@"
