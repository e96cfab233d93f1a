// Message-ID normalisation, In-Reply-To / References parsing (docs/sss-parity.md#correlation-order, #duplicates).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { normalizeMessageId, parseMessageIdList } from '../../../shared/domain/message-id';

describe('normalizeMessageId', () => {
  it('drops angle brackets and surrounding white space', () => {
    assert.equal(normalizeMessageId('  <e1@contoso.onmicrosoft.com> '), 'e1@contoso.onmicrosoft.com');
  });
  it('compares case-insensitively, as Dataverse does (upper and lower case give one key)', () => {
    assert.equal(normalizeMessageId('<AbC@Contoso.COM>'), normalizeMessageId('<abc@contoso.com>'));
  });
  it('gives the same key with and without brackets', () => {
    assert.equal(normalizeMessageId('x@y.z'), normalizeMessageId('<x@y.z>'));
  });
});

describe('parseMessageIdList', () => {
  it('returns an empty list for a missing or blank header', () => {
    assert.deepEqual(parseMessageIdList(undefined), []);
    assert.deepEqual(parseMessageIdList('   '), []);
  });
  it('reads one In-Reply-To id', () => {
    assert.deepEqual(parseMessageIdList('<e1@contoso.onmicrosoft.com>'), ['e1@contoso.onmicrosoft.com']);
  });
  it('keeps References in header order, oldest first', () => {
    assert.deepEqual(parseMessageIdList('<x@y> <e1@contoso.onmicrosoft.com>'), ['x@y', 'e1@contoso.onmicrosoft.com']);
  });
  it('reads ids separated by folded white space (CRLF + tab)', () => {
    assert.deepEqual(parseMessageIdList('<a@b.c>\r\n\t<D@E.F>'), ['a@b.c', 'd@e.f']);
  });
  it('accepts a single bare id without brackets', () => {
    assert.deepEqual(parseMessageIdList('bare@host.example'), ['bare@host.example']);
  });
  it('does not invent ids from free text without brackets', () => {
    assert.deepEqual(parseMessageIdList('not a message id'), []);
  });
});
