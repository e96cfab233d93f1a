// The send fault suite's seeds 4-50, long suite (`npm run test:long`). The default suite runs seeds 1-3 of
// the same file, so the two suites together make the 50 seeded runs issue 12 asks of the send stage.
process.env.SEND_FAULT_SEEDS_FROM = '4';
process.env.SEND_FAULT_SEEDS = '50';
require('../faults/send-fault-suite.test');
