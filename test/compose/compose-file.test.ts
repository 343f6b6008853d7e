// docker-compose.yml checked without Docker: valid against the Compose Specification's JSON schema (vendored in
// test/fixtures/compose-spec.json, see test/fixtures/compose-spec.md), everything it refers to exists, every image is
// pinned, and only the API is published beyond 127.0.0.1. Docker itself is not needed (nor run): what the images
// do at start is not covered here.
import { readFileSync } from 'node:fs';
import { Ajv, type AnySchemaObject } from 'ajv';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';

type DependsOn = string[] | Record<string, { condition?: string }>;
type Port = number | string | { host_ip?: string; published?: string | number; target?: string | number };
type Mount = string | { type?: string; source?: string };
interface Service {
  image?: string;
  build?: unknown;
  depends_on?: DependsOn;
  ports?: Port[];
  volumes?: Mount[];
  configs?: (string | { source: string })[];
  command?: string | string[];
  entrypoint?: string | string[];
  restart?: string;
}
interface ComposeFile {
  services: Record<string, Service>;
  volumes?: Record<string, unknown>;
  configs?: Record<string, unknown>;
}

const composeText = readFileSync(new URL('../../docker-compose.yml', import.meta.url), 'utf8');
// `merge: true`: the file uses YAML merge keys (`<<: *app-env`), which YAML 1.2's core schema leaves as plain keys.
const compose = parse(composeText, { merge: true }) as ComposeFile;
const services = Object.entries(compose.services);
const specSchema = JSON.parse(readFileSync(new URL('../fixtures/compose-spec.json', import.meta.url), 'utf8')) as AnySchemaObject;

function dependencies(service: Service): [string, string][] {
  const dependsOn = service.depends_on ?? [];
  return Array.isArray(dependsOn) ? dependsOn.map((name) => [name, 'service_started']) : Object.entries(dependsOn).map(([name, d]) => [name, d.condition ?? 'service_started']);
}

/** The image reference after compose's interpolation of `${VAR:-default}` / `${VAR-default}`; null when a variable has no default. */
function withDefaults(image: string): string | null {
  let unresolved = false;
  const resolved = image
    .replace(/\$\$/g, '\u0000')
    .replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)(?::?-([^}]*))?([^}]*)\}|\$([A-Za-z_][A-Za-z0-9_]*)/g, (_m, _name: string, fallback: string | undefined, rest: string) => {
      if (fallback === undefined || rest) unresolved = true;
      return fallback ?? '';
    })
    .replace(/\u0000/g, '$');
  return unresolved ? null : resolved;
}

/** Why an image reference is not pinned, or null when it is (a version tag, or a digest). */
function imagePinProblem(image: string): string | null {
  const resolved = withDefaults(image);
  if (resolved === null) return 'a variable without a pinned default (write ${VAR:-1.2.3})';
  const [nameAndTag = '', digest] = resolved.split('@');
  if (digest) return /^sha256:[0-9a-f]{64}$/.test(digest) ? null : `malformed digest ${digest}`;
  const lastSlash = nameAndTag.lastIndexOf('/');
  const colon = nameAndTag.indexOf(':', lastSlash + 1);
  if (colon < 0) return 'no tag (that is :latest)';
  const tag = nameAndTag.slice(colon + 1);
  if (tag === '' || tag === 'latest') return `tag "${tag}" is not a version`;
  // A version: 16, 7.0, v1.27, 1.30.6, 20-bookworm-slim. Moving names (stable, edge, lts, alpine) are not.
  return /^v?\d/.test(tag) ? null : `tag "${tag}" is not a version`;
}

function repositoryOf(image: string): string {
  const resolved = withDefaults(image) ?? image;
  const nameAndTag = resolved.split('@')[0] ?? '';
  const colon = nameAndTag.indexOf(':', nameAndTag.lastIndexOf('/') + 1);
  return colon < 0 ? nameAndTag : nameAndTag.slice(0, colon);
}

function tagOf(image: string): string {
  const resolved = withDefaults(image) ?? image;
  return resolved.slice(repositoryOf(image).length + 1).split('@')[0] ?? '';
}

interface Published {
  hostIp: string;
  target: string;
}

