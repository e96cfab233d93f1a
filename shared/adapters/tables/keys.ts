// PartitionKey/RowKey rules: at most 1 KiB, no `/ \ # ?` and no control characters. Values we do not control
// (mailbox ids, Message-IDs) are kept as they are when they already fit, otherwise replaced by their hash;
// the raw value is always stored in a property, so nothing is read back from a key.
import { keyHash } from '../../domain/message-id';

const FORBIDDEN = /[/\\#?\u0000-\u001f\u007f-\u009f]/;

export function safeKey(value: string): string {
  return value.length > 0 && value.length <= 256 && !FORBIDDEN.test(value) ? value : `h-${keyHash(value)}`;
}

export function isValidTableName(name: string): boolean {
  return /^[A-Za-z][A-Za-z0-9]{2,62}$/.test(name);
}
