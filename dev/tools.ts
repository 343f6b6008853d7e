// Finds (or builds once) the Go-built programs the local stack runs: the Temporal CLI and FerretDB.
// Order: explicit env override, then PATH, then a cache outside the repo, else `go install` into that cache.
import { execFileSync, spawnSync } from 'node:child_process';
import { accessSync, chmodSync, constants, cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface ToolSpec {
  binary: string;
  envOverride: string;
  goModule: string;
  version: string;
  /**
   * FerretDB embeds build/version/version.txt, which exists only in release builds: a plain
   * `go install …@v1.24.2` compiles but panics at start. Such tools are built from a copy of the
   * module source with that file written.
   */
  embedsVersionFile?: string;
}

export const TOOLS = {
  temporal: {
    binary: 'temporal',
    envOverride: 'TEMPORAL_CLI_PATH',
    goModule: 'github.com/temporalio/cli/cmd/temporal',
    version: 'v1.5.1',
  },
  ferretdb: {
    binary: 'ferretdb',
    envOverride: 'FERRETDB_PATH',
    goModule: 'github.com/FerretDB/FerretDB/cmd/ferretdb',
    version: 'v1.24.2',
    embedsVersionFile: 'build/version/version.txt',
  },
} as const satisfies Record<string, ToolSpec>;

export type ToolName = keyof typeof TOOLS;

export class ToolUnavailableError extends Error {
  override name = 'ToolUnavailableError';
}

export function toolCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.PAYROLL_SYNC_TOOLS_DIR) return env.PAYROLL_SYNC_TOOLS_DIR;
  const cacheRoot = env.XDG_CACHE_HOME || join(homedir(), '.cache');
  return join(cacheRoot, 'personio-payroll-sync', 'bin');
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function findOnPath(binary: string, env: NodeJS.ProcessEnv): string | undefined {
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, binary);
    if (isExecutable(candidate)) return candidate;
  }
  return undefined;
}

/** Returns the path of an existing binary without building anything, or undefined. */
export function locateTool(name: ToolName, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const spec = TOOLS[name];
  const override = env[spec.envOverride];
  if (override) {
    if (!isExecutable(override)) {
      throw new ToolUnavailableError(`${spec.envOverride}=${override} is not an executable file`);
    }
    return override;
  }
  const cached = join(toolCacheDir(env), spec.binary);
  return findOnPath(spec.binary, env) ?? (isExecutable(cached) ? cached : undefined);
}

function goAvailable(env: NodeJS.ProcessEnv): boolean {
  return spawnSync('go', ['version'], { env, stdio: 'ignore' }).status === 0;
}

/** Returns the tool's path, building it with `go install` into the cache when it is nowhere to be found. */
export function ensureTool(
  name: ToolName,
  env: NodeJS.ProcessEnv = process.env,
  log: (line: string) => void = (line) => console.error(line),
): string {
  const found = locateTool(name, env);
  if (found) return found;
  const spec: ToolSpec = TOOLS[name];
  if (!goAvailable(env)) {
    throw new ToolUnavailableError(
      `${spec.binary} was not found (checked ${spec.envOverride}, PATH and ${toolCacheDir(env)}) and Go is not installed. ` +
        `Install Go >= 1.23 (https://go.dev/dl/) so it can be built, or install ${spec.binary} ${spec.version} yourself ` +
        `and put it on PATH or point ${spec.envOverride} at it.`,
    );
  }
  const cacheDir = toolCacheDir(env);
  mkdirSync(cacheDir, { recursive: true });
  log(`[tools] building ${spec.goModule}@${spec.version} into ${cacheDir} (first run only, takes a few minutes)…`);
  const goEnv = { ...env, GOBIN: cacheDir, CGO_ENABLED: env.CGO_ENABLED ?? '0' };
  if (spec.embedsVersionFile) buildFromModuleCopy(spec, cacheDir, goEnv);
  else execFileSync('go', ['install', `${spec.goModule}@${spec.version}`], { env: goEnv, stdio: ['ignore', 'inherit', 'inherit'] });
  const built = join(cacheDir, spec.binary);
  if (!isExecutable(built)) throw new ToolUnavailableError(`go install finished but ${built} is missing`);
  log(`[tools] ${spec.binary} ready at ${built}`);
  return built;
}

function makeWritable(dir: string): void {
  chmodSync(dir, 0o755);
  for (const entry of readdirSync(dir)) {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) makeWritable(path);
    else chmodSync(path, 0o644);
  }
}

/** Equivalent of `go install module/cmd@version` for modules whose release build writes a version file first. */
function buildFromModuleCopy(spec: ToolSpec, cacheDir: string, env: NodeJS.ProcessEnv): void {
  const [modulePath, ...cmdParts] = spec.goModule.split('/cmd/');
  if (!modulePath || cmdParts.length === 0) throw new ToolUnavailableError(`cannot split ${spec.goModule} into module and command`);
  const downloaded = JSON.parse(
    execFileSync('go', ['mod', 'download', '-json', `${modulePath}@${spec.version}`], { env, encoding: 'utf8' }),
  ) as { Dir?: string };
  if (!downloaded.Dir) throw new ToolUnavailableError(`go mod download gave no source folder for ${modulePath}`);
  const workDir = mkdtempSync(join(tmpdir(), `${spec.binary}-src-`));
  try {
    cpSync(downloaded.Dir, workDir, { recursive: true });
    makeWritable(workDir);
    writeFileSync(join(workDir, spec.embedsVersionFile ?? ''), `${spec.version}\n`);
    execFileSync('go', ['build', '-buildvcs=false', '-trimpath', '-o', join(cacheDir, spec.binary), `./cmd/${cmdParts.join('/cmd/')}`], {
      cwd: workDir,
      env,
      stdio: ['ignore', 'inherit', 'inherit'],
    });
  } finally {
    rmSync(workDir, { recursive: true, force: true });
  }
}

export function ensureAllTools(env: NodeJS.ProcessEnv = process.env): Record<ToolName, string> {
  return { temporal: ensureTool('temporal', env), ferretdb: ensureTool('ferretdb', env) };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  try {
    const paths = ensureAllTools();
    for (const [name, path] of Object.entries(paths)) console.log(`${name}: ${path}`);
  } catch (error) {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  }
}
