// EmailActivity -> Dataverse email record (columns and binds: docs/sss-parity.md#regarding-owner-and-queue-items).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { toEmailRecord } from '../../../shared/adapters/dataverse/emails';
import type { EmailActivity } from '../../../shared/domain/activity';

const activity = (over: Partial<EmailActivity> = {}): EmailActivity => ({
  activityid: 'act-1',
  subject: 'RE: Quote Q-100',
  description: '<p>x</p>',
  directioncode: false,
  statuscode: 4,
  messageid: '<r1@fabrikam.com>',
  actualend: '2025-01-10T09:00:00.000Z',
  receivingMailboxId: 'mbx-alice',
  parties: [
    { mask: 1, party: { type: 'contact', id: 'bob' }, addressused: 'bob@fabrikam.com' },
    { mask: 2, addressused: 'team@contoso.com' },
  ],
  ...over,
});

describe('toEmailRecord', () => {
  it('writes the plain columns and binds the receiving mailbox', () => {
    const r = toEmailRecord(activity());
    assert.equal(r.activityid, 'act-1');
    assert.equal(r.directioncode, false);
    assert.equal(r.messageid, '<r1@fabrikam.com>');
    assert.equal(r['ReceivingMailboxId_Email@odata.bind'], '/mailboxes(mbx-alice)');
  });
  it('does not put statecode/statuscode on create (they are set by the PATCH in the same change set)', () => {
    const r = toEmailRecord(activity());
    assert.equal('statuscode' in r, false);
    assert.equal('statecode' in r, false);
  });
  it('binds regarding, parent, correlated activity and accepting entity by type', () => {
    const r = toEmailRecord(
      activity({
        regarding: { type: 'opportunity', id: 'opp1' },
        parentActivityId: 'E1',
        correlatedActivityId: 'E1',
        acceptingEntity: { type: 'queue', id: 'sales' },
      }),
    );
    assert.equal(r['regardingobjectid_opportunity_email@odata.bind'], '/opportunities(opp1)');
    assert.equal(r['parentactivityid@odata.bind'], '/emails(E1)');
    assert.equal(r['CorrelatedActivityId_Email@odata.bind'], '/emails(E1)');
    assert.equal(r['acceptingentityid@odata.bind'], '/queues(sales)');
  });
  it('leaves parentactivityid out when the activity has none (token correlation)', () => {
    const r = toEmailRecord(activity({ correlatedActivityId: 'E1' }));
    assert.equal('parentactivityid@odata.bind' in r, false);
  });
  it('writes resolved parties with a bind and unresolved ones with addressused only', () => {
    const parties = toEmailRecord(activity()).email_activity_parties as Record<string, unknown>[];
    assert.deepEqual(parties[0], {
      participationtypemask: 1,
      addressused: 'bob@fabrikam.com',
      'partyid_contact@odata.bind': '/contacts(bob)',
    });
    assert.deepEqual(parties[1], { participationtypemask: 2, addressused: 'team@contoso.com' });
  });
  it('writes internetmessageheaders and notifications only when set', () => {
    assert.equal('internetmessageheaders' in toEmailRecord(activity()), false);
    const r = toEmailRecord(
      activity({ internetmessageheaders: '{"Auto-Submitted":"auto-replied"}', notifications: 2 }),
    );
    assert.deepEqual([r.internetmessageheaders, r.notifications], ['{"Auto-Submitted":"auto-replied"}', 2]);
  });
});
