#!/usr/bin/env node
// Entry for `npx exsync`: the compiled command line lives in dist/ (built by `npm install` via `prepare`).
require('../dist/local/cli.js');
