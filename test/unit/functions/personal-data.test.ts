// Issue point "No personal data out by accident": what leaves the process when something fails. The Functions host
// writes a function's error (message and stack) to the `exceptions` telemetry, the log stream and the dead-letter
// reason; Dataverse error bodies echo the filter values of the request (addresses, Message-IDs, subjects).
import { test, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { InvocationContext, type Timer } from '@azure/functions';
import { syncHandler } from '../../../functions/sync';
import { writeHandler } from '../../../functions/write';
import { scheduleHandler } from '../../../functions/schedule';
import { lookupPage } from '../../../shared/adapters/dataverse/lookups';
import type { WebApi } from '../../../shared/adapters/dataverse/http';
import type { Stages } from '../../../shared/pipeline/stages';
import { maskPersonalText } from '../../../shared/log';
import { setPersonalDataAllowed } from '../../../shared/telemetry';

// What Dataverse answers for a $filter it refuses: its message quotes the filter, values included.
const ECHO = `Dataverse lookup failed: 400 {"error":{"code":"0x80060888","message":"Syntax error at position 42 in 'messageid eq ''<e1@contoso.com>'' or contains(subject,''Quarterly plan for Bob'')' sender bob@fabrikam.com"}}`;
const PERSONAL = ['e1@contoso.com', 'bob@fabrikam.com', 'Quarterly plan for Bob', 'contoso.com'];
const failing = (): Promise<Stages> => Promise.reject(new Error(ECHO));
const context = (name: string) =>
  new InvocationContext({
    invocationId: `t-${name}`,
    functionName: name,
    logHandler: () => undefined,
    triggerMetadata: { messageId: 'm1', sessionId: 's1', deliveryCount: 1 },
  });

afterEach(() => setPersonalDataAllowed(false));

async function thrown(run: () => Promise<unknown>): Promise<Error> {
  try {
    await run();
  } catch (e) {
    return e as Error;
  }
  assert.fail('expected the handler to throw');
}

test('No personal data out by accident: an error thrown to the host carries no address or subject (sync, write, schedule)', async () => {
  const job = { kind: 'sync', mailboxId: 'mbx-1', workload: 'email', trigger: 'schedule' };
  const errors = [
    await thrown(() => syncHandler(failing)(job, context('sync'))),
    await thrown(() => writeHandler(failing)({ kind: 'write' }, context('write'))),
    await thrown(() => scheduleHandler(failing)({ isPastDue: false } as unknown as Timer, context('schedule'))),
  ];
  for (const e of errors) {
    for (const p of PERSONAL) {
      assert.ok(!e.message.includes(p), `message holds "${p}": ${e.message}`);
      assert.ok(!(e.stack ?? '').includes(p), `stack holds "${p}"`);
    }
    assert.match(e.message, /^Dataverse lookup failed: 400 /, 'what failed is still said');
    assert.match(e.stack ?? '', /^Error: Dataverse lookup failed/);
  }
});

test('No personal data out by accident: with LOG_PERSONAL_DATA the host gets the error as it was', async () => {
  setPersonalDataAllowed(true);
  const e = await thrown(() => scheduleHandler(failing)({ isPastDue: false } as unknown as Timer, context('schedule')));
  assert.equal(e.message, ECHO);
});

test('No personal data out by accident: the text rule masks addresses, URL-encoded addresses and quoted filter values', () => {
  assert.equal(
    maskPersonalText("subject eq 'Hello Bob' and messageid eq '<a@b.io>'"),
    "subject eq '[redacted]' and messageid eq '[redacted]'",
  );
  assert.equal(
    maskPersonalText('GET /users/alice%40contoso.com/messages from bob@fabrikam.com'),
    'GET /users/[address]/messages from [address]',
  );
  assert.equal(maskPersonalText("contains(subject,'it''s done')"), "contains(subject,'[redacted]')");
  assert.equal(
    maskPersonalText('Dataverse batch: 503 0x80072322'),
    'Dataverse batch: 503 0x80072322',
    'ids, codes and counts stay',
  );
});

test('No personal data out by accident: a refused Dataverse lookup keeps status and code, never the echoed filter values', async () => {
  const body = {
    error: {
      code: '0x80060888',
      message: "Syntax error in 'messageid eq ''<e1@contoso.com>''' near 'Quarterly plan for Bob'",
    },
  };
  const api: WebApi = {
    apiRoot: 'https://org.example/api/data/v9.2',
    get: async () => ({}),
    getAll: async () => [],
    batch: async (items) => items.map(() => ({ ok: false, parts: [{ status: 400, headers: {}, body }] })),
  };
  const e = await thrown(() =>
    lookupPage(api, { messageIds: ['<e1@contoso.com>'], trackingTokens: [], addresses: ['bob@fabrikam.com'] }),
  );
  assert.equal(e.message, 'Dataverse lookup failed: 400 0x80060888');
});
