// The whole suite in one Jest run: every project with a jest.config.js. Projects whose tests need
// real Kafka and MariaDB share one set of servers for the run (see tools/jest/project-config.js).
const { getJestProjectsAsync } = require('@nx/jest');

module.exports = async () => ({
  projects: await getJestProjectsAsync(),
  reporters: ['default', '<rootDir>/tools/jest/summary-reporter.js'],
});
