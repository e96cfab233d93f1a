// The one check for links a service hands us (Graph delta/next links, Dataverse nextLinks): parsed origin
// and path, not a text prefix. Each hostile form below once passed a startsWith test or fools a URL parser.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkServiceLink, serviceRoot, withinService } from '../../../shared/adapters/service-link';

const GRAPH = serviceRoot('https://graph.microsoft.com/v1.0');
const DATAVERSE = serviceRoot('https://contoso.crm4.dynamics.com/api/data/v9.2');
const G = 'https://graph.microsoft.com/v1.0';
const D = 'https://contoso.crm4.dynamics.com/api/data/v9.2';

const rejected = (link: string, root = GRAPH) => {
  const c = checkServiceLink(link, root);
  assert.equal(c.ok, false, `accepted: ${link}`);
  return c.ok ? '' : c.reason;
};

test('Stored links stay on Graph: the links Graph and Dataverse really give are followed, as the path after the version', () => {
  const delta = `${G}/users('alice@contoso.com')/mailFolders('AAMkAGI2TAAA=')/messages/delta?$deltatoken=LztZwWjo5IivWBhyxw5rAJQ-Ys1B_ZRvK1C0Oe_yl28`;
  const c = checkServiceLink(delta, GRAPH);
  assert.equal(c.ok, true);
  assert.equal(
    c.ok && c.relative,
    `/users('alice@contoso.com')/mailFolders('AAMkAGI2TAAA=')/messages/delta?$deltatoken=LztZwWjo5IivWBhyxw5rAJQ-Ys1B_ZRvK1C0Oe_yl28`,
  );
  assert.equal(
    checkServiceLink(
      `${G}/users/alice%40contoso.com/mailFolders/inbox/childFolders?$select=id,displayName&$top=100&$skip=100`,
      GRAPH,
    ).ok,
    true,
  );
  // Dataverse's paging cookie is encoded twice over.
  const cookie = `${D}/contacts?$select=fullname&$skiptoken=%3Ccookie%20pagenumber=%222%22%20pagingcookie=%22%253ccookie%2520pagenumber%253d%25222%2522%2520istracking%253d%2522False%2522%2520%252f%253e%22%20istracking=%22False%22%20/%3E`;
  assert.equal(checkServiceLink(cookie, DATAVERSE).ok, true);
  const local = serviceRoot('http://127.0.0.1:7071/v1.0');
  assert.equal(
    checkServiceLink('http://127.0.0.1:7071/v1.0/users/u1/mailFolders/inbox/messages/delta?$skiptoken=abc', local).ok,
    true,
  );
});

test('Stored links stay on Graph: another host, port or scheme is refused', () => {
  assert.equal(rejected('https://other.example/v1.0/users/a/messages/delta?$deltatoken=x'), 'another host');
  assert.equal(rejected('https://graph.microsoft.com.evil.com/v1.0/users/a/messages/delta'), 'another host');
  assert.equal(rejected('https://graph.microsoft.com:8443/v1.0/users/a/messages/delta'), 'another port');
  assert.equal(rejected('http://graph.microsoft.com/v1.0/users/a/messages/delta'), 'another scheme');
  assert.equal(
    rejected('https://contoso.crm4.dynamics.com.evil.com/api/data/v9.2/contacts', DATAVERSE),
    'another host',
  );
  assert.equal(rejected('https://contoso.crm4.dynamics.com:444/api/data/v9.2/contacts', DATAVERSE), 'another port');
  assert.equal(rejected('ftp://graph.microsoft.com/v1.0/x'), 'another scheme');
  assert.equal(rejected('/v1.0/users/a/messages/delta'), 'not an absolute URL');
  assert.equal(checkServiceLink(undefined, GRAPH).ok, false);
  assert.equal(checkServiceLink(42, GRAPH).ok, false);
});

test('Stored links stay on Graph: a URL in the path or the query is refused, also percent-encoded', () => {
  // The Graph JS client takes the first "https://" anywhere as the host: this one passed the old prefix check.
  assert.equal(rejected(`${G}/https://other.example/x`), 'a URL inside the link');
  assert.equal(
    rejected(`${G}/users/a/messages/delta?$deltatoken=x&next=https://other.example/x`),
    'a URL inside the link',
  );
  assert.equal(rejected(`${G}/users/a/messages/delta?$deltatoken=http://other.example`), 'a URL inside the link');
  assert.equal(rejected(`${G}/https:%2F%2Fother.example/x`), 'a URL inside the link');
  assert.equal(rejected(`${G}/%68ttps://other.example/x`), 'a URL inside the link');
  assert.equal(rejected(`${G}/https%3A%2F%2Fother.example/x`), 'a URL inside the link');
  assert.equal(rejected(`${G}/https%253A%252F%252Fother.example/x`), 'a URL inside the link');
  assert.equal(rejected(`${G}/x?$skiptoken=https%3A%2F%2Fother.example`), 'a URL inside the link');
  assert.equal(rejected(`${G}/HTTPS://other.example/x`), 'a URL inside the link');
  assert.equal(rejected(`${G}/%2F%2Fother.example/x`), 'an empty path segment');
  assert.equal(rejected(`${G}//other.example/x`), 'an empty path segment');
  assert.equal(
    rejected(`${D}/contacts?$skiptoken=%3Ccookie%20next=%22https://other.example%22%20/%3E`, DATAVERSE),
    'a URL inside the link',
  );
  // Encoded deeper than any service encodes never settles within the limit.
  let deep = '%78';
  for (let i = 0; i < 10; i++) deep = deep.replace(/%/g, '%25');
  assert.equal(rejected(`${G}/users/a?$skiptoken=${deep}`), 'a link encoded too many times');
});

