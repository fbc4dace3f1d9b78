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

# Real clients no one on the team wrote (Java SDK v2, JMS, OpenWire, Qpid, Paho, RabbitMQ, boto3) against a
# Wharf the phase starts itself; JUnit XML in tmp/clients/junit, counted below.
printf '\n== clients\n'
rm -rf tmp/clients/junit
clients_failed=0
if [ "${WHARF_CLIENTS:-1}" = 0 ]; then
  echo "skipped (WHARF_CLIENTS=0)"
else
  clients_started=$(date +%s)
  bash tools/clients/run.sh || { status=1; clients_failed=1; }
  echo "clients phase: $(( $(date +%s) - clients_started )) s"
fi

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
    const [lint, containersFailed, clientsFailed] = process.argv.slice(1).map(Number);
    const reports = ["tmp/vitest-report.json", "tmp/vitest-compose.json", "tmp/vitest-containers.json"].filter((f) => fs.existsSync(f)).map((f) => JSON.parse(fs.readFileSync(f, "utf8")));
    // JUnit XML of the real-client suites (surefire, pytest): one <testsuite tests= failures= errors= skipped=> each
    const junitDir = "tmp/clients/junit";
    const junit = { passed: 0, failed: 0, skipped: 0 };
    for (const f of fs.existsSync(junitDir) ? fs.readdirSync(junitDir).filter((n) => n.endsWith(".xml")) : []) {
      for (const [tag] of fs.readFileSync(`${junitDir}/${f}`, "utf8").matchAll(/<testsuite\s[^>]*>/g)) {
        const attr = (k) => Number((tag.match(new RegExp(`\\s${k}="(\\d+)"`)) || [])[1] || 0);
        junit.failed += attr("failures") + attr("errors");
        junit.skipped += attr("skipped");
        junit.passed += attr("tests") - attr("failures") - attr("errors") - attr("skipped");
      }
    }
    // CI shows only the tail of the output: name every failed test (and a failed file with no test) here, last
    const failures = [];
    const firstLines = (text) => String(text ?? "").split("\n").slice(0, 3).join("\n      ");
    for (const r of reports) {
      for (const file of r.testResults) {
        const path = file.name.replace(process.cwd() + "/", "");
        const tests = file.assertionResults.filter((t) => t.status === "failed");
        for (const t of tests) failures.push(`${path} > ${t.fullName}\n      ${firstLines(t.failureMessages[0])}`);
        if (tests.length === 0 && file.status === "failed") failures.push(`${path} (no test ran)\n      ${firstLines(file.message)}`);
      }
    }
    if (failures.length) console.log(`\nfailed:\n${failures.map((f) => `  ${f}`).join("\n")}`);
    const sum = (k) => reports.reduce((n, r) => n + r[k], 0);
    const failed = sum("numFailedTests") + junit.failed;
    // a failure outside any test (lint, or the container part before its tests) still counts once
    const extra = failed === 0 && (lint || containersFailed || clientsFailed) ? 1 : 0;
    console.log(`\ntests: ${sum("numPassedTests") + junit.passed} passed, ${failed + extra} failed, ${sum("numPendingTests") + sum("numTodoTests") + junit.skipped} skipped`);
  ' "$status" "$containers_failed" "$clients_failed"
else
  echo "tests: 0 passed, 1 failed"
  status=1
fi
echo "total time: $(( $(date +%s) - started )) s"
exit $status
