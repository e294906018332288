#!/usr/bin/env python3
"""Generate data/states/<CODE>.toml for the states beyond the hand-curated CSTO set.

Every figure comes from one of two sourced tables, read from pinned public copies:

  SIPRI  SIPRI Military Expenditure Database, 2025 release, sheet "Current US$"
         (US$ million, current prices), export in nalutbae/sipri-military-expenditure,
         public/data/Current_US.json @385b6caa45ebdb23079136e730340a2336c3c1b8
         (the copy the hand-curated files already cite)       -> defence_spending_usd
  NMC6   Correlates of War, National Material Capabilities v6.0 (abridged),
         NMC-60-abridged.csv (Singer, Bremer & Stuckey 1972; Singer 1987; v6.0 2021),
         copy in jcook125/Slide-Deck-Rmd @6792e68e819306c676ba2707fc80259842d815cd
                                  -> active_personnel (milper), population (tpop),
                                     defence_spending_usd (milex) only for years SIPRI leaves blank

Rules: SIPRI is the one spending source wherever it has a figure (as for the CSTO states);
COW milex (thousands of current US$ from 1914) stands in only for a state-year SIPRI leaves
blank (its source string names COW). Years 1946-2024 (the alliances modelled are all post-war).
COW's -9 (missing) is absent, never imputed; a COW milex of 0 (no or negligible spending,
e.g. Costa Rica, Iceland) is left out too, as spending ratios with zero are undefined. Population is written every fifth year
(1950, 1955, ... 2015) and for 2016, the last NMC year: the model does not read it, and the
thinning keeps the embedded data small. GDP, Freedom House scores, trade and foreign bases are
not in these tables and stay absent (the model treats a missing freedom score as 50, missing
trade as no exposure). The hand-curated files of data/states/ are never overwritten.

Usage (Python 3.11, standard library only):
  git -C <mirror of nalutbae/sipri-military-expenditure> show 385b6ca:public/data/Current_US.json > sipri.json
  git -C <mirror of jcook125/Slide-Deck-Rmd> show 6792e68:NMC-60-abridged.csv > nmc.csv
  python3 tools/gen_states.py sipri.json nmc.csv data/states
The script checks the git blob ids of both inputs, so a different version is refused.
"""

import csv
import hashlib
import json
import sys
from pathlib import Path

SIPRI_BLOB = "49bb1d3c7e6e9a15e10b31a1942d9db39eb0606a"  # git blob id of the pinned input
NMC_BLOB = "b29f18f911908f2db15b32a70cfda49c2dbda6c3"


FIRST_YEAR = 1946

