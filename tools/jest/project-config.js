// Jest settings shared by every project: one runner (Jest + swc) for unit, integration and
// end-to-end tests. Unit: *.spec.ts; integration: *.integration.spec.ts beside their library;
// end-to-end: test/**/*.e2e.spec.ts.
const { join, relative } = require('node:path');
const { workspaceRoot, tsconfigPaths, swcOptions } = require('../build/swc-options');

function moduleNameMapper() {
  const mapper = {};
  for (const [alias, [target]] of Object.entries(tsconfigPaths())) {
    mapper[`^${alias.replace(/[/.]/g, '\\$&')}$`] = join(workspaceRoot, target);
  }
  return mapper;
}

const TESTING_JEST = join(workspaceRoot, 'libs', 'testing', 'src', 'jest');

/**
 * @param {string} projectDir
 * @param {{ infra?: boolean }} options infra: the project's tests need real Kafka and MariaDB,
 *   provided once per run by libs/testing's global setup (shared by every project that asks).
 * @returns {import('jest').Config}
 */
function projectConfig(projectDir, { infra = false } = {}) {
  const { jsc, module } = swcOptions();
  const infraHooks = infra
    ? { globalSetup: join(TESTING_JEST, 'global-setup.ts'), globalTeardown: join(TESTING_JEST, 'global-teardown.ts') }
    : {};
  return {
    displayName: relative(workspaceRoot, projectDir),
    rootDir: projectDir,
    testEnvironment: 'node',
    testMatch: ['<rootDir>/**/*.spec.ts'],
    transform: { '^.+\\.ts$': ['@swc/jest', { jsc, module, sourceMaps: 'inline', swcrc: false }] },
    moduleFileExtensions: ['ts', 'js', 'json'],
    moduleNameMapper: moduleNameMapper(),
    ...infraHooks,
  };
}

module.exports = { projectConfig };
