// Registers the product's search attributes on a self-hosted Temporal at worker start (idempotent).
// Temporal Cloud does not allow this through the API: there they are created once in the Cloud UI or tcld.
// @temporalio/proto is CommonJS: a named ESM import of `temporal` fails at runtime under plain Node.
import proto from '@temporalio/proto';
import type { NativeConnection } from '@temporalio/worker';
import { CUSTOM_SEARCH_ATTRIBUTES } from '../contracts/search-attributes.js';
import type { Logger } from '../observability/logger.js';

export async function ensureSearchAttributes(connection: NativeConnection, namespace: string, logger: Logger): Promise<void> {
  try {
    const existing = await connection.operatorService.listSearchAttributes({ namespace });
    const missing = CUSTOM_SEARCH_ATTRIBUTES.filter((key) => !(key.name in (existing.customAttributes ?? {})));
    if (missing.length === 0) return;
    await connection.operatorService.addSearchAttributes({
      namespace,
      searchAttributes: Object.fromEntries(missing.map((key) => [key.name, proto.temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD])),
    });
    logger.info('registered search attributes', { names: missing.map((key) => key.name) });
  } catch (error) {
    logger.warn('could not verify or register search attributes; create CompanyId, PayrollPeriod and SyncStatus (Keyword) by hand', { error });
  }
}
