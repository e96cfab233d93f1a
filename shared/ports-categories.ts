// The port that marks tracked items in Exchange, beside shared/ports.ts: Outlook shows an item as tracked by
// the organization's tracking category on it, as it does under Server-Side Synchronization.
import type { BatchItemResult } from './ports';

export interface CategoryUpdate {
  graphId: string;
  /** The item's whole category list after the change (Graph replaces the list on PATCH). */
  categories: string[];
}
export interface MessageCategoriesPort {
  /** PATCHes each message's categories, in JSON $batch requests (20 a request): one result per id. */
  setCategories(mailbox: string, updates: CategoryUpdate[]): Promise<Map<string, BatchItemResult>>;
}
