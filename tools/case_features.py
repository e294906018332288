#!/usr/bin/env python3
"""Count, per alliance, what the case library exercises: event kinds, formal and
bilateral requests, non-state attackers, observed outcomes and member stances.
Prints the Markdown table that docs/model.md quotes. Standard library only.

    python3 tools/case_features.py
"""
import collections
import glob
import os
import tomllib

ROOT = os.path.join(os.path.dirname(__file__), "..", "data", "cases")
KEYS = ["cases", "external_aggression", "threat", "internal_unrest", "seizure",
        "intra_member_conflict", "request_to_alliance", "bilateral_request",
        "non_state", "summit", "exercise"]


def main():
    rows = collections.defaultdict(collections.Counter)
    obs = collections.defaultdict(collections.Counter)
    for f in sorted(glob.glob(os.path.join(ROOT, "*.toml"))):
        if f.endswith(".observed.toml"):
            continue
        with open(f, "rb") as fh:
            d = tomllib.load(fh)
        al = d["alliance"]
        r = rows[al]
        r["cases"] += 1
        for e in d.get("events", []):
            r[e["kind"]] += 1
            if e["kind"] == "request":
                r["request_to_alliance" if e.get("to") == al else "bilateral_request"] += 1
            if e.get("seizure"):
                r["seizure"] += 1
            if e.get("aggressor_non_state") or e.get("from_non_state"):
                r["non_state"] += 1
        observed = f[: -len(".toml")] + ".observed.toml"
        with open(observed, "rb") as fh:
            for o in tomllib.load(fh).get("observation", []):
                if "outcome" in o:
                    obs[al][o["outcome"]] += 1
                obs[al]["stances"] += len(o.get("stances", {}))
    print("| alliance | " + " | ".join(KEYS) + " | none / stmt / miss / depl | stances |")
    print("|---" * (len(KEYS) + 3) + "|")
    for al in sorted(rows):
        r, o = rows[al], obs[al]
        print(f"| {al} | " + " | ".join(str(r[k]) for k in KEYS)
              + f" | {o['none']} / {o['statement']} / {o['mission']} / {o['deployment']} | {o['stances']} |")


if __name__ == "__main__":
    main()
