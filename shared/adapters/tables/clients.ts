// Builds one TableClient per table from a connection string (Azurite, keys) or an endpoint plus a
// TokenCredential (managed identity in Azure).
import { TableClient, type TableServiceClientOptions } from '@azure/data-tables';
import type { TokenCredential } from '@azure/identity';
import { isValidTableName } from './keys';

export interface TableConnection {
  connectionString?: string;
  /** https://<account>.table.core.windows.net, used with credential. */
  endpoint?: string;
  credential?: TokenCredential;
  /** Allow plain http; defaults to true only for loopback endpoints and development storage. */
  allowInsecure?: boolean;
  /** Retries the SDK makes within one call (its default: 3, seconds apart); 0 leaves every retry to the caller. */
  maxRetries?: number;
}

export function createTableClient(conn: TableConnection, tableName: string): TableClient {
  if (!isValidTableName(tableName))
    throw new Error(`invalid table name "${tableName}": must match ^[A-Za-z][A-Za-z0-9]{2,62}$`);
  const options: TableServiceClientOptions = {
    allowInsecureConnection: conn.allowInsecure ?? isLoopback(conn),
    ...(conn.maxRetries !== undefined ? { retryOptions: { maxRetries: conn.maxRetries } } : {}),
  };
  if (conn.connectionString) return TableClient.fromConnectionString(conn.connectionString, tableName, options);
  if (conn.endpoint && conn.credential) return new TableClient(conn.endpoint, tableName, conn.credential, options);
  throw new Error('table store needs a connectionString, or an endpoint and a credential');
}

function isLoopback(conn: TableConnection): boolean {
  const cs = conn.connectionString ?? '';
  if (/UseDevelopmentStorage=true/i.test(cs)) return true;
  const url = /TableEndpoint=([^;]+)/i.exec(cs)?.[1] ?? conn.endpoint ?? '';
  return /^http:\/\/(127\.\d+\.\d+\.\d+|localhost|\[::1\])(:\d+)?(\/|$)/i.test(url);
}
