// The Graph simulator's attachment writes over real HTTP with plain fetch, as learn.microsoft.com/graph/outlook-large-attachments
// describes them: createUploadSession, byte-range PUTs with nextExpectedRanges, their errors, POST of a small file,
// $value raw bytes, list paging, and the 4 MB request limit (local/sim/graph/CONFORMANCE.md).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ScaledClock } from '../../local/clock';
import { startGraphSimulator } from '../../local/sim/graph';

const ALICE = 'alice@contoso.com';
const AUTH = { Authorization: 'Bearer test-token' };

test('Attachments both ways: the Graph simulator speaks the upload-session protocol, serves $value raw and pages attachment lists', async () => {
  const g = await startGraphSimulator({
    tenant: {
      dataverse: {},
      exchange: { [ALICE]: { mailFolders: [{ displayName: 'Inbox', wellKnownName: 'inbox' }] } },
    },
    clock: new ScaledClock(new Date('2025-01-10T10:00:00Z')),
  });
  const api = (path: string, init: RequestInit = {}) =>
    fetch(`${g.baseUrl}/users/${ALICE}${path}`, {
      ...init,
      headers: { ...AUTH, 'Content-Type': 'application/json', ...(init.headers as Record<string, string>) },
    });
  try {
    const draft = (await (
      await api('/messages', { method: 'POST', body: JSON.stringify({ subject: 'Big file' }) })
    ).json()) as { id: string };
    const at = `/messages/${draft.id}/attachments`;
    const session = (size: number) =>
      api(`${at}/createUploadSession`, {
        method: 'POST',
        body: JSON.stringify({ AttachmentItem: { attachmentType: 'file', name: 'big.bin', size } }),
      });

    const small = await session(2_999_999);
    assert.equal(small.status, 400);
    assert.equal(
      ((await small.json()) as { error: { code: string } }).error.code,
      'ErrorAttachmentSizeShouldNotBeLessThanMinimumSize',
    );

    const bytes = Buffer.alloc(3_500_000);
    for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 7) & 0xff;
    const created = await session(bytes.length);
    assert.equal(created.status, 201);
    const s = (await created.json()) as { uploadUrl: string; expirationDateTime: string; nextExpectedRanges: string[] };
    assert.deepEqual(s.nextExpectedRanges, ['0-']);
    assert.ok(Date.parse(s.expirationDateTime) > Date.parse('2025-01-10T10:00:00Z'));
    const put = (range: string, body: Buffer, headers: Record<string, string> = {}) =>
      fetch(s.uploadUrl, {
        method: 'PUT',
        headers: { 'Content-Type': 'application/octet-stream', 'Content-Range': range, ...headers },
        body,
      });
    const code = async (r: Response) => [r.status, ((await r.json()) as { error: { code: string } }).error.code];

    assert.deepEqual(await code(await put('bytes 0-9/3500000', bytes.subarray(0, 10), AUTH)), [
      401,
      'InvalidAuthenticationToken',
    ]);
    assert.deepEqual(await code(await put('bytes 0-9/3500001', bytes.subarray(0, 10))), [400, 'InvalidRequest']);
    assert.deepEqual(await code(await put('bytes 0-10/3500000', bytes.subarray(0, 10))), [400, 'InvalidRequest']);
    assert.deepEqual(await code(await put('bytes 5-14/3500000', bytes.subarray(5, 15))), [416, 'InvalidRange']);

    const first = await put('bytes 0-1999999/3500000', bytes.subarray(0, 2_000_000));
    assert.equal(first.status, 200);
    assert.deepEqual(((await first.json()) as { nextExpectedRanges: string[] }).nextExpectedRanges, ['2000000']);
    assert.deepEqual(await code(await put('bytes 0-9/3500000', bytes.subarray(0, 10))), [416, 'InvalidRange']);
    const last = await put('bytes 2000000-3499999/3500000', bytes.subarray(2_000_000));
    assert.equal(last.status, 201);
    assert.equal(await last.text(), '', 'no body');
    const location = last.headers.get('location') ?? '';
    const id = /attachments\('([^']+)'\)$/.exec(location)?.[1];
    assert.ok(id, location);
    assert.deepEqual(await code(await put('bytes 0-9/3500000', bytes.subarray(0, 10))), [404, 'ErrorItemNotFound']);

    const raw = await api(`${at}/${id}/$value`);
    assert.equal(raw.status, 200);
    assert.equal(raw.headers.get('content-type'), 'application/octet-stream');
    assert.ok(Buffer.from(await raw.arrayBuffer()).equals(bytes), 'the raw bytes as uploaded');

    const posted = await api(at, {
      method: 'POST',
      body: JSON.stringify({
        '@odata.type': '#microsoft.graph.fileAttachment',
        name: 'small.txt',
        contentType: 'text/plain',
        contentBytes: Buffer.from('hello').toString('base64'),
      }),
    });
    assert.equal(posted.status, 201);
    assert.equal(((await posted.json()) as { size: number }).size, 5);

    const page1 = (await (await api(`${at}?$select=name&$top=1`)).json()) as Record<string, unknown>;
    assert.deepEqual(
      (page1.value as { name: string }[]).map((a) => a.name),
      ['big.bin'],
    );
    const next = new URL(String(page1['@odata.nextLink']));
    const page2 = (await (await fetch(next, { headers: AUTH })).json()) as Record<string, unknown>;
    assert.deepEqual(
      (page2.value as { name: string }[]).map((a) => a.name),
      ['small.txt'],
    );
    assert.equal(page2['@odata.nextLink'], undefined);

    const tooLarge = await api(at, {
      method: 'POST',
      body: JSON.stringify({ name: 'x', contentBytes: 'A'.repeat(4 * 1024 * 1024) }),
    });
    assert.equal(tooLarge.status, 413);
  } finally {
    await g.close();
  }
});
