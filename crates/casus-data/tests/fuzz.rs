//! A bounded fuzz run over every input format: the bundled scenario, case,
//! state, alliance, relations, parameter and base-rate files, mutated (byte
//! flips, truncations, line deletions and duplications, values swapped between
//! lines, numbers replaced by nasty ones, lines from other files spliced in).
//! Whatever the bytes, loading must not panic, and every error must name its
//! file and a line and column inside the text. Where a scenario still loads, the
//! treaty analysis runs on it too.
//!
//! Time-bounded so CI stays fast: `CASUS_FUZZ_SECS` (default 20) is the total
//! budget, shared by the targets; `CASUS_FUZZ_SEED` picks the sequence (default
//! fixed, so a run is reproducible). A longer run:
//!
//! ```text
//! CASUS_FUZZ_SECS=600 CASUS_FUZZ_SEED=$RANDOM cargo test --release -p casus-data --test fuzz -- --nocapture
//! ```
//!
//! A failing input is written to the temporary directory and named in the panic.

use casus_data::cases::load_cases;
use casus_data::embedded;
use casus_data::params::{parse_base_rates, parse_params};
use casus_data::world::load_world;
use casus_data::{LoadError, bundled_world, parse_scenario, source};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::time::{Duration, Instant};

/// A small deterministic generator (xorshift64*): no dependency, same sequence
/// for the same seed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }
}

const NASTY: &[&str] = &[
    "nan",
    "-nan",
    "inf",
    "-inf",
    "-1",
    "-5",
    "0",
    "1e308",
    "-1e308",
    "99999",
    "2.0",
    "\"\"",
    "[]",
    "{}",
    "true",
    "2022-13-40",
    "2022-01-05T10:00:00",
    "9999-01-01",
    "\"ARM\"",
    "\"XYZ\"",
];

/// One to three mutations of `text`, as bytes (a flip may break UTF-8).
fn mutate(rng: &mut Rng, text: &str, donors: &[&str]) -> Vec<u8> {
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    let mut bytes_tail: Option<(usize, u8)> = None;
    let mut truncate: Option<usize> = None;
    for _ in 0..1 + rng.below(3) {
        let n = lines.len().max(1);
        match rng.below(7) {
            0 => {
                let pos = rng.below(text.len().max(1));
                bytes_tail = Some((pos, rng.next() as u8));
            }
            1 => truncate = Some(rng.below(text.len().max(1))),
            2 => {
                if !lines.is_empty() {
                    lines.remove(rng.below(n));
                }
            }
            3 => {
                if !lines.is_empty() {
                    let i = rng.below(n);
                    let l = lines[i].clone();
                    lines.insert(rng.below(n), l);
                }
            }
            4 => {
                // Swap the values of two `key = value` lines.
                let kv: Vec<usize> = (0..lines.len())
                    .filter(|i| lines[*i].contains(" = "))
                    .collect();
                if kv.len() >= 2 {
                    let a = kv[rng.below(kv.len())];
                    let b = kv[rng.below(kv.len())];
                    let (ka, va) = lines[a].split_once(" = ").unwrap();
                    let (kb, vb) = lines[b].split_once(" = ").unwrap();
                    let (na, nb) = (format!("{ka} = {vb}"), format!("{kb} = {va}"));
                    lines[a] = na;
                    lines[b] = nb;
                }
            }
            5 => {
                let kv: Vec<usize> = (0..lines.len())
                    .filter(|i| lines[*i].contains(" = "))
                    .collect();
                if !kv.is_empty() {
                    let a = kv[rng.below(kv.len())];
                    let k = lines[a].split_once(" = ").unwrap().0.to_string();
                    lines[a] = format!("{k} = {}", NASTY[rng.below(NASTY.len())]);
                }
            }
            _ => {
                let donor = donors[rng.below(donors.len())];
                let dl: Vec<&str> = donor.lines().collect();
                if !dl.is_empty() {
                    let l = dl[rng.below(dl.len())].to_string();
                    lines.insert(rng.below(n), l);
                }
            }
        }
    }
    let mut out = lines.join("\n").into_bytes();
    out.push(b'\n');
    if let Some(t) = truncate {
        out.truncate(t.min(out.len()));
    }
    if let Some((pos, b)) = bytes_tail
        && !out.is_empty()
    {
        let p = pos % out.len();
        out[p] = b;
    }
    out
}

