// Releases, on a throwaway clone of this repository with a fake `v0.1.0` tag:
//  - the version comes from the conventional commits since the tag (0.x: a breaking change bumps the
//    minor version, a feature or a fix the patch; other commits release nothing), and so does
//    dist/changelog.md; the first release of a history without tags (ours is free-form) is 0.1.0;
//  - the release task's steps build the npm tarball and the Python wheel with that version into dist/
//    and leave the tree clean;
//  - compat (jsii-diff against a previous version packed here: this run's dist/js tarball) fails a
//    change that removes a stable API unless a commit declares it breaking.
// The bumps take seconds; the artifacts test compiles and packages once (the only full package
// build of this file). It runs the release task's steps without `test`: the unit tests ran in this
// CI run's build, from the same sources.
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const root = path.resolve(__dirname, '..', '..');
const NAME = 'cdk-iam-guardrails';
const TIMEOUT = 900_000;

let clone: string;

interface Run { readonly status: number | null; readonly output: string }

function run(command: string, args: string[], env: NodeJS.ProcessEnv = {}): Run {
  const result = spawnSync(command, args, {
    cwd: clone,
    encoding: 'utf-8',
    timeout: TIMEOUT,
    env: { ...process.env, FORCE_COLOR: '0', ...env },
  });
  return { status: result.status, output: `${result.stdout}\n${result.stderr}${result.error ? `\n${result.error}` : ''}` };
}

function ok(command: string, args: string[], env: NodeJS.ProcessEnv = {}): string {
  const result = run(command, args, env);
  if (result.status !== 0) {
    throw new Error(`${command} ${args.join(' ')} exited ${result.status}:\n${result.output.slice(-4000)}`);
  }
  return result.output;
}

const git = (...args: string[]) => ok('git', args).trim();
// The release task sets these for its steps (see .projen/tasks.json).
const RELEASE_ENV = { RELEASE: 'true', MAJOR: '0' };
const projen = (task: string, env: NodeJS.ProcessEnv = {}) => ok('npx', ['projen', task], { ...RELEASE_ENV, ...env });
const read = (file: string) => fs.readFileSync(path.join(clone, file), 'utf-8');
const version = () => JSON.parse(read('package.json')).version as string;
/** Tracked files changed (node_modules, a symlink here, is not tracked). */
const changedFiles = () => git('status', '--porcelain', '--untracked-files=no');

/** Back to the fake release with no release in progress, then one commit with this message. */
function commitAfterTag(message: string) {
  git('reset', '--quiet', '--hard', 'v0.1.0');
  fs.rmSync(path.join(clone, 'dist'), { recursive: true, force: true });
  git('commit', '--quiet', '--allow-empty', '-m', message);
}

/** The bump as `projen release` runs it: dist/version.txt, dist/releasetag.txt, dist/changelog.md. */
function bump() {
  projen('bump');
  return {
    version: read('dist/version.txt').trim(),
    tag: read('dist/releasetag.txt').trim(),
    changelog: read('dist/changelog.md'),
  };
}

beforeAll(() => {
  clone = fs.mkdtempSync(path.join(os.tmpdir(), 'guardrails-release-'));
  const head = spawnSync('git', ['rev-parse', 'HEAD'], { cwd: root, encoding: 'utf-8' }).stdout.trim();
  const cloned = spawnSync('git', ['clone', '--quiet', '--no-checkout', root, clone], { encoding: 'utf-8' });
  if (cloned.status !== 0) throw new Error(`git clone failed: ${cloned.stderr}`);
  git('checkout', '--quiet', '-B', 'release-test', head);
  git('config', 'user.email', 'release-test@example.com');
  git('config', 'user.name', 'release test');
  git('config', 'commit.gpgsign', 'false');
  fs.symlinkSync(path.join(root, 'node_modules'), path.join(clone, 'node_modules'));
  // Any tags the clone brought (a real release) would compete with the fake one.
  for (const tag of git('tag', '--list').split('\n').filter(Boolean)) git('tag', '-d', tag);
  // The fake previous release: this repository as it is.
  git('tag', 'v0.1.0');
}, TIMEOUT);

afterAll(() => {
  if (clone) fs.rmSync(clone, { recursive: true, force: true });
});

describe('the version and changelog come from the commits since the last tag', () => {
  test('a history without tags (free-form messages) makes the first release 0.1.0', () => {
    git('reset', '--quiet', '--hard', 'v0.1.0');
    git('tag', '-d', 'v0.1.0');
    try {
      const first = bump();
      expect(first.version).toBe('0.1.0');
      expect(first.tag).toBe('v0.1.0');
      expect(first.changelog).toContain('0.1.0');
      projen('unbump');
      expect(version()).toBe('0.0.0');
      expect(changedFiles()).toBe('');
    } finally {
      git('tag', 'v0.1.0', 'HEAD');
    }
  }, TIMEOUT);

  test.each([
    ['fix: a fix', '0.1.1', '### Bug Fixes'],
    ['feat: a feature', '0.1.1', '### Features'],
    ['feat!: a breaking feature', '0.2.0', 'BREAKING CHANGES'],
    ['fix(constructs): a fix\n\nBREAKING CHANGE: a prop is gone', '0.2.0', 'BREAKING CHANGES'],
  ])('after v0.1.0, %j releases %s', (message, expected, section) => {
    commitAfterTag(message);
    const next = bump();
    expect(next.version).toBe(expected);
    expect(next.tag).toBe(`v${expected}`);
    expect(next.changelog).toContain(`## [${expected}]`);
    expect(next.changelog).toContain('compare/v0.1.0...v' + expected);
    expect(next.changelog).toContain(section);
    expect(next.changelog).toContain(message.split('\n')[0].replace(/^[a-z]+(\([^)]*\))?!?: /, ''));
    expect(version()).toBe(expected);
    projen('unbump');
    expect(version()).toBe('0.0.0');
    expect(changedFiles()).toBe('');
  }, TIMEOUT);

  test('a chore alone releases nothing new (the workflow sees v0.1.0 exists and publishes nothing)', () => {
    commitAfterTag('chore: tidy up');
    expect(bump().version).toBe('0.1.0');
    projen('unbump');
    expect(changedFiles()).toBe('');
  }, TIMEOUT);
});

