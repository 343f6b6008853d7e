// A deliberately tiny template language for the email templates (compiled once, rendered per mail):
//   {{path}}                  a value, always escaped by the renderer's escape function (no raw output exists)
//   {{#if path}}…{{else}}…{{/if}}, {{#unless path}}…{{/unless}}
//   {{#each path}}…{{/each}}  inside, names resolve against the item first, then outwards; {{.}} is the item
// A block tag alone on its line removes that line (so plain-text templates stay tidy).
// Rendering is strict: an unknown name or a non-scalar value throws, so a typo never ships an empty mail.

export type Escape = (text: string) => string;

type Node =
  | { kind: 'text'; value: string }
  | { kind: 'value'; path: string }
  | { kind: 'if'; path: string; negate: boolean; then: Node[]; otherwise: Node[] }
  | { kind: 'each'; path: string; body: Node[] };

interface Token {
  kind: 'text' | 'value' | 'open' | 'else' | 'close';
  value: string;
  block?: 'if' | 'unless' | 'each';
}

const TAG = /\{\{\s*(#(?:if|unless|each)\s+[\w.]+|\/(?:if|unless|each)|else|\.|[A-Za-z_][\w.]*)\s*\}\}/g;

/** A block tag alone on its line takes its line with it: `  {{#each x}}\n` becomes `{{#each x}}`. */
const STANDALONE_BLOCK = /^[ \t]*(\{\{\s*(?:#(?:if|unless|each)\s+[\w.]+|\/(?:if|unless|each)|else)\s*\}\})[ \t]*(?:\r?\n|$)/gm;

export class TemplateError extends Error {
  override name = 'TemplateError';
}

const escapeTable: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;', '`': '&#96;' };

/** Escapes text for HTML element content and quoted attribute values. */
export const escapeHtml: Escape = (text) => text.replace(/[&<>"'`]/g, (ch) => escapeTable[ch] as string);

/** For plain-text templates: values go out literally. */
export const noEscape: Escape = (text) => text;

function tokenize(template: string): Token[] {
  const source = template.replace(STANDALONE_BLOCK, '$1');
  const tokens: Token[] = [];
  let last = 0;
  for (const match of source.matchAll(TAG)) {
    const start = match.index;
    if (start > last) tokens.push({ kind: 'text', value: source.slice(last, start) });
    const body = match[1] as string;
    if (body.startsWith('#')) {
      const [block, path] = body.slice(1).split(/\s+/) as ['if' | 'unless' | 'each', string];
      tokens.push({ kind: 'open', block, value: path });
    } else if (body.startsWith('/')) tokens.push({ kind: 'close', block: body.slice(1) as 'if' | 'unless' | 'each', value: '' });
    else if (body === 'else') tokens.push({ kind: 'else', value: '' });
    else tokens.push({ kind: 'value', value: body });
    last = start + match[0].length;
  }
  if (last < source.length) tokens.push({ kind: 'text', value: source.slice(last) });
  const stray = tokens.find((t) => t.kind === 'text' && t.value.includes('{{'));
  if (stray) throw new TemplateError(`Template has a malformed tag near: ${stray.value.slice(stray.value.indexOf('{{'), stray.value.indexOf('{{') + 40)}`);
  return tokens;
}

function parse(tokens: Token[]): Node[] {
  let pos = 0;
  function parseUntil(closers: ReadonlyArray<Token['kind']>): Node[] {
    const nodes: Node[] = [];
    while (pos < tokens.length) {
      const token = tokens[pos] as Token;
      if (closers.includes(token.kind)) return nodes;
      pos++;
      if (token.kind === 'text') nodes.push({ kind: 'text', value: token.value });
      else if (token.kind === 'value') nodes.push({ kind: 'value', path: token.value });
      else if (token.kind === 'open') {
        const block = token.block as 'if' | 'unless' | 'each';
        const body = parseUntil(['else', 'close']);
        let otherwise: Node[] = [];
        if (tokens[pos]?.kind === 'else') {
          if (block === 'each') throw new TemplateError(`{{else}} inside {{#each ${token.value}}}`);
          pos++;
          otherwise = parseUntil(['close']);
        }
        const close = tokens[pos];
        if (!close || close.kind !== 'close' || close.block !== block) throw new TemplateError(`{{#${block} ${token.value}}} is not closed by {{/${block}}}`);
        pos++;
        nodes.push(block === 'each' ? { kind: 'each', path: token.value, body } : { kind: 'if', path: token.value, negate: block === 'unless', then: body, otherwise });
      } else throw new TemplateError(`Unexpected {{${token.kind === 'else' ? 'else' : `/${token.block}`}}}`);
    }
    return nodes;
  }
  const nodes = parseUntil([]);
  return nodes;
}

function lookup(scopes: readonly unknown[], path: string): unknown {
  if (path === '.') return scopes[scopes.length - 1];
  const [head, ...rest] = path.split('.') as [string, ...string[]];
  for (let i = scopes.length - 1; i >= 0; i--) {
    const scope = scopes[i];
    if (scope !== null && typeof scope === 'object' && Object.prototype.hasOwnProperty.call(scope, head)) {
      let value: unknown = (scope as Record<string, unknown>)[head];
      for (const key of rest) {
        if (value === null || typeof value !== 'object' || !Object.prototype.hasOwnProperty.call(value, key)) {
          throw new TemplateError(`Template value "${path}" is missing`);
        }
        value = (value as Record<string, unknown>)[key];
      }
      return value;
    }
  }
  throw new TemplateError(`Template value "${path}" is missing`);
}

const truthy = (value: unknown) => (Array.isArray(value) ? value.length > 0 : Boolean(value));

function renderNodes(nodes: readonly Node[], scopes: readonly unknown[], escape: Escape, out: string[]): void {
  for (const node of nodes) {
    if (node.kind === 'text') out.push(node.value);
    else if (node.kind === 'value') {
      const value = lookup(scopes, node.path);
      if (typeof value === 'string') out.push(escape(value));
      else if (typeof value === 'number' && Number.isFinite(value)) out.push(escape(String(value)));
      else throw new TemplateError(`Template value "${node.path}" is not a string or number`);
    } else if (node.kind === 'if') {
      renderNodes(truthy(lookup(scopes, node.path)) !== node.negate ? node.then : node.otherwise, scopes, escape, out);
    } else {
      const list = lookup(scopes, node.path);
      if (!Array.isArray(list)) throw new TemplateError(`Template value "${node.path}" is not a list`);
      for (const item of list) renderNodes(node.body, [...scopes, item], escape, out);
    }
  }
}

export type TemplateFunction = (context: object) => string;

/** Parses a template once; the returned function renders it with every value passed through `escape`. */
export function compileTemplate(source: string, escape: Escape): TemplateFunction {
  const nodes = parse(tokenize(source));
  return (context) => {
    const out: string[] = [];
    renderNodes(nodes, [context], escape, out);
    return out.join('');
  };
}
