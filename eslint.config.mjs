import nx from '@nx/eslint-plugin';
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';

// Domain and protocol libraries are pure: bytes and values in, values out. They may not reach
// frameworks, drivers or the network; the edges (apps, data-access) do that.
const FRAMEWORKS_AND_DRIVERS = ['@nestjs/*', 'nestjs-*', 'kafkajs', 'typeorm', 'mysql2', 'mysql2/*', 'testcontainers', '@testcontainers/*'];
const IO_BUILTINS = ['net', 'tls', 'http', 'https', 'http2', 'dgram', 'child_process', 'fs', 'fs/promises'].flatMap((name) => [
  name,
  `node:${name}`,
]);

/** Roots of projects carrying one of the tags, read from their project.json. */
function projectRootsTagged(tags) {
  const roots = [];
  for (const parent of ['apps', 'libs']) {
    if (!existsSync(parent)) continue;
    for (const name of readdirSync(parent)) {
      const manifest = join(parent, name, 'project.json');
      if (!existsSync(manifest)) continue;
      const projectTags = JSON.parse(readFileSync(manifest, 'utf8')).tags ?? [];
      if (projectTags.some((tag) => tags.includes(tag))) roots.push(join(parent, name));
    }
  }
  return roots;
}

const pureRoots = projectRootsTagged(['type:domain', 'type:protocol']);

/** Who may import whom, by type and by scope; `testing` lets test files also use the harness. */
function moduleBoundaries({ testing = false } = {}) {
  const plus = (tags) => (testing ? [...tags, 'type:testing'] : tags);
  const scopes = (tags) => (testing ? [...tags, 'scope:shared'] : tags);
  return [
    'error',
    {
      enforceBuildableLibDependency: true,
      allow: [],
      depConstraints: [
        // by type: who may depend on whom
        { sourceTag: 'type:app', onlyDependOnLibsWithTags: plus(['type:domain', 'type:protocol', 'type:data-access', 'type:runtime', 'type:feature']) },
        // a feature: one capability (controllers and their services) that several apps serve
        { sourceTag: 'type:feature', onlyDependOnLibsWithTags: plus(['type:domain', 'type:protocol', 'type:data-access', 'type:runtime']) },
        { sourceTag: 'type:runtime', onlyDependOnLibsWithTags: plus(['type:domain', 'type:runtime']) },
        { sourceTag: 'type:data-access', onlyDependOnLibsWithTags: plus(['type:domain', 'type:data-access']) },
        {
          sourceTag: 'type:protocol',
          onlyDependOnLibsWithTags: plus(['type:domain', 'type:protocol']),
          bannedExternalImports: testing ? [] : FRAMEWORKS_AND_DRIVERS,
        },
        {
          sourceTag: 'type:domain',
          onlyDependOnLibsWithTags: plus(['type:domain']),
          bannedExternalImports: testing ? [] : FRAMEWORKS_AND_DRIVERS,
        },
        {
          sourceTag: 'type:testing',
          onlyDependOnLibsWithTags: ['type:domain', 'type:protocol', 'type:data-access', 'type:runtime', 'type:testing'],
        },
        { sourceTag: 'type:e2e', onlyDependOnLibsWithTags: ['type:domain', 'type:protocol', 'type:testing'] },
        // deployment artefacts' tests (infra/): they check the chart against the services' contracts
        { sourceTag: 'type:infra', onlyDependOnLibsWithTags: ['type:domain', 'type:data-access'] },
        // by scope: an app's code is its own; shared code serves everyone
        { sourceTag: 'scope:shared', onlyDependOnLibsWithTags: ['scope:shared'] },
        { sourceTag: 'scope:source', onlyDependOnLibsWithTags: scopes(['scope:shared', 'scope:source']) },
        { sourceTag: 'scope:replica', onlyDependOnLibsWithTags: scopes(['scope:shared', 'scope:replica']) },
        { sourceTag: 'scope:coordinator', onlyDependOnLibsWithTags: scopes(['scope:shared', 'scope:coordinator']) },
        { sourceTag: 'scope:cli', onlyDependOnLibsWithTags: scopes(['scope:shared', 'scope:cli']) },
        { sourceTag: 'scope:e2e', onlyDependOnLibsWithTags: ['scope:shared'] },
        { sourceTag: 'scope:infra', onlyDependOnLibsWithTags: ['scope:shared'] },
      ],
    },
  ];
}

export default [
  ...nx.configs['flat/base'],
  ...nx.configs['flat/typescript'],
  ...nx.configs['flat/javascript'],
  { ignores: ['**/dist', '**/node_modules', '**/.nx', '**/.kbinlog', 'tools/**/*.js'] },
  {
    files: ['**/*.ts'],
    rules: {
      '@nx/enforce-module-boundaries': moduleBoundaries(),
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // A library's own tests may use the harness (real Kafka and MariaDB, waitFor).
    files: ['**/*.spec.ts'],
    rules: { '@nx/enforce-module-boundaries': moduleBoundaries({ testing: true }) },
  },
  {
    // Node built-ins are not npm packages, so the Nx rule above cannot ban them; this does.
    files: pureRoots.map((root) => `${root}/**/*.ts`),
    ignores: ['**/*.spec.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: IO_BUILTINS.map((name) => ({ name, message: 'domain and protocol libraries do no I/O; do it at the edge' })),
        },
      ],
    },
  },
];
