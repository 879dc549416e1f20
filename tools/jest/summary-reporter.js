// The closing line CI reads: "N passed, N failed[, N skipped]". Global teardown (stopping
// servers) prints after reporters, so when KBINLOG_TEST_SUMMARY_FILE is set the line goes to
// that file and scripts/test.sh prints it last.
const { writeFileSync } = require('node:fs');

class SummaryReporter {
  onRunComplete(_contexts, results) {
    const failed = results.numFailedTests + results.numRuntimeErrorTestSuites;
    const skipped = results.numPendingTests + results.numTodoTests;
    const line = `${results.numPassedTests} passed, ${failed} failed` + (skipped > 0 ? `, ${skipped} skipped` : '');
    const file = process.env.KBINLOG_TEST_SUMMARY_FILE;
    if (file) writeFileSync(file, `${line}\n`);
    else process.stdout.write(`\n${line}\n`);
  }
}

module.exports = SummaryReporter;