# code, English name, region, SIPRI country name(s) as (name, from, to), COW ccodes as (ccode, from, to), note
# A year range selects which table rows belong to this code (successor states, unification).
ALL = (1946, 2024)
STATES = [
    # ---- NATO (beyond FIN FRA POL TUR USA, which are hand-curated)
    ("BEL", "Belgium", "western_europe", [("Belgium", *ALL)], [(211, *ALL)], None),
    ("CAN", "Canada", "north_america", [("Canada", *ALL)], [(20, *ALL)], None),
    ("DNK", "Denmark", "northern_europe", [("Denmark", *ALL)], [(390, *ALL)], None),
    ("ISL", "Iceland", "northern_europe", [("Iceland", *ALL)], [(395, *ALL)], "Iceland has no armed forces; COW records 0 military personnel"),
    ("ITA", "Italy", "western_europe", [("Italy", *ALL)], [(325, *ALL)], None),
    ("LUX", "Luxembourg", "western_europe", [("Luxembourg", *ALL)], [(212, *ALL)], None),
    ("NLD", "Netherlands", "western_europe", [("Netherlands", *ALL)], [(210, *ALL)], None),
    ("NOR", "Norway", "northern_europe", [("Norway", *ALL)], [(385, *ALL)], None),
    ("PRT", "Portugal", "western_europe", [("Portugal", *ALL)], [(235, *ALL)], None),
    ("GBR", "United Kingdom", "western_europe", [("United Kingdom", *ALL)], [(200, *ALL)], None),
    ("GRC", "Greece", "western_europe", [("Greece", *ALL)], [(350, *ALL)], None),
    ("DEU", "Germany", "western_europe", [("Germany", *ALL)], [(260, 1946, 1989), (255, 1990, 2024)],
     "Federal Republic of Germany; before 3 Oct 1990 West Germany (COW 260 GFR to 1989, COW 255 GMY from 1990; SIPRI's 'Germany' series is the FRG before 1990)"),
    ("ESP", "Spain", "western_europe", [("Spain", *ALL)], [(230, *ALL)], None),
    ("CZE", "Czechia", "eastern_europe", [("Czechia", *ALL)], [(316, *ALL)], "from 1 Jan 1993; before that see CSK"),
    ("HUN", "Hungary", "eastern_europe", [("Hungary", *ALL)], [(310, *ALL)], None),
    ("BGR", "Bulgaria", "eastern_europe", [("Bulgaria", *ALL)], [(355, *ALL)], None),
    ("EST", "Estonia", "northern_europe", [("Estonia", *ALL)], [(366, 1991, 2024)], "independent again from 1991 (COW rows from 1991)"),
    ("LVA", "Latvia", "northern_europe", [("Latvia", *ALL)], [(367, 1991, 2024)], "independent again from 1991 (COW rows from 1991)"),
    ("LTU", "Lithuania", "northern_europe", [("Lithuania", *ALL)], [(368, 1991, 2024)], "independent again from 1991 (COW rows from 1991)"),
    ("ROU", "Romania", "eastern_europe", [("Romania", *ALL)], [(360, *ALL)], None),
    ("SVK", "Slovakia", "eastern_europe", [("Slovakia", *ALL)], [(317, *ALL)], "from 1 Jan 1993; before that see CSK"),
    ("SVN", "Slovenia", "eastern_europe", [("Slovenia", *ALL)], [(349, *ALL)], None),
    ("ALB", "Albania", "eastern_europe", [("Albania", *ALL)], [(339, *ALL)], None),
    ("HRV", "Croatia", "eastern_europe", [("Croatia", *ALL)], [(344, *ALL)], None),
    ("MNE", "Montenegro", "eastern_europe", [("Montenegro", *ALL)], [(341, *ALL)], "independent from 3 Jun 2006"),
    ("MKD", "North Macedonia", "eastern_europe", [("North Macedonia", *ALL)], [(343, *ALL)], None),
    ("SWE", "Sweden", "northern_europe", [("Sweden", *ALL)], [(380, *ALL)], None),
    # ---- ANZUS, SEATO, CENTO
    ("AUS", "Australia", "oceania", [("Australia", *ALL)], [(900, *ALL)], None),
    ("NZL", "New Zealand", "oceania", [("New Zealand", *ALL)], [(920, *ALL)], None),
    ("PAK", "Pakistan", "south_asia", [("Pakistan", *ALL)], [(770, *ALL)], None),
    ("PHL", "Philippines", "southeast_asia", [("Philippines", *ALL)], [(840, *ALL)], None),
    ("THA", "Thailand", "southeast_asia", [("Thailand", *ALL)], [(800, *ALL)], None),
    ("IRN", "Iran", "middle_east", [("Iran", *ALL)], [(630, *ALL)], None),
    ("IRQ", "Iraq", "middle_east", [("Iraq", *ALL)], [(645, *ALL)], None),
    # ---- Rio Treaty (TIAR) parties
    ("ARG", "Argentina", "south_america", [("Argentina", *ALL)], [(160, *ALL)], None),
    ("BOL", "Bolivia", "south_america", [("Bolivia", *ALL)], [(145, *ALL)], None),
    ("BRA", "Brazil", "south_america", [("Brazil", *ALL)], [(140, *ALL)], None),
    ("CHL", "Chile", "south_america", [("Chile", *ALL)], [(155, *ALL)], None),
    ("COL", "Colombia", "south_america", [("Colombia", *ALL)], [(100, *ALL)], None),
    ("CRI", "Costa Rica", "central_america", [("Costa Rica", *ALL)], [(94, *ALL)], "Costa Rica abolished its army in 1948; SIPRI has no figures"),
    ("CUB", "Cuba", "caribbean", [("Cuba", *ALL)], [(40, *ALL)], None),
    ("DOM", "Dominican Republic", "caribbean", [("Dominican Republic", *ALL)], [(42, *ALL)], None),
    ("ECU", "Ecuador", "south_america", [("Ecuador", *ALL)], [(130, *ALL)], None),
    ("SLV", "El Salvador", "central_america", [("El Salvador", *ALL)], [(92, *ALL)], None),
    ("GTM", "Guatemala", "central_america", [("Guatemala", *ALL)], [(90, *ALL)], None),
    ("HTI", "Haiti", "caribbean", [("Haiti", *ALL)], [(41, *ALL)], None),
    ("HND", "Honduras", "central_america", [("Honduras", *ALL)], [(91, *ALL)], None),
    ("MEX", "Mexico", "north_america", [("Mexico", *ALL)], [(70, *ALL)], None),
    ("NIC", "Nicaragua", "central_america", [("Nicaragua", *ALL)], [(93, *ALL)], None),
    ("PAN", "Panama", "central_america", [("Panama", *ALL)], [(95, *ALL)], None),
    ("PRY", "Paraguay", "south_america", [("Paraguay", *ALL)], [(150, *ALL)], None),
    ("PER", "Peru", "south_america", [("Peru", *ALL)], [(135, *ALL)], None),
    ("URY", "Uruguay", "south_america", [("Uruguay", *ALL)], [(165, *ALL)], None),
    ("VEN", "Venezuela", "south_america", [("Venezuela", *ALL)], [(101, *ALL)], None),
    ("TTO", "Trinidad and Tobago", "caribbean", [("Trinidad and Tobago", *ALL)], [(52, *ALL)], None),
    ("BHS", "Bahamas", "caribbean", [], [(31, *ALL)], "not in the SIPRI table; spending from COW where recorded"),
    ("JAM", "Jamaica", "caribbean", [("Jamaica", *ALL)], [(51, *ALL)], None),
    ("GUY", "Guyana", "south_america", [("Guyana", *ALL)], [(110, *ALL)], None),
    ("BLZ", "Belize", "central_america", [("Belize", *ALL)], [(80, *ALL)], None),
    # ---- Warsaw Pact (historical states; POL is hand-curated, HUN ROU BGR ALB above)
    ("SUN", "Soviet Union", "eastern_europe", [("USSR", 1946, 1991)], [(365, 1946, 1991)],
     "USSR until 26 Dec 1991 (ISO 3166-3 SUHH); COW 365 continues as Russia, whose rows from 1992 belong to RUS"),
    ("DDR", "German Democratic Republic", "eastern_europe", [("German Democratic Republic", *ALL)], [(265, *ALL)],
     "East Germany, 1949-3 Oct 1990 (ISO 3166-3 DDDE); SIPRI has no Current US$ figures"),
    ("CSK", "Czechoslovakia", "eastern_europe", [("Czechoslovakia", *ALL)], [(315, *ALL)],
     "until 31 Dec 1992 (ISO 3166-3 CSHH); then CZE and SVK"),
    ("YUG", "Yugoslavia", "eastern_europe", [("Yugoslavia", *ALL)], [(345, 1946, 2005)],
     "SFR Yugoslavia, from 1992 FR Yugoslavia / Serbia and Montenegro, until 3 Jun 2006 (ISO 3166-3 YUCS); COW 345 continues as Serbia, whose rows from 2006 belong to SRB"),
    ("SRB", "Serbia", "eastern_europe", [("Serbia", 2006, 2024)], [(345, 2006, 2024)], "from 2006; before that see YUG (SIPRI's Serbia rows before 2006 are FR Yugoslavia and are left to YUG's absence of figures)"),
    # ---- GCC
    ("SAU", "Saudi Arabia", "middle_east", [("Saudi Arabia", *ALL)], [(670, *ALL)], None),
    ("KWT", "Kuwait", "middle_east", [("Kuwait", *ALL)], [(690, *ALL)], None),
    ("BHR", "Bahrain", "middle_east", [("Bahrain", *ALL)], [(692, *ALL)], None),
    ("QAT", "Qatar", "middle_east", [("Qatar", *ALL)], [(694, *ALL)], None),
    ("ARE", "United Arab Emirates", "middle_east", [("United Arab Emirates", *ALL)], [(696, *ALL)], None),
    ("OMN", "Oman", "middle_east", [("Oman", *ALL)], [(698, *ALL)], None),
    # ---- ECOWAS (members since 1975)
    ("BEN", "Benin", "west_africa", [("Benin", *ALL)], [(434, *ALL)], None),
    ("BFA", "Burkina Faso", "west_africa", [("Burkina Faso", *ALL)], [(439, *ALL)], None),
    ("CPV", "Cabo Verde", "west_africa", [("Cape Verde", *ALL)], [(402, *ALL)], None),
    ("CIV", "Côte d'Ivoire", "west_africa", [("Cote d'Ivoire", *ALL)], [(437, *ALL)], None),
    ("GMB", "Gambia", "west_africa", [("Gambia, The", *ALL)], [(420, *ALL)], None),
    ("GHA", "Ghana", "west_africa", [("Ghana", *ALL)], [(452, *ALL)], None),
    ("GIN", "Guinea", "west_africa", [("Guinea", *ALL)], [(438, *ALL)], None),
    ("GNB", "Guinea-Bissau", "west_africa", [("Guinea-Bissau", *ALL)], [(404, *ALL)], None),
    ("LBR", "Liberia", "west_africa", [("Liberia", *ALL)], [(450, *ALL)], None),
    ("MLI", "Mali", "west_africa", [("Mali", *ALL)], [(432, *ALL)], None),
    ("MRT", "Mauritania", "west_africa", [("Mauritania", *ALL)], [(435, *ALL)], None),
    ("NER", "Niger", "west_africa", [("Niger", *ALL)], [(436, *ALL)], None),
    ("NGA", "Nigeria", "west_africa", [("Nigeria", *ALL)], [(475, *ALL)], None),
    ("SEN", "Senegal", "west_africa", [("Senegal", *ALL)], [(433, *ALL)], None),
    ("SLE", "Sierra Leone", "west_africa", [("Sierra Leone", *ALL)], [(451, *ALL)], None),
    ("TGO", "Togo", "west_africa", [("Togo", *ALL)], [(461, *ALL)], None),
    # ---- SADC
    ("AGO", "Angola", "southern_africa", [("Angola", *ALL)], [(540, *ALL)], None),
    ("BWA", "Botswana", "southern_africa", [("Botswana", *ALL)], [(571, *ALL)], None),
    ("COM", "Comoros", "southern_africa", [], [(581, *ALL)], "not in the SIPRI table; spending from COW where recorded"),
    ("COD", "DR Congo", "central_africa", [("Congo, DR", *ALL)], [(490, *ALL)], None),
    ("SWZ", "Eswatini", "southern_africa", [("Eswatini", *ALL)], [(572, *ALL)], None),
    ("LSO", "Lesotho", "southern_africa", [("Lesotho", *ALL)], [(570, *ALL)], None),
    ("MDG", "Madagascar", "southern_africa", [("Madagascar", *ALL)], [(580, *ALL)], None),
    ("MWI", "Malawi", "southern_africa", [("Malawi", *ALL)], [(553, *ALL)], None),
    ("MUS", "Mauritius", "southern_africa", [("Mauritius", *ALL)], [(590, *ALL)], None),
    ("MOZ", "Mozambique", "southern_africa", [("Mozambique", *ALL)], [(541, *ALL)], None),
    ("NAM", "Namibia", "southern_africa", [("Namibia", *ALL)], [(565, *ALL)], None),
    ("SYC", "Seychelles", "southern_africa", [("Seychelles", *ALL)], [(591, *ALL)], None),
    ("ZAF", "South Africa", "southern_africa", [("South Africa", *ALL)], [(560, *ALL)], None),
    ("TZA", "Tanzania", "southern_africa", [("Tanzania", *ALL)], [(510, *ALL)], None),
    ("ZMB", "Zambia", "southern_africa", [("Zambia", *ALL)], [(551, *ALL)], None),
    ("ZWE", "Zimbabwe", "southern_africa", [("Zimbabwe", *ALL)], [(552, *ALL)], None),
    # ---- Arab League (Joint Defence Treaty parties and later members)
    ("EGY", "Egypt", "north_africa", [("Egypt", *ALL)], [(651, *ALL)], None),
    ("SYR", "Syria", "middle_east", [("Syria", *ALL)], [(652, *ALL)], None),
    ("JOR", "Jordan", "middle_east", [("Jordan", *ALL)], [(663, *ALL)], None),
    ("LBN", "Lebanon", "middle_east", [("Lebanon", *ALL)], [(660, *ALL)], None),
    ("YEM", "Yemen", "middle_east", [("Yemen, North", 1946, 1989), ("Yemen", 1990, 2024)], [(678, 1946, 1989), (679, 1990, 2024)],
     "North Yemen (Yemen Arab Republic, COW 678) until 22 May 1990, then the unified Republic of Yemen (COW 679)"),
    ("YMD", "South Yemen", "middle_east", [], [(680, *ALL)], "People's Democratic Republic of Yemen, 1967-22 May 1990 (ISO 3166-3 YDYE); not in the SIPRI table"),
    ("LBY", "Libya", "north_africa", [("Libya", *ALL)], [(620, *ALL)], None),
    ("SDN", "Sudan", "east_africa", [("Sudan", *ALL)], [(625, *ALL)], None),
    ("MAR", "Morocco", "north_africa", [("Morocco", *ALL)], [(600, *ALL)], None),
    ("TUN", "Tunisia", "north_africa", [("Tunisia", *ALL)], [(616, *ALL)], None),
    ("DZA", "Algeria", "north_africa", [("Algeria", *ALL)], [(615, *ALL)], None),
    ("SOM", "Somalia", "east_africa", [("Somalia", *ALL)], [(520, *ALL)], None),
    ("DJI", "Djibouti", "east_africa", [("Djibouti", *ALL)], [(522, *ALL)], None),
    ("PSE", "Palestine", "middle_east", [], [(986, *ALL)], "Arab League member (PLO 1976); not in the SIPRI table; COW rows from 1994"),
    # ---- adversaries and other parties in the alliances' episodes
    ("IND", "India", "south_asia", [("India", *ALL)], [(750, *ALL)], None),
    ("ISR", "Israel", "middle_east", [("Israel", *ALL)], [(666, *ALL)], None),
    ("AFG", "Afghanistan", "south_asia", [("Afghanistan", *ALL)], [(700, *ALL)], None),
    ("BGD", "Bangladesh", "south_asia", [("Bangladesh", *ALL)], [(771, *ALL)], None),
    ("VDR", "North Vietnam", "southeast_asia", [], [(816, 1946, 1975)],
     "Democratic Republic of Vietnam until the reunification of 2 Jul 1976 (ISO 3166-3 VDVN); COW 816 continues as Vietnam, whose rows from 1976 belong to VNM"),
    ("RVN", "South Vietnam", "southeast_asia", [], [(817, *ALL)], "Republic of Vietnam, 1954-1975 (no ISO code; COW 817 abbreviation RVN); not in the SIPRI table"),
    ("VNM", "Vietnam", "southeast_asia", [("Viet Nam", 1976, 2024)], [(816, 1976, 2024)], "unified Vietnam from 2 Jul 1976; before that see VDR and RVN"),
    ("KHM", "Cambodia", "southeast_asia", [("Cambodia", *ALL)], [(811, *ALL)], None),
    ("LAO", "Laos", "southeast_asia", [("Laos", *ALL)], [(812, *ALL)], None),
    ("IDN", "Indonesia", "southeast_asia", [("Indonesia", *ALL)], [(850, *ALL)], None),
    ("MYS", "Malaysia", "southeast_asia", [("Malaysia", *ALL)], [(820, *ALL)], None),
    ("KOR", "South Korea", "east_asia", [("Korea, South", *ALL)], [(732, *ALL)], None),
    ("JPN", "Japan", "east_asia", [("Japan", *ALL)], [(740, *ALL)], None),
    ("TCD", "Chad", "central_africa", [("Chad", *ALL)], [(483, *ALL)], None),
    ("ETH", "Ethiopia", "east_africa", [("Ethiopia", *ALL)], [(530, *ALL)], None),
    ("RWA", "Rwanda", "east_africa", [("Rwanda", *ALL)], [(517, *ALL)], None),
    ("UGA", "Uganda", "east_africa", [("Uganda", *ALL)], [(500, *ALL)], None),
    ("BDI", "Burundi", "east_africa", [("Burundi", *ALL)], [(516, *ALL)], None),
    ("CMR", "Cameroon", "central_africa", [("Cameroon", *ALL)], [(471, *ALL)], None),
    ("CYP", "Cyprus", "middle_east", [("Cyprus", *ALL)], [(352, *ALL)], None),
    ("AUT", "Austria", "western_europe", [("Austria", *ALL)], [(305, *ALL)], None),
    ("IRL", "Ireland", "western_europe", [("Ireland", *ALL)], [(205, *ALL)], None),
    ("MDA", "Moldova", "eastern_europe", [("Moldova", *ALL)], [(359, *ALL)], None),
    ("BIH", "Bosnia and Herzegovina", "eastern_europe", [("Bosnia and Herzegovina", *ALL)], [(346, *ALL)], None),
    ("XKX", "Kosovo", "eastern_europe", [("Kosovo", *ALL)], [(347, *ALL)], "no ISO 3166-1 code; XKX is the user-assigned code used by the EU and IMF"),
]


