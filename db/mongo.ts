import { MongoClient, type Db } from 'mongodb';

export interface MongoHandle {
  client: MongoClient;
  db: Db;
  close(): Promise<void>;
}

export async function connectMongo(uri: string, dbName: string): Promise<MongoHandle> {
  const client = new MongoClient(uri, { serverSelectionTimeoutMS: 10_000, appName: 'personio-payroll-sync' });
  await client.connect();
  return { client, db: client.db(dbName), close: () => client.close() };
}
