// `exsync explain <internetMessageId>` and `exsync explain --item <id>`: reads the ledger where the decisions
// are (the data directory's Azurite, or a deployment's storage account: local/target.ts) and prints why, per
// mailbox.
import {
  explainItem,
  explainMessage,
  validItemIdInput,
  validMessageIdInput,
  type Explanation,
  type ItemExplanation,
} from '../shared/pipeline/explain';
import { WORKLOADS } from '../shared/domain/reasons';
import type { Ledger } from '../shared/ports';
import { BadInputError } from './bad-input';
import { openTarget } from './target';
import type { Progress } from './progress';

export async function explainCommand(
  args: {
    id?: string;
    item?: string;
    data: string;
    settings?: string;
    deployment?: string;
  },
  progress?: Progress,
): Promise<Explanation | ItemExplanation> {
  const id = args.id === undefined ? undefined : validMessageIdInput(args.id);
  if (args.id !== undefined && !id)
    throw new BadInputError(
      `"${args.id}" is not a Message-ID (like <abc@contoso.com>); for an item without one, use --item <its Exchange item id>`,
    );
  const item = args.item === undefined ? undefined : validItemIdInput(args.item);
  if (args.item !== undefined && !item)
    throw new BadInputError(
      `--item "${args.item}" is not an Exchange item id (letters, digits and + / = _ -, as the decision's graphId shows it)`,
    );
  const target = await openTarget(args);
  try {
    const { ledger, mailboxes } = target.tables;
    if (id) return await explainMessage(ledger, id);
    // One point read per mailbox and workload: the bar counts them.
    const total = (await mailboxes.list()).length * WORKLOADS.length;
    let done = 0;
    const counted: Ledger = {
      ...ledger,
      get: async (mailboxId, workload, graphId) => {
        const d = await ledger.get(mailboxId, workload, graphId);
        progress?.update(++done, total);
        return d;
      },
    };
    return await explainItem(counted, mailboxes, item!);
  } finally {
    await target.close();
  }
}
