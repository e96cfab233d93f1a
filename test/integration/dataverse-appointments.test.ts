// The Dataverse simulator's appointment tables for ACT sync: change tracking on appointments and recurring
// appointment masters (with their pattern columns and activity parties) (local/sim/dataverse/CONFORMANCE.md).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ScaledClock } from '../../local/clock';
import { startDataverseSimulator, type DataverseSimulator } from '../../local/sim/dataverse';
import { rawCall } from '../support/web-api';

const USER = '00000000-0000-0000-0000-0000000000a1';
let sim: DataverseSimulator;
before(async () => {
  sim = await startDataverseSimulator({
    tenant: {
      exchange: {},
      dataverse: {
        systemusers: [{ systemuserid: USER, fullname: 'Alice', internalemailaddress: 'alice@contoso.com' }],
      },
    },
    clock: new ScaledClock(new Date('2026-06-01T08:00:00Z')),
  });
});
after(async () => sim.close());
const call = (method: string, path: string, opts: { body?: unknown; headers?: Record<string, string> } = {}) =>
  rawCall(sim.baseUrl, method, path, { ...opts, token: 'token-a' });
const TRACK = { Prefer: 'odata.track-changes' };

async function deltaLinkOf(set: string): Promise<string> {
  const r = await call('GET', `${set}?$select=subject`, { headers: TRACK });
  assert.equal(r.status, 200, r.text);
  return r.json['@odata.deltaLink'] as string;
}

describe('Dataverse simulator — appointments under change tracking', () => {
  test('appointments: creates, updates and deletes come in the delta', async () => {
    const link = await deltaLinkOf('appointments');
    const created = await call('POST', 'appointments', {
      body: {
        subject: 'Review',
        scheduledstart: '2026-06-02T08:00:00Z',
        scheduledend: '2026-06-02T09:00:00Z',
        appointment_activity_parties: [
          { participationtypemask: 7, 'partyid_systemuser@odata.bind': `/systemusers(${USER})` },
          { participationtypemask: 5, addressused: 'bob@fabrikam.com' },
        ],
      },
      headers: { Prefer: 'return=representation' },
    });
    assert.equal(created.status, 201, created.text);
    const id = created.json.activityid as string;
    const first = await call('GET', link, { headers: TRACK });
    assert.deepEqual(
      first.json.value.map((v: any) => v.subject),
      ['Review'],
    );
    const next = first.json['@odata.deltaLink'] as string;
    assert.equal((await call('PATCH', `appointments(${id})`, { body: { subject: 'Review v2' } })).status, 204);
    const second = await call('GET', next, { headers: TRACK });
    assert.deepEqual(
      second.json.value.map((v: any) => v.subject),
      ['Review v2'],
    );
    assert.equal((await call('DELETE', `appointments(${id})`)).status, 204);
    const third = await call('GET', second.json['@odata.deltaLink'], { headers: TRACK });
    assert.deepEqual(
      third.json.value.map((v: any) => v.id),
      [id],
    );
  });

  test('recurring appointment masters: pattern columns and parties are kept, and tracked', async () => {
    const link = await deltaLinkOf('recurringappointmentmasters');
    const r = await call('POST', 'recurringappointmentmasters', {
      body: {
        subject: 'Weekly',
        recurrencepatterntype: 1,
        interval: 1,
        daysofweekmask: 2,
        patternendtype: 2,
        occurrences: 4,
        patternstartdate: '2026-06-01T00:00:00Z',
        recurringappointmentmaster_activity_parties: [{ participationtypemask: 5, addressused: 'bob@fabrikam.com' }],
      },
      headers: { Prefer: 'return=representation' },
    });
    assert.equal(r.status, 201, r.text);
    assert.equal(r.json.daysofweekmask, 2);
    const parties = await call(
      'GET',
      `recurringappointmentmasters(${r.json.activityid})/recurringappointmentmaster_activity_parties`,
    );
    assert.equal(parties.status, 200, parties.text);
    assert.deepEqual(
      parties.json.value.map((p: any) => [p.participationtypemask, p.addressused]),
      [[5, 'bob@fabrikam.com']],
    );
    const delta = await call('GET', link, { headers: TRACK });
    assert.deepEqual(
      delta.json.value.map((v: any) => v.subject),
      ['Weekly'],
    );
  });
});
