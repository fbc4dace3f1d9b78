#!/usr/bin/env bash
# Runs a command with the project's Node first on PATH: npm scripts go through here, since npm itself
# (the machine's) would otherwise start `node`, vitest, tsc… on the machine's older node.
source "$(dirname "$0")/env.sh"
exec "$@"