test('the release task is: clean dist, bump, build, compat, unbump, check the tree is clean', () => {
  const tasks = JSON.parse(read('.projen/tasks.json')).tasks;
  const describeStep = (step: { spawn?: string; exec?: string; execArgs?: string[] }) =>
    step.spawn ?? step.exec ?? step.execArgs?.join(' ');
  expect(tasks.release.steps.map(describeStep))
    .toEqual(['rm -fr dist', 'bump', 'build', 'compat', 'unbump', 'git diff --ignore-space-at-eol --exit-code']);
  expect(tasks.build.steps.map(describeStep)).toEqual(['default', 'pre-compile', 'compile', 'post-compile', 'test', 'package']);
  expect(tasks.package.steps.map(describeStep)).toEqual(['package-all']);
});

test('the release steps build versioned npm and Python packages, and compat holds back an undeclared API break', () => {
  const previous = path.join(root, 'dist', 'js', `${NAME}@0.0.0.jsii.tgz`);
  if (!fs.existsSync(previous)) {
    throw new Error(`${previous} is missing: the integration tests run after the build (npx projen test:all)`);
  }

  // A change that removes a stable API: AccountBaseline.alertTopic becomes private.
  commitAfterTag('fix: the alert topic is internal');
  const file = path.join(clone, 'src', 'constructs', 'account-baseline.ts');
  const source = fs.readFileSync(file, 'utf-8');
  const breaking = source.replace('public readonly alertTopic: sns.ITopic;', 'private readonly alertTopic: sns.ITopic;');
  if (breaking === source) throw new Error('account-baseline.ts no longer declares `public readonly alertTopic`: pick another public member for this test');
  fs.writeFileSync(file, breaking);
  git('commit', '--quiet', '--amend', '--no-edit', '--all');

  // projen release, step by step (its build without `test`).
  ok('rm', ['-fr', 'dist']);
  projen('bump');
  const released = read('dist/version.txt').trim();
  expect(released).toBe('0.1.1');
  for (const task of ['default', 'pre-compile', 'compile', 'post-compile', 'package']) projen(task);
  // The developer commits the API.md that the build regenerates, with the change.
  git('add', 'API.md');
  git('commit', '--quiet', '--amend', '--no-edit');

  const dist = fs.readdirSync(path.join(clone, 'dist'), { recursive: true }).map(String).sort();
  expect(dist).toEqual(expect.arrayContaining([
    'changelog.md',
    `js/${NAME}@${released}.jsii.tgz`,
    `python/cdk_iam_guardrails-${released}-py3-none-any.whl`,
    `python/cdk_iam_guardrails-${released}.tar.gz`,
  ]));
  expect(read('dist/changelog.md')).toContain('the alert topic is internal');
  // The packages carry the version inside too, not only in their names.
  const npmPackage = ok('tar', ['-xzOf', `dist/js/${NAME}@${released}.jsii.tgz`, 'package/package.json']);
  expect(JSON.parse(npmPackage).version).toBe(released);
  const wheelMetadata = ok('python3', ['-c',
    'import sys, zipfile; z = zipfile.ZipFile(sys.argv[1]); print(next(z.read(n).decode() for n in z.namelist() if n.endswith(".dist-info/METADATA")))',
    `dist/python/cdk_iam_guardrails-${released}-py3-none-any.whl`]);
  expect(wheelMetadata).toContain(`Version: ${released}`);

  // compat against the previous version, packed by this run's build: the break is not declared.
  const baseline = { COMPAT_BASELINE: previous };
  const undeclared = run('npx', ['projen', 'compat'], { ...RELEASE_ENV, ...baseline });
  expect(undeclared.status).not.toBe(0);
  expect(undeclared.output).toMatch(/cdk-iam-guardrails\.AccountBaseline\.alertTopic/);
  expect(undeclared.output).toContain('no commit since v0.1.0 says so');

  // Declared as breaking, compat lets it through (and the bump makes it a minor release while 0.x).
  git('commit', '--quiet', '--amend', '-m', 'fix!: the alert topic is internal\n\nBREAKING CHANGE: AccountBaseline.alertTopic is no longer public');
  const declared = run('npx', ['projen', 'compat'], { ...RELEASE_ENV, ...baseline });
  expect(declared.output).toMatch(/cdk-iam-guardrails\.AccountBaseline\.alertTopic/);
  expect(declared.output).toContain('allowed; the release bumps the version as a breaking change');
  expect(declared.status).toBe(0);

  projen('unbump');
  expect(version()).toBe('0.0.0');
  ok('git', ['diff', '--ignore-space-at-eol', '--exit-code']);
}, TIMEOUT * 2);
