// OData $batch multipart encoding and decoding
// (https://learn.microsoft.com/power-apps/developer/data-platform/webapi/execute-batch-operations-using-web-api).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { decodeBatch, encodeBatch, type BatchItem } from '../../../shared/adapters/dataverse/batch';

const API = '/api/data/v9.2';
const items: BatchItem[] = [
  {
    changeset: [
      { method: 'POST', url: '/emails', body: { subject: 'a' } },
      { method: 'PATCH', url: '$1', body: { statecode: 1, statuscode: 4 } },
    ],
  },
  {
    changeset: [
      { method: 'POST', url: '/emails', body: { subject: 'b' } },
      { method: 'PATCH', url: '$1', body: { statecode: 1, statuscode: 4 } },
    ],
  },
  { request: { method: 'GET', url: '/emails(abc)?$select=_receivingmailboxid_value' } },
];

const CRLF = '\r\n';
const http = (status: string, body?: unknown, extra: string[] = []) =>
  [
    'Content-Type: application/http',
    'Content-Transfer-Encoding: binary',
    '',
    `HTTP/1.1 ${status}`,
    ...extra,
    'OData-Version: 4.0',
    '',
    body === undefined ? '' : JSON.stringify(body),
  ].join(CRLF);

/** A response shaped as Dataverse sends it with Prefer: odata.continue-on-error. */
function response(): { contentType: string; body: string } {
  const b = 'batchresponse_1111';
  const cs = 'changesetresponse_2222';
  const ok = [
    `--${cs}`,
    `Content-Type: application/http${CRLF}Content-Transfer-Encoding: binary${CRLF}Content-ID: 1${CRLF}${CRLF}HTTP/1.1 204 No Content${CRLF}OData-EntityId: ${API}/emails(aaa)${CRLF}${CRLF}`,
    `--${cs}`,
    `Content-Type: application/http${CRLF}Content-Transfer-Encoding: binary${CRLF}Content-ID: 2${CRLF}${CRLF}HTTP/1.1 204 No Content${CRLF}${CRLF}`,
    `--${cs}--`,
  ].join(CRLF);
  const body = [
    `--${b}`,
    `Content-Type: multipart/mixed; boundary=${cs}${CRLF}${CRLF}${ok}`,
    // A failed change set comes back as one plain error part, not a multipart.
    `--${b}`,
    http(
      '412 Precondition Failed',
      { error: { code: '0x80040237', message: 'A record with matching key values already exists.' } },
      ['Content-Type: application/json; odata.metadata=minimal'],
    ),
    `--${b}`,
    http('200 OK', { _receivingmailboxid_value: 'mbx-sales' }, [
      'Content-Type: application/json; odata.metadata=minimal',
    ]),
    `--${b}--`,
    '',
  ].join(CRLF);
  return { contentType: `multipart/mixed; boundary=${b}`, body };
}

describe('encodeBatch', () => {
  const { boundary, body } = encodeBatch(items, API);
  it('ends with the closing batch boundary', () => {
    assert.ok(body.endsWith(`--${boundary}--${CRLF}`));
  });
  it('puts each change set in its own multipart/mixed part with Content-IDs 1 and 2', () => {
    const sets = [...body.matchAll(/Content-Type: multipart\/mixed; boundary=(changeset_[\w-]+)/g)].map((m) => m[1]!);
    assert.equal(sets.length, 2);
    assert.notEqual(sets[0], sets[1]);
    for (const cs of sets) assert.ok(body.includes(`--${cs}--`));
    assert.equal([...body.matchAll(/Content-ID: 1\r\n/g)].length, 2);
    assert.equal([...body.matchAll(/Content-ID: 2\r\n/g)].length, 2);
  });
  it('prefixes entity paths with the API root and leaves $n references alone', () => {
    assert.ok(body.includes(`POST ${API}/emails HTTP/1.1`));
    assert.ok(body.includes('PATCH $1 HTTP/1.1'));
    assert.ok(body.includes(`GET ${API}/emails(abc)?$select=_receivingmailboxid_value HTTP/1.1`));
  });
  it('sends JSON bodies with a JSON content type', () => {
    assert.ok(
      body.includes(`Content-Type: application/json; charset=utf-8${CRLF}${CRLF}{"statecode":1,"statuscode":4}`),
    );
  });
});

describe('decodeBatch', () => {
  const r = response();
  const out = decodeBatch(r.contentType, r.body, items);
  it('gives one response per item sent', () => {
    assert.equal(out.length, 3);
  });
  it('a successful change set is ok with one part per request', () => {
    assert.equal(out[0]!.ok, true);
    assert.deepEqual(
      out[0]!.parts.map((p) => p.status),
      [204, 204],
    );
    assert.equal(out[0]!.parts[0]!.headers['odata-entityid'], `${API}/emails(aaa)`);
  });
  it('a failed change set is not ok and carries the error body', () => {
    assert.equal(out[1]!.ok, false);
    assert.equal(out[1]!.parts[0]!.status, 412);
    assert.deepEqual((out[1]!.parts[0]!.body as { error: { code: string } }).error.code, '0x80040237');
  });
  it('with continue-on-error, the item after a failed change set still gets its response', () => {
    assert.equal(out[2]!.ok, true);
    assert.deepEqual(out[2]!.parts[0]!.body, { _receivingmailboxid_value: 'mbx-sales' });
  });
  it('without continue-on-error, items after the failure are reported as not answered', () => {
    const cut = r.body.slice(0, r.body.indexOf('HTTP/1.1 200 OK'));
    const truncatedBody = `${cut.slice(0, cut.lastIndexOf('--batchresponse_1111'))}--batchresponse_1111--${CRLF}`;
    const o = decodeBatch(r.contentType, truncatedBody, items);
    assert.equal(o[2]!.ok, false);
    assert.equal(o[2]!.parts[0]!.status, 0);
  });
  it('a response without a boundary is an error', () => {
    assert.throws(() => decodeBatch('application/json', '{}', items));
  });
  it('decodes a quoted boundary parameter', () => {
    const o = decodeBatch(
      r.contentType.replace('boundary=batchresponse_1111', 'boundary="batchresponse_1111"'),
      r.body,
      items,
    );
    assert.deepEqual(
      o.map((x) => x.ok),
      [true, false, true],
    );
  });
});
