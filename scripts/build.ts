/**
 * `npm run build` (and `npm start`'s prestart): compiles src/ to dist/ with tsc, then copies the
 * non-TypeScript files the code reads at run time (the SQL migrations) and writes dist/package.json,
 * whose `imports` map sends `#src/*` to the compiled files (the root package.json sends it to the
 * TypeScript sources, for tsx and vitest). A stamp of every input's path, size and mtime skips the
 * build when nothing changed, so a restart does not recompile.
 *
 * Usage: npm run build [-- --force]
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseScriptOptions } from '../src/shared/command-line.js';

const HELP = `Usage: npm run build [-- --force]

Compiles src/ to dist/ (tsconfig.build.json) and copies the SQL migrations. Skipped when no input
changed since the last build.

Options:
  --force     build even when dist/ looks up to date
  -h, --help  show this help
`;

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const SRC = path.join(ROOT, 'src');
const DIST = path.join(ROOT, 'dist');
const STAMP = path.join(DIST, '.build-stamp');
/** Files under src/ that are read at run time and must sit beside the compiled code. */
const ASSET_EXTENSIONS = new Set(['.sql']);

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    return e.isDirectory() ? filesUnder(full) : [full];
  });
}

function inputStamp(): string {
  const inputs = [...filesUnder(SRC), ...['package.json', 'tsconfig.json', 'tsconfig.build.json'].map((f) => path.join(ROOT, f))].sort();
  const hash = createHash('sha256');
  for (const file of inputs) {
    const s = statSync(file);
    hash.update(`${path.relative(ROOT, file)}\0${s.size}\0${s.mtimeMs}\n`);
  }
  return hash.digest('hex');
}

function build(): void {
  rmSync(DIST, { recursive: true, force: true });
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  const run = spawnSync(process.execPath, [tsc, '-p', path.join(ROOT, 'tsconfig.build.json')], { stdio: 'inherit' });
  if (run.status !== 0) {
    process.stderr.write('build failed: tsc reported errors (above)\n');
    process.exit(1);
  }
  let assets = 0;
  for (const file of filesUnder(SRC).filter((f) => ASSET_EXTENSIONS.has(path.extname(f)))) {
    const target = path.join(DIST, path.relative(SRC, file));
    mkdirSync(path.dirname(target), { recursive: true });
    copyFileSync(file, target);
    assets++;
  }
  const pkg = { name: 'semroute-dist', private: true, type: 'module', imports: { '#src/*': './*' } };
  writeFileSync(path.join(DIST, 'package.json'), `${JSON.stringify(pkg, null, 2)}\n`);
  process.stderr.write(`built dist/ (${assets} assets copied)\n`);
}

const { force } = parseScriptOptions(process.argv.slice(2), { force: { type: 'boolean', default: false } }, HELP).values;
const stamp = inputStamp();
if (!force && existsSync(STAMP) && readFileSync(STAMP, 'utf8') === stamp) {
  process.stderr.write('dist/ is up to date\n');
} else {
  build();
  writeFileSync(STAMP, stamp);
}
