#!/usr/bin/env node
'use strict';
// Thin launcher so the bin exists before a build: the CLI itself lives in dist/.
require('../dist/index.cjs').main(process.argv.slice(2)).then(
  (code) => { process.exitCode = code; },
  (err) => { console.error(`ext-compilers: ${err && err.message ? err.message : err}`); process.exitCode = 1; },
);
