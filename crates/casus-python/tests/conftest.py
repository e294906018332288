"""Shared fixtures: the `casus` binary the Python package is held against.

The binary is `$CASUS_BIN` if set (tools/test.d/python.sh sets it), else the
release build of casus-cli in the workspace's target directory, built here if
it is missing or stale (cargo decides)."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[3]


@pytest.fixture(scope="session")
def cli() -> Path:
    given = os.environ.get("CASUS_BIN")
    if given:
        return Path(given)
    meta = subprocess.run(
        ["cargo", "metadata", "--format-version", "1", "--no-deps"],
        cwd=REPO, check=True, capture_output=True, text=True,
    )
    target = Path(json.loads(meta.stdout)["target_directory"])
    subprocess.run(
        ["cargo", "build", "--release", "--locked", "-p", "casus-cli"], cwd=REPO, check=True
    )
    return target / "release" / "casus"


@pytest.fixture
def casus_cli(cli: Path):
    """Run the CLI; returns the completed process (stdout and stderr as bytes)."""

    def run(*args: str, check: bool = True) -> subprocess.CompletedProcess[bytes]:
        p = subprocess.run([str(cli), *args], capture_output=True)
        if check and p.returncode != 0:
            raise AssertionError(f"casus {' '.join(args)} failed: {p.stderr.decode()}")
        return p

    return run
