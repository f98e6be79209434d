#!/usr/bin/env bash
# One Python environment for the integration tests, made from the Python package registry:
#  - the wheel jsii-pacmak built (dist/python), with aws-cdk-lib, constructs and cdk-nag for Python,
#    to synthesize examples/python through the real Python bindings;
#  - moto's server, a real IAM API on loopback for the credential-report Lambda;
#  - cfn-lint and checkov, to check the templates our constructs synthesize
#    (test/integ/third-party-tools.integ.ts);
#  - pytest, for the Python example of the effective-permissions API.
# The versions of the tools are pinned in test/integ/requirements.txt (checkov, in its own
# virtualenv .venv-checkov, in test/integ/requirements-checkov.txt).
set -euo pipefail
cd "$(dirname "$0")/../.."
venv=.venv-integ
wheel=$(ls dist/python/cdk_iam_guardrails-*.whl 2>/dev/null | head -n 1 || true)
if [ -z "$wheel" ]; then
  echo "setup-python.sh: no wheel in dist/python; run 'npx projen build' (or 'npx projen package-all') first" >&2
  exit 1
fi
[ -x "$venv/bin/python" ] || python3 -m venv "$venv"
"$venv/bin/pip" install --quiet --disable-pip-version-check --upgrade pip
"$venv/bin/pip" install --quiet --disable-pip-version-check -r test/integ/requirements.txt
# Reinstall our wheel every time: the version stays 0.0.0 between builds.
"$venv/bin/pip" install --quiet --disable-pip-version-check --force-reinstall --no-deps "$wheel"
"$venv/bin/pip" install --quiet --disable-pip-version-check "$wheel"
"$venv/bin/python" -c "import cdk_iam_guardrails, aws_cdk, cdk_nag, moto; print('python integ env ready:', aws_cdk.__name__, 'moto', moto.__version__)"
"$venv/bin/cfn-lint" --version
# checkov in its own environment: it pins an old botocore that would break moto's CloudWatch.
checkov_venv=.venv-checkov
[ -x "$checkov_venv/bin/python" ] || python3 -m venv "$checkov_venv"
"$checkov_venv/bin/pip" install --quiet --disable-pip-version-check --upgrade pip
"$checkov_venv/bin/pip" install --quiet --disable-pip-version-check -r test/integ/requirements-checkov.txt
"$checkov_venv/bin/checkov" --version
