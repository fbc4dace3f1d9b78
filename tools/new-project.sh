#!/usr/bin/env bash
# Scaffolds one workspace project: tools/new-project.sh <dir> <package-name> <scope> <type> [dep-dir ...]
# Keeps package.json, tsconfig.json and the root build references consistent across projects.
set -euo pipefail
dir=$1 name=$2 scope=$3 type=$4; shift 4
root=$(cd "$(dirname "$0")/.." && pwd)
mkdir -p "$root/$dir/src"
rel=$(realpath --relative-to="$root/$dir" "$root")
refs=""
for dep in "$@"; do refs="$refs{ \"path\": \"$(realpath --relative-to="$root/$dir" "$root/$dep")\" },"; done
refs="[${refs%,}]"
[ -f "$root/$dir/package.json" ] || cat > "$root/$dir/package.json" <<JSON
{
  "name": "$name",
  "version": "0.1.0",
  "private": true,
  "main": "dist/index.js",
  "types": "dist/index.d.ts",
  "nx": { "tags": ["scope:$scope", "type:$type"] }
}
JSON
cat > "$root/$dir/tsconfig.json" <<JSON
{
  "extends": "$rel/tsconfig.base.json",
  "compilerOptions": { "rootDir": "src", "outDir": "dist", "tsBuildInfoFile": "dist/.tsbuildinfo" },
  "include": ["src/**/*.ts"],
  "exclude": ["src/**/*.spec.ts", "src/**/*.test.ts"],
  "references": $refs
}
JSON
