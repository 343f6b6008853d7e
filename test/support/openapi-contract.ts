// The API's published OpenAPI document as a contract a test can hold answers to: its operations, a JSON Schema
// validator (ajv, 2020-12 as OpenAPI 3.1 uses, with the formats and the document's extension keywords), its links,
// and the check of one answer against what the document says the operation answers.
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsPlugin from 'ajv-formats';

export type JsonSchema = Record<string, unknown>;

export interface OpenApiParameter {
  name: string;
  in: 'path' | 'query' | 'header' | 'cookie';
  required?: boolean;
  schema: JsonSchema;
}

export interface OpenApiLink {
  operationId?: string;
  parameters?: Record<string, string>;
  description?: string;
}

export interface OpenApiResponse {
  description: string;
  content?: Record<string, { schema?: JsonSchema }>;
  headers?: Record<string, unknown>;
  links?: Record<string, OpenApiLink>;
}

export interface OpenApiOperation {
  operationId?: string;
  parameters?: OpenApiParameter[];
  requestBody?: { required?: boolean; content: Record<string, { schema: JsonSchema }> };
  responses: Record<string, OpenApiResponse>;
}

export interface OpenApiDocument {
  openapi: string;
  info: { title: string; description?: string };
  paths: Record<string, Record<string, OpenApiOperation>>;
  components: { schemas: Record<string, JsonSchema> };
}

export interface Operation {
  id: string;
  method: string;
  /** The OpenAPI path template, such as /v1/companies/{companyId}. */
  path: string;
  op: OpenApiOperation;
}

const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options', 'trace'];

export function operationsOf(doc: OpenApiDocument): Operation[] {
  const operations: Operation[] = [];
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(item)) {
      if (!HTTP_METHODS.includes(method)) continue;
      operations.push({ id: op.operationId ?? `${method.toUpperCase()} ${path}`, method: method.toUpperCase(), path, op });
    }
  }
  return operations;
}

/** The value of a (non-empty) trimmed, case-folded text for comparisons the extension keywords make; others as JSON. */
export function comparable(value: unknown): string {
  return typeof value === 'string' ? value.trim().toLowerCase() : JSON.stringify(value);
}

const DOC_ID = 'urn:payroll-sync:openapi';

/** `#/components/schemas/X` → the same schema inside the registered document (ajv resolves it by id). */
function rebase(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(rebase);
  if (schema === null || typeof schema !== 'object') return schema;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(schema)) {
    out[key] = key === '$ref' && typeof value === 'string' && value.startsWith('#/components/schemas/') ? `${DOC_ID}#/$defs/${value.slice('#/components/schemas/'.length)}` : rebase(value);
  }
  return out;
}

/**
 * A validator of the document's schemas: JSON Schema 2020-12 with the formats (ajv-formats) and the three extension
 * keywords the document defines in info.description (x-unique-item-properties, x-same-item-property, x-property-less-than), so that "valid" means every rule the document states.
 * Unknown keywords (example, OpenAPI's own) are annotations. multipleOf is checked on the decimal value (0.01 takes
 * 12.34, not 12.340000000000002).
 */
export function createValidator(doc: OpenApiDocument) {
  const ajv = new Ajv2020({ strict: false, allErrors: true, multipleOfPrecision: 9 });
  (addFormatsPlugin as unknown as (ajv: Ajv2020) => void)(ajv);
  ajv.addKeyword({
    keyword: 'x-unique-item-properties',
    type: 'array',
    schemaType: 'array',
    errors: false,
    validate: (properties: string[], items: unknown[]) => {
      const seen = new Set<string>();
      for (const item of items) {
        if (item === null || typeof item !== 'object') continue;
        const key = properties.map((name) => comparable((item as Record<string, unknown>)[name])).join('\u0000');
        if (seen.has(key)) return false;
        seen.add(key);
      }
      return true;
    },
  });
  ajv.addKeyword({
    keyword: 'x-same-item-property',
    type: 'array',
    schemaType: 'string',
    errors: false,
    validate(property: string, items: unknown[], parentSchema?: JsonSchema) {
      const itemSchema = resolveSchema(doc, (parentSchema?.items ?? {}) as JsonSchema);
      const fallback = ((itemSchema.properties ?? {}) as Record<string, JsonSchema>)[property]?.default;
      const values = new Set(items.filter((item) => item !== null && typeof item === 'object').map((item) => JSON.stringify((item as Record<string, unknown>)[property] ?? fallback)));
      return values.size <= 1;
    },
  });
  ajv.addKeyword({
    keyword: 'x-property-less-than',
    type: 'object',
    schemaType: 'object',
    errors: false,
    validate(pairs: Record<string, string>, data: Record<string, unknown>, parentSchema?: JsonSchema) {
      const properties = (parentSchema?.properties ?? {}) as Record<string, JsonSchema>;
      for (const [name, other] of Object.entries(pairs)) {
        const value = data[name] ?? properties[name]?.default;
        const limit = data[other] ?? properties[other]?.default;
        if (typeof value === 'number' && typeof limit === 'number' && !(value < limit)) return false;
      }
      return true;
    },
  });
  ajv.addSchema({ $id: DOC_ID, $defs: rebase(doc.components.schemas) as Record<string, unknown> });

  const cache = new WeakMap<object, ValidateFunction>();
  function compile(schema: JsonSchema): ValidateFunction {
    let validate = cache.get(schema);
    if (!validate) {
      validate = ajv.compile(rebase(schema) as JsonSchema);
      cache.set(schema, validate);
    }
    return validate;
  }
  return {
    validate(schema: JsonSchema, value: unknown): { ok: true } | { ok: false; errors: string } {
      const validate = compile(schema);
      if (validate(value)) return { ok: true };
      return { ok: false, errors: ajv.errorsText(validate.errors as ErrorObject[] | null | undefined, { dataVar: 'value' }) };
    },
  };
}

