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

/** MJML → HTML with the {{…}} tags left in place, then parsed into a template function. */
export async function compileSummaryTemplates(dir = templatesDir()): Promise<CompiledTemplates> {
  const [mjmlSource, textSource] = await Promise.all([readFile(`${dir}sync-summary.mjml`, 'utf8'), readFile(`${dir}sync-summary.txt`, 'utf8')]);
  const compiled = await mjml2html(mjmlSource, { validationLevel: 'strict', keepComments: false, fonts: {}, filePath: dir });
  if (compiled.errors.length > 0) {
    throw new Error(`sync-summary.mjml: ${compiled.errors.map((e) => e.formattedMessage).join('; ')}`);
  }
  return { html: compileTemplate(compiled.html, escapeHtml), text: compileTemplate(textSource, noEscape) };
}

let templates: Promise<CompiledTemplates> | undefined;

/** The compiled templates of this process (compiled on first use; a failed compile is retried next time). */
export function summaryTemplates(): Promise<CompiledTemplates> {
  templates ??= compileSummaryTemplates().catch((error: unknown) => {
    templates = undefined;
    throw error;
  });
  return templates;
}

export async function renderSyncSummary(input: SummaryInput): Promise<RenderedMail> {
  const { html, text } = await summaryTemplates();
  const model = buildSummaryModel(input);
  return { subject: model.subject, html: html(model.context), text: text(model.context) };
}
