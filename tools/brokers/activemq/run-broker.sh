#!/usr/bin/env bash
# Launch one ActiveMQ Classic instance from an instance directory made by activemq_write_config.
#
#   run-broker.sh <config-dir>            run in the foreground (exec java; for a supervisor that owns
#                                         the process, e.g. a Node child_process). Writes <dir>/broker.pid.
#   run-broker.sh --daemon <config-dir>   start in the background (own session, stdin closed), log to
#                                         <dir>/broker.log (previous one kept as broker.log.1), pid in
#                                         <dir>/broker.pid. No-op if that instance already runs.
#
# Environment: ACTIVEMQ_HEAP (default 512m), ACTIVEMQ_JAVA_OPTS (extra JVM flags), JAVA (default java).
# Fetches the jars with Maven first if activemq/lib is missing or out of date.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=activemq.sh
source "$here/activemq.sh"

daemon=0
if [[ ${1:-} == --daemon ]]; then daemon=1; shift; fi
if (( $# != 1 )); then
  sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//' >&2
  exit 2
fi
[[ -f $1/broker.xml ]] || { err "no broker.xml in '$1' (create it with activemq_write_config)"; exit 2; }
dir=$(cd "$1" && pwd)

if pid=$(activemq_pid "$dir"); then
  if (( daemon )); then
    log "activemq $(basename "$dir") already running (pid $pid)"
    exit 0
  fi
  err "activemq $(basename "$dir") already running (pid $pid)"
  exit 1
fi

activemq_jars

cmd=("${JAVA:-java}"
  -Xms128m "-Xmx${ACTIVEMQ_HEAP:-512m}" -XX:+UseG1GC -Djava.awt.headless=true
  "-Dlog4j2.configurationFile=$ACTIVEMQ_DIR/log4j2.properties"
  "-Dactivemq.home=$ACTIVEMQ_DIR" "-Dactivemq.base=$dir" "-Dactivemq.conf=$dir" "-Dactivemq.data=$dir/data")
# shellcheck disable=SC2206
[[ -n ${ACTIVEMQ_JAVA_OPTS:-} ]] && cmd+=($ACTIVEMQ_JAVA_OPTS)
cmd+=(-cp "$ACTIVEMQ_DIR/lib/*" "$ACTIVEMQ_MAIN" start "xbean:file:$dir/broker.xml")

if (( daemon )); then
  [[ -f $dir/broker.log ]] && mv -f "$dir/broker.log" "$dir/broker.log.1"
  # 8/9: lock fds of brokers.sh / maven_jars, which a long-lived daemon must not inherit
  setsid "${cmd[@]}" >"$dir/broker.log" 2>&1 </dev/null 8>&- 9>&- &
  echo $! >"$dir/broker.pid"
  wait_exec $! "xbean:file:$dir/broker.xml" || true
  log "activemq $(basename "$dir") started (pid $!, log $dir/broker.log)"
else
  echo $$ >"$dir/broker.pid"
  exec "${cmd[@]}"
fi
