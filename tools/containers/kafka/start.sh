#!/bin/bash
# server.properties from the environment (KAFKA_FOO_BAR=x -> foo.bar=x, as the official image does), format
# the log dir with CLUSTER_ID once, then run the broker in the foreground.
set -euo pipefail
conf=/opt/kafka/config/server.properties
: > "$conf"
while IFS='=' read -r name value; do
  case $name in KAFKA_HEAP_OPTS|KAFKA_OPTS|KAFKA_JVM_*) continue ;; esac
  key=$(printf '%s' "${name#KAFKA_}" | tr 'A-Z_' 'a-z.')
  printf '%s=%s\n' "$key" "$value" >> "$conf"
done < <(env | grep '^KAFKA_')
java=(java -Djava.awt.headless=true -cp '/opt/kafka/libs/*')
"${java[@]}" -Xmx256m -Dlog4j2.configurationFile=/opt/kafka/config/log4j2-tools.properties \
  kafka.tools.StorageTool format -t "${CLUSTER_ID:?CLUSTER_ID is required}" -c "$conf" --ignore-formatted
# shellcheck disable=SC2086
exec "${java[@]}" ${KAFKA_HEAP_OPTS:--Xmx384m} -XX:+UseG1GC -Dlog4j2.configurationFile=/opt/kafka/config/log4j2.properties \
  -Dkafka.logs.dir=/tmp ${KAFKA_OPTS:-} kafka.Kafka "$conf"
