# Sourced by tools/*.sh: puts the project's own Node 24 first on PATH when tools/node/install.sh fetched one
# (it does so only where the machine's node is older than WHARF_NODE_MAJOR). Idempotent.
WHARF_NODE_VERSION=24.22.3
WHARF_NODE_MAJOR=${WHARF_NODE_VERSION%%.*}
WHARF_NODE_HOME="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)/.tools/node-v$WHARF_NODE_VERSION"
if [ -x "$WHARF_NODE_HOME/bin/node" ]; then
  case ":$PATH:" in
    "$WHARF_NODE_HOME/bin:"*) ;;
    *) PATH="$WHARF_NODE_HOME/bin:$PATH"; export PATH ;;
  esac
  # node-gyp must build against this Node's headers (the package ships them), not a machine-wide nodedir
  export npm_config_nodedir="$WHARF_NODE_HOME"
fi
export WHARF_NODE_VERSION WHARF_NODE_HOME
