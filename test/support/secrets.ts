// Helpers that look for a secret everywhere it must never be.
import type { temporal } from '@temporalio/proto';
import type { Db } from 'mongodb';

/** Every string in a value, with byte arrays (Temporal payloads) decoded as UTF-8. */
export function flattenText(value: unknown, out: string[] = []): string[] {
  if (value === null || value === undefined) return out;
  if (typeof value === 'string') out.push(value);
  else if (value instanceof Uint8Array) out.push(Buffer.from(value).toString('utf8'), Buffer.from(value).toString('base64'));
  else if (Array.isArray(value)) for (const item of value) flattenText(item, out);
  else if (typeof value === 'object') for (const item of Object.values(value)) flattenText(item, out);
  else out.push(String(value));
  return out;
}

export function historyText(history: temporal.api.history.v1.IHistory): string {
  return flattenText(history).join('\n');
}

export async function databaseText(db: Db): Promise<string> {
  const parts: string[] = [];
  for (const { name } of await db.listCollections().toArray()) {
    const docs = await db.collection(name).find({}).toArray();
    parts.push(JSON.stringify(docs));
  }
  return parts.join('\n');
}
