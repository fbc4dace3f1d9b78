#!/usr/bin/env bash
# Lint with module boundaries, then refuse import circles.
# @nx/enforce-module-boundaries reads Nx's cached project graph and is silently skipped ("No cached
# ProjectGraph is available") when there is none, as on every fresh clone: build the graph first, so the
# boundary rules really run. That rule also refuses circles between projects; madge (options in .madgerc)
# finds those between the files of one project, type-only imports included, which ESLint's no-cycle skips.
#   tools/lint.sh [paths...]   default: the whole repo (circles: apps/, libs/ and tools/)
set -euo pipefail
cd "$(dirname "$0")/.."
NX_DAEMON=false npx nx show projects >/dev/null
npx eslint --max-warnings=0 "${@:-.}"
if [ $# -eq 0 ]; then set -- apps libs tools; fi
npx madge --circular --no-spinner --no-color "$@"
