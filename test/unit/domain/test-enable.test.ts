// Test & Enable's pure rules: which checks run, and Graph's answer (as the adapter translates it) -> reason.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checksFor, classifyTestFailure, overallStatus, testDue, testRetry } from '../../../shared/domain/test-enable';
import { classifyHttp, throttled, transient } from '../../../shared/domain/errors';

const graph = (status: number, code: string) => classifyHttp('graph', status, code, `Graph test: ${status}`, 0);

test('Test & Enable: an unknown address is 404 ErrorInvalidUser or ResourceNotFound', () => {
  for (const code of ['ErrorInvalidUser', 'ResourceNotFound', 'Request_ResourceNotFound'])
    assert.equal(classifyTestFailure(graph(404, code))?.reason, 'UnknownAddress', code);
  // A missing item is not a missing user.
  assert.equal(classifyTestFailure(graph(404, 'ErrorItemNotFound'))?.reason, 'Other');
});

test('Test & Enable: no permission is a 403 (access denied, application access policy) or a 401', () => {
  assert.equal(classifyTestFailure(graph(403, 'ErrorAccessDenied'))?.reason, 'NoPermission');
  assert.equal(classifyTestFailure(graph(403, 'Authorization_RequestDenied'))?.reason, 'NoPermission');
  assert.equal(classifyTestFailure(graph(401, 'InvalidAuthenticationToken'))?.reason, 'NoPermission');
});

test('Test & Enable: no Exchange licence is MailboxNotEnabledForRESTAPI (or MailboxNotSupportedForRESTAPI)', () => {
  assert.equal(classifyTestFailure(graph(404, 'MailboxNotEnabledForRESTAPI'))?.reason, 'NoExchangeLicence');
  assert.equal(classifyTestFailure(graph(404, 'MailboxNotSupportedForRESTAPI'))?.reason, 'NoExchangeLicence');
});

test('Test & Enable: a disabled account is ErrorAccountDisabled, whatever the status', () => {
  assert.equal(classifyTestFailure(graph(403, 'ErrorAccountDisabled'))?.reason, 'MailboxDisabled');
});

test('Test & Enable: throttled or transient answers are retried, not failures', () => {
  assert.equal(classifyTestFailure(graph(503, 'ServiceUnavailable')), undefined);
  assert.equal(classifyTestFailure(throttled('graph', 'slow down', 1000)), undefined);
  assert.equal(classifyTestFailure(transient('graph', 'reset')), undefined);
  assert.equal(classifyTestFailure(new Error('a bug'))?.reason, 'Other');
});

test('Test & Enable: the reason names status and code, never the message', () => {
  const f = classifyTestFailure(classifyHttp('graph', 404, 'ErrorInvalidUser', "user 'a@b.c' is invalid", 0));
  assert.equal(f?.what, 'graph 404 ErrorInvalidUser');
});

test('Test & Enable: only the workloads synced by server-side sync are checked; the overall status', () => {
  assert.deepEqual(checksFor({ incomingDeliveryMethod: 2, outgoingDeliveryMethod: 2, actDeliveryMethod: 1 }), [
    'incoming',
    'outgoing',
    'act',
  ]);
  assert.deepEqual(checksFor({ incomingDeliveryMethod: 2, outgoingDeliveryMethod: 0, actDeliveryMethod: 2 }), [
    'incoming',
  ]);
  assert.equal(overallStatus({ incoming: 1, outgoing: 2, act: 0 }), 2);
  assert.equal(overallStatus({ incoming: 1, outgoing: 0, act: 1 }), 1);
  assert.equal(overallStatus({ incoming: 0, outgoing: 0, act: 0 }), 0);
});

test('Test & Enable retry bookkeeping: each retry is counted and postpones the next try 5 minutes; not run before that time', () => {
  const now = new Date('2025-01-10T10:00:00Z');
  assert.deepEqual(testRetry(undefined, now), { count: 1, until: '2025-01-10T10:05:00.000Z' });
  assert.deepEqual(testRetry(3, now), { count: 4, until: '2025-01-10T10:05:00.000Z' });
  assert.equal(testDue(undefined, now), true, 'never postponed');
  assert.equal(testDue('2025-01-10T10:05:00.000Z', now), false, 'postponed');
  assert.equal(testDue('2025-01-10T10:00:00.000Z', now), true, 'the time has come');
});
