// Organization row and OrgDB settings -> OrgSettings: the tracking-token format, and the OrgDB switches typed once.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseOrgDbSettings, toOrgSettings } from '../../../shared/adapters/dataverse/org';

describe('parseOrgDbSettings', () => {
  it('reads each element under <OrgSettings> as name -> trimmed text', () => {
    const xml =
      '<OrgSettings><AutoTrackSentFolderItems>true</AutoTrackSentFolderItems>\n  <ResolveForInactiveEntities> false </ResolveForInactiveEntities><MaximumSubjectLengthOnMailServer>255</MaximumSubjectLengthOnMailServer></OrgSettings>';
    assert.deepEqual(parseOrgDbSettings(xml), {
      AutoTrackSentFolderItems: 'true',
      ResolveForInactiveEntities: 'false',
      MaximumSubjectLengthOnMailServer: '255',
    });
  });
  it('accepts an XML declaration before the root', () => {
    assert.deepEqual(
      parseOrgDbSettings(
        '<?xml version="1.0"?><OrgSettings><UnresolveSenderInCaseOfMultipleMatch>true</UnresolveSenderInCaseOfMultipleMatch></OrgSettings>',
      ),
      { UnresolveSenderInCaseOfMultipleMatch: 'true' },
    );
  });
  it('gives no settings for a missing or non-string value', () => {
    assert.deepEqual(parseOrgDbSettings(undefined), {});
    assert.deepEqual(parseOrgDbSettings(null), {});
    assert.deepEqual(parseOrgDbSettings(''), {});
  });
  it('does not pair an element with a differently named closing tag', () => {
    assert.deepEqual(parseOrgDbSettings('<OrgSettings><A>1</B></OrgSettings>'), {});
  });
});

describe('toOrgSettings', () => {
  it('defaults: correlation on, tokens on with prefix CRM:, 7 token digits, internal mail tracked', () => {
    const s = toOrgSettings(undefined);
    assert.equal(s.emailCorrelationEnabled, true);
    assert.equal(s.tokensEnabled, true);
    assert.deepEqual(s.trackingPrefixes, ['CRM:']);
    assert.equal(s.tokenDigits, 7);
    assert.equal(s.ignoreInternalEmail, false);
    assert.equal(s.unresolveIfMultipleMatch, false);
  });
  it('token digits = 1 designator + user digits + counter digits', () => {
    assert.equal(toOrgSettings({ trackingtokeniddigits: 4, maximumtrackingnumber: 99 }).tokenDigits, 1 + 4 + 2);
    assert.equal(toOrgSettings({ trackingtokeniddigits: 1, maximumtrackingnumber: 999999999 }).tokenDigits, 1 + 1 + 9);
  });
  it('reads the prefix history, current prefix first', () => {
    assert.deepEqual(toOrgSettings({ trackingprefix: 'FAB:, CRM:' }).trackingPrefixes, ['FAB:', 'CRM:']);
  });
  it('reads org switches and the OrgDB XML', () => {
    const s = toOrgSettings({
      emailcorrelationenabled: false,
      ignoreinternalemail: true,
      unresolveemailaddressifmultiplematch: true,
      orgdborgsettings: '<OrgSettings><AutoTrackSentFolderItems>true</AutoTrackSentFolderItems></OrgSettings>',
    });
    assert.deepEqual(
      [s.emailCorrelationEnabled, s.ignoreInternalEmail, s.unresolveIfMultipleMatch, s.orgDb.autoTrackSentFolderItems],
      [false, true, true, true],
    );
  });
});
