// What running ours on Azure costs per 1,000 mailboxes and month, from what a bench run counted in its steady
// state (the live phase) at list prices. docs/azure-cost.md gives each price with its date and source, and says
// which are assumptions.
import type { AzureUsage } from './ours';

/** USD list prices, pay as you go, East US (docs/azure-cost.md). */
export const PRICES = {
  /** Flex Consumption, on demand: per GB-second of instance memory while executing. */
  functionsGbSecond: 0.000026,
  /** Flex Consumption, on demand: per execution. */
  functionsExecution: 0.4 / 1e6,
  /** Instance memory the deployment provisions (infra: instanceMemoryMB = 2048). */
  instanceMemoryGb: 2,
  /** Service Bus Standard: base charge per hour (sessions need Standard), and operations beyond 13 M a month. */
  serviceBusBaseHour: 0.0135,
  serviceBusIncludedOperations: 13e6,
  serviceBusOperation: 0.8 / 1e6,
  /** Table Storage (Standard LRS): per transaction. */
  tableTransaction: 0.00036 / 1e4,
  /** Log Analytics (Application Insights), analytics logs: per GB ingested. */
  telemetryGb: 2.3,
} as const;

const HOURS_PER_MONTH = 730;

/** Steady-state usage per mailbox-hour, scaled to 1,000 mailboxes for a month; no free grants taken off. */
export function azureUsdPer1000MailboxesPerMonth(use: AzureUsage, mailboxes: number, clockHours: number): number {
  const scale = (1000 * HOURS_PER_MONTH) / (Math.max(1, mailboxes) * Math.max(1e-9, clockHours));
  const functions =
    use.executions * scale * PRICES.functionsExecution +
    use.executionSeconds * scale * PRICES.instanceMemoryGb * PRICES.functionsGbSecond;
  const sbOps = use.serviceBusOperations * scale;
  const serviceBus =
    PRICES.serviceBusBaseHour * HOURS_PER_MONTH +
    Math.max(0, sbOps - PRICES.serviceBusIncludedOperations) * PRICES.serviceBusOperation;
  const tables = use.tableTransactions * scale * PRICES.tableTransaction;
  const telemetry = ((use.telemetryBytes * scale) / 1e9) * PRICES.telemetryGb;
  return Number((functions + serviceBus + tables + telemetry).toFixed(2));
}

export function usageSince(now: AzureUsage, then: AzureUsage): AzureUsage {
  return {
    executions: now.executions - then.executions,
    executionSeconds: now.executionSeconds - then.executionSeconds,
    serviceBusOperations: now.serviceBusOperations - then.serviceBusOperations,
    tableTransactions: now.tableTransactions - then.tableTransactions,
    telemetryBytes: now.telemetryBytes - then.telemetryBytes,
  };
}
