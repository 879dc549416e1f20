#!/usr/bin/env node
// Compiles apps/ and libs/ to dist/ with swc (type checking is `npm run typecheck`).
// Specs are not built: tests run from source through @swc/jest.
const { transformFile } = require('@swc/core');
const { mkdir, readdir, writeFile, rm } = require('node:fs/promises');
const { join, relative, dirname } = require('node:path');
const { workspaceRoot, swcOptions } = require('./swc-options');

const SOURCE_DIRS = ['apps', 'libs'];
const outDir = join(workspaceRoot, 'dist');

async function* sourceFiles(dir) {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== 'node_modules') yield* sourceFiles(path);
    } else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.spec.ts') && !entry.name.endsWith('.d.ts')) {
      yield path;
    }
  }
}

async function build() {
  const started = Date.now();
  await rm(outDir, { recursive: true, force: true });
  const options = swcOptions();
  let count = 0;
  for (const dir of SOURCE_DIRS) {
    for await (const file of sourceFiles(join(workspaceRoot, dir))) {
      const target = join(outDir, relative(workspaceRoot, file)).replace(/\.ts$/, '.js');
      const { code, map } = await transformFile(file, { ...options, filename: file, sourceFileName: relative(dirname(target), file) });
      await mkdir(dirname(target), { recursive: true });
      await writeFile(target, `${code}\n//# sourceMappingURL=${target.split('/').pop()}.map\n`);
      if (map) await writeFile(`${target}.map`, map);
      count++;
    }
  }
  process.stderr.write(`build: ${count} files compiled to dist/ in ${Date.now() - started} ms\n`);
}

build().catch((error) => {
  process.stderr.write(`build failed: ${error.stack ?? error}\n`);
  process.exit(1);
});
