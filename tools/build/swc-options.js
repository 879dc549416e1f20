// One source of truth for how TypeScript becomes JavaScript: the build and Jest both use these
// options, and module aliases come from tsconfig.base.json so they are declared once.
const { readFileSync } = require('node:fs');
const { join } = require('node:path');

const workspaceRoot = join(__dirname, '..', '..');

function tsconfigPaths() {
  const tsconfig = JSON.parse(readFileSync(join(workspaceRoot, 'tsconfig.base.json'), 'utf8'));
  return tsconfig.compilerOptions.paths;
}

function swcOptions() {
  return {
    sourceMaps: true,
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      // NestJS dependency injection reads emitted design:paramtypes metadata.
      transform: { legacyDecorator: true, decoratorMetadata: true },
      target: 'es2022',
      keepClassNames: true,
      baseUrl: workspaceRoot,
      paths: tsconfigPaths(),
    },
    module: { type: 'commonjs' },
  };
}

module.exports = { workspaceRoot, tsconfigPaths, swcOptions };
