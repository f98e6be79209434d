// The effective-permissions API through the Python wheel: the pytest example of the README
// (test/integ/fixtures/python-effective) in the virtualenv `npx projen integ` prepares
// (test/integ/setup-python.sh), with only the wheel jsii-pacmak built plus aws-cdk-lib and pytest
// from the Python registry.
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

const root = path.resolve(__dirname, '..', '..');
const python = path.join(root, '.venv-integ', 'bin', 'python');
const fixture = path.join(__dirname, 'fixtures', 'python-effective');

test('the pytest example passes against the wheel', () => {
  expect(fs.existsSync(python)).toBe(true);
  const run = spawnSync(python, ['-m', 'pytest', '-q', '-p', 'no:cacheprovider', fixture], {
    cwd: fixture,
    encoding: 'utf-8',
    env: { ...process.env, JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION: '20', CDK_VALIDATION: 'false' },
    timeout: 600_000,
  });
  expect({ status: run.status, output: run.status === 0 ? '' : `${run.stdout}\n${run.stderr}` }).toEqual({ status: 0, output: '' });
  expect(run.stdout).toMatch(/4 passed/);
}, 660_000);
