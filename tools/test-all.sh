#!/usr/bin/env bash
# Every test of the project: Rust (unit, golden, fuzz), then each front end's
# suite in tools/test.d/*.sh (Python package, browser). Each suite installs
# what it needs itself (into target/, never system-wide unless it must: the
# browser suite installs Debian's chromium when it is missing).
set -euo pipefail
cd "$(dirname "$0")/.."
cargo test --workspace --locked
shopt -s nullglob
for suite in tools/test.d/*.sh; do
  echo "== $suite"
  bash "$suite"
done
echo "all tests passed"
