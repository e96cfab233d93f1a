// Table Storage adapter: checkpoints, mailbox registry, decision ledger, correlation index, mailbox alerts and
// the ownership registry of the cut-over, one table each (six), named `<prefix>checkpoints` and so on. The only importer of @azure/data-tables.
import type { TableClient } from '@azure/data-tables';
import type { AlertLog, CheckpointStore, CorrelationIndex, Ledger, MailboxRegistry } from '../../ports';
import { createAlertLog } from './alerts';
import { createCheckpointStore } from './checkpoints';
import { createTableClient, type TableConnection } from './clients';
import { createCorrelationIndex } from './correlation';
import { statusOf, translateTableError } from './errors';
import { createLedger } from './ledger';
import { createMailboxRegistry } from './mailboxes';
import { createSubscriptionStore } from './subscriptions';
import type { SubscriptionStore } from '../../ports-notify';
import { createActLinkStore } from './act-links';
import type { ActLinkStore } from '../../ports-act';
import { createOwnershipRegistry } from './ownership';
import type { OwnershipRegistry } from '../../ports-cutover';

export interface TableStoreOptions extends TableConnection {
  /** Prepended to every table name; letters and digits only. Default 'exsync'. */
  tablePrefix?: string;
}

export interface TableStore {
  checkpoints: CheckpointStore;
  mailboxes: MailboxRegistry;
  ledger: Ledger;
  correlation: CorrelationIndex;
  alerts: AlertLog;
  /** Our Graph subscriptions, in the mailboxes table under their own partition. */
  subscriptions: SubscriptionStore;
  /** ACT links, kept in the correlation table under their own partitions. */
  actLinks: ActLinkStore;
  ownership: OwnershipRegistry;
  /** Creates the tables if missing; call once at startup. */
  ensureTables(): Promise<void>;
  /** Deletes the tables (tests; `--reset` removes the data directory). Azure keeps a deleted name a while. */
  deleteAll(): Promise<void>;
  tableNames: {
    checkpoints: string;
    mailboxes: string;
    ledger: string;
    correlation: string;
    alerts: string;
    ownership: string;
  };
}

export function createTableStore(opts: TableStoreOptions): TableStore {
  const prefix = opts.tablePrefix ?? 'exsync';
  const tableNames = {
    checkpoints: `${prefix}checkpoints`,
    mailboxes: `${prefix}mailboxes`,
    ledger: `${prefix}ledger`,
    correlation: `${prefix}correlation`,
    alerts: `${prefix}alerts`,
    ownership: `${prefix}ownership`,
  };
  const clients: Record<keyof typeof tableNames, TableClient> = {
    checkpoints: createTableClient(opts, tableNames.checkpoints),
    mailboxes: createTableClient(opts, tableNames.mailboxes),
    ledger: createTableClient(opts, tableNames.ledger),
    correlation: createTableClient(opts, tableNames.correlation),
    alerts: createTableClient(opts, tableNames.alerts),
    ownership: createTableClient(opts, tableNames.ownership),
  };
  const all = Object.values(clients);
  return {
    checkpoints: createCheckpointStore(clients.checkpoints),
    mailboxes: createMailboxRegistry(clients.mailboxes),
    ledger: createLedger(clients.ledger),
    correlation: createCorrelationIndex(clients.correlation),
    alerts: createAlertLog(clients.alerts),
    subscriptions: createSubscriptionStore(clients.mailboxes),
    actLinks: createActLinkStore(clients.correlation),
    ownership: createOwnershipRegistry(clients.ownership),
    tableNames,
    async ensureTables() {
      try {
        await Promise.all(all.map((t) => t.createTable())); // the SDK treats 409 TableAlreadyExists as success
      } catch (err) {
        throw translateTableError(err, 'create tables');
      }
    },
    async deleteAll() {
      await Promise.all(
        all.map(async (t) => {
          try {
            await t.deleteTable();
          } catch (err) {
            if (statusOf(err) !== 404) throw translateTableError(err, 'delete tables');
          }
        }),
      );
    },
  };
}
