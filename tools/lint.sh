#!/usr/bin/env bash
# Lint with module boundaries. @nx/enforce-module-boundaries reads Nx's cached project graph and is
# silently skipped ("No cached ProjectGraph is available") when there is none, as on every fresh clone:
# build the graph first, so the boundary rules really run.
set -euo pipefail
cd "$(dirname "$0")/.."
NX_DAEMON=false npx nx show projects >/dev/null
exec npx eslint --max-warnings=0 "${@:-.}"
