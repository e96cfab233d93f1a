// Plays a fixture timeline event against the simulators: Exchange changes through the Graph simulator's
// own operations, Dataverse changes through the Web API, as another app would make them.
import type { TimelineEvent, FixtureFolder, FixtureMailbox } from './tenant/fixture';
import type { GraphSimulator } from './sim/graph';

function findMessageId(box: FixtureMailbox | undefined, internetMessageId: string): string | undefined {
  const walk = (folders: FixtureFolder[]): string | undefined => {
    for (const f of folders) {
      const m = (f.messages ?? []).find(
        (x) =>
          typeof x.internetMessageId === 'string' &&
          x.internetMessageId.toLowerCase() === internetMessageId.toLowerCase(),
      );
      if (m?.id) return m.id;
      const deeper = walk(f.childFolders ?? []);
      if (deeper) return deeper;
    }
    return undefined;
  };
  return box ? walk(box.mailFolders) : undefined;
}

export async function applyTimelineEvent(
  ev: TimelineEvent,
  graph: GraphSimulator,
  dataverseUrl: string,
  token: string,
): Promise<void> {
  if (ev.deliver) graph.deliver(ev.deliver.to, ev.deliver.folder, ev.deliver.message);
  const change = ev.update ?? ev.move;
  if (change) {
    const state = graph.exchangeState();
    const box = Object.entries(state).find(([a]) => a.toLowerCase() === change.mailbox.toLowerCase())?.[1];
    const id = findMessageId(box, change.internetMessageId);
    if (!id) throw new Error(`timeline ${ev.at}: no message ${change.internetMessageId} in ${change.mailbox}`);
    if (ev.update) graph.updateMessage(change.mailbox, id, ev.update.set);
    if (ev.move) graph.moveMessage(change.mailbox, id, ev.move.folder);
  }
  if (ev.dataverse) {
    const { entitySet, id, values } = ev.dataverse.patch;
    const res = await fetch(`${dataverseUrl}/${entitySet}(${id})`, {
      method: 'PATCH',
      headers: {
        Authorization: `Bearer ${token}`,
        'Content-Type': 'application/json',
        'If-Match': '*',
        Accept: 'application/json',
      },
      body: JSON.stringify(values),
    });
    if (!res.ok)
      throw new Error(
        `timeline ${ev.at}: Dataverse PATCH ${entitySet}(${id}) answered ${res.status} ${await res.text()}`,
      );
  }
}
