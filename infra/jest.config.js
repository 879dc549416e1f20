// Tests of the deployment artefacts (the Helm chart): offline, no Kafka or MariaDB needed.
module.exports = require('../tools/jest/project-config').projectConfig(__dirname);
