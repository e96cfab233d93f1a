// Sender (From) resolution (docs/sss-parity.md#party-resolution).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { resolveSender, SENDER_MATCH_CAP, type Candidate, type ResolutionOptions } from '../../../shared/domain/party';

const OWNER = 'user-alice';
const opts = (over: Partial<ResolutionOptions> = {}): ResolutionOptions => ({
  mailboxOwnerId: OWNER,
  unresolveSenderIfMultiple: false,
  unresolveRecipientIfMultiple: false,
  resolveInactive: false,
  ...over,
});
const c = (type: string, id: string, over: Partial<Candidate> = {}): Candidate => ({
  ref: { type, id },
  active: true,
  ...over,
});

describe('resolveSender', () => {
  it('no match leaves the sender unresolved', () => {
    assert.equal(resolveSender([], opts()), undefined);
  });
  it('a row owned by the mailbox owner wins over a higher-ranked type', () => {
    const r = resolveSender([c('systemuser', 'u1'), c('lead', 'l1', { ownerId: OWNER }), c('contact', 'c1')], opts());
    assert.deepEqual(r, { type: 'lead', id: 'l1' });
  });
  it('without an owned row the order is systemuser, contact, account, lead, then others', () => {
    const all = [c('queue', 'q1'), c('lead', 'l1'), c('account', 'a1'), c('contact', 'c1'), c('systemuser', 'u1')];
    assert.deepEqual(resolveSender(all, opts()), { type: 'systemuser', id: 'u1' });
    assert.deepEqual(resolveSender(all.slice(0, 4), opts()), { type: 'contact', id: 'c1' });
    assert.deepEqual(resolveSender(all.slice(0, 3), opts()), { type: 'account', id: 'a1' });
    assert.deepEqual(resolveSender(all.slice(0, 2), opts()), { type: 'lead', id: 'l1' });
  });
  it('a lead ranks above a custom email-enabled table', () => {
    assert.deepEqual(resolveSender([c('new_vendor', 'v1'), c('lead', 'l1')], opts()), { type: 'lead', id: 'l1' });
  });
  it('among rows of equal rank the earliest created wins', () => {
    const r = resolveSender(
      [
        c('contact', 'c-late', { createdon: '2024-05-01T00:00:00Z' }),
        c('contact', 'c-early', { createdon: '2023-01-01T00:00:00Z' }),
        c('contact', 'c-mid', { createdon: '2023-06-01T00:00:00Z' }),
      ],
      opts(),
    );
    assert.deepEqual(r, { type: 'contact', id: 'c-early' });
  });
  it('a row with an unknown creation time does not beat one known to be earlier', () => {
    const r = resolveSender(
      [c('contact', 'c-unknown'), c('contact', 'c-2021', { createdon: '2021-01-01T00:00:00Z' })],
      opts(),
    );
    assert.deepEqual(r, { type: 'contact', id: 'c-2021' });
  });
  it('creation times compare as instants, not as text (offset and fraction formats)', () => {
    const r = resolveSender(
      [
        c('contact', 'c-a', { createdon: '2021-01-01T05:00:00+05:00' }),
        c('contact', 'c-b', { createdon: '2021-01-01T01:00:00Z' }),
      ],
      opts(),
    );
    assert.deepEqual(r, { type: 'contact', id: 'c-a' });
  });
  it('among several rows owned by the mailbox owner, rank then age decide', () => {
    const r = resolveSender(
      [
        c('account', 'a1', { ownerId: OWNER, createdon: '2020-01-01T00:00:00Z' }),
        c('contact', 'c2', { ownerId: OWNER, createdon: '2024-01-01T00:00:00Z' }),
        c('contact', 'c1', { ownerId: OWNER, createdon: '2022-01-01T00:00:00Z' }),
        c('systemuser', 'u1', { ownerId: 'someone-else' }),
      ],
      opts(),
    );
    assert.deepEqual(r, { type: 'contact', id: 'c1' });
  });
  it(`more than ${SENDER_MATCH_CAP} matches leaves the sender unresolved`, () => {
    const many = Array.from({ length: SENDER_MATCH_CAP + 1 }, (_, i) => c('contact', `c${i}`));
    assert.equal(resolveSender(many, opts()), undefined);
  });
  it(`exactly ${SENDER_MATCH_CAP} matches still resolves`, () => {
    const many = Array.from({ length: SENDER_MATCH_CAP }, (_, i) =>
      c('contact', `c${String(i).padStart(3, '0')}`, {
        createdon: `2020-01-01T00:00:${String(i % 60).padStart(2, '0')}Z`,
      }),
    );
    assert.notEqual(resolveSender(many, opts()), undefined);
  });
  it('UnresolveSenderInCaseOfMultipleMatch leaves a sender with several matches unresolved', () => {
    assert.equal(
      resolveSender([c('contact', 'c1'), c('account', 'a1')], opts({ unresolveSenderIfMultiple: true })),
      undefined,
    );
  });
  it('UnresolveSenderInCaseOfMultipleMatch still resolves a single match', () => {
    assert.deepEqual(resolveSender([c('contact', 'c1')], opts({ unresolveSenderIfMultiple: true })), {
      type: 'contact',
      id: 'c1',
    });
  });
  it('a single match resolves whatever its state (an inactive contact)', () => {
    assert.deepEqual(resolveSender([c('contact', 'c1', { active: false })], opts()), { type: 'contact', id: 'c1' });
  });
  it('a disabled user never resolves, even as the single match or with ResolveForInactiveEntities', () => {
    assert.equal(resolveSender([c('systemuser', 'u1', { active: false })], opts()), undefined);
    assert.equal(resolveSender([c('systemuser', 'u1', { active: false })], opts({ resolveInactive: true })), undefined);
  });
  it('among several matches an inactive row is skipped unless ResolveForInactiveEntities', () => {
    const both = [c('contact', 'c-inactive', { active: false }), c('account', 'a1')];
    assert.deepEqual(resolveSender(both, opts()), { type: 'account', id: 'a1' });
    assert.deepEqual(resolveSender(both, opts({ resolveInactive: true })), { type: 'contact', id: 'c-inactive' });
  });
});
