// The foundation works on real services: a workflow runs through the Temporal dev server, calls an
// activity that writes to MongoDB (FerretDB), and the project's search attributes are registered.
import { Worker } from '@temporalio/worker';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRoundTripActivities } from './fixtures/roundtrip-activities.js';
import { connectTemporalClient, connectTestDb, connectWorkerConnection, stack, uniqueTaskQueue } from './support/stack.js';

const workflowsPath = fileURLToPath(new URL('./fixtures/roundtrip-workflows.ts', import.meta.url));

describe('local stack', () => {
  let mongo: Awaited<ReturnType<typeof connectTestDb>>;
  let temporal: Awaited<ReturnType<typeof connectTemporalClient>>;

  beforeAll(async () => {
    mongo = await connectTestDb('stack');
    temporal = await connectTemporalClient();
  });
  afterAll(async () => {
    await mongo?.db.dropDatabase();
    await mongo?.close();
    await temporal?.close();
  });

  it('runs a workflow whose activity writes to MongoDB, through the real dev server', async () => {
    const taskQueue = uniqueTaskQueue('roundtrip');
    const connection = await connectWorkerConnection();
    const worker = await Worker.create({
      connection,
      taskQueue,
      workflowsPath,
      activities: createRoundTripActivities(mongo.db),
    });
    const results = await worker.runUntil(async () => {
      const first = await temporal.client.workflow.execute('roundTrip', { taskQueue, workflowId: `${taskQueue}-1`, args: ['ada'] });
      const second = await temporal.client.workflow.execute('roundTrip', { taskQueue, workflowId: `${taskQueue}-2`, args: ['ada'] });
      return [first, second];
    });
    await connection.close();
    expect(results).toEqual([
      { greeting: 'hello ada', visits: 1 },
      { greeting: 'hello ada', visits: 2 },
    ]);
    const history = await temporal.client.workflow.getHandle(`${taskQueue}-1`).fetchHistory();
    const activityEvents = history.events?.filter((event) => event.activityTaskCompletedEventAttributes) ?? [];
    expect(activityEvents).toHaveLength(1);
  });

  it('writes, reads and enforces a unique index on the MongoDB-wire server', async () => {
    const ledger = mongo.db.collection<{ key: string; amountCents: number }>('ledger_probe');
    await ledger.createIndex({ key: 1 }, { unique: true });
    await ledger.insertOne({ key: 'a', amountCents: 1234 });
    await expect(ledger.insertOne({ key: 'a', amountCents: 1 })).rejects.toMatchObject({ code: 11000 });
    expect(await ledger.findOne({ key: 'a' }, { projection: { _id: 0 } })).toEqual({ key: 'a', amountCents: 1234 });
    const indexes = await ledger.indexes();
    expect(indexes.some((index) => index.unique && index.key.key === 1)).toBe(true);
  });

  it('registers the CompanyId, PayrollPeriod and SyncStatus search attributes', async () => {
    const response = await temporal.client.connection.operatorService.listSearchAttributes({ namespace: stack().temporalNamespace });
    const custom = Object.keys(response.customAttributes ?? {});
    expect(custom).toEqual(expect.arrayContaining(['CompanyId', 'PayrollPeriod', 'SyncStatus']));
  });
});
