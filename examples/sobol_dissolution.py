"""Sobol indices of P(CSTO dissolved by 2030) under the seed counterfactuals.

Runs `examples/sweeps/csto-dissolution.toml`'s factors through a Saltelli
design (SALib, first and total order: N·(D+2) points), each point forecast on
every scenario of the design with its `runs` replications, and prints the
README's table: per scenario and parameter, S1 and ST with their 95%
bootstrap intervals. Usage:

    python3 examples/sobol_dissolution.py [N] [--dask WORKERS]

N (default 32) is the Saltelli base sample; the design's `runs` and common
random numbers (`streams = "common"`) are in the TOML file.
"""

# %%
from __future__ import annotations

import sys
import time
from pathlib import Path

import casus

DESIGN = Path(__file__).parent / "sweeps" / "csto-dissolution.toml"


def main() -> None:
    args = sys.argv[1:]
    n = int(args[0]) if args and not args[0].startswith("--") else 32
    client = None
    if "--dask" in args:
        from dask.distributed import Client, LocalCluster

        workers = int(args[args.index("--dask") + 1])
        client = Client(LocalCluster(n_workers=workers, threads_per_worker=1))
    t0 = time.perf_counter()
    ix, s = casus.sobol(DESIGN, n, seed=1, client=client)
    took = time.perf_counter() - t0
    points = len(s.points)
    runs = int(s.table["runs"].max())
    print(f"{points} points x {s.table['scenario'].nunique()} scenarios x {runs} runs in {took:.0f} s\n")
    t = s.table
    base = t.groupby("scenario", sort=False)["probability"].agg(["mean", "min", "max"])
    print("| scenario | parameter | S1 [95%] | ST [95%] |")
    print("|---|---|---|---|")
    for _, r in ix.iterrows():
        s1 = f"{r.S1:.2f} [{r.S1 - r.S1_conf:.2f}, {r.S1 + r.S1_conf:.2f}]"
        st = f"{r.ST:.2f} [{r.ST - r.ST_conf:.2f}, {r.ST + r.ST_conf:.2f}]"
        print(f"| `{r.scenario}` | `{r.parameter}` | {s1} | {st} |")
    print("\nP(dissolved by 2030) over the design's points (mean, min, max):")
    print(base.to_string(float_format=lambda x: f"{x:.3f}"))


if __name__ == "__main__":
    main()
