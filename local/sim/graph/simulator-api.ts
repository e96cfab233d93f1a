// What the Graph simulator offers its callers: the running simulator's handle (fixture-level changes, snapshots,
// statistics, notifications), the options it starts with, and the hooks tests use to inject answers or hold
// requests.
import type { Clock } from '../../../shared/ports';
import type { FixtureMailbox, FixtureMessage, Json, TenantFixture } from '../../tenant/fixture';
import type { PimKind } from './pim/store';
import type { SyncExpiry } from './store';
import type { LifecycleEvent, NotificationOptions, NotificationStats } from './subscriptions';
import type { LimitsOption, ThrottleStats } from './throttle';

export interface GraphSimulator {
  /** e.g. http://127.0.0.1:PORT/v1.0; absolute links in responses use it. */
  baseUrl: string;
  close(): Promise<void>;
  /** `folder` is a wellKnownName or folder id; returns the stored message with its (immutable) id. */
  deliver(mailbox: string, folder: string, message: FixtureMessage): FixtureMessage;
  updateMessage(mailbox: string, id: string, patch: Record<string, unknown>): void;
  moveMessage(mailbox: string, id: string, folder: string): void;
  deleteMessage(mailbox: string, id: string): void;
  /** Current contents in fixture shape, for the state dump. */
  exchangeState(): Record<string, FixtureMailbox>;
  /** JSON-serialisable full state (messages, change log, token key) so a later process can resume. */
  snapshot(): unknown;
  stats(): GraphSimStats;
  /**
   * Invalidates every delta token (all workloads) issued so far for one mailbox, or for all: a replayed
   * nextLink or deltaLink then gets 410 with `code` (default `SyncStateNotFound`, as seen on the wire).
   */
  expireDeltaTokens(mailbox?: string, how?: Partial<SyncExpiry>): void;
  /** Adds, changes or removes an event, contact or To Do task as the mailbox owner would (change logs, notifications). */
  addItem(mailbox: string, kind: PimKind, item: Json, container?: string): Json;
  updateItem(mailbox: string, kind: PimKind, id: string, patch: Json): void;
  deleteItem(mailbox: string, kind: PimKind, id: string): void;
  /** Active subscriptions, as GET /subscriptions returns them. */
  subscriptions(): Json[];
  /** Sends a lifecycle notification (default reauthorizationRequired) for one subscription or all; returns how many. */
  lifecycleNotification(subscriptionId?: string, event?: LifecycleEvent): number;
  /** Resolves when queued change notifications have been delivered, retried out or dropped. */
  flushNotifications(): Promise<void>;
}

export interface GraphSimStats {
  requests: number;
  byRoute: Record<string, number>;
  /** 429s the limits gave (not those of `intercept`). */
  throttled: ThrottleStats;
  notifications: NotificationStats;
}

export interface InterceptRequest {
  method: string;
  path: string;
  mailbox?: string;
  /** The query string, with its '?', or ''. */
  search?: string;
}
export type InterceptResponse = { status: number; headers?: Record<string, string>; body?: unknown } | undefined;

export interface GraphSimulatorOptions {
  tenant?: TenantFixture;
  snapshot?: unknown;
  clock: Clock;
  port?: number;
  host?: string;
  /** Fault injection: when it returns a response, that is sent instead of the real answer. */
  intercept?: (req: InterceptRequest) => InterceptResponse;
  /**
   * Service protection limits per app and mailbox, on the simulator clock: undefined (default) = none;
   * 'real' = 4 concurrent and 10,000 per 10 minutes; or an object overriding some of those.
   */
  limits?: LimitsOption;
  /** Real milliseconds each request to a mailbox takes (holds its concurrency slot meanwhile). */
  latencyMs?: number;
  /**
   * Tests: awaited by every request to a mailbox while it holds its concurrency slot, before it is handled.
   * A test that holds requests until it has seen them all makes overlap certain on any machine, where a
   * real-time `latencyMs` only makes it likely.
   */
  hold?: (req: InterceptRequest) => Promise<void> | undefined;
  /** Change-notification timing and subscription limits. */
  notifications?: Partial<NotificationOptions>;
}
