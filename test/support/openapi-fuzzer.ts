// A property-based fuzzer of the API driven by its published OpenAPI document: fast-check arbitraries built from the
// document's JSON Schemas (path and query parameters, JSON bodies), ids handed from operation to operation through the
// document's links, and every answer held to the document (test/support/openapi-contract.ts).
//
// Why not schemathesis: it comes from PyPI, which this project's machines and CI cannot reach; no maintained npm or Go
// OpenAPI fuzzer generates from JSON Schema 2020-12 with links, so the generator is written here on fast-check (the
// maintained property-based library for JavaScript), covering the JSON Schema this document uses and failing loudly
// on anything else.
import fc, { type Arbitrary } from 'fast-check';
import {
  answerProblems,
  comparable,
  followLinks,
  resolveSchema,
  send,
  type Answer,
  type JsonSchema,
  type OpenApiDocument,
  type Operation,
  type SentRequest,
  type Validator,
} from './openapi-contract.js';

export interface GeneratorOptions {
  doc: OpenApiDocument;
  validator: Validator;
  /**
   * Arbitraries used instead of the document's for these schema objects (by identity), for values that must stay on
   * this machine (webhook URLs: the worker delivers to them). They are still checked against the schema.
   */
  overrides?: Map<object, Arbitrary<unknown>>;
}

const SMALL_ARRAY = 6;
const SMALL_STRING = 24;

function withExample(arb: Arbitrary<unknown>, schema: JsonSchema, validator: Validator, original: JsonSchema): Arbitrary<unknown> {
  const examples = [...(schema.example !== undefined ? [schema.example] : []), ...(Array.isArray(schema.examples) ? schema.examples : [])].filter((example) => validator.validate(original, example).ok);
  if (examples.length === 0) return arb;
  return fc.oneof({ arbitrary: arb, weight: 2 }, { arbitrary: fc.constantFrom(...examples), weight: 1 });
}

function integerArbitrary(schema: JsonSchema): Arbitrary<number> {
  let min = typeof schema.minimum === 'number' ? Math.ceil(schema.minimum) : Number.MIN_SAFE_INTEGER;
  let max = typeof schema.maximum === 'number' ? Math.floor(schema.maximum) : Number.MAX_SAFE_INTEGER;
  if (typeof schema.exclusiveMinimum === 'number') min = Math.max(min, Math.floor(schema.exclusiveMinimum) + 1);
  if (typeof schema.exclusiveMaximum === 'number') max = Math.min(max, Math.ceil(schema.exclusiveMaximum) - 1);
  min = Math.max(min, Number.MIN_SAFE_INTEGER);
  max = Math.min(max, Number.MAX_SAFE_INTEGER);
  if (min > max) throw new Error(`integer schema without values: ${JSON.stringify(schema)}`);
  const full = fc.bigInt({ min: BigInt(min), max: BigInt(max) }).map(Number);
  const nearMin = fc.integer({ min: 0, max: Math.min(50, max - min) }).map((offset) => min + offset);
  return fc.oneof({ arbitrary: nearMin, weight: 3 }, { arbitrary: full, weight: 2 }, { arbitrary: fc.constantFrom(min, max), weight: 1 });
}

function numberArbitrary(schema: JsonSchema): Arbitrary<number> {
  const multipleOf = typeof schema.multipleOf === 'number' ? schema.multipleOf : undefined;
  const lower = typeof schema.exclusiveMinimum === 'number' ? schema.exclusiveMinimum : typeof schema.minimum === 'number' ? schema.minimum : -1e9;
  const upper = typeof schema.exclusiveMaximum === 'number' ? schema.exclusiveMaximum : typeof schema.maximum === 'number' ? schema.maximum : 1e9;
  if (multipleOf !== undefined) {
    // Multiples of a decimal step as decimals: k / 100 is the double closest to k hundredths, k × 0.01 is not.
    const inverse = Math.round(1 / multipleOf);
    const decimal = multipleOf < 1 && Math.abs(inverse * multipleOf - 1) < 1e-12;
    const scale = (value: number) => (decimal ? value * inverse : value / multipleOf);
    let lo = Math.ceil(scale(lower) - 1e-9);
    let hi = Math.floor(scale(upper) + 1e-9);
    if (typeof schema.exclusiveMinimum === 'number' && Math.abs(lo - scale(lower)) < 1e-9) lo += 1;
    if (typeof schema.exclusiveMaximum === 'number' && Math.abs(hi - scale(upper)) < 1e-9) hi -= 1;
    const k = fc.oneof(fc.integer({ min: lo, max: Math.min(hi, lo + 5000) }), fc.integer({ min: lo, max: hi }), fc.constantFrom(lo, hi));
    return k.map((n) => (decimal ? n / inverse : n * multipleOf));
  }
  return fc.double({
    min: lower,
    max: upper,
    minExcluded: typeof schema.exclusiveMinimum === 'number',
    maxExcluded: typeof schema.exclusiveMaximum === 'number',
    noNaN: true,
    noDefaultInfinity: true,
  });
}

