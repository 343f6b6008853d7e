// Failures the drills and stack tests inject into a running sync from outside, through MongoDB, the way an operator
// or a stalled worker causes them in production. Not product code: nothing the service runs imports this.
import type { Db } from 'mongodb';
import { companyCollections } from '../db/companies.js';
import { chunkScope, takeFence } from '../db/push-fences.js';

/**
 * Makes chunk `chunkNo` of a running sync fail for good while the other chunks go on pushing: the company's Personio
 * credentials disappear (as if deleted by an operator), and the chunk's running attempt loses its fence to a stalled
 * holder (as a newer attempt would take it). That attempt stops before its next POST; Temporal retries the chunk, and
 * the retry finds no credentials — NoPersonioCredentials, which is not retried. `restore()` puts the credentials
 * back (before the sync is retried).
 */
export async function failChunkForGood(db: Db, sync: { syncId: string; companyId: string; chunkNo: number }): Promise<{ restore(): Promise<void> }> {
  const credentials = companyCollections(db).personioCredentials;
  const saved = await credentials.findOne({ _id: sync.companyId });
  if (!saved) throw new Error(`company ${sync.companyId} has no stored credentials to remove`);
  await credentials.deleteOne({ _id: sync.companyId });
  await takeFence(db, chunkScope(sync.syncId, sync.chunkNo), 'injected: a stalled attempt');
  return {
    async restore() {
      await credentials.replaceOne({ _id: sync.companyId }, saved, { upsert: true });
    },
  };
}
