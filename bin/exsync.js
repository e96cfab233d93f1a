#!/usr/bin/env node
// The `exsync` command (npx, an installed package, node_modules/.bin). A linked bin runs under its own
// name, so the command line is started here explicitly rather than by a check on the script's name.
let cli;
try {
  cli = require('../dist/local/cli.js');
} catch (e) {
  if (e && e.code === 'MODULE_NOT_FOUND' && String(e.message).includes('dist/local/cli.js')) {
    process.stderr.write(
      'exsync: the command line is not built yet: run `npm install` (or `npm run build`) in the package first.\n',
    );
    process.exit(1);
  }
  throw e;
}
cli.main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e) => {
    process.stderr.write(`exsync: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(1);
  },
);
