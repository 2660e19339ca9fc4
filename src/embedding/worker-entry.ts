import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

/**
 * How to start the embed worker in all three ways this project runs. Compiled JavaScript (dist/, run
 * by plain node): the sibling .js file. TypeScript source (vitest, tsx): a small eval'd bootstrap
 * that registers tsx's ESM loader inside the worker, then imports the sibling .ts file. On Node 20,
 * `execArgv: ['--import', 'tsx']` does not reach a worker's entry module (checked: "Unknown file
 * extension .ts"), while `register()` from tsx/esm/api called inside the worker does. tsx is
 * resolved from this file, so the working directory does not matter.
 */
export function embedWorkerEntry(): { script: string | URL; eval: boolean } {
  return siblingWorkerEntry(import.meta.url, 'embed-worker');
}

/**
 * The same for any worker module `name` (no extension) beside the module at `moduleUrl` (pass
 * `import.meta.url`): the compiled `name.js`, or under tsx and vitest a bootstrap that imports `name.ts`.
 */
export function siblingWorkerEntry(moduleUrl: string, name: string): { script: string | URL; eval: boolean } {
  if (!moduleUrl.endsWith('.ts')) return { script: new URL(`./${name}.js`, moduleUrl), eval: false };
  // The `import` condition of tsx's "./esm/api" export (createRequire would pick the CommonJS one).
  const tsxDir = path.dirname(createRequire(moduleUrl).resolve('tsx/package.json'));
  const tsxApi = pathToFileURL(path.join(tsxDir, 'dist/esm/api/index.mjs')).href;
  const entry = new URL(`./${name}.ts`, moduleUrl).href;
  const script = `import(${JSON.stringify(tsxApi)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(entry)}); });`;
  return { script, eval: true };
}
