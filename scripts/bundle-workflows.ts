// Production build step, after tsc: prebundles the workflow code so the worker does not run webpack at start-up, and
// copies the email templates beside the compiled renderer (dist/email/templates), so that dist/ is all a production
// install needs besides its production dependencies.
import { bundleWorkflowCode } from '@temporalio/worker';
import { cpSync, mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const workflowsPath = fileURLToPath(new URL('../workflows/index.ts', import.meta.url));
const output = fileURLToPath(new URL('../dist/workflow-bundle.js', import.meta.url));
const { code } = await bundleWorkflowCode({ workflowsPath });
mkdirSync(fileURLToPath(new URL('../dist', import.meta.url)), { recursive: true });
writeFileSync(output, code);
console.log(`workflow bundle written to ${output} (${(code.length / 1024).toFixed(0)} KiB)`);

const templates = fileURLToPath(new URL('../email/templates/', import.meta.url));
const templatesOut = fileURLToPath(new URL('../dist/email/templates/', import.meta.url));
cpSync(templates, templatesOut, { recursive: true });
console.log(`email templates copied to ${templatesOut}`);
