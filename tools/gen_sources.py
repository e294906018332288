#!/usr/bin/env python3
"""Generate data/sources.toml, the bibliography behind the source tags of data/ and the
README ([S150], [FB], [SIPRI25], ...), so that every tag resolves inside the repository.

The S-tags and FB come from the source list (section 9) of the project's research notes,
csto-facts.md, where each entry is "TAG URL [; URL ...] (description)". The entries for the
generated tables (SIPRI25, NMC6, COW-WAR4) and the NATO-EU references are written below.
Titles are the notes' descriptions; where the notes give none, the entry says so and the
URL is the reference. The publisher is the site the URL points to.

Usage (Python 3.11, standard library only):
  python3 tools/gen_sources.py path/to/csto-facts.md data/sources.toml
"""

import re
import sys
from pathlib import Path
from urllib.parse import urlparse

EXTRA = [
    {
        "tag": "SIPRI25",
        "title": "SIPRI Military Expenditure Database, 2025 release, sheet \"Current US$\" (US$ million, current prices, 1949-2024)",
        "author": "Stockholm International Peace Research Institute (SIPRI)",
        "date": "2025",
        "url": "https://www.sipri.org/databases/milex",
        "archive": "export in github.com/nalutbae/sipri-military-expenditure, public/data/Current_US.json @385b6caa45ebdb23079136e730340a2336c3c1b8 (git blob 49bb1d3c)",
    },
    {
        "tag": "NMC6",
        "title": "National Material Capabilities, version 6.0 (abridged file NMC-60-abridged.csv: milex, milper, tpop, 1816-2016)",
        "author": "Correlates of War Project; Singer, Bremer & Stuckey (1972), Singer (1987)",
        "date": "2021",
        "url": "https://correlatesofwar.org/data-sets/national-material-capabilities/",
        "archive": "copy in github.com/jcook125/Slide-Deck-Rmd, NMC-60-abridged.csv @6792e68e819306c676ba2707fc80259842d815cd (git blob b29f18f9)",
    },
    {
        "tag": "COW-WAR4",
        "title": "COW Inter-State War Data, version 4.0 (1816-2007)",
        "author": "Sarkees, Meredith Reid and Frank Wayman (2010), Resort to War: 1816-2007, CQ Press; Correlates of War Project",
        "date": "2010",
        "url": "https://correlatesofwar.org/data-sets/cow-war/",
        "archive": "JSON copy in github.com/walbermr/correlates-war, source/datasets/war_dataset/inter_war_data.json @6c65a04f681c4f5a4c18174d754577803a4e1ed7 (git blob bf80bbfd)",
    },
    {
        "tag": "NATO-EU",
        "title": "Joint Declarations on EU-NATO cooperation (Warsaw 8 Jul 2016, Brussels 10 Jul 2018, 10 Jan 2023); NATO topic page 'Relations with the European Union'",
        "author": "NATO; European Union",
        "url": "https://www.nato.int/cps/en/natohq/topics_49217.htm",
        "note": "not re-retrieved in this pass",
    },
    {
        "tag": "EU-MEMBERS",
        "title": "EU countries (the 27 member states)",
        "author": "European Union",
        "url": "https://european-union.europa.eu/principles-countries-history/eu-countries_en",
        "note": "not re-retrieved in this pass",
    },
    {
        "tag": "GIBLER-2009",
        "title": "International Military Alliances, 1648-2008 (entries on the Warsaw Pact, SEATO, CENTO, SADC)",
        "author": "Gibler, Douglas M.",
        "publisher": "CQ Press",
        "date": "2009",
        "url": "https://issuhub.com/view/index/23326?pageIndex=466",
        "note": "online copy; the page index differs per entry (466 SEATO, 470 CENTO, 599 CSTO, 609 SADC)",
    },
    {
        "tag": "NATOIS-1971",
        "title": "The Warsaw Pact (NATO Information Service, 1971)",
        "author": "NATO Information Service",
        "date": "1971",
        "url": "https://scribd.com/document/659309376",
    },
    {
        "tag": "LEEDS-SAVUN-2007",
        "title": "Terminating Alliances: Why Do States Abrogate Agreements? (subtitle not re-retrieved)",
        "author": "Leeds, Brett Ashley and Burcu Savun",
        "publisher": "The Journal of Politics 69(4)",
        "date": "2007",
        "url": "http://onlinelibrary.wiley.com/doi/10.1111/j.1468-2508.2007.00612.x/abstract",
        "note": "abstract only retrieved (shared/domain/published-models.md): opportunistic abrogation more likely after a change in power, in domestic institutions, or a new outside alliance; no yearly termination rate was retrieved",
    },
]


