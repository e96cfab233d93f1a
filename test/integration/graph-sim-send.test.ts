// Sending through the Graph simulator with the send adapter: create + send keeps the internetMessageId, the
// copy lands in Sent Items with the activity id property (found by it), recipients in the tenant receive it,
// and an injected quota error reaches the adapter as Exchange's code.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startGraphSimulator } from '../../local/sim/graph';
import { acceptanceFixtureF, ALICE, SALES } from '../../local/tenant/acceptance';
import { ScaledClock } from '../../local/clock';
import { createGraphSender } from '../../shared/adapters/graph/send';
import { isExsyncError } from '../../shared/domain/errors';
import { sendFailureOf } from '../../shared/domain/send';

const mail = (activityid: string) => ({
  activityid,
  subject: 'Proposal CRM:0001002',
  body: { contentType: 'html' as const, content: '<p>hi</p>' },
  to: [{ address: SALES }],
  cc: [],
  bcc: [],
});

test('The send stage: the Graph simulator sends as Graph does, with the copy in Sent Items found by the activity id and the recipient’s Inbox copy', async () => {
  const fixture = acceptanceFixtureF();
  const sim = await startGraphSimulator({ tenant: fixture, clock: new ScaledClock(new Date(fixture.now!)) });
  try {
    const sender = createGraphSender({
      baseUrl: sim.baseUrl,
      token: async () => 't',
      pageSize: 50,
      clock: new ScaledClock(new Date()),
    });
    assert.equal(await sender.findSent(ALICE, 'act-1'), undefined, 'nothing sent yet');
    const sent = await sender.send(ALICE, mail('act-1'));
    assert.match(sent.internetMessageId, /^<.+@.+>$/);
    const found = await sender.findSent(ALICE, 'act-1');
    assert.equal(found?.internetMessageId, sent.internetMessageId, 'the Sent Items copy keeps the Message-ID');
    assert.equal(found?.subject, 'Proposal CRM:0001002');
    assert.equal(await sender.findSent(ALICE, 'act-2'), undefined, 'another activity id finds nothing');
    const state = sim.exchangeState();
    const inbox = state[SALES].mailFolders.find((f) => f.wellKnownName === 'inbox')!.messages ?? [];
    assert.equal(inbox.filter((m) => m.internetMessageId === sent.internetMessageId).length, 1, 'delivered to Sales');
    const drafts = state[ALICE].mailFolders.find((f) => f.wellKnownName === 'drafts')?.messages ?? [];
    assert.equal(drafts.length, 0, 'no draft left behind');
  } finally {
    await sim.close();
  }
});

test('Quota and submission-quota errors: the code Graph answers reaches the send stage as a quota failure', async () => {
  const fixture = acceptanceFixtureF();
  const sim = await startGraphSimulator({
    tenant: fixture,
    clock: new ScaledClock(new Date(fixture.now!)),
    intercept: (req) =>
      req.method === 'POST'
        ? { status: 403, body: { error: { code: 'ErrorSubmissionQuotaExceeded', message: 'over the limit' } } }
        : undefined,
  });
  try {
    const sender = createGraphSender({
      baseUrl: sim.baseUrl,
      token: async () => 't',
      pageSize: 50,
      clock: new ScaledClock(new Date()),
    });
    const e = await sender.send(ALICE, mail('act-q')).then(
      () => undefined,
      (x: unknown) => x,
    );
    assert.ok(isExsyncError(e), String(e));
    assert.equal(e.code, 'ErrorSubmissionQuotaExceeded');
    assert.equal(sendFailureOf(e), 'quota');
  } finally {
    await sim.close();
  }
});

test('Exactly once: a draft an earlier attempt created but could not send is the one sent on the retry (no second draft left behind)', async () => {
  const fixture = acceptanceFixtureF();
  let refuseSend = true;
  const sim = await startGraphSimulator({
    tenant: fixture,
    clock: new ScaledClock(new Date(fixture.now!)),
    intercept: (req) =>
      refuseSend && req.method === 'POST' && req.path.endsWith('/send')
        ? { status: 503, body: { error: { code: 'ServiceUnavailable', message: 'injected' } } }
        : undefined,
  });
  try {
    const sender = createGraphSender({
      baseUrl: sim.baseUrl,
      token: async () => 't',
      pageSize: 50,
      clock: new ScaledClock(new Date()),
    });
    await assert.rejects(sender.send(ALICE, mail('act-d')));
    refuseSend = false;
    const sent = await sender.send(ALICE, mail('act-d'));
    const state = sim.exchangeState();
    const drafts = state[ALICE].mailFolders.find((f) => f.wellKnownName === 'drafts')?.messages ?? [];
    assert.equal(drafts.length, 0, 'the first draft was sent, none left');
    const copies = (state[ALICE].mailFolders.find((f) => f.wellKnownName === 'sentitems')?.messages ?? []).filter(
      (m) => m.internetMessageId === sent.internetMessageId,
    );
    assert.equal(copies.length, 1);
    const inbox = state[SALES].mailFolders.find((f) => f.wellKnownName === 'inbox')!.messages ?? [];
    assert.equal(inbox.length, 1, 'delivered once');
  } finally {
    await sim.close();
  }
});
