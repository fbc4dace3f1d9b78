#!/usr/bin/env bash
# Runs one ActiveMQ Classic instance of an Amazon MQ broker in the foreground (exec java; writes
# <dir>/broker.pid), for the mq service's local strategy:
#
#   run-instance.sh <instance-dir>        (the directory holds the broker.xml mq generated)
#   run-instance.sh --prepare             only fetch the jars (mq runs this once at start)
#
# Same jars, logging and JVM flags as tools/brokers/activemq/run-broker.sh, plus ./lib (activemq-jaas,
# needed by the simpleAuthenticationPlugin in the generated broker.xml), fetched once with Maven.
# Environment: ACTIVEMQ_HEAP (default 512m), ACTIVEMQ_JAVA_OPTS, JAVA, WHARF_MQ_ACTIVEMQ_HOME
# (default tools/brokers/activemq of this repository).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
home="${WHARF_MQ_ACTIVEMQ_HOME:-$(cd "$here/../../../../tools/brokers/activemq" && pwd)}"
: "${WHARF_BROKERS_MVN_ARGS:=}"
# shellcheck source=../../../../tools/brokers/activemq/activemq.sh
source "$home/activemq.sh"

(( $# == 1 )) || { sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }

activemq_jars
maven_jars "$here" mq-activemq-extra
want=$(sed -n 's:.*<activemq.version>\(.*\)</activemq.version>.*:\1:p' "$here/pom.xml")
compgen -G "$home/lib/activemq-broker-$want.jar" >/dev/null || {
  err "ActiveMQ in $home/lib is not $want (the version of $here/pom.xml); align the two poms"; exit 1; }
[[ $1 == --prepare ]] && exit 0

[[ -f $1/broker.xml ]] || { err "no broker.xml in '$1'"; exit 2; }
dir=$(cd "$1" && pwd)

echo $$ >"$dir/broker.pid"
cmd=("${JAVA:-java}"
  -Xms128m "-Xmx${ACTIVEMQ_HEAP:-512m}" -XX:+UseG1GC -Djava.awt.headless=true
  "-Dlog4j2.configurationFile=$home/log4j2.properties"
  "-Dactivemq.home=$home" "-Dactivemq.base=$dir" "-Dactivemq.conf=$dir" "-Dactivemq.data=$dir/data")
# shellcheck disable=SC2206
[[ -n ${ACTIVEMQ_JAVA_OPTS:-} ]] && cmd+=($ACTIVEMQ_JAVA_OPTS)
cmd+=(-cp "$home/lib/*:$here/lib/*" org.apache.activemq.console.command.ShellCommand start "xbean:file:$dir/broker.xml")
exec "${cmd[@]}"
