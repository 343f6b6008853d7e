import { MongoBulkWriteError, MongoServerError, type Collection, type Document, type OptionalUnlessRequiredId } from 'mongodb';

/**
 * Only "this _id exists already" counts as done. A network or server-selection failure also arrives as a
 * MongoBulkWriteError, with no write errors at all: that one must be thrown, or a lost write looks written.
 */
export function isDuplicateKey(error: unknown): boolean {
  if (error instanceof MongoBulkWriteError) {
    const writeErrors = Array.isArray(error.writeErrors) ? error.writeErrors : [error.writeErrors];
    return writeErrors.length > 0 && writeErrors.every((e) => e.code === 11000) && !error.result?.getWriteConcernError();
  }
  return error instanceof MongoServerError && error.code === 11000;
}

/**
 * Inserts documents whose _id may already exist (a retried activity): existing ones are kept as they are.
 * Write-once documents with deterministic ids are how activities stay idempotent without updates.
 */
export async function insertOnce<T extends Document>(collection: Collection<T>, docs: OptionalUnlessRequiredId<T>[], batchSize = 1000): Promise<void> {
  for (let i = 0; i < docs.length; i += batchSize) {
    try {
      await collection.insertMany(docs.slice(i, i + batchSize), { ordered: false });
    } catch (error) {
      if (!isDuplicateKey(error)) throw error;
    }
  }
}
