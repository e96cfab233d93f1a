// Deterministic activity ids: one email per Message-ID and direction (docs/sss-parity.md#duplicates).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { emailActivityId, normalizeMessageId } from '../../../shared/domain/message-id';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('emailActivityId', () => {
  it('is a version-5 style UUID', () => {
    assert.match(emailActivityId('r1@fabrikam.com', false), UUID);
  });
  it('gives the same id for the same Message-ID and direction (every mailbox, retry and host)', () => {
    assert.equal(emailActivityId('r1@fabrikam.com', false), emailActivityId('r1@fabrikam.com', false));
  });
  it('gives the same id for Message-IDs that normalize alike', () => {
    assert.equal(
      emailActivityId(normalizeMessageId('<R1@Fabrikam.com>'), true),
      emailActivityId(normalizeMessageId('r1@fabrikam.com'), true),
    );
  });
  it('gives different ids for the two directions (sent copy and received copy)', () => {
    assert.notEqual(emailActivityId('r1@fabrikam.com', true), emailActivityId('r1@fabrikam.com', false));
  });
  it('gives different ids for different Message-IDs', () => {
    assert.notEqual(emailActivityId('r1@fabrikam.com', false), emailActivityId('r2@fabrikam.com', false));
  });
});
