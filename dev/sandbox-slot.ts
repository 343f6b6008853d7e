// Plugs the Personio sandbox into the local stack (in-process, on a free port).
import { join } from 'node:path';
import type { PersonioSlot } from './stack.js';
import { startSandbox } from '../sandbox/index.js';

export const sandboxSlot: PersonioSlot = {
  async start({ dataDir, mode }) {
    const sandbox = await startSandbox({
      port: 0,
      host: '127.0.0.1',
      dataFile: mode === 'dev' ? join(dataDir, 'personio-sandbox.json') : undefined,
    });
    return { baseUrl: sandbox.url, stop: () => sandbox.close() };
  },
};
