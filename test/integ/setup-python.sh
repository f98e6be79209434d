#!/usr/bin/env bash
# One Python environment for the integration tests, made from the Python package registry:
#  - the wheel jsii-pacmak built (dist/python), with aws-cdk-lib, constructs and cdk-nag for Python,
#    to synthesize examples/python through the real Python bindings;
#  - moto's server, a real IAM API on loopback for the credential-report Lambda;
#  - cfn-lint, to check the templates our constructs synthesize;
#  - pytest, for the Python example of the effective-permissions API.
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
"$venv/bin/pip" install --quiet --disable-pip-version-check \
  "moto[server]==5.2.5" "cfn-lint==1.58.0" "cdk-nag==3.0.2" "pytest==9.0.3"
# Reinstall our wheel every time: the version stays 0.0.0 between builds.
"$venv/bin/pip" install --quiet --disable-pip-version-check --force-reinstall --no-deps "$wheel"
"$venv/bin/pip" install --quiet --disable-pip-version-check "$wheel"
"$venv/bin/python" -c "import cdk_iam_guardrails, aws_cdk, cdk_nag, moto; print('python integ env ready:', aws_cdk.__name__, 'moto', moto.__version__)"
