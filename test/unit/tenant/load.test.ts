import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { loadTenantFile } from '../../../local/tenant/validate';
import { findJsonError } from '../../../local/tenant/json-position';
import { acceptanceFixtureF, withInboxMessage, ALICE, BOB, E1_MESSAGE_ID } from '../../../local/tenant/acceptance';

const fixtures = resolve(__dirname, '../../../../test/fixtures');

function tempFile(text: string): string {
  const path = join(mkdtempSync(join(tmpdir(), 'exsync-tenant-')), 'tenant.json');
  writeFileSync(path, text);
  return path;
}

test("loads a fixture file: tenant-f-p1.json is F with the P1 reply in Alice's Inbox", () => {
  const expected = withInboxMessage(acceptanceFixtureF(), ALICE, {
    internetMessageId: '<r1@fabrikam.com>',
    subject: 'RE: Quote Q-100',
    from: { emailAddress: { address: BOB, name: 'Bob' } },
    toRecipients: [{ emailAddress: { address: ALICE, name: 'Alice' } }],
    internetMessageHeaders: [{ name: 'In-Reply-To', value: E1_MESSAGE_ID }],
    body: { contentType: 'html', content: '<p>Thanks, looks good.</p>' },
  });
  assert.deepEqual(loadTenantFile(join(fixtures, 'tenant-f-p1.json')), expected);
});

test('an invalid file throws one error naming the file and every problem', () => {
  const path = join(fixtures, 'tenant-invalid.json');
  assert.throws(
    () => loadTenantFile(path),
    (e: Error) => {
      assert.match(e.message, /tenant-invalid\.json: 4 problems:/);
      assert.match(
        e.message,
        /now: expected an ISO 8601 date and time with its zone \(e\.g\. 2025-01-10T10:00:00Z\), got "2025-01-10 10:00"/,
      );
      assert.match(e.message, /dataverse\.mailboxes\[0\]\.mailboxid: expected a GUID, got "mbx-1"/);
      assert.match(
        e.message,
        /dataverse\.mailboxes\[0\]\._regardingobjectid_value: expected a systemuserid of dataverse\.systemusers, got "a11ce000-0000-4000-8000-000000000009", which is not one/,
      );
      assert.match(
        e.message,
        /exchange\["alice@contoso\.com"\]\.mailFolders\[0\]\.displayName: expected the folder's name, got nothing \(the key is missing\)/,
      );
      return true;
    },
  );
});

test('a JSON syntax error is reported with line and column', () => {
  const path = tempFile('{\n  "now": "2025-01-10T10:00:00Z",\n  "dataverse": {},\n}\n');
  assert.throws(
    () => loadTenantFile(path),
    (e: Error) => {
      assert.ok(e.message.startsWith(`tenant fixture ${path}: not valid JSON: line 4, column 1:`), e.message);
      return true;
    },
  );
});

test('a missing file is reported with its path', () => {
  assert.throws(
    () => loadTenantFile('/nonexistent/tenant.json'),
    /tenant fixture \/nonexistent\/tenant\.json: cannot read/,
  );
});

test('findJsonError points at the first error', () => {
  assert.equal(findJsonError('{"a": [1, 2]}'), undefined);
  assert.deepEqual(findJsonError('{"a": 1 "b": 2}'), {
    offset: 8,
    line: 1,
    column: 9,
    message: "expected ',' or '}' after property value",
  });
  assert.deepEqual(findJsonError('[1,\n2,\n]'), { offset: 7, line: 3, column: 1, message: 'unexpected "]"' });
  assert.equal(findJsonError('{"a": "x\ny"}')?.message, 'control character in string (unescaped line break?)');
  assert.equal(findJsonError('{"a": tru}')?.line, 1);
  assert.equal(findJsonError('{"a": 1')?.message, 'unexpected end of input');
  assert.equal(findJsonError('{} x')?.message, 'unexpected text after the JSON value');
});
