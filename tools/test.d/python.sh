#!/usr/bin/env bash
# The Python package's suite (crates/casus-python/tests): a virtual environment
# under target/ with pinned maturin, pandas, pyarrow, pytest, mypy, dask, SALib and
# the EMA Workbench from PyPI, the
# package built from this checkout and installed into it, then pytest. Safe to
# run again: the venv is reused, pip skips what is installed, cargo rebuilds
# only what changed. Needs python3 >= 3.11 with venv (as on the dev machine).
set -euo pipefail
cd "$(dirname "$0")/../.."
repo=$PWD
target=${CARGO_TARGET_DIR:-$repo/target}
venv=$target/py-venv

python=${PYTHON:-python3}
"$python" -c 'import sys; assert sys.version_info >= (3, 11), sys.version' \
  || { echo "python.sh: needs Python 3.11 or later as \$PYTHON or python3" >&2; exit 1; }
if [ ! -x "$venv/bin/python" ]; then
  "$python" -m venv "$venv"
fi
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check \
  "maturin==1.16.0" "pandas==3.1.1" "pyarrow==26.0.1" "pytest==9.2.0" \
  "mypy==2.4.1" "pandas-stubs==3.1.0.261029" "ema-workbench==2.5.3" \
  "dask==2026.8.0" "distributed==2026.8.0" "SALib==1.6.0"

# The CLI the package is held against (byte-identical --json): the release build.
cargo build --release --locked -p casus-cli
export CASUS_BIN=$target/release/casus

# Build the extension (release) and install it into the venv, as
# `pip install ./crates/casus-python` does, without a source copy per run.
(cd crates/casus-python && VIRTUAL_ENV=$venv PATH=$venv/bin:$PATH \
  "$venv/bin/maturin" develop --release --locked --quiet)

# The annotations and the extension's stubs (_casus.pyi) agree, and the
# example uses the API as typed.
"$venv/bin/python" -m mypy --cache-dir "$target/mypy-cache" crates/casus-python/python/casus examples/readme_tables.py

# From another directory: the installed package is what is tested, not the source tree.
cd /tmp
"$venv/bin/python" -m pytest "$repo/crates/casus-python/tests" -q -p no:cacheprovider