/// Every problem names a file and a place inside the text it came from.
fn assert_located(e: &LoadError, texts: &[(&str, &str)]) -> Result<(), String> {
    if e.0.is_empty() {
        return Err("an error without problems".into());
    }
    for p in &e.0 {
        let Some((_, text)) = texts.iter().find(|(f, _)| *f == p.file) else {
            return Err(format!("problem in unknown file `{}`: {p}", p.file));
        };
        let lines = text.lines().count().max(1) + 1;
        if p.line == 0 || p.column == 0 || p.line > lines {
            return Err(format!("problem outside its text ({lines} lines): {p}"));
        }
        if p.message.trim().is_empty() {
            return Err(format!("problem without a message: {p}"));
        }
    }
    Ok(())
}

/// Run `f` on the mutated bytes; a panic or an unlocated error fails with the input saved.
fn check(target: &str, iteration: u64, bytes: &[u8], f: impl FnOnce(&str) -> Result<(), String>) {
    let text = match source::decode("fuzz.toml", bytes.to_vec()) {
        Ok(t) => t,
        Err(e) => {
            let p = &e.0[0];
            assert!(p.line >= 1 && p.column >= 1, "{p}");
            return;
        }
    };
    let r = catch_unwind(AssertUnwindSafe(|| f(&text)));
    let failure = match r {
        Ok(Ok(())) => return,
        Ok(Err(why)) => why,
        Err(_) => "panicked".to_string(),
    };
    let path = std::env::temp_dir().join(format!("casus-fuzz-{target}-{iteration}.toml"));
    let _ = std::fs::write(&path, bytes);
    panic!(
        "fuzz target {target}, iteration {iteration}: {failure}; input saved to {}",
        path.display()
    );
}

