#!/usr/bin/env bash
# The whole test suite from a fresh clone: set-up, lint (module boundaries), unit and integration tests.
# Ends with one summary line "N passed, N failed" that CI reads.
set -uo pipefail
cd "$(dirname "$0")/.."
started=$(date +%s)
bash tools/setup.sh || { echo "setup failed"; echo "0 passed, 1 failed"; exit 1; }
source tools/node/env.sh # Node 24 (setup fetched it when the machine's node is older)

status=0
printf '\n== lint\n'
bash tools/lint.sh || status=1

printf '\n== tests\n'
mkdir -p tmp
rm -f tmp/vitest-report.json
npx vitest run --reporter=default --reporter=json --outputFile.json=tmp/vitest-report.json "$@" || status=1

# The container part: podman, images built here, the compose stack proved, suites on containerised brokers.
printf '\n== containers\n'
rm -f tmp/vitest-compose.json tmp/vitest-containers.json
containers_failed=0
if [ "${WHARF_CONTAINERS:-1}" = 0 ]; then
  echo "skipped (WHARF_CONTAINERS=0)"
else
  bash tools/containers/ci.sh || { status=1; containers_failed=1; }
fi

if [ -f tmp/vitest-report.json ]; then
  node -e '
    const fs = require("fs");
    const [lint, containersFailed] = process.argv.slice(1).map(Number);
    const reports = ["tmp/vitest-report.json", "tmp/vitest-compose.json", "tmp/vitest-containers.json"].filter((f) => fs.existsSync(f)).map((f) => JSON.parse(fs.readFileSync(f, "utf8")));
    const sum = (k) => reports.reduce((n, r) => n + r[k], 0);
    const failed = sum("numFailedTests");
    // a failure outside any test (lint, or the container part before its tests) still counts once
    const extra = failed === 0 && (lint || containersFailed) ? 1 : 0;
    console.log(`\ntests: ${sum("numPassedTests")} passed, ${failed + extra} failed, ${sum("numPendingTests") + sum("numTodoTests")} skipped`);
  ' "$status" "$containers_failed"
else
  echo "tests: 0 passed, 1 failed"
  status=1
fi
echo "total time: $(( $(date +%s) - started )) s"
exit $status
