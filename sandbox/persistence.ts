/** Optional JSON persistence: loaded once at start, written atomically (tmp + rename), debounced. */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { SandboxState, Snapshot } from './state.js';

export interface Persistence {
  /** Schedules a write (debounced). */
  schedule(): void;
  /** Writes now if anything is pending and waits for every write to finish. */
  flush(): Promise<void>;
}

export function loadSnapshot(state: SandboxState, file: string): boolean {
  if (!existsSync(file)) return false;
  let snapshot: Snapshot;
  try {
    snapshot = JSON.parse(readFileSync(file, 'utf8')) as Snapshot;
  } catch (err) {
    // Refuse to start rather than overwrite somebody's data.
    throw new Error(`The sandbox data file ${file} is not valid JSON: fix or delete it (${(err as Error).message})`);
  }
  state.restore(snapshot);
  return true;
}

export function createPersistence(state: SandboxState, file: string, debounceMs = 25): Persistence {
  mkdirSync(dirname(file), { recursive: true });
  let timer: NodeJS.Timeout | undefined;
  let writing: Promise<void> = Promise.resolve();
  let generation = 0;

  const write = (): Promise<void> => {
    timer = undefined;
    const data = JSON.stringify(state.snapshot(), null, 2);
    const tmp = `${file}.${process.pid}.${++generation}.tmp`;
    // Writes are chained so that an older snapshot never lands after a newer one.
    writing = writing
      .catch(() => undefined)
      .then(async () => {
        await writeFile(tmp, data, 'utf8');
        await rename(tmp, file);
      });
    return writing;
  };

  return {
    schedule() {
      if (timer) return;
      timer = setTimeout(() => {
        write().catch((err: unknown) => console.error(`sandbox: could not write ${file}:`, err));
      }, debounceMs);
      timer.unref();
    },
    async flush() {
      if (timer) {
        clearTimeout(timer);
        await write();
      }
      await writing;
    },
  };
}