fn budget() -> Duration {
    let secs: f64 = std::env::var("CASUS_FUZZ_SECS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(20.0);
    Duration::from_secs_f64(secs.max(0.1))
}

fn seed() -> u64 {
    std::env::var("CASUS_FUZZ_SEED")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(0x9E37_79B9_7F4A_7C15)
        | 1
}

type Target = (&'static str, fn(&mut Rng, u64));

fn world() -> &'static casus_model::scenario::World {
    static WORLD: std::sync::OnceLock<casus_model::scenario::World> = std::sync::OnceLock::new();
    WORLD.get_or_init(|| bundled_world().expect("bundled world"))
}

fn scenario_target(rng: &mut Rng, i: u64) {
    let world = world();
    let (f, t) = embedded::SCENARIOS[rng.below(embedded::SCENARIOS.len())];
    let donors: Vec<&str> = embedded::SCENARIOS.iter().map(|(_, t)| *t).collect();
    let bytes = mutate(rng, t, &donors);
    check("scenario", i, &bytes, |text| {
        match parse_scenario(f, text, world) {
            Ok(sc) => {
                // A scenario that loads is one the core accepts: the treaty analysis runs.
                let _ = casus_model::analysis::analyse_timeline(world, &sc);
                Ok(())
            }
            Err(e) => assert_located(&e, &[(f, text)]),
        }
    });
}

fn case_target(rng: &mut Rng, i: u64) {
    let world = world();
    let observed: Vec<&(&str, &str)> = embedded::CASES
        .iter()
        .filter(|(f, _)| f.ends_with(".observed.toml"))
        .collect();
    let (of, ot) = *observed[rng.below(observed.len())];
    let sf = of.replace(".observed.toml", ".toml");
    let (_, st) = *embedded::CASES.iter().find(|(f, _)| *f == sf).unwrap();
    let donors: Vec<&str> = embedded::CASES.iter().map(|(_, t)| *t).collect();
    let mutate_observed = rng.below(2) == 0;
    let bytes = mutate(rng, if mutate_observed { ot } else { st }, &donors);
    let name = |f: &str| f.rsplit('/').next().unwrap().to_string();
    check("case", i, &bytes, |text| {
        let (o, s) = if mutate_observed {
            (text, st)
        } else {
            (ot, text)
        };
        let files = vec![(name(&sf), s.to_string()), (name(of), o.to_string())];
        match load_cases(&files, world) {
            Ok(_) => Ok(()),
            Err(e) => assert_located(&e, &[(&name(&sf), s), (&name(of), o)]),
        }
    });
}

fn world_target(kind: &'static str, rng: &mut Rng, i: u64) {
    let states: Vec<(&str, &str)> = embedded::STATES.to_vec();
    let alliances: Vec<(&str, &str)> = embedded::ALLIANCES.to_vec();
    let (file, original) = match kind {
        "state" => states[rng.below(states.len())],
        "alliance" => alliances[rng.below(alliances.len())],
        _ => embedded::RELATIONS,
    };
    let donors: Vec<&str> = states.iter().chain(&alliances).map(|(_, t)| *t).collect();
    let bytes = mutate(rng, original, &donors);
    check(kind, i, &bytes, |text| {
        let swap = |v: &[(&'static str, &'static str)]| -> Vec<(&str, &str)> {
            v.iter()
                .map(|&(f, t)| if f == file { (f, text) } else { (f, t) })
                .collect()
        };
        let states = swap(&states);
        let alliances = swap(&alliances);
        let relations = if kind == "relations" {
            (file, text)
        } else {
            embedded::RELATIONS
        };
        let mut texts: Vec<(&str, &str)> = states.clone();
        texts.extend(alliances.iter().copied());
        texts.push(relations);
        match load_world(&states, relations, &alliances) {
            Ok(_) => Ok(()),
            Err(e) => assert_located(&e, &texts),
        }
    });
}

fn state_target(rng: &mut Rng, i: u64) {
    world_target("state", rng, i)
}
fn alliance_target(rng: &mut Rng, i: u64) {
    world_target("alliance", rng, i)
}
fn relations_target(rng: &mut Rng, i: u64) {
    world_target("relations", rng, i)
}

fn parameters_target(rng: &mut Rng, i: u64) {
    let (f, t) = embedded::PARAMETERS.expect("bundled parameters");
    let (bf, bt) = embedded::BASE_RATES;
    let rates = rng.below(3) == 0;
    let bytes = mutate(rng, if rates { bt } else { t }, &[t, bt]);
    check("parameters", i, &bytes, |text| {
        let r = if rates {
            parse_base_rates(bf, text).map(|_| ())
        } else {
            parse_params(f, text).map(|p| {
                let _ = p.params();
            })
        };
        match r {
            Ok(()) => Ok(()),
            Err(e) => assert_located(&e, &[(if rates { bf } else { f }, text)]),
        }
    });
}

#[test]
fn mutated_inputs_never_panic_and_every_error_is_located() {
    let targets: [Target; 6] = [
        ("scenario", scenario_target),
        ("case", case_target),
        ("state", state_target),
        ("alliance", alliance_target),
        ("relations", relations_target),
        ("parameters", parameters_target),
    ];
    let per_target = budget() / targets.len() as u32;
    let mut rng = Rng(seed());
    for (name, run) in targets {
        let start = Instant::now();
        let mut i = 0u64;
        while start.elapsed() < per_target || i < 5 {
            run(&mut rng, i);
            i += 1;
        }
        eprintln!(
            "fuzz {name}: {i} inputs in {:.1} s",
            start.elapsed().as_secs_f64()
        );
    }
}
