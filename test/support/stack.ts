// Connections from a test file to the shared stack started by the global setup.
import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { MongoClient, type Db } from 'mongodb';
import { randomUUID } from 'node:crypto';
import { inject } from 'vitest';

export const stack = () => inject('stack');

/** A fresh database per test file keeps files independent while they share one MongoDB server. */
export async function connectTestDb(prefix = 'test'): Promise<{ db: Db; client: MongoClient; dbName: string; close(): Promise<void> }> {
  const client = new MongoClient(stack().mongoUri);
  await client.connect();
  const dbName = `${prefix}_${randomUUID().slice(0, 8)}`;
  return { db: client.db(dbName), client, dbName, close: () => client.close() };
}

export async function connectTemporalClient(): Promise<{ client: Client; close(): Promise<void> }> {
  const connection = await Connection.connect({ address: stack().temporalAddress });
  return { client: new Client({ connection, namespace: stack().temporalNamespace }), close: () => connection.close() };
}

export async function connectWorkerConnection(): Promise<NativeConnection> {
  return NativeConnection.connect({ address: stack().temporalAddress });
}

export const uniqueTaskQueue = (name: string) => `${name}-${randomUUID().slice(0, 8)}`;
