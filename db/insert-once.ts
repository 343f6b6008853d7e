import { MongoBulkWriteError, MongoServerError, type Collection, type Document, type OptionalUnlessRequiredId } from 'mongodb';

const isDuplicateKey = (error: unknown) =>
  (error instanceof MongoServerError && error.code === 11000) ||
  (error instanceof MongoBulkWriteError && (Array.isArray(error.writeErrors) ? error.writeErrors : [error.writeErrors]).every((e) => e.code === 11000));

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
