// Issue point "Attachments both ways", outgoing: which files go out, and where each goes on the message.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  base64Size,
  GRAPH_MAX_REQUEST_BYTES,
  missingOn,
  placeAttachments,
  planOutgoing,
  UPLOAD_SESSION_MIN_BYTES,
  type OutgoingFile,
} from '../../../shared/domain/outgoing-attachments';

/** A file whose content is `size` bytes (only the base64 length matters to the plan). */
const file = (name: string, size: number, contentId?: string): OutgoingFile => ({
  id: name,
  name,
  contentType: 'application/octet-stream',
  contentBytes: 'A'.repeat(Math.ceil(size / 3) * 4),
  size,
  ...(contentId ? { contentId } : {}),
});

test('Attachments both ways: base64Size is the decoded length, padding counted', () => {
  for (const n of [0, 1, 2, 3, 4, 5, 2048, 2049])
    assert.equal(base64Size(Buffer.alloc(n, 7).toString('base64')), n, `${n} bytes`);
});

test('Attachments both ways: an outgoing attachment at maxuploadfilesize goes, one byte over and a blocked extension in any case are left out with their reasons', () => {
  const plan = planOutgoing(
    [file('a.pdf', 100), file('b.pdf', 101), file('c.EXE', 1), file('d.Js', 1), file('logo.png', 5, 'logo@x')],
    { maxBytes: 100, blocked: ['exe', 'js'] },
  );
  assert.deepEqual(
    plan.send.map((f) => f.name),
    ['a.pdf', 'logo.png'],
  );
  assert.deepEqual(plan.leftOut, ['size', 'blocked', 'blocked']);
});

test('Attachments both ways: Graph’s 150 MB per file caps an organization limit above it', () => {
  const big = { ...file('big.iso', 1), size: 150 * 1024 * 1024 + 1 };
  const plan = planOutgoing([big], { maxBytes: 1 << 30, blocked: [] });
  assert.deepEqual(plan.leftOut, ['size']);
});

test('Attachments both ways: files under 3 MB ride in the create request while it stays under 4 MB, the rest are POSTed, 3 MB or more go through an upload session', () => {
  const at = file('at.bin', UPLOAD_SESSION_MIN_BYTES);
  const under = file('under.bin', UPLOAD_SESSION_MIN_BYTES - 1);
  const m1 = file('m1.bin', 1_500_000);
  const m2 = file('m2.bin', 1_500_000);
  const p = placeAttachments([at, under, m1, m2], 1_000);
  assert.deepEqual(
    p.uploaded.map((f) => f.name),
    ['at.bin'],
  );
  assert.deepEqual(
    p.inCreate.map((f) => f.name),
    ['m1.bin'],
    'as much as fits under 4,000,000 bytes with the message',
  );
  assert.deepEqual(
    p.posted.map((f) => f.name),
    ['under.bin', 'm2.bin'],
    'a file just under 3 MB is 4,000,000 bytes of base64: POSTed on its own',
  );
  const inRequest = p.inCreate.reduce((n, f) => n + f.contentBytes.length, 1_000);
  assert.ok(inRequest < GRAPH_MAX_REQUEST_BYTES);
  const small = placeAttachments([file('a', 10), file('b', 10)], 1_000);
  assert.deepEqual(
    small.inCreate.map((f) => f.name),
    ['a', 'b'],
    'small files go in the one request',
  );
});

test('Attachments both ways: a resumed draft gets only the files it lacks, counted by name', () => {
  const files = [file('a.pdf', 1), file('a.pdf', 1), file('b.pdf', 1), file('big.bin', 1)];
  assert.deepEqual(
    missingOn(files, ['a.pdf', 'b.pdf']).map((f) => f.name),
    ['a.pdf', 'big.bin'],
  );
  assert.deepEqual(missingOn(files, ['a.pdf', 'a.pdf', 'b.pdf', 'big.bin']), []);
});
