// Renders the summary mail. The MJML template is compiled to HTML once per process (MJML is slow and
// async); per mail only the tiny escaping template of email/template.ts runs.
import mjml2html from 'mjml';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { compileTemplate, escapeHtml, noEscape, type TemplateFunction } from './template.js';
import { buildSummaryModel, type SummaryInput } from './summary-model.js';

export interface RenderedMail {
  subject: string;
  html: string;
  text: string;
}

interface CompiledTemplates {
  html: TemplateFunction;
  text: TemplateFunction;
}

/**
 * The templates live beside this module (sources, and dist/ in the Docker image, which copies them there);
 * a plain `tsc` build in the repo finds them in the source tree instead.
 */
export function templatesDir(): string {
  const candidates = [new URL('./templates/', import.meta.url), new URL('../../email/templates/', import.meta.url)].map((url) => fileURLToPath(url));
  return candidates.find((dir) => existsSync(`${dir}sync-summary.mjml`)) ?? (candidates[0] as string);
}

/** The mails this service sends: each is `<name>.mjml` (HTML) and `<name>.txt` (plain text) in templatesDir(). */
export type TemplateName = 'sync-summary' | 'connection-alert' | 'approval-request';

/** MJML → HTML with the {{…}} tags left in place, then parsed into a template function. */
export async function compileTemplates(name: TemplateName, dir = templatesDir()): Promise<CompiledTemplates> {
  const [mjmlSource, textSource] = await Promise.all([readFile(`${dir}${name}.mjml`, 'utf8'), readFile(`${dir}${name}.txt`, 'utf8')]);
  const compiled = await mjml2html(mjmlSource, { validationLevel: 'strict', keepComments: false, fonts: {}, filePath: dir });
  if (compiled.errors.length > 0) {
    throw new Error(`${name}.mjml: ${compiled.errors.map((e) => e.formattedMessage).join('; ')}`);
  }
  return { html: compileTemplate(compiled.html, escapeHtml), text: compileTemplate(textSource, noEscape) };
}

export const compileSummaryTemplates = (dir = templatesDir()) => compileTemplates('sync-summary', dir);

const compiledByName = new Map<TemplateName, Promise<CompiledTemplates>>();

/** The compiled templates of this process (compiled on first use; a failed compile is retried next time). */
export function templates(name: TemplateName): Promise<CompiledTemplates> {
  let compiled = compiledByName.get(name);
  if (!compiled) {
    compiled = compileTemplates(name).catch((error: unknown) => {
      compiledByName.delete(name);
      throw error;
    });
    compiledByName.set(name, compiled);
  }
  return compiled;
}

export const summaryTemplates = () => templates('sync-summary');

export async function renderSyncSummary(input: SummaryInput): Promise<RenderedMail> {
  const { html, text } = await summaryTemplates();
  const model = buildSummaryModel(input);
  return { subject: model.subject, html: html(model.context), text: text(model.context) };
}
