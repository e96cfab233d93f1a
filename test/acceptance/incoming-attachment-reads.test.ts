// Issue point "Attachments both ways", incoming reads: a list longer than a page is followed to its end, and
// a large file is read as raw bytes through $value (not as base64 in JSON), stored byte for byte.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { acceptanceFixtureF, withInboxMessage, withOrgSettings, BOB, SALES } from '../../local/tenant/acceptance';
import type { Json } from '../../local/tenant/fixture';
import { QUEUES } from '../../shared/ports';
import { createStages } from '../../shared/pipeline/stages';
import { inbound, startPipeline } from '../support/pipeline';
import { contentOf } from '../support/outgoing-attachments';
import { msg } from './scenarios';

const file = (name: string, size: number): Json => ({
  '@odata.type': '#microsoft.graph.fileAttachment',
  name,
  contentType: 'application/octet-stream',
  contentBytes: contentOf(name, size),
});

test('Attachments both ways: an incoming attachment list longer than a page is read to its end, and a large file comes through $value byte for byte', async () => {
  const small = Array.from({ length: 55 }, (_, i) => file(`note-${String(i + 1).padStart(2, '0')}.txt`, 10));
  let f = withOrgSettings(acceptanceFixtureF(), { maxuploadfilesize: 5 * 1024 * 1024 });
  f = withInboxMessage(
    f,
    SALES,
    msg('<many@fabrikam.com>', BOB, [SALES], 'Many files', {}, { attachments: [...small, file('big.bin', 1_500_000)] }),
  );
  const p = await startPipeline(f);
  try {
    const stages = createStages(p.deps);
    await stages.schedule({ force: true });
    for (let i = 0; i < p.sent.length; i++) {
      const s = p.sent[i];
      if (s.queue === QUEUES.syncJobs) await stages.sync(inbound(s.message));
      else await stages.write(inbound(s.message));
    }
    const res = await fetch(`${p.dataverse.baseUrl}/activitymimeattachments?$select=filename,body`, {
      headers: { Authorization: 'Bearer test-token' },
    });
    const rows = ((await res.json()) as { value: { filename: string; body: string }[] }).value;
    assert.equal(rows.length, 56, 'every file of the list, past its first page');
    assert.equal(rows.find((r) => r.filename === 'big.bin')?.body, contentOf('big.bin', 1_500_000), 'byte for byte');
    const routes = p.graph.stats().byRoute;
    assert.equal(routes['GET message/attachment/$value'], 1, 'the large file read as raw bytes');
    assert.ok((routes['GET message/attachments'] ?? 0) >= 2, 'the list followed to its second page');
  } finally {
    await p.stop();
  }
});
