// Input the user gave that a command refuses before it starts: a --settings file, a tenant fixture, a
// --faults spec, an explain id. `exsync` exits 2 on these, as on a usage error or bad settings, and keeps 1
// for "it ran, and something failed".
export class BadInputError extends Error {
  override name = 'BadInputError';
}
