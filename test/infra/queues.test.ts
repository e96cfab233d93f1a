// Service Bus: the queues Bicep creates are the code's QUEUES, with the flags the triggers and the sender
// rely on (sessions on sync-jobs only, duplicate detection by messageId on both, dead-lettering).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { QUEUES } from '../../shared/ports';
import { SETTINGS } from '../../shared/config';
import { quotedNames, readText, resources, prop } from './bicep-text';
import { bicepQueues as queuesIn, functionFiles, queueDrift, queueFlag, triggers as triggersIn } from './drift';

const sb = readText('infra/app/servicebus.bicep');
const fn = readText('infra/app/function.bicep');
const bicepQueues = () => queuesIn(sb);
const flag = (q: ReturnType<typeof bicepQueues>[number], key: string) => queueFlag(sb, q, key);
const triggers = () => triggersIn(functionFiles(), QUEUES);
const drift = () => queueDrift(sb, functionFiles(), QUEUES);

test('Bicep creates exactly the queues in QUEUES', () => {
  assert.deepEqual(drift().missingFromBicep, [], 'queues the code uses but Bicep does not create');
  assert.deepEqual(drift().unknownToCode, [], 'queues Bicep creates but the code does not know');
  assert.deepEqual(
    bicepQueues()
      .map((q) => q.name)
      .sort(),
    Object.values(QUEUES).sort(),
  );
});

test('every Service Bus trigger listens on a Bicep queue through ServiceBusConnection', () => {
  const ts = triggers();
  assert.deepEqual(ts.map((t) => t.fn).sort(), ['sync', 'write']);
  const names = new Set(bicepQueues().map((q) => q.name));
  const settings = new Set(quotedNames(fn));
  for (const t of ts) {
    assert.ok(names.has(t.queue), `${t.fn}: queue ${t.queue} exists in Bicep`);
    assert.ok(t.connection, `${t.fn}: names its connection`);
    assert.ok(
      settings.has(`${t.connection}__fullyQualifiedNamespace`),
      `${t.fn}: ${t.connection}__fullyQualifiedNamespace is an app setting`,
    );
  }
});

test('sessions are on exactly where a trigger enables them (sync-jobs only)', () => {
  assert.deepEqual(
    triggers()
      .filter((t) => t.sessions)
      .map((t) => t.queue),
    [QUEUES.syncJobs],
  );
  assert.deepEqual(drift().sessionMismatch, [], 'queues whose requiresSession differs from their trigger');
});

test('both queues de-duplicate by messageId and dead-letter instead of dropping', () => {
  const maxDeliveries = Number(SETTINGS.find((s) => s.name === 'QUEUE_MAX_DELIVERY_COUNT')!.default);
  for (const q of bicepQueues()) {
    assert.equal(flag(q, 'requiresDuplicateDetection'), true, `requiresDuplicateDetection on ${q.name}`);
    assert.equal(flag(q, 'duplicateDetectionHistoryTimeWindow'), 'PT10M', `duplicate window on ${q.name}`);
    assert.equal(flag(q, 'lockDuration'), 'PT1M', `lockDuration on ${q.name}`);
    assert.equal(
      flag(q, 'maxDeliveryCount'),
      maxDeliveries,
      `maxDeliveryCount on ${q.name} = the local queue's QUEUE_MAX_DELIVERY_COUNT default`,
    );
    assert.equal(flag(q, 'deadLetteringOnMessageExpiration'), true, `deadLetteringOnMessageExpiration on ${q.name}`);
  }
});

test('the namespace is Standard with local (SAS) auth off', () => {
  const [ns] = resources(sb, 'Microsoft.ServiceBus/namespaces');
  assert.ok(ns);
  assert.match(ns.body, /sku:\s*\{\s*name:\s*'Standard'/);
  assert.equal(prop(ns.body, 'disableLocalAuth'), 'true');
});

test("the timer schedule's %SETTING% is an app setting", () => {
  const schedule = readText('functions/schedule.ts');
  const refs = [...schedule.matchAll(/schedule:\s*'%(\w+)%'/g)].map((m) => m[1]!);
  assert.deepEqual(refs, ['SCHEDULE_CRON']);
  for (const r of refs) assert.ok(quotedNames(fn).includes(r), r);
});
