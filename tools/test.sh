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
npx eslint --max-warnings=0 . || status=1

printf '\n== tests\n'
mkdir -p tmp
rm -f tmp/vitest-report.json
npx vitest run --reporter=default --reporter=json --outputFile.json=tmp/vitest-report.json "$@" || status=1

if [ -f tmp/vitest-report.json ]; then
  node -e '
    const r = require("./tmp/vitest-report.json");
    const lintFailed = process.argv[1] === "1" && r.numFailedTests === 0 ? 1 : 0;
    console.log(`\ntests: ${r.numPassedTests} passed, ${r.numFailedTests + lintFailed} failed, ${r.numPendingTests + r.numTodoTests} skipped`);
  ' "$status"
else
  echo "tests: 0 passed, 1 failed"
  status=1
fi
echo "total time: $(( $(date +%s) - started )) s"
exit $status
