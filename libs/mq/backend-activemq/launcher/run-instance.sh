#!/usr/bin/env bash
# Runs one ActiveMQ Classic instance of an Amazon MQ broker in the foreground (exec java; writes
# <dir>/broker.pid), for the mq service's local strategy:
#
#   run-instance.sh <instance-dir>        (the directory holds the broker.xml mq generated)
#   run-instance.sh --prepare             only fetch the jars of every line (mq and tools/setup.sh run it)
#
# ACTIVEMQ_LINE picks the ActiveMQ Classic line: 5.18 and 5.19 (./activemq-<line>/lib), or 6.1 (default:
# tools/brokers/activemq's jars plus ./lib for activemq-jaas). <dir>/console.properties, when present,
# starts the Jolokia agent (./jolokia/lib) with it: the instance's console port. Jars are fetched once
# with Maven. Environment: ACTIVEMQ_HEAP (default 512m), ACTIVEMQ_JAVA_OPTS, JAVA,
# WHARF_MQ_ACTIVEMQ_HOME (default tools/brokers/activemq of this repository).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
home="${WHARF_MQ_ACTIVEMQ_HOME:-$(cd "$here/../../../../tools/brokers/activemq" && pwd)}"
: "${WHARF_BROKERS_MVN_ARGS:=}"
# shellcheck source=../../../../tools/brokers/activemq/activemq.sh
source "$home/activemq.sh"

(( $# == 1 )) || { sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }

activemq_jars
maven_jars "$here" mq-activemq-extra
for line in 5.18 5.19; do maven_jars "$here/activemq-$line" "mq-activemq-$line"; done
maven_jars "$here/jolokia" mq-jolokia
want=$(sed -n 's:.*<activemq.version>\(.*\)</activemq.version>.*:\1:p' "$here/pom.xml")
compgen -G "$home/lib/activemq-broker-$want.jar" >/dev/null || {
  err "ActiveMQ in $home/lib is not $want (the version of $here/pom.xml); align the two poms"; exit 1; }
[[ $1 == --prepare ]] && exit 0

[[ -f $1/broker.xml ]] || { err "no broker.xml in '$1'"; exit 2; }
dir=$(cd "$1" && pwd)

echo $$ >"$dir/broker.pid"
case ${ACTIVEMQ_LINE:-6.1} in
  6.1) classpath="$home/lib/*:$here/lib/*" ;;
  5.18 | 5.19) classpath="$here/activemq-$ACTIVEMQ_LINE/lib/*" ;;
  *) err "unknown ACTIVEMQ_LINE '$ACTIVEMQ_LINE' (5.18, 5.19 or 6.1)"; exit 2 ;;
esac
cmd=("${JAVA:-java}"
  -Xms128m "-Xmx${ACTIVEMQ_HEAP:-512m}" -XX:+UseG1GC -Djava.awt.headless=true
  "-Dlog4j2.configurationFile=$home/log4j2.properties"
  "-Dactivemq.home=$home" "-Dactivemq.base=$dir" "-Dactivemq.conf=$dir" "-Dactivemq.data=$dir/data")
# shellcheck disable=SC2206
[[ -n ${ACTIVEMQ_JAVA_OPTS:-} ]] && cmd+=($ACTIVEMQ_JAVA_OPTS)
[[ -f $dir/console.properties ]] && cmd+=("-javaagent:$here/jolokia/lib/jolokia-agent-jvm.jar=config=$dir/console.properties")
cmd+=(-cp "$classpath" org.apache.activemq.console.command.ShellCommand start "xbean:file:$dir/broker.xml")
exec "${cmd[@]}"