const codePoints = (value: string) => [...value].length;

/**
 * Formats without a pattern: fast-check's generator of the format, and texts of the whole syntax the format admits
 * (as ajv-formats reads it: a "uuid" may carry any hex digits and a urn:uuid: prefix), which is what a client may send.
 */
const FORMATS: Record<string, Arbitrary<string>> = {
  email: fc.oneof(fc.emailAddress(), fc.stringMatching(/^[a-zA-Z0-9.!#$%&'*+/=?^_`{|}~-]{1,20}@[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,10}[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,10}[a-zA-Z0-9])?){0,3}$/)),
  uuid: fc.oneof(fc.uuid(), fc.stringMatching(/^(?:urn:uuid:)?[0-9a-fA-F]{8}-(?:[0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$/)),
  uri: fc.webUrl({ withQueryParameters: true, withFragments: true }),
  'date-time': fc.date({ noInvalidDate: true }).map((date) => date.toISOString()),
};

function stringArbitrary(schema: JsonSchema, validator: Validator, original: JsonSchema): Arbitrary<string> {
  const min = typeof schema.minLength === 'number' ? schema.minLength : 0;
  const max = typeof schema.maxLength === 'number' ? schema.maxLength : min + 100;
  const fits = (value: string) => codePoints(value) >= min && codePoints(value) <= max;
  let arb: Arbitrary<string>;
  const pattern = typeof schema.pattern === 'string' ? schema.pattern : undefined;
  if (pattern && pattern.startsWith('^') && pattern.endsWith('$')) {
    arb = fc.stringMatching(new RegExp(pattern)).filter(fits);
  } else if (typeof schema.format === 'string' && FORMATS[schema.format]) {
    arb = FORMATS[schema.format]!;
  } else {
    const small = Math.min(max, min + SMALL_STRING);
    const sized = (unit: 'grapheme-ascii' | 'binary', lo: number, hi: number) => fc.string({ unit, minLength: lo, maxLength: hi });
    arb = fc.oneof(
      { arbitrary: sized('grapheme-ascii', min, small), weight: 4 },
      // Any code point, astral ones included (an emoji is one character for JSON Schema, two UTF-16 units for JS).
      { arbitrary: sized('binary', min, small), weight: 3 },
      { arbitrary: sized('binary', max, max), weight: 1 },
      { arbitrary: sized('grapheme-ascii', max, max), weight: 1 },
    );
    if (pattern) {
      const regex = new RegExp(pattern, 'u');
      arb = arb.filter((value) => regex.test(value));
    }
  }
  return arb.filter((value) => validator.validate(original, value).ok);
}

function arrayArbitrary(schema: JsonSchema, options: GeneratorOptions, depth: number): Arbitrary<unknown[]> {
  const items = build((schema.items ?? {}) as JsonSchema, options, depth + 1);
  const minLength = typeof schema.minItems === 'number' ? schema.minItems : 0;
  const maxItems = typeof schema.maxItems === 'number' ? schema.maxItems : minLength + SMALL_ARRAY;
  const uniqueBy = Array.isArray(schema['x-unique-item-properties']) ? (schema['x-unique-item-properties'] as string[]) : undefined;
  const selector = uniqueBy
    ? (item: unknown) => uniqueBy.map((name) => comparable((item as Record<string, unknown>)[name])).join('\u0000')
    : (item: unknown) => JSON.stringify(item);
  const sized = (maxLength: number): Arbitrary<unknown[]> =>
    uniqueBy || schema.uniqueItems === true ? fc.uniqueArray(items, { selector, minLength, maxLength }) : fc.array(items, { minLength, maxLength });
  let arb = maxItems <= 200 && maxItems > minLength + SMALL_ARRAY
    ? fc.oneof({ arbitrary: sized(minLength + SMALL_ARRAY), weight: 9 }, { arbitrary: sized(maxItems), weight: 1 })
    : sized(Math.min(maxItems, minLength + SMALL_ARRAY));
  // Values repeated across items, as real lists have them (the same benefit key twice, the same event twice): a rule
  // against repeats that the document does not state shows as a 400. Repeats the document forbids are filtered out.
  arb = fc.tuple(arb, fc.nat({ max: 2 }), fc.nat(), fc.nat(), fc.nat()).map(([list, chance, from, to, mask]) => {
    if (chance !== 0 || list.length < 2) return list;
    const source = from % list.length;
    const target = (source + 1 + (to % (list.length - 1))) % list.length;
    const copy = [...list];
    const a = copy[source];
    const b = copy[target];
    if (a !== null && typeof a === 'object' && !Array.isArray(a) && b !== null && typeof b === 'object' && !Array.isArray(b)) {
      const merged: Record<string, unknown> = { ...(b as Record<string, unknown>) };
      Object.keys(a).forEach((key, i) => {
        if (mask & (1 << i % 30) || i === mask % Object.keys(a).length) merged[key] = (a as Record<string, unknown>)[key];
      });
      copy[target] = merged;
    } else copy[target] = a;
    return copy;
  });
  const same = typeof schema['x-same-item-property'] === 'string' ? (schema['x-same-item-property'] as string) : undefined;
  if (same) {
    arb = arb.map((list) => {
      const first = (list[0] as Record<string, unknown> | undefined)?.[same];
      return list.map((item) => {
        const copy = { ...(item as Record<string, unknown>) };
        if (first === undefined) delete copy[same];
        else copy[same] = first;
        return copy;
      });
    });
  }
  return arb;
}

function objectArbitrary(schema: JsonSchema, options: GeneratorOptions, depth: number): Arbitrary<Record<string, unknown>> {
  const properties = (schema.properties ?? {}) as Record<string, JsonSchema>;
  const required = new Set((schema.required ?? []) as string[]);
  const model: Record<string, Arbitrary<unknown>> = {};
  for (const [name, property] of Object.entries(properties)) model[name] = build(property, options, depth + 1);
  return fc.record(model, { requiredKeys: [...required].filter((name) => name in model), noNullPrototype: true }) as Arbitrary<Record<string, unknown>>;
}

/** An arbitrary of values valid against `original` (checked with the validator: every rule of the document). */
function build(original: JsonSchema, options: GeneratorOptions, depth = 0): Arbitrary<unknown> {
  const override = options.overrides?.get(original);
  if (override) return override.filter((value) => options.validator.validate(original, value).ok);
  if (depth > 12) throw new Error('schema nested too deep');
  const schema = resolveSchema(options.doc, original);
  let arb: Arbitrary<unknown>;
  if ('const' in schema) arb = fc.constant(schema.const);
  else if (Array.isArray(schema.enum)) arb = fc.constantFrom(...(schema.enum as unknown[]));
  else if (Array.isArray(schema.anyOf) || Array.isArray(schema.oneOf)) {
    const { anyOf, oneOf, ...rest } = schema;
    const branches = ((anyOf ?? oneOf) as JsonSchema[]).map((branch) => build({ ...rest, ...branch }, options, depth + 1));
    arb = fc.oneof(...branches);
  } else if (schema.allOf || schema.not || schema.if) {
    throw new Error(`the fuzzer does not generate from allOf/not/if yet: ${JSON.stringify(schema).slice(0, 200)}`);
  } else {
    const types = Array.isArray(schema.type) ? (schema.type as string[]) : typeof schema.type === 'string' ? [schema.type] : [];
    if (types.length !== 1) {
      if (types.length === 0) throw new Error(`schema without a type: ${JSON.stringify(schema).slice(0, 200)}`);
      arb = fc.oneof(...types.map((type) => build({ ...schema, type }, options, depth + 1)));
    } else {
      switch (types[0]) {
        case 'null':
          arb = fc.constant(null);
          break;
        case 'boolean':
          arb = fc.boolean();
          break;
        case 'integer':
          arb = integerArbitrary(schema);
          break;
        case 'number':
          arb = numberArbitrary(schema);
          break;
        case 'string':
          arb = stringArbitrary(schema, options.validator, original);
          break;
        case 'array':
          arb = arrayArbitrary(schema, options, depth);
          break;
        case 'object':
          arb = objectArbitrary(schema, options, depth);
          break;
        default:
          throw new Error(`unknown type ${String(types[0])}`);
      }
    }
  }
  return withExample(arb, schema, options.validator, original);
}

/** Values valid against the schema by every rule the document states (the final check is the validator's). */
export function arbitraryFor(schema: JsonSchema, options: GeneratorOptions): Arbitrary<unknown> {
  return build(schema, options).filter((value) => options.validator.validate(schema, value).ok);
}

/** One generated request before the ids the links handed out are filled in. */
export interface RequestPlan {
  path: Record<string, unknown>;
  query: Record<string, unknown>;
  body?: unknown;
  /** Whether to take ids from a link (when one handed any), and which. */
  useLink: boolean;
  linkPick: number;
}

export function requestArbitrary(operation: Operation, options: GeneratorOptions): Arbitrary<RequestPlan> {
  const path: Record<string, Arbitrary<unknown>> = {};
  const query: Record<string, Arbitrary<unknown>> = {};
  for (const parameter of operation.op.parameters ?? []) {
    const arb = arbitraryFor(parameter.schema, options);
    if (parameter.in === 'path') path[parameter.name] = arb;
    else if (parameter.in === 'query') query[parameter.name] = parameter.required ? arb : fc.option(arb, { nil: undefined, freq: 2 });
    else throw new Error(`${operation.id}: ${parameter.in} parameters are not generated`);
  }
  const bodySpec = operation.op.requestBody;
  const json = bodySpec?.content['application/json'];
  if (bodySpec && !json) throw new Error(`${operation.id}: only JSON bodies are generated`);
  const body = json ? (bodySpec?.required ? arbitraryFor(json.schema, options) : fc.option(arbitraryFor(json.schema, options), { nil: undefined, freq: 3 })) : fc.constant(undefined);
  return fc.record({
    path: fc.record(path),
    query: fc.record(query),
    body,
    useLink: fc.nat({ max: 9 }).map((n) => n < 8),
    linkPick: fc.nat(),
  }) as Arbitrary<RequestPlan>;
}

/** Ids the links of earlier answers handed to each operation: operationId → parameter sets. */
export class LinkPool {
  private readonly sets = new Map<string, Record<string, string>[]>();

  add(operationId: string, values: Record<string, string>): void {
    const list = this.sets.get(operationId) ?? [];
    const key = JSON.stringify(values);
    if (list.some((existing) => JSON.stringify(existing) === key)) return;
    // The first ones (the seeded company, sync, test and endpoint) stay; later ones replace each other.
    if (list.length >= 40) list.splice(20 + (list.length % 20), 1);
    list.push(values);
    this.sets.set(operationId, list);
  }

  /** Half the time the first of the fullest sets (the seeded ids, with the most parameters), else any. */
  pick(operationId: string, index: number): Record<string, string> | undefined {
    const list = this.sets.get(operationId);
    if (!list || list.length === 0) return undefined;
    if (index % 2 === 0) {
      const most = Math.max(...list.map((values) => Object.keys(values).length));
      return list.find((values) => Object.keys(values).length === most);
    }
    return list[Math.floor(index / 2) % list.length];
  }

  count(operationId: string): number {
    return this.sets.get(operationId)?.length ?? 0;
  }
}

/**
 * The request to send: the plan with link-handed ids filled in. `opaque` parameters (cursors) take only values a link
 * handed out: any other value is refused by design, as their description says.
 */
export function materialize(operation: Operation, plan: RequestPlan, pool: LinkPool, opaque: ReadonlySet<string>): SentRequest {
  const path: Record<string, string> = {};
  const query: Record<string, string> = {};
  for (const [name, value] of Object.entries(plan.path)) path[name] = String(value);
  for (const [name, value] of Object.entries(plan.query)) if (value !== undefined && !opaque.has(name)) query[name] = String(value);
  const linked = plan.useLink ? pool.pick(operation.id, plan.linkPick) : undefined;
  const parameters = new Map((operation.op.parameters ?? []).map((parameter) => [parameter.name, parameter.in]));
  for (const [name, value] of Object.entries(linked ?? {})) {
    if (parameters.get(name) === 'path') path[name] = value;
    else if (parameters.get(name) === 'query') query[name] = value;
  }
  const url =
    operation.path.replace(/\{([^}]+)\}/g, (_, name: string) => encodeURIComponent(path[name] ?? '')) +
    (Object.keys(query).length > 0 ? `?${new URLSearchParams(query).toString()}` : '');
  return { method: operation.method, url, path, query, ...(plan.body !== undefined ? { body: plan.body } : {}) };
}

export interface Finding {
  operation: string;
  problem: string;
  request: SentRequest;
  status: number;
  answer: string;
}

/**
 * Sends one request, holds the answer to the document and hands the ids its links name to the pool. A schema-valid
 * request refused with 400 is a finding too: the document should have stated the rule that refused it.
 */
export async function exercise(
  context: { apiUrl: string; token: string; validator: Validator; pool: LinkPool; timeoutMs: number },
  operation: Operation,
  request: SentRequest,
): Promise<{ answer: Answer; findings: Finding[] }> {
  let answer: Answer;
  try {
    answer = await send(context.apiUrl, context.token, request, AbortSignal.timeout(context.timeoutMs));
  } catch (error) {
    const problem = `no answer within ${context.timeoutMs} ms (${error instanceof Error ? error.message : String(error)})`;
    return { answer: { status: 0, contentType: '', text: '', json: undefined, headers: new Headers() }, findings: [{ operation: operation.id, problem, request, status: 0, answer: '' }] };
  }
  const problems = answerProblems(context.validator, operation, answer);
  if (answer.status === 400) problems.push('a request valid by the document was refused with 400');
  if (answer.status >= 200 && answer.status < 300) {
    for (const { operationId, values } of followLinks(operation.op.responses[String(answer.status)], request, answer)) context.pool.add(operationId, values);
  }
  return { answer, findings: problems.map((problem) => ({ operation: operation.id, problem, request, status: answer.status, answer: answer.text.slice(0, 600) })) };
}
