// Production build step: prebundles the workflow code so the worker does not run webpack at start-up.
import { bundleWorkflowCode } from '@temporalio/worker';
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const workflowsPath = fileURLToPath(new URL('../workflows/index.ts', import.meta.url));
const output = fileURLToPath(new URL('../dist/workflow-bundle.js', import.meta.url));
const { code } = await bundleWorkflowCode({ workflowsPath });
mkdirSync(fileURLToPath(new URL('../dist', import.meta.url)), { recursive: true });
writeFileSync(output, code);
console.log(`workflow bundle written to ${output} (${(code.length / 1024).toFixed(0)} KiB)`);
