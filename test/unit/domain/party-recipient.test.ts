// To / Cc / Bcc resolution (docs/sss-parity.md#party-resolution).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { resolveRecipient, type Candidate, type ResolutionOptions } from '../../../shared/domain/party';

const opts = (over: Partial<ResolutionOptions> = {}): ResolutionOptions => ({
  mailboxOwnerId: 'user-alice',
  unresolveSenderIfMultiple: false,
  unresolveRecipientIfMultiple: false,
  resolveInactive: false,
  ...over,
});
const c = (type: string, id: string, active = true): Candidate => ({ ref: { type, id }, active });

describe('resolveRecipient', () => {
  it('expands one address to every active matching row', () => {
    const r = resolveRecipient(
      [c('systemuser', 'u1'), c('queue', 'q1'), c('contact', 'c1'), c('contact', 'c2')],
      opts(),
    );
    assert.deepEqual(r, [
      { type: 'systemuser', id: 'u1' },
      { type: 'queue', id: 'q1' },
      { type: 'contact', id: 'c1' },
      { type: 'contact', id: 'c2' },
    ]);
  });
  it('an address with no match gives no row (an unresolved value)', () => {
    assert.deepEqual(resolveRecipient([], opts()), []);
  });
  it('with "unresolve if multiple" several matches give one unresolved value', () => {
    assert.deepEqual(
      resolveRecipient([c('systemuser', 'u1'), c('queue', 'q1')], opts({ unresolveRecipientIfMultiple: true })),
      [],
    );
  });
  it('with "unresolve if multiple" a single match still resolves', () => {
    assert.deepEqual(resolveRecipient([c('queue', 'q1')], opts({ unresolveRecipientIfMultiple: true })), [
      { type: 'queue', id: 'q1' },
    ]);
  });
  it('a disabled user never resolves, even with ResolveForInactiveEntities', () => {
    assert.deepEqual(
      resolveRecipient([c('systemuser', 'u1', false), c('queue', 'q1')], opts({ resolveInactive: true })),
      [{ type: 'queue', id: 'q1' }],
    );
  });
  it('an inactive contact is added only with ResolveForInactiveEntities', () => {
    assert.deepEqual(resolveRecipient([c('contact', 'c1', false)], opts()), []);
    assert.deepEqual(resolveRecipient([c('contact', 'c1', false)], opts({ resolveInactive: true })), [
      { type: 'contact', id: 'c1' },
    ]);
  });
  it('the same row found twice is one party', () => {
    assert.deepEqual(resolveRecipient([c('contact', 'c1'), c('contact', 'c1')], opts()), [
      { type: 'contact', id: 'c1' },
    ]);
  });
});
