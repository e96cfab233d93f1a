// Issue 10, point 9: the page's Dataverse lookups hold at scale: no text search on the subject, and every
// value of a LIKE function escaped (learn.microsoft.com/power-apps/developer/data-platform/wildcard-characters).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { emailsChangedSince, likeLiteral, lookupPage } from '../../../shared/adapters/dataverse/lookups';
import type { BatchItem, ItemResponse } from '../../../shared/adapters/dataverse/batch';
import type { WebApi } from '../../../shared/adapters/dataverse/http';

function recordingApi(rows: Record<string, unknown>[] = []): WebApi & { urls: string[] } {
  const urls: string[] = [];
  return {
    urls,
    apiRoot: 'http://sim/api/data/v9.2',
    async get(path) {
      urls.push(path);
      return { value: rows };
    },
    async getAll(path) {
      urls.push(path);
      return rows;
    },
    async batch(items: BatchItem[]): Promise<ItemResponse[]> {
      for (const i of items) if ('request' in i) urls.push(decodeURIComponent(i.request.url));
      return items.map(() => ({ ok: true, parts: [{ status: 200, headers: {}, body: { value: [] } }] }));
    },
  };
}

test('Dataverse queries that hold at scale: a page lookup is one $batch with no contains() and no leading wildcard', async () => {
  const api = recordingApi();
  await lookupPage(api, {
    messageIds: ['<a%b_c[d]@x.test>', "<o'hara@x.test>"],
    trackingTokens: ['CRM:0001001'],
    addresses: ['o_neil%x@fabrikam.com'],
    conversationRoots: ['01'.repeat(22)],
  });
  assert.ok(api.urls.length > 0);
  for (const url of api.urls) {
    assert.doesNotMatch(url, /contains\(/, url);
    assert.doesNotMatch(url, /startswith\([^,]+,'%/, url);
  }
  // Exact matches go through In(): quotes doubled, wildcards kept as they are (In is not LIKE).
  assert.ok(api.urls.some((u) => u.includes("'<a%b_c[d]@x.test>'") && u.includes("'<o''hara@x.test>'")));
});

test('Dataverse queries that hold at scale: a LIKE value has %, _ and [ in brackets and quotes doubled', () => {
  assert.equal(likeLiteral("50%_off [x] o'k"), "'50[%][_]off [[]x] o''k'");
});

test('Dataverse queries that hold at scale: the smart-matching feed reads a modifiedon range of completed emails, oldest first, with a row limit', async () => {
  const api = recordingApi([
    {
      activityid: 'e1',
      subject: 'Pricing',
      createdon: '2025-01-05T09:00:00Z',
      modifiedon: '2025-01-06T09:00:00Z',
      email_activity_parties: [{ addressused: 'Bob@Fabrikam.com' }, { _partyid_value: 'row-1' }],
    },
  ]);
  const r = await emailsChangedSince(api, '2024-10-12T10:00:00.000Z', 2);
  const url = decodeURIComponent(api.urls[0]!);
  assert.match(url, /\$filter=modifiedon ge 2024-10-12T10:00:00\.000Z and statecode eq 1/);
  assert.match(url, /\$orderby=modifiedon asc,activityid asc/);
  assert.match(url, /\$top=2/);
  assert.doesNotMatch(url, /contains\(/);
  assert.equal(r.complete, true, 'fewer rows than the limit: nothing left');
  assert.deepEqual(r.rows[0]!.addresses, ['bob@fabrikam.com']);
  assert.deepEqual(r.rows[0]!.partyIds, ['row-1'], 'a party without an address is known by its row');
  assert.deepEqual([r.rows[0]!.createdon, r.rows[0]!.modifiedon], ['2025-01-05T09:00:00Z', '2025-01-06T09:00:00Z']);
  await assert.rejects(emailsChangedSince(api, "2025' or 1 eq 1", 2), /not a date/);
});
