/**
 * Marks a test that cannot run on this machine as pending, with the reason in its title so the report shows
 * why; from a `before` hook it marks every test of the suite. Reasons that start with "backend <name>:" are what
 * `.ci/run` looks for: on CI every backend but the optional tensorflow one must run.
 */
export function pendingBecause(context: Mocha.Context, reason: string): never {
  const runnable = context.test;
  const fromHook = (runnable as Mocha.Hook | Mocha.Test | undefined)?.type === 'hook';
  const tests = fromHook && runnable?.parent ? allTests(runnable.parent) : runnable ? [runnable] : [];
  for (const test of tests) test.title = `${test.title} [pending: ${reason}]`;
  context.skip();
}

function allTests(suite: Mocha.Suite): Mocha.Runnable[] {
  return [...suite.tests, ...suite.suites.flatMap(allTests)];
}
