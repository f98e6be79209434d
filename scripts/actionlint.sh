#!/usr/bin/env bash
# Lint the GitHub Actions workflows that projen generates (.github/workflows) with actionlint.
# They cannot run here, so this is their check: syntax, expressions, job needs, action inputs,
# permissions keys. actionlint is pinned and built from its Go module (the registry's Python and
# npm wrappers download a prebuilt binary at install time, which this network does not allow),
# once per machine into a cache named by the version.
# shellcheck and pyflakes integration is off so that the result does not depend on whether those
# happen to be installed; the run: scripts are projen's one-line commands.
set -euo pipefail
cd "$(dirname "$0")/.."
version=v1.7.12
bin_dir="${XDG_CACHE_HOME:-$HOME/.cache}/cdk-iam-guardrails/actionlint-$version"
if [ ! -x "$bin_dir/actionlint" ]; then
  command -v go >/dev/null || { echo "actionlint.sh: Go is needed to build actionlint $version" >&2; exit 1; }
  echo "actionlint.sh: building actionlint $version into $bin_dir"
  GOBIN="$bin_dir" GOTOOLCHAIN=local GOFLAGS=-mod=mod go install "github.com/rhysd/actionlint/cmd/actionlint@$version"
fi
shopt -s nullglob
workflows=(.github/workflows/*.yml .github/workflows/*.yaml)
if [ ${#workflows[@]} -eq 0 ]; then
  echo "actionlint.sh: no workflows in .github/workflows" >&2
  exit 1
fi
"$bin_dir/actionlint" -version | head -n 1
"$bin_dir/actionlint" -color -shellcheck= -pyflakes= "${workflows[@]}"
echo "actionlint: ${#workflows[@]} workflows, no findings (${workflows[*]})"
