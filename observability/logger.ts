// JSON-lines logger. Callers pass structured fields; nothing here ever receives a secret.
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
  child(fields: Record<string, unknown>): Logger;
}

const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export type LogSink = (line: string) => void;

function serializeError(value: unknown): unknown {
  if (value instanceof Error) return { name: value.name, message: value.message };
  return value;
}

export function createLogger(opts: { level?: LogLevel; sink?: LogSink; base?: Record<string, unknown> } = {}): Logger {
  const threshold = ORDER[opts.level ?? 'info'];
  const sink: LogSink = opts.sink ?? ((line) => process.stdout.write(`${line}\n`));
  const base = opts.base ?? {};
  const write = (level: LogLevel, message: string, fields?: Record<string, unknown>) => {
    if (ORDER[level] < threshold) return;
    const entry: Record<string, unknown> = { time: new Date().toISOString(), level, msg: message, ...base };
    for (const [key, value] of Object.entries(fields ?? {})) entry[key] = serializeError(value);
    sink(JSON.stringify(entry));
  };
  return {
    debug: (m, f) => write('debug', m, f),
    info: (m, f) => write('info', m, f),
    warn: (m, f) => write('warn', m, f),
    error: (m, f) => write('error', m, f),
    child: (fields) => createLogger({ level: opts.level, sink, base: { ...base, ...fields } }),
  };
}

export const silentLogger: Logger = createLogger({ sink: () => undefined });