def q(s: str) -> str:
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def main() -> None:
    notes, out = Path(sys.argv[1]).read_text(), Path(sys.argv[2])
    section = notes.split("## 9. Sources", 1)[1]
    entries = []
    for line in section.splitlines():
        m = re.match(r"^- ([A-Z][A-Za-z0-9-]*) (.*)$", line)
        if not m:
            continue
        tag, rest = m.group(1), m.group(2).strip()
        urls = re.findall(r"https?://[^\s;)]+", rest)
        desc = re.sub(r"https?://[^\s;)]+", "", rest)
        desc = re.sub(r"^[\s;,]*(and|also)?[\s;,]*", "", desc).strip()
        desc = re.sub(r"\s*[;,]?\s*(and|also)\s*(?=[;(]|$)", "", desc).strip(" ;,")
        if desc.startswith("(") and desc.endswith(")") and desc.count("(") == 1:
            desc = desc[1:-1]
        e = {"tag": tag}
        e["title"] = desc if desc else "no title recorded in the notes; the URL is the reference"
        if urls:
            e["publisher"] = urlparse(urls[0]).netloc.removeprefix("www.")
            e["url"] = urls[0]
            if urls[1:]:
                e["also"] = urls[1:]
        entries.append(e)
    for e in entries:
        if e["tag"] == "FB":
            e["title"] = "CIA World Factbook, country profiles (rs, kz, kg, ti, am, bo and others)"
            e["author"] = "Central Intelligence Agency"
            e["url"] = "https://www.cia.gov/the-world-factbook/"
            e["archive"] = ("GitHub mirror factbook/factbook.json, commit 8662a8b (Jan 2026): central-asia/rs.json, kz.json, "
                            "kg.json, ti.json, am.json, europe/bo.json; older editions cited by commit (af82d74, 0330453) where the data say so")
    if any(e["tag"] == "FB" for e in entries):
        for sub, what in (("FB-TJ", "ti.json (Tajikistan) 'Military - note'"), ("FB-BY", "bo.json (Belarus) 'Military - note'")):
            entries.append({"tag": sub, "title": f"CIA World Factbook, factbook.json mirror, {what}", "archive": "factbook/factbook.json, commit 8662a8b", "note": "part of [FB]"})
    entries += EXTRA
    tags = [e["tag"] for e in entries]
    dup = {t for t in tags if tags.count(t) > 1}
    if dup:
        sys.exit(f"duplicate tags: {sorted(dup)}")
    lines = [
        "# The bibliography behind the source tags used in data/ and README.md ([S150], [FB], [SIPRI25], ...).",
        "# Generated by tools/gen_sources.py from the research notes' source list (csto-facts.md section 9)",
        "# and the script's own entries for the generated tables; do not edit by hand (edit the script).",
        "# URLs are as retrieved by the researchers; \"copy\" in a title means a mirror of Wikipedia or a",
        "# wire story. crates/casus-data/tests/sources.rs checks that every tag used resolves here.",
        "",
    ]
    for e in entries:
        lines.append("[[sources]]")
        for k in ("tag", "title", "author", "publisher", "date", "url", "archive", "note"):
            if k in e:
                lines.append(f"{k} = {q(e[k])}")
        if "also" in e:
            lines.append("also = [" + ", ".join(q(u) for u in e["also"]) + "]")
        lines.append("")
    out.write_text("\n".join(lines))
    print(f"wrote {len(entries)} sources", file=sys.stderr)


if __name__ == "__main__":
    main()