/** The ports a service publishes on the host; hostIp '' means all interfaces. */
function publishedPorts(service: Service): Published[] {
  return (service.ports ?? []).map((port) => {
    if (typeof port === 'number') return { hostIp: '', target: String(port) };
    if (typeof port === 'object') return { hostIp: port.host_ip ?? '', target: String(port.target ?? '') };
    const spec = port.split('/')[0] ?? '';
    if (spec.startsWith('[')) {
      const end = spec.indexOf(']');
      return { hostIp: spec.slice(1, end), target: spec.slice(end + 2).split(':').at(-1) ?? '' };
    }
    const parts = spec.split(':');
    return { hostIp: parts.length === 3 ? (parts[0] ?? '') : '', target: parts.at(-1) ?? '' };
  });
}

function serviceByImage(repository: string): [string, Service] {
  const found = services.filter(([, s]) => s.image && repositoryOf(s.image) === repository);
  expect(found.map(([name]) => name), `one service runs ${repository}`).toHaveLength(1);
  return found[0] as [string, Service];
}

function script(service: Service): string {
  return [service.entrypoint ?? [], service.command ?? []].flat().join('\n');
}

describe('docker-compose.yml', () => {
  it('is valid against the Compose Specification JSON schema', () => {
    // The schema declares draft-07 as https://json-schema.org/draft-07/schema; ajv (draft-07 by default) knows the
    // same meta-schema as http://json-schema.org/draft-07/schema, so register it under the spec's URI too.
    // strictSchema stays on (an unknown keyword would mean the wrong draft); strictTypes is a lint for schema
    // authors that the vendored file does not follow.
    const ajv = new Ajv({ allErrors: true, strictSchema: true, strictTypes: false, strictTuples: false, strictRequired: false });
    const draft07 = ajv.getSchema('http://json-schema.org/draft-07/schema')?.schema as AnySchemaObject;
    expect(specSchema.$schema).toBe('https://json-schema.org/draft-07/schema');
    ajv.addMetaSchema({ ...draft07, $id: specSchema.$schema });
    const validate = ajv.compile(specSchema);

    const valid = validate(compose);
    expect(validate.errors?.map((e) => `${e.instancePath || '/'} ${e.message} ${JSON.stringify(e.params)}`) ?? []).toEqual([]);
    expect(valid).toBe(true);

    // The schema rejects what it should: an unknown service key and a port of the wrong shape.
    const broken = structuredClone(compose);
    (broken.services.api as Record<string, unknown>).restart_policy = 'always';
    broken.services.api!.ports = [{ bogus: 1 } as unknown as Port];
    expect(validate(broken)).toBe(false);
  });

  it('starts only services that exist, and waits for one-shot jobs that really end', () => {
    for (const [name, service] of services) {
      for (const [dependency, condition] of dependencies(service)) {
        expect(compose.services, `${name} depends on ${dependency}`).toHaveProperty([dependency]);
        if (condition === 'service_completed_successfully') {
          // A job that compose restarts whatever its exit code never completes.
          expect(['always', 'unless-stopped'], `${dependency} is a one-shot job`).not.toContain(compose.services[dependency]?.restart ?? 'no');
        }
      }
    }
  });

  it('declares every named volume and config its services mount', () => {
    for (const [name, service] of services) {
      for (const mount of service.volumes ?? []) {
        const source = typeof mount === 'string' ? mount.split(':')[0] : mount.type === 'volume' ? mount.source : undefined;
        // Named volumes only: bind mounts start with . / or ~.
        if (source && !/^[./~$]/.test(source)) expect(compose.volumes ?? {}, `${name} mounts volume ${source}`).toHaveProperty([source]);
      }
      for (const config of service.configs ?? []) {
        const source = typeof config === 'string' ? config : config.source;
        expect(compose.configs ?? {}, `${name} uses config ${source}`).toHaveProperty([source]);
      }
    }
  });

  it('pins every image to a version, and builds the rest from this repository', () => {
    for (const [name, service] of services) {
      expect(service.image ?? service.build, `${name} has an image or a build`).toBeDefined();
      if (service.image) expect(imagePinProblem(service.image), `${name}: ${service.image}`).toBeNull();
    }
  });

  it('does not use the deprecated temporalio/auto-setup image', () => {
    for (const [name, service] of services) expect(service.image ?? '', name).not.toMatch(/temporalio\/auto-setup/);
  });

  it("binds Temporal's frontend, its UI and Mailpit to 127.0.0.1; only the API is published on all interfaces", () => {
    const expected: [string, string[]][] = [
      ['temporalio/server', ['7233']],
      ['temporalio/ui', ['8080']],
      ['axllent/mailpit', ['8025', '1025']],
    ];
    for (const [repository, ports] of expected) {
      const [name, service] = serviceByImage(repository);
      const published = publishedPorts(service);
      expect(published.map((p) => p.target).sort(), name).toEqual([...ports].sort());
      for (const port of published) expect(port.hostIp, `${name} publishes ${port.target}`).toBe('127.0.0.1');
    }
    const openToAll = services.flatMap(([name, service]) => publishedPorts(service).filter((p) => p.hostIp !== '127.0.0.1').map((p) => `${name}:${p.target}`));
    expect(openToAll).toEqual(['api:3000']);
  });

  it('runs the Temporal server after a schema job with admin-tools, and creates the default namespace', () => {
    const [serverName, server] = serviceByImage('temporalio/server');
    const schemaJobs = dependencies(server).filter(([, condition]) => condition === 'service_completed_successfully');
    expect(schemaJobs, `${serverName} waits for its schema job`).toHaveLength(1);
    const schemaJob = compose.services[schemaJobs[0]![0]]!;
    expect(repositoryOf(schemaJob.image ?? '')).toBe('temporalio/admin-tools');
    expect(tagOf(schemaJob.image ?? ''), 'admin-tools and server on the same version').toBe(tagOf(server.image ?? ''));
    const setup = script(schemaJob);
    for (const [db, schema] of [
      ['temporal', 'temporal'],
      ['temporal_visibility', 'visibility'],
    ] as const) {
      expect(setup).toContain(`temporal-sql-tool --db ${db} create`);
      expect(setup).toContain(`temporal-sql-tool --db ${db} setup-schema -v 0.0`);
      expect(setup).toContain(`temporal-sql-tool --db ${db} update-schema -d /etc/temporal/schema/postgresql/v12/${schema}/versioned`);
    }

    const namespaceJobs = services.filter(([, s]) => /temporal operator namespace create --namespace default\b/.test(script(s)));
    expect(namespaceJobs).toHaveLength(1);
    const [namespaceJobName, namespaceJob] = namespaceJobs[0]!;
    expect(repositoryOf(namespaceJob.image ?? '')).toBe('temporalio/admin-tools');
    expect(dependencies(namespaceJob)).toContainEqual([serverName, 'service_healthy']);
    // The worker and the API use the namespace at start.
    for (const app of ['worker', 'api']) expect(dependencies(compose.services[app]!)).toContainEqual([namespaceJobName, 'service_completed_successfully']);
  });
});

