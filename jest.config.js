// The whole suite in one Jest run: every project with a jest.config.js. Projects whose tests need
// real Kafka and MariaDB share one set of servers for the run (see tools/jest/project-config.js).
const { getJestProjectsAsync } = require('@nx/jest');

module.exports = async () => ({
  projects: await getJestProjectsAsync(),
  // One test file at a time: nodes create databases under fixed names (innodb_memcache, test,
  // kbinlog) on the run's shared servers, and a 2-core machine gains little from parallel files.
  maxWorkers: 1,
  // A global option (ignored in project configs): end-to-end hooks start real processes.
  testTimeout: 60_000,
  reporters: ['default', '<rootDir>/tools/jest/summary-reporter.js'],
});
