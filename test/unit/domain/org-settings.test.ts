// Issue point "One home per rule: OrgDB switches parsed once into typed organization settings", and
// "the tracked-category rule in the domain only".
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ORGDB_SWITCHES } from '../../../shared/domain/org-settings';
import { toOrgDbSwitches, toOrgSettings } from '../../../shared/adapters/dataverse/org';
import {
  DEFAULT_TRACKED_CATEGORY,
  carriesTrackedCategory,
  trackedCategory,
} from '../../../shared/domain/tracked-category';

test('One home per rule: OrgDB switches parsed once: absent or empty settings take the default of each switch', () => {
  const none = toOrgDbSwitches({});
  const empty = toOrgDbSwitches(Object.fromEntries(Object.values(ORGDB_SWITCHES).map(([name]) => [name, ''])));
  for (const [key, [, dflt]] of Object.entries(ORGDB_SWITCHES)) {
    assert.equal(none[key as keyof typeof none], dflt, key);
    assert.equal(empty[key as keyof typeof empty], dflt, key);
  }
  assert.equal(none.trackCategorizedItems, true);
  assert.equal(none.createQueueItemsForAcceptingQueueRecipients, true);
  assert.equal(none.createQueueItemForSynchronizingMailbox, true);
  assert.equal(none.autoTrackSentFolderItems, false);
  assert.equal(none.sssCreateAdditionalQueueItemsForAlreadyTrackedEmail, false);
});

test('One home per rule: OrgDB switches parsed once: "true" in any case is on, anything else is off', () => {
  const s = toOrgSettings({
    orgdborgsettings:
      '<OrgSettings><AutoTrackSentFolderItems>TRUE</AutoTrackSentFolderItems><TrackCategorizedItems>false</TrackCategorizedItems>' +
      '<CreateQueueItemForSynchronizingMailbox>0</CreateQueueItemForSynchronizingMailbox>' +
      '<SSSCreateAdditionalQueueItemsForAlreadyTrackedEmail> true </SSSCreateAdditionalQueueItemsForAlreadyTrackedEmail>' +
      '<IgnoreConversationIndexAndInReplyToForCorrelation>True</IgnoreConversationIndexAndInReplyToForCorrelation></OrgSettings>',
  }).orgDb;
  assert.equal(s.autoTrackSentFolderItems, true);
  assert.equal(s.trackCategorizedItems, false);
  assert.equal(s.createQueueItemForSynchronizingMailbox, false);
  assert.equal(s.sssCreateAdditionalQueueItemsForAlreadyTrackedEmail, true);
  assert.equal(s.ignoreConversationIndexAndInReplyToForCorrelation, true);
  assert.equal(s.resolveForInactiveEntities, false);
});

test('One home per rule: OrgDB switches parsed once: the settings hold booleans only, no raw setting text', () => {
  const s = toOrgSettings({
    orgdborgsettings:
      '<OrgSettings><MaximumSubjectLengthOnMailServer>255</MaximumSubjectLengthOnMailServer></OrgSettings>',
  });
  assert.deepEqual(Object.keys(s.orgDb).sort(), Object.keys(ORGDB_SWITCHES).sort());
  for (const v of Object.values(s.orgDb)) assert.equal(typeof v, 'boolean');
});

test('One home per rule: the tracked-category rule: the category name, or none when TrackCategorizedItems is off', () => {
  assert.equal(trackedCategory(true), DEFAULT_TRACKED_CATEGORY);
  assert.equal(trackedCategory(true, 'Fabrikam'), 'Fabrikam');
  assert.equal(trackedCategory(false, 'Fabrikam'), undefined);
});

test('One home per rule: the tracked-category rule: the exact name tracks, spaces around it aside', () => {
  const t = DEFAULT_TRACKED_CATEGORY;
  assert.equal(carriesTrackedCategory(['Red', `  ${t} `], t), true);
  assert.equal(carriesTrackedCategory([t.toLowerCase()], t), false);
  assert.equal(carriesTrackedCategory(['Tracked to Dynamics'], t), false);
  assert.equal(carriesTrackedCategory([t], undefined), false);
  assert.equal(carriesTrackedCategory([t], ''), false);
  // Graph JSON as it comes: not an array, or other values in it.
  assert.equal(carriesTrackedCategory(t, t), false);
  assert.equal(carriesTrackedCategory([42, null, t], t), true);
  assert.equal(carriesTrackedCategory(undefined, t), false);
});
