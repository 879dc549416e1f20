module.exports = require('../../tools/jest/project-config').projectConfig(__dirname, { infra: true });
