// The fault suite's seeds 9-50, long suite (`npm run test:long`). The default suite runs seeds 1-8 of
// the same file, so the two suites together make the 50 seeded runs the README promises.
process.env.FAULT_SEEDS_FROM = '9';
process.env.FAULT_SEEDS = '50';
require('../faults/fault-suite.test');
