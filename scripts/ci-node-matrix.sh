#!/usr/bin/env bash
# Runs the test suite under newer Node majors than the one CI builds with (users run 20, 22 and 24), with Node taken
# from the npm registry as the `node` package: `npm install node@22` puts a working binary in node_modules/.bin.
# The build (dist/) from the current Node is reused: the code under test is the same, the runtime is what changes.
#
# Usage: bash scripts/ci-node-matrix.sh [--quick] [MAJOR...]      (default majors: 22 24)
#   --quick   unit tests, the sandbox and the loopback e2e suites only (no real registry, skopeo or Docker daemon)
set -euo pipefail
cd "$(dirname "$0")/.."

quick=0
majors=()
for arg in "$@"; do
  case "$arg" in
    --quick) quick=1 ;;
    [0-9]*) majors+=("$arg") ;;
    *) echo "usage: $0 [--quick] [MAJOR...]" >&2; exit 2 ;;
  esac
done
((${#majors[@]})) || majors=(22 24)

[ -d dist/test ] || { echo "FATAL: dist/test is missing: run npm run build first" >&2; exit 1; }
if ((quick)); then
  suites=()
  # Node 22+ reads these as globs (node --test expands them itself; a bare folder is not searched any more).
  suites=('dist/test/{auth,credentials,sandbox,flows,hostile,record}/**/*.test.js' 'dist/test/e2e/{probe,login-catalog}-loopback.test.js'
    'dist/test/ship/{cli,action,readme}.test.js')
else
  suites=('dist/test/**/*.test.js')
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/regprobe-node-matrix.XXXXXX")
trap 'rm -rf "$work"' EXIT
failed=()
for major in "${majors[@]}"; do
  start=$SECONDS
  echo "== node@$major from the npm registry"
  npm install --prefix "$work/node$major" --no-audit --no-fund --no-save --loglevel=error "node@$major" >/dev/null
  bin="$work/node$major/node_modules/.bin"
  [ -x "$bin/node" ] || { echo "FATAL: npm install node@$major gave no node binary" >&2; exit 1; }
  echo "== tests under $("$bin/node" --version) (${suites[*]})"
  # The node on PATH is the one under test, also for the tests' own child processes (npm, bin/run.js via execPath).
  # A hung test file must fail the run, not hold CI until its own limit (a whole run takes 1-2 minutes).
  if PATH="$bin:$PATH" timeout --kill-after=10s 20m "$bin/node" --test --test-concurrency=1 "${suites[@]}"; then
    echo "== node@$major: pass ($((SECONDS - start)) s)"
  else
    echo "== node@$major: FAIL ($((SECONDS - start)) s)"
    failed+=("$major")
  fi
done
if ((${#failed[@]})); then
  echo "FAIL under node ${failed[*]}" >&2
  exit 1
fi
