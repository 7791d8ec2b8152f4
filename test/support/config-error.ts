/** Awaits what should be rejected with a ConfigError and returns the error, failing the test otherwise. */
import { strict as assert } from 'assert';
import { ConfigError } from '../../src/errors';

export async function configError(promise: Promise<unknown>): Promise<ConfigError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof ConfigError, `expected a ConfigError, got ${String(error)}`);
    return error;
  }
  assert.fail('expected the config to be rejected');
}
