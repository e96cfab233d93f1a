// Column-length cuts (docs/sss-parity.md#field-lengths).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { truncate, FIELD_LIMITS } from '../../../shared/domain/limits';

describe('truncate', () => {
  it('leaves a value at the limit untouched and says so', () => {
    assert.deepEqual(truncate('abc', 3), { value: 'abc', truncated: false });
  });
  it('cuts a longer value to the limit and says so', () => {
    assert.deepEqual(truncate('abcdef', 4), { value: 'abcd', truncated: true });
  });
  it('never leaves half of a surrogate pair at the end', () => {
    const r = truncate('ab😀cd', 3);
    assert.equal(r.value, 'ab');
    assert.equal(r.truncated, true);
  });
  it('uses the Dataverse email lengths: subject 800, messageid 320, trackingtoken 50, internetmessageheaders 500', () => {
    assert.deepEqual(
      [FIELD_LIMITS.subject, FIELD_LIMITS.messageid, FIELD_LIMITS.trackingtoken, FIELD_LIMITS.internetmessageheaders],
      [800, 320, 50, 500],
    );
  });
});