export type Validator = ReturnType<typeof createValidator>;

/** Follows `$ref`s to the components. */
export function resolveSchema(doc: OpenApiDocument, schema: JsonSchema): JsonSchema {
  let current = schema;
  for (let depth = 0; typeof current.$ref === 'string' && depth < 20; depth++) {
    const ref = current.$ref as string;
    const prefix = ['#/components/schemas/', `${DOC_ID}#/$defs/`].find((candidate) => ref.startsWith(candidate));
    if (!prefix) throw new Error(`unsupported $ref ${ref}`);
    const target = doc.components.schemas[ref.slice(prefix.length)];
    if (!target) throw new Error(`dangling $ref ${ref}`);
    const { $ref: _ref, ...siblings } = current;
    current = { ...target, ...siblings };
  }
  return current;
}

/** A request as sent: its parts, for link expressions and for the report of a finding. */
export interface SentRequest {
  method: string;
  url: string;
  path: Record<string, string>;
  query: Record<string, string>;
  body?: unknown;
}

export interface Answer {
  status: number;
  contentType: string;
  text: string;
  json: unknown;
  headers: Headers;
}

/** Reads `/a/0/b` out of a JSON value. */
function pointer(value: unknown, path: string): unknown {
  if (path === '') return value;
  let current = value;
  for (const raw of path.replace(/^\//, '').split('/')) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

/** Evaluates a link's runtime expression ($response.body#/…, $request.path.x, $request.query.x); undefined when absent. */
export function evaluateExpression(expression: string, request: SentRequest, answer: Answer): unknown {
  if (expression.startsWith('$response.body#')) return pointer(answer.json, expression.slice('$response.body#'.length));
  if (expression === '$response.body') return answer.json;
  if (expression.startsWith('$request.path.')) return request.path[expression.slice('$request.path.'.length)];
  if (expression.startsWith('$request.query.')) return request.query[expression.slice('$request.query.'.length)];
  if (expression.startsWith('$request.body#')) return pointer(request.body, expression.slice('$request.body#'.length));
  if (expression.startsWith('$')) throw new Error(`unsupported link expression ${expression}`);
  return expression; // a constant
}

/** Parameter sets the links of this answer hand to other operations: operationId → values (absent ones left out). */
export function followLinks(response: OpenApiResponse | undefined, request: SentRequest, answer: Answer): { operationId: string; values: Record<string, string> }[] {
  const out: { operationId: string; values: Record<string, string> }[] = [];
  for (const link of Object.values(response?.links ?? {})) {
    if (!link.operationId) continue;
    const values: Record<string, string> = {};
    let complete = true;
    for (const [name, expression] of Object.entries(link.parameters ?? {})) {
      const value = evaluateExpression(expression, request, answer);
      if (value === undefined || value === null) {
        complete = false;
        break;
      }
      values[name] = String(value);
    }
    if (complete) out.push({ operationId: link.operationId, values });
  }
  return out;
}

/**
 * What is wrong with an answer by the document: a server error, a status the operation does not document, a content
 * type it does not document for that status, or a JSON body that does not match the documented schema. Empty: none.
 */
export function answerProblems(validator: Validator, operation: Operation, answer: Answer): string[] {
  const problems: string[] = [];
  if (answer.status >= 500) problems.push(`server error ${answer.status}`);
  const documented = operation.op.responses[String(answer.status)] ?? operation.op.responses[`${String(answer.status)[0]}XX`] ?? operation.op.responses.default;
  if (!documented) {
    problems.push(`status ${answer.status} is not documented (documented: ${Object.keys(operation.op.responses).join(', ')})`);
    return problems;
  }
  const content = documented.content ?? {};
  if (Object.keys(content).length === 0) {
    if (answer.text !== '') problems.push(`status ${answer.status} is documented without a body, but one came (${answer.contentType})`);
    return problems;
  }
  const media = content[answer.contentType];
  if (!media) {
    problems.push(`content type "${answer.contentType}" of status ${answer.status} is not documented (documented: ${Object.keys(content).join(', ')})`);
    return problems;
  }
  if (/json/.test(answer.contentType) && media.schema) {
    if (answer.json === undefined) problems.push(`status ${answer.status}: the body is not JSON`);
    else {
      const result = validator.validate(media.schema, answer.json);
      if (!result.ok) problems.push(`status ${answer.status}: the body does not match the documented schema: ${result.errors}`);
    }
  }
  return problems;
}

/** Calls the API over HTTP with the token; the answer with its media type (lower-cased, parameters dropped). */
export async function send(apiUrl: string, token: string, request: SentRequest, signal?: AbortSignal): Promise<Answer> {
  const headers: Record<string, string> = { authorization: `Bearer ${token}` };
  if (request.body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(`${apiUrl}${request.url}`, {
    method: request.method,
    headers,
    ...(request.body !== undefined ? { body: JSON.stringify(request.body) } : {}),
    ...(signal ? { signal } : {}),
  });
  const text = await res.text();
  const contentType = (res.headers.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
  let json: unknown;
  if (/json/.test(contentType) && text !== '') {
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
  }
  return { status: res.status, contentType, text, json, headers: res.headers };
}
