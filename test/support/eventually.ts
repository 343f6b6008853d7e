// Polling in tests: no service or Temporal import, so every tier can use it.

/** Polls until `check` returns a value other than undefined/false, or fails after timeoutMs. */
export async function eventually<T>(check: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs = 10_000, what = 'condition', pollMs = 25): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`${what} not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
}

/** Reads until `done` holds for what was read, and hands that back (polling every 250 ms: reads go over HTTP). */
export async function readUntil<T>(what: string, read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 30_000): Promise<T> {
  let last: T | undefined;
  try {
    return await eventually(async () => {
      last = await read();
      return done(last) ? { value: last } : false;
    }, timeoutMs, what, 250).then((hit) => hit.value);
  } catch (error) {
    throw new Error(`${(error as Error).message}; last read: ${JSON.stringify(last).slice(0, 500)}`);
  }
}
