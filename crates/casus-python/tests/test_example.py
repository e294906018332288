"""The example notebook runs and prints the README's tables."""

import os
import subprocess
import sys

from conftest import REPO


def test_the_readme_example_reproduces_the_sample_forecast():
    script = REPO / "examples" / "readme_tables.py"
    env = {**os.environ, "PYTHONWARNINGS": "error::DeprecationWarning"}
    out = subprocess.run(
        [sys.executable, str(script), "--runs", "500"],
        capture_output=True, text=True, check=True, env=env,
    ).stdout
    # The README's sample (`casus forecast kazakhstan-2022 --runs 100000`), to the digit.
    assert "appeal deployment         63.5 [63.2%, 63.8%]" in out
    assert "if deployed: on average 2707 troops, in place after 4.5 days" in out
    for branch in ("russia-loses-2026", "csto-peacekeepers-ukraine-2026"):
        assert branch in out