def blob_id(data: bytes) -> str:
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


def num(v: float) -> str:
    """A TOML number without float noise."""
    if float(v).is_integer():
        return str(int(v))
    return repr(float(v))


def main() -> None:
    sipri_path, nmc_path, out_dir = sys.argv[1], sys.argv[2], Path(sys.argv[3])
    sipri_bytes = Path(sipri_path).read_bytes()
    nmc_bytes = Path(nmc_path).read_bytes()
    for name, data, want in (("SIPRI", sipri_bytes, SIPRI_BLOB), ("NMC", nmc_bytes, NMC_BLOB)):
        got = blob_id(data)
        if want and got != want:
            sys.exit(f"{name} input has blob {got}, expected {want}: not the pinned version")
    sipri = {row["country"]: row for row in json.loads(sipri_bytes)}
    nmc: dict[int, dict[int, dict[str, str]]] = {}
    for row in csv.DictReader(nmc_bytes.decode().splitlines()):
        nmc.setdefault(int(row["ccode"]), {})[int(row["year"])] = row

    written = 0
    for code, name, region, sipri_rows, cow_rows, note in STATES:
        path = out_dir / f"{code}.toml"
        if path.exists() and "generated by tools/gen_states.py" not in path.read_text():
            print(f"skip {code}: hand-curated file exists", file=sys.stderr)
            continue
        spend: dict[int, tuple[float, str]] = {}
        for sname, y0, y1 in sipri_rows:
            if sname not in sipri:
                sys.exit(f"{code}: SIPRI has no country {sname!r}")
            for y in range(max(y0, FIRST_YEAR), y1 + 1):
                v = sipri[sname].get(str(y))
                if isinstance(v, (int, float)):
                    src = f"SIPRI MILEX 2025, Current US$, {sname} {y}: {num(v)} US$ m [SIPRI25]"
                    spend[y] = (v * 1e6, src)
        personnel: dict[int, tuple[float, str]] = {}
        population: dict[int, tuple[float, str]] = {}
        for ccode, y0, y1 in cow_rows:
            if ccode not in nmc:
                sys.exit(f"{code}: COW NMC has no ccode {ccode}")
            for y, row in sorted(nmc[ccode].items()):
                if not (max(y0, FIRST_YEAR) <= y <= y1):
                    continue
                abb = row["stateabb"]
                milper, tpop, milex = int(row["milper"]), int(row["tpop"]), int(row["milex"])
                if milper >= 0:
                    personnel[y] = (milper * 1000, f"COW NMC v6.0 milper, {abb} {y}: {milper} thousand [NMC6]")
                if tpop >= 0 and (y % 5 == 0 or y == 2016):
                    population[y] = (tpop * 1000, f"COW NMC v6.0 tpop, {abb} {y}: {tpop} thousand [NMC6]")
                if milex > 0 and y not in spend:
                    spend[y] = (milex * 1000, f"COW NMC v6.0 milex, {abb} {y}: {milex} thousand current US$ [NMC6]")
        lines = [
            f"# {name}. generated by tools/gen_states.py from sourced tables; do not edit by hand (edit the script).",
            "# Military expenditure: SIPRI Military Expenditure Database, 2025 release, sheet \"Current US$\" (US$ m,",
            "# current prices), export nalutbae/sipri-military-expenditure public/data/Current_US.json @385b6ca [SIPRI25];",
            "# for years SIPRI leaves blank, Correlates of War NMC v6.0 milex (thousands of current US$) [NMC6].",
            "# Active personnel (milper) and population (tpop, every fifth year): COW NMC v6.0 abridged,",
            "# NMC-60-abridged.csv, copy jcook125/Slide-Deck-Rmd @6792e68 [NMC6]; COW ends in 2016, the 2016",
            "# figure stands in for later years. GDP, freedom score, trade and bases: no source read, absent.",
            f'code = "{code}"',
            f'name = "{name}"',
            f'region = "{region}"',
        ]
        if note:
            lines.append(f'note = "{note}"')

        def series(key: str, obs: dict) -> None:
            if not obs:
                return
            lines.append("")
            lines.append(f"{key} = [")
            for y in sorted(obs):
                item = obs[y]
                v, src = item[0], item[1]
                lines.append(f'  {{ year = {y}, value = {num(v)}, source = "{src}" }},')
            lines.append("]")

        series("population", population)
        series("defence_spending_usd", spend)
        series("active_personnel", personnel)
        path.write_text("\n".join(lines) + "\n")
        written += 1
    print(f"wrote {written} state files", file=sys.stderr)


if __name__ == "__main__":
    main()