describe('the checks themselves', () => {
  it('tell pinned images from floating ones', () => {
    for (const pinned of ['postgres:16', 'mongo:7.0', 'axllent/mailpit:v1.27', 'temporalio/server:${TEMPORAL_VERSION:-1.30.6}', 'registry.local:5000/app:2.1', `app@sha256:${'a'.repeat(64)}`]) {
      expect(imagePinProblem(pinned), pinned).toBeNull();
    }
    for (const floating of ['postgres', 'postgres:latest', 'registry.local:5000/app', 'nginx:stable', 'temporalio/server:${TEMPORAL_VERSION}', 'x:${V:?set V}', 'x:${V:-latest}', 'x:$V']) {
      expect(imagePinProblem(floating), floating).not.toBeNull();
    }
  });

  it('read the host address of every port syntax', () => {
    const ports = publishedPorts({ ports: ['127.0.0.1:8080:8080', '3000:3000', '9000', 9001, '[::1]:7000:7000/tcp', { host_ip: '127.0.0.1', target: 53, published: 53 }] });
    expect(ports).toEqual([
      { hostIp: '127.0.0.1', target: '8080' },
      { hostIp: '', target: '3000' },
      { hostIp: '', target: '9000' },
      { hostIp: '', target: '9001' },
      { hostIp: '::1', target: '7000' },
      { hostIp: '127.0.0.1', target: '53' },
    ]);
  });
});
