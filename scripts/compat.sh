#!/usr/bin/env bash
# API compatibility of this build's jsii assembly (./.jsii) with the previous release's (jsii-diff).
# `projen release` runs it after the build. A change that breaks a stable API fails the release
# unless a commit since the previous release declares a breaking change: a `type!:` subject
# (`feat!: ...`, `fix(scope)!: ...`) or a `BREAKING CHANGE:` footer, which is also what makes the
# version bump a breaking one (the minor version while 0.x). Known, accepted breaks can instead be
# listed by key in .compatignore.
#
# Baseline: COMPAT_BASELINE if set (a packed .tgz such as dist/js/*.jsii.tgz, a package directory,
# or npm:name@version); otherwise the npm package of the latest `v*` tag; before the first release
# there is nothing to compare with.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -f .jsii ] || { echo "compat.sh: no .jsii here; compile first" >&2; exit 1; }
name=$(node -p "require('./package.json').name")
# The same tag the bump starts from: the highest version among the v* tags.
latest_tag=$(git -c versionsort.suffix=- tag --sort=-version:refname --list 'v[0-9]*' | head -n 1)

work=""
cleanup() { if [ -n "$work" ]; then rm -rf "$work"; fi; }
trap cleanup EXIT

baseline="${COMPAT_BASELINE:-}"
if [ -n "$baseline" ] && [ -f "$baseline" ]; then
  # A tarball is unpacked inside the project, so that jsii-reflect finds the baseline's
  # dependencies (aws-cdk-lib, constructs, cdk-nag) in our node_modules.
  work=$(mktemp -d "$PWD/.compat-baseline.XXXXXX")
  tar -xzf "$baseline" -C "$work"
  baseline="$work/package"
elif [ -z "$baseline" ]; then
  if [ -z "$latest_tag" ]; then
    echo "compat: no previous release (no v* tag): nothing to compare with"
    exit 0
  fi
  baseline="npm:$name@${latest_tag#v}"
fi

ignore_args=()
[ -f .compatignore ] && ignore_args=(--ignore-file .compatignore)

echo "compat: jsii-diff ${COMPAT_BASELINE:-$baseline} against this build"
report=$(mktemp)
set +e
jsii-diff "$baseline" . --keys --error-on prod "${ignore_args[@]}" 2>&1 | tee "$report"
status=${PIPESTATUS[0]}
set -e
skipped=$(grep -c 'Skipping analysis' "$report" || true)
rm -f "$report"
if [ "$status" -eq 0 ] && [ "$skipped" -gt 0 ]; then
  echo "compat: the baseline is not published (yet): nothing to compare with"
  exit 0
fi
if [ "$status" -eq 0 ]; then
  echo "compat: no breaking change to a stable API"
  exit 0
fi
if [ "$status" -ne 1 ]; then
  echo "compat: jsii-diff failed (exit $status)" >&2
  exit "$status"
fi

range=HEAD
[ -n "$latest_tag" ] && range="$latest_tag..HEAD"
# Subjects `type(scope)!: ...` and footers `BREAKING CHANGE: ...` (or BREAKING-CHANGE), as the
# conventional-commits parser that computes the version reads them.
declared=$(git log --no-merges --format='%h %s%n%b' "$range" \
  | grep -E '^[0-9a-f]+ [a-zA-Z]+(\([^()]*\))?!:|^BREAKING[ -]CHANGE:' || true)
if [ -n "$declared" ]; then
  echo "compat: the breaking changes above are declared since ${latest_tag:-the first commit}:"
  echo "$declared" | sed 's/^/  /'
  echo "compat: allowed; the release bumps the version as a breaking change"
  exit 0
fi
cat >&2 <<MSG
compat: the changes above break a stable API, and no commit since ${latest_tag:-the first commit} says so.
  Either keep the API (deprecate instead of removing), or declare the break in the commit that makes it:
  a subject like 'feat!: ...' / 'fix!: ...' or a 'BREAKING CHANGE: <what users must change>' footer,
  so that the release bumps the version as a breaking change (the minor version while 0.x) and the
  changelog says what changed.
MSG
exit 1
