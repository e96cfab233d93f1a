// The ACT fault suite's seeds 4-50, long suite (`npm run test:long`); the default suite runs seeds 1-3 of the same
// file, so the two suites together make the 50 seeded runs.
process.env.ACT_FAULT_SEEDS_FROM = '4';
process.env.ACT_FAULT_SEEDS = '50';
require('../faults/act-fault-suite.test');
