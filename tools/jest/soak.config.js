// `npm run soak`: the long runs kept out of `npm test` (test/soak/*.soak.ts), with the same
// transform and the same real Kafka and MariaDB servers as the end-to-end tests.
const { join } = require('node:path');
const { projectConfig } = require('./project-config');

const config = projectConfig(join(__dirname, '..', '..', 'test'), { infra: true });

module.exports = {
  ...config,
  displayName: 'soak',
  testMatch: ['<rootDir>/soak/**/*.soak.ts'],
  maxWorkers: 1,
  reporters: ['default', '<rootDir>/../tools/jest/summary-reporter.js'],
};
