// Prints the plain closing line CI reads ("N passed, N failed, N skipped"), so skipped tests
// are never hidden in the summary.
class SummaryReporter {
  onRunComplete(_contexts, results) {
    const { numPassedTests: passed, numFailedTests: failed, numPendingTests: skipped, numTodoTests: todo } = results;
    console.log(`\n${passed} passed, ${failed} failed, ${skipped + todo} skipped`);
  }
}
module.exports = SummaryReporter;