test('Stored links stay on Graph: userinfo is refused, whichever side of the @ names Graph', () => {
  assert.equal(
    rejected('https://graph.microsoft.com@other.example/v1.0/users/a/messages/delta'),
    'userinfo in the link',
  );
  assert.equal(rejected('https://user:pw@graph.microsoft.com/v1.0/users/a/messages/delta'), 'userinfo in the link');
  assert.equal(rejected('https://graph.microsoft.com:443@other.example/v1.0/x'), 'userinfo in the link');
  assert.equal(rejected('https://@graph.microsoft.com/v1.0/x'), 'the host is not written as configured');
  assert.equal(
    rejected('https://org@contoso.crm4.dynamics.com/api/data/v9.2/contacts', DATAVERSE),
    'userinfo in the link',
  );
});

test('Stored links stay on Graph: backslashes, other versions, dot segments and fragments are refused', () => {
  assert.equal(rejected('https:\\\\other.example\\v1.0\\x'), 'a backslash in the link');
  assert.equal(rejected('https://graph.microsoft.com\\@other.example/v1.0/x'), 'a backslash in the link');
  assert.equal(rejected(`${G}/users/a%5C..%5C..%5Cx`), 'a backslash in the link');
  assert.equal(
    rejected('https://graph.microsoft.com/beta/users/a/messages/delta'),
    'a path outside the configured version',
  );
  assert.equal(rejected('https://graph.microsoft.com/v1.00/users/a'), 'a path outside the configured version');
  assert.equal(rejected('https://graph.microsoft.com/v1.0'), 'a path outside the configured version');
  assert.equal(
    rejected(`${G}/../beta/users/a`),
    'a path that is not in canonical form (dot segments or unencoded characters)',
  );
  assert.equal(
    rejected(`${G}/%2e%2e/beta/users/a`),
    'a path that is not in canonical form (dot segments or unencoded characters)',
  );
  assert.equal(rejected(`${G}/users/a%2F..%2F..%2Fbeta`), 'a dot segment in the path');
  assert.equal(
    rejected(`${D}/../v9.0/contacts`, DATAVERSE),
    'a path that is not in canonical form (dot segments or unencoded characters)',
  );
  assert.equal(
    rejected('https://contoso.crm4.dynamics.com/api/data/v9.20/contacts', DATAVERSE),
    'a path outside the configured version',
  );
  assert.equal(rejected(`${G}/users/a#https://other.example`), 'a fragment in the link');
});

test('Stored links stay on Graph: look-alike hosts (case, trailing dot, default port, IDN, full-width) are refused', () => {
  assert.equal(rejected('https://GRAPH.microsoft.com/v1.0/users/a'), 'the host is not written as configured');
  assert.equal(rejected('HTTPS://graph.microsoft.com/v1.0/users/a'), 'the host is not written as configured');
  assert.equal(rejected('https://graph.microsoft.com./v1.0/users/a'), 'another host');
  assert.equal(rejected('https://graph.microsoft.com:443/v1.0/users/a'), 'the host is not written as configured');
  assert.equal(rejected('https://gr\u0430ph.microsoft.com/v1.0/users/a'), 'characters a service link never has'); // Cyrillic a
  assert.equal(rejected('https://\uff47raph.microsoft.com/v1.0/users/a'), 'characters a service link never has'); // full-width g
  assert.equal(rejected('https://xn--grph-8cd.microsoft.com/v1.0/users/a'), 'another host');
  assert.equal(rejected(' https://graph.microsoft.com/v1.0/users/a'), 'characters a service link never has');
  assert.equal(rejected('https://graph.microsoft.com/v1.0/users/a\n'), 'characters a service link never has');
  assert.equal(rejected('https://graph.microsoft.com/v1.0/us\ters/a'), 'characters a service link never has');
  assert.equal(rejected(`${G}/users/a?$x=${'y'.repeat(40_000)}`), 'a link longer than any the service gives');
});

test('Stored links stay on Graph: a request carries the token only to the configured origin and version', () => {
  assert.equal(withinService(`${G}/users/a/messages/delta`, GRAPH), true);
  assert.equal(withinService('https://other.example/v1.0/users/a', GRAPH), false);
  assert.equal(withinService('https://graph.microsoft.com/beta/users/a', GRAPH), false);
  assert.equal(withinService('https://u:p@graph.microsoft.com/v1.0/users/a', GRAPH), false);
  assert.equal(withinService('http://graph.microsoft.com/v1.0/users/a', GRAPH), false);
  assert.equal(withinService('not a url', GRAPH), false);
});
