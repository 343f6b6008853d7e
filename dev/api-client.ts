// A tiny client of the product's HTTP API with a bearer token: used by the demo, the tests and the bench.

export interface ApiResponse<T = unknown> {
  status: number;
  /** The parsed body; undefined when it is empty or not JSON (the text is kept). */
  json: T;
  text: string;
  headers: Headers;
}

export interface ApiClient {
  readonly baseUrl: string;
  /** A JSON body is serialized; a string body is sent as it is (for malformed-input tests). */
  call<T = any>(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<ApiResponse<T>>;
}

export function createApiClient(baseUrl: string, token: string, opts: { timeoutMs?: number } = {}): ApiClient {
  const root = baseUrl.replace(/\/+$/, '');
  return {
    baseUrl: root,
    async call(method, path, body, headers = {}) {
      const res = await fetch(`${root}${path}`, {
        method,
        headers: { authorization: `Bearer ${token}`, accept: 'application/json', ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
        ...(body !== undefined ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
        signal: AbortSignal.timeout(opts.timeoutMs ?? 60_000),
      });
      const text = await res.text();
      let json: any;
      try {
        json = text ? JSON.parse(text) : undefined;
      } catch {
        json = undefined;
      }
      return { status: res.status, json, text, headers: res.headers };
    },
  };
}
