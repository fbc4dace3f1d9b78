# shellcheck shell=bash
# Shared helpers for tools/brokers/*. Source it; it defines functions and a few paths, nothing runs.

BROKERS_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# Everything a run leaves behind (data, logs, pid files) lives here; git-ignored.
# Machine-wide by default: every checkout here (a working tree, a fresh CI clone) sees and manages the
# same brokers instead of finding "foreign" ones it cannot restart.
BROKERS_RUN_DIR="${WHARF_BROKERS_RUN_DIR:-/var/tmp/wharf-brokers}"

log()  { printf '[brokers %s] %s\n' "$(date +%H:%M:%S)" "$*"; }
warn() { printf '[brokers %s] WARNING: %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
err()  { printf '[brokers %s] ERROR: %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

now_ms() { date +%s%3N; }
elapsed_s() { # <start_ms>
  local d=$(( $(now_ms) - $1 ))
  printf '%d.%01d' $((d / 1000)) $(((d % 1000) / 100))
}

# port_open <port> [host]: true when something accepts TCP connections there (no client tools needed).
port_open() {
  timeout 2 bash -c 'exec 3<>"/dev/tcp/$1/$2"' _ "${2:-127.0.0.1}" "$1" 2>/dev/null
}

# show_log_tail <file> [lines]: for error messages.
show_log_tail() {
  local f=$1 n=${2:-40}
  if [[ -s $f ]]; then
    local first
    first=$(grep -m1 -E 'Exception|ERROR|FATAL|[Ee]rror:' "$f" | cut -c1-400)
    [[ -n $first ]] && printf 'first error in the log: %s\n' "$first" >&2
    printf -- '----- last %s lines of %s -----\n' "$n" "$f" >&2
    tail -n "$n" "$f" >&2
    printf -- '-----\n' >&2
  else
    printf -- '(no log at %s)\n' "$f" >&2
  fi
}

# pid_from_file <pidfile> <cmdline-substring>: prints the pid if that process is alive and its
# command line contains the substring (guards against a recycled pid). Fails otherwise.
pid_from_file() {
  local pidfile=$1 needle=$2 pid
  [[ -s $pidfile ]] || return 1
  pid=$(<"$pidfile")
  [[ $pid =~ ^[0-9]+$ ]] || return 1
  [[ -r /proc/$pid/cmdline ]] || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" | grep -qF -- "$needle" || return 1
  printf '%s\n' "$pid"
}

# wait_exec <pid> <cmdline-substring>: right after `cmd &`, the child is still a copy of this shell
# until it execs; wait (max 5 s) until its command line is the real one, so pid checks are reliable.
wait_exec() {
  local i
  for ((i = 0; i < 100; i++)); do
    [[ -r /proc/$1/cmdline ]] || return 1
    tr '\0' ' ' <"/proc/$1/cmdline" | grep -qF -- "$2" && return 0
    sleep 0.05
  done
  return 1
}

# stop_pid <pid> <name> [grace_seconds]: TERM, wait, then KILL. Only ever called with pids we started.
stop_pid() {
  local pid=$1 name=$2 grace=${3:-30} i
  kill -TERM "$pid" 2>/dev/null || return 0
  for ((i = 0; i < grace * 10; i++)); do
    kill -0 "$pid" 2>/dev/null || return 0
    sleep 0.1
  done
  warn "$name (pid $pid) did not stop within ${grace}s; sending KILL"
  kill -KILL "$pid" 2>/dev/null || true
  for ((i = 0; i < 50; i++)); do
    kill -0 "$pid" 2>/dev/null || return 0
    sleep 0.1
  done
  return 1
}

# wait_until <timeout_s> <cmd...>: polls every 0.2 s.
wait_until() {
  local timeout=$1; shift
  local deadline=$(( $(now_ms) + timeout * 1000 ))
  while (( $(now_ms) < deadline )); do
    "$@" && return 0
    sleep 0.2
  done
  "$@"
}

# maven_jars <project-dir> <label>: makes <project-dir>/lib hold the runtime jars of its pom.xml.
# Skipped when lib/.pom.sha256 matches the pom (so a warm start never runs Maven). Tries Maven offline
# first (works from a warm ~/.m2 with no network), then online. Extra Maven flags: $WHARF_BROKERS_MVN_ARGS.
maven_jars() {
  local dir=$1 label=$2 sum stamp lock rc t0 mvnlog tmp
  sum=$(sha256sum "$dir/pom.xml" | cut -d' ' -f1)
  stamp="$dir/lib/.pom.sha256"
  if [[ -f $stamp && $(<"$stamp") == "$sum" ]]; then
    return 0
  fi
  command -v mvn >/dev/null || { err "$label: mvn not found (needed once to fetch the jars)"; return 1; }
  mkdir -p "$BROKERS_RUN_DIR"
  lock="$BROKERS_RUN_DIR/.mvn-$label.lock"
  (
    flock -w 600 9 || { err "$label: timed out waiting for another Maven run"; exit 1; }
    # someone else may have finished it while we waited
    if [[ -f $stamp && $(<"$stamp") == "$sum" ]]; then exit 0; fi
    t0=$(now_ms)
    mvnlog="$BROKERS_RUN_DIR/mvn-$label.log"
    tmp="$dir/lib.tmp.$$"
    rm -rf "$tmp"
    log "$label: fetching jars with Maven (once per pom.xml change; log $mvnlog)"
    # shellcheck disable=SC2086
    if mvn -B -q -o -f "$dir/pom.xml" package -Dlib.dir="$tmp" ${WHARF_BROKERS_MVN_ARGS:-} </dev/null >"$mvnlog" 2>&1; then
      rc=0
    else
      rm -rf "$tmp"
      printf '\n==== offline attempt failed (normal on a fresh ~/.m2); retrying online ====\n\n' >>"$mvnlog"
      # shellcheck disable=SC2086
      mvn -B -q -f "$dir/pom.xml" package -Dlib.dir="$tmp" ${WHARF_BROKERS_MVN_ARGS:-} </dev/null >>"$mvnlog" 2>&1
      rc=$?
    fi
    if (( rc != 0 )) || ! compgen -G "$tmp/*.jar" >/dev/null; then
      err "$label: Maven could not fetch the jars"
      show_log_tail "$mvnlog" 30
      rm -rf "$tmp"
      exit 1
    fi
    printf '%s\n' "$sum" >"$tmp/.pom.sha256"
    rm -rf "${dir:?}/lib"
    mv "$tmp" "$dir/lib"
    log "$label: $(find "$dir/lib" -name '*.jar' | wc -l) jars in $(elapsed_s "$t0")s"
  ) 9>"$lock"
}

# jars_stale <project-dir>: true when lib/ does not match pom.xml (a running broker keeps old jars).
jars_stale() {
  local dir=$1
  [[ -f $dir/lib/.pom.sha256 ]] || return 0
  [[ $(<"$dir/lib/.pom.sha256") != "$(sha256sum "$dir/pom.xml" | cut -d' ' -f1)" ]]
}

# status_line <name> <address> <state> [detail]
status_line() {
  printf '%-16s %-22s %-9s %s\n' "$1" "$2" "$3" "${4:-}"
}

# require_known <known names, space-separated> <where, for the message> <name...>: exit 2 on a name not known.
require_known() {
  local known=$1 where=$2 b; shift 2
  for b in "$@"; do
    [[ " $known " == *" $b "* ]] || { err "unknown broker '$b'$where (known: $known)"; exit 2; }
  done
}

# take_lock <file> <timeout_s> <what>: one up/down at a time on fd 8, held until this script exits. Every
# daemon started meanwhile gets `8>&-` so it does not inherit (and hold) the lock.
take_lock() {
  exec 8>"$1"
  flock -w "$2" 8 || { err "timed out waiting for another brokers.sh $3"; exit 1; }
}
