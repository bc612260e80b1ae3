/**
 * `npm start`: local mode. The local stack (dynalite, the SES inbox, the HTTP API and the
 * dispatcher tick) is built in issue #7; until it exists this says so plainly and fails, rather
 * than pretend to start something.
 */
const message = `dun: local mode is not available yet.

It will start DynamoDB (dynalite), an SES inbox, the HTTP API and the dispatcher tick on this
machine (issue #7). What works today is the domain core and its tests:

  npm test         the unit and property tests
  npm run bench    benchmarks, written to docs/BENCHMARKS.md
`;

process.stderr.write(message);
process.exitCode = 1;
