#!/usr/bin/env node
// The `wharf` command (npx wharf). A committed, executable stub: npm links bins at `npm ci`, before the build
// writes dist/, and a file tsc writes later would not be executable.
'use strict';
const { main } = require('../dist/main.js');
main(process.argv.slice(2)).then((code) => process.exit(code), (err) => { console.error(`wharf: ${err && err.message ? err.message : err}`); process.exit(2); });
