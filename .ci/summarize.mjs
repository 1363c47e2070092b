// Prints "N passed, N failed" from Vitest's JSON report; exits 1 when tests failed or none ran.
import { readFileSync } from 'node:fs';

const file = process.argv[2];
let report;
try {
  report = JSON.parse(readFileSync(file, 'utf8'));
} catch {
  console.log('0 passed, 1 failed');
  console.error(`no test report at ${file}`);
  process.exit(1);
}
const passed = report.numPassedTests ?? 0;
// A file that fails to load counts as a failure even though it ran no test.
const failed =
  (report.numFailedTests ?? 0) +
  (report.numFailedTestSuites ?? 0) -
  countSuitesWithFailedTests(report);
const skipped = (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(failed > 0 || passed === 0 ? 1 : 0);

function countSuitesWithFailedTests(r) {
  return (r.testResults ?? []).filter((s) =>
    (s.assertionResults ?? []).some((a) => a.status === 'failed'),
  ).length;
}
