// Dead letters outlive a run: the local runtime keeps them in the data directory (deadletters.json),
// `exsync dlq list` shows them with their reason and `exsync dlq replay` runs them again. Against a
// deployment (ServiceBusConnection__fullyQualifiedNamespace set) the same commands read and replay the
// queues' $deadletterqueue on Service Bus (so does --deployment: local/target.ts).
import type { DeadLetter } from '../shared/adapters/localqueue';
import { createServiceBusQueue } from '../shared/adapters/servicebus';
import { azureResourceCredential } from '../shared/adapters/identity';
import { loadSettings } from '../shared/config';
import { QUEUES, type QueueName, type QueuePort } from '../shared/ports';
import { replayMessageId } from '../shared/domain/queue-message-ids';
import { DataDir } from './data-dir';
import { readSettingsFile } from './settings-file';
import { deploymentSettings } from './target';
import { BadInputError } from './bad-input';

const FILE = 'deadletters.json';

export interface KeptDeadLetter {
  queue: string;
  messageId: string;
  sessionId?: string;
  reason: string;
  description: string;
  deliveryCount: number;
  deadLetteredAt: string;
  body: unknown;
  /** The mailbox's address, kept only when the run showed addresses (simulators, or LOG_PERSONAL_DATA). */
  mailbox?: string;
}

export function readKept(dir: DataDir): KeptDeadLetter[] {
  return dir.has(FILE) ? dir.read<KeptDeadLetter[]>(FILE) : [];
}

/** Sends kept dead letters to their queues again as new messages (`exsync dlq replay`); unknown queues are skipped. */
export async function sendKept(port: QueuePort, kept: KeptDeadLetter[]): Promise<void> {
  for (const d of kept) {
    const queue = (Object.values(QUEUES) as string[]).includes(d.queue) ? (d.queue as QueueName) : undefined;
    if (!queue) continue;
    await port.send(queue, [
      {
        body: d.body,
        messageId: replayMessageId(d.messageId, String(Date.now())),
        ...(d.sessionId ? { sessionId: d.sessionId } : {}),
      },
    ]);
  }
}

/** Mailbox id -> address, when addresses may be shown; dead letters then name mailboxes as the summary does. */
export type MailboxNames = ReadonlyMap<string, string>;

function mailboxIdOf(body: unknown): string | undefined {
  const id = (body as { mailboxId?: unknown } | undefined)?.mailboxId;
  return typeof id === 'string' ? id : undefined;
}

export function keep(
  dir: DataDir,
  letters: { queue: string; letter: DeadLetter }[],
  previous: KeptDeadLetter[],
  names?: MailboxNames,
): void {
  const added: KeptDeadLetter[] = letters.map(({ queue, letter }) => ({
    queue,
    messageId: letter.messageId,
    ...(letter.sessionId ? { sessionId: letter.sessionId } : {}),
    reason: letter.reason,
    description: letter.description,
    deliveryCount: letter.deliveryCount,
    deadLetteredAt: letter.deadLetteredAt.toISOString(),
    body: letter.body,
    ...(names?.get(mailboxIdOf(letter.body) ?? '') ? { mailbox: names.get(mailboxIdOf(letter.body)!)! } : {}),
  }));
  dir.write(FILE, [...previous, ...added]);
}

/** What a dead letter is about: its kind, its mailbox (the address when given, else the id), and size. */
export function describeBody(body: unknown, mailbox?: string): string {
  const b = body as { kind?: string; mailboxId?: string; entries?: unknown[]; workload?: string } | undefined;
  const who = mailbox ?? b?.mailboxId;
  if (b?.kind === 'sync') return `sync job for mailbox ${who}`;
  if (b?.kind === 'send') return `send job for mailbox ${who}`;
  if (b?.kind === 'act') return `ACT job${b.workload ? ` (${b.workload})` : ''} for mailbox ${who}`;
  if (b?.kind === 'write') return `write batch of ${b.entries?.length ?? 0} item(s) for mailbox ${who}`;
  return 'unrecognised body';
}

/** The address to show for a dead letter's mailbox, when addresses may be shown. */
export function mailboxName(body: unknown, names?: MailboxNames): string | undefined {
  const id = mailboxIdOf(body);
  return id ? names?.get(id) : undefined;
}

function serviceBus(settingsFile: string | undefined, deployment?: string) {
  const env = {
    ...process.env,
    ...(settingsFile ? readSettingsFile(settingsFile) : {}),
    ...(deployment ? deploymentSettings(deployment) : {}),
  };
  if (deployment && !env.ServiceBusConnection__fullyQualifiedNamespace)
    throw new BadInputError(`--deployment ${deployment}: no Service Bus namespace (servicebus=<namespace>)`);
  if (!env.ServiceBusConnection__fullyQualifiedNamespace) return undefined;
  const s = loadSettings({ ...env, CREDENTIAL_MODE: env.CREDENTIAL_MODE ?? 'managedidentity' }, 'local');
  return createServiceBusQueue({
    fullyQualifiedNamespace: s.serviceBusNamespace!,
    credential: azureResourceCredential(s),
  });
}

export async function listDeadLetters(args: {
  data: string;
  settings?: string;
  deployment?: string;
}): Promise<KeptDeadLetter[]> {
  const sb = serviceBus(args.settings, args.deployment);
  if (!sb) return readKept(new DataDir(args.data));
  try {
    const out: KeptDeadLetter[] = [];
    for (const queue of Object.values(QUEUES)) {
      for (const d of await sb.listDeadLetters(queue)) {
        out.push({
          queue,
          messageId: d.messageId,
          ...(d.sessionId ? { sessionId: d.sessionId } : {}),
          reason: d.reason,
          description: d.description,
          deliveryCount: d.deliveryCount,
          deadLetteredAt: d.enqueuedTimeUtc?.toISOString() ?? '',
          body: d.body,
        });
      }
    }
    return out;
  } finally {
    await sb.close();
  }
}

/** Service Bus: moves every dead letter back to its queue. Returns how many, by queue. */
export async function replayServiceBus(
  settings: string | undefined,
  deployment?: string,
): Promise<Record<QueueName, number> | undefined> {
  const sb = serviceBus(settings, deployment);
  if (!sb) return undefined;
  try {
    const out = {} as Record<QueueName, number>;
    for (const queue of Object.values(QUEUES)) out[queue] = await sb.replayDeadLetters(queue);
    return out;
  } finally {
    await sb.close();
  }
}

export function formatDeadLetters(list: KeptDeadLetter[]): string {
  if (list.length === 0) return 'No dead letters.';
  return [
    `${list.length} dead letter(s):`,
    ...list.map(
      (d) =>
        `  ${d.deadLetteredAt}  ${d.queue}  ${describeBody(d.body, d.mailbox)}\n      ${d.reason}: ${d.description}`,
    ),
  ].join('\n');
}
