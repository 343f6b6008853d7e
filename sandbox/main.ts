/**
 * `npm run sandbox`: the Personio sandbox on its own.
 * PORT (default 4010), HOST (default 127.0.0.1), SANDBOX_DATA_FILE (optional JSON persistence).
 */
import { startSandbox } from './server.js';

const port = Number(process.env.PORT ?? 4010);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`PORT must be a port number, got ${process.env.PORT}`);
  process.exit(1);
}
const running = await startSandbox({
  port,
  host: process.env.HOST ?? '127.0.0.1',
  ...(process.env.SANDBOX_DATA_FILE ? { dataFile: process.env.SANDBOX_DATA_FILE } : {}),
});
console.log(
  `Personio sandbox listening on ${running.url}${process.env.SANDBOX_DATA_FILE ? ` (data: ${process.env.SANDBOX_DATA_FILE})` : ''}; admin at ${running.url}/__admin`,
);

let stopping = false;
const stop = (signal: string) => {
  if (stopping) return;
  stopping = true;
  console.log(`Personio sandbox: ${signal}, stopping`);
  running.close().then(
    () => process.exit(0),
    (err: unknown) => {
      console.error(err);
      process.exit(1);
    },
  );
};
process.on('SIGINT', () => stop('SIGINT'));
process.on('SIGTERM', () => stop('SIGTERM'));
