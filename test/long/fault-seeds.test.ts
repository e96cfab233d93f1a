// The fault suite's seeds 7-50, long suite (`npm run test:long`). The default suite runs seeds 1-6 of
// the same file, so the two suites together make the 50 seeded runs the README promises.
process.env.FAULT_SEEDS_FROM = '7';
process.env.FAULT_SEEDS = '50';
require('../faults/fault-suite.test');
