#!/usr/bin/env bash
# Browser tests: the HTML report opened offline and the dashboard driven in
# headless Chromium (Debian's, installed here when missing), with playwright-core
# from npm (tools/browser/package.json and its lockfile; it downloads no browser).
# Screenshots go to target/browser/; `CASUS_SCREENSHOTS=docs bash tools/test.d/browser.sh`
# also refreshes docs/report.png and docs/dashboard.png.
set -euo pipefail
cd "$(dirname "$0")/../.."

if [ ! -x /usr/bin/chromium ]; then
  echo "browser: installing Debian's chromium"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq chromium >/dev/null
fi
[ -x /usr/bin/chromium ] || { echo "browser: /usr/bin/chromium is missing after apt-get install" >&2; exit 1; }
if ! command -v node >/dev/null; then
  echo "browser: installing node and npm"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm >/dev/null
fi
major=$(node -p 'process.versions.node.split(".")[0]')
if [ "$major" -lt 20 ]; then
  echo "browser: playwright-core needs node 20 or later; this is node $(node --version)" >&2
  exit 1
fi

# Install the test driver once per lockfile (npm ci is exact and idempotent).
stamp=tools/browser/node_modules/.casus-lock
if [ ! -f "$stamp" ] || ! cmp -s tools/browser/package-lock.json "$stamp"; then
  (cd tools/browser && npm ci --no-audit --no-fund --loglevel=error)
  cp tools/browser/package-lock.json "$stamp"
fi

cargo build --locked -p casus-cli
export CASUS_BIN="${CARGO_TARGET_DIR:-$PWD/target}/debug/casus"
cd tools/browser
node --test --test-concurrency=1 .
