//! Embeds every file of `data/` into the binary, so `casus run kazakhstan-2022`
//! works from any directory. New data files are picked up without code changes.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

fn list(dir: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|rd| rd.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    v.retain(|p| p.extension().is_some_and(|e| e == "toml"));
    v.sort();
    v
}

fn main() {
    let manifest = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").unwrap());
    let data = manifest
        .join("../../data")
        .canonicalize()
        .expect("data/ directory next to crates/");
    println!("cargo:rerun-if-changed={}", data.display());
    let mut out = String::new();
    for (name, sub) in [
        ("STATES", "states"),
        ("ALLIANCES", "alliances"),
        ("SCENARIOS", "scenarios"),
        ("CASES", "cases"),
    ] {
        let dir = data.join(sub);
        println!("cargo:rerun-if-changed={}", dir.display());
        writeln!(out, "pub const {name}: &[(&str, &str)] = &[").unwrap();
        for p in list(&dir) {
            let rel = format!("data/{sub}/{}", p.file_name().unwrap().to_string_lossy());
            writeln!(
                out,
                "    ({rel:?}, include_str!({:?})),",
                p.display().to_string()
            )
            .unwrap();
        }
        writeln!(out, "];").unwrap();
    }
    let rel = data.join("relations.toml");
    println!("cargo:rerun-if-changed={}", rel.display());
    writeln!(
        out,
        "pub const RELATIONS: (&str, &str) = (\"data/relations.toml\", include_str!({:?}));",
        rel.display().to_string()
    )
    .unwrap();
    let rates = data.join("base-rates.toml");
    println!("cargo:rerun-if-changed={}", rates.display());
    writeln!(
        out,
        "pub const BASE_RATES: (&str, &str) = (\"data/base-rates.toml\", include_str!({:?}));",
        rates.display().to_string()
    )
    .unwrap();
    let history = data.join("membership-history.toml");
    println!("cargo:rerun-if-changed={}", history.display());
    writeln!(
        out,
        "pub const MEMBERSHIP_HISTORY: (&str, &str) = (\"data/membership-history.toml\", include_str!({:?}));",
        history.display().to_string()
    )
    .unwrap();
    let priors = data.join("priors.toml");
    println!("cargo:rerun-if-changed={}", priors.display());
    writeln!(
        out,
        "pub const PRIORS: (&str, &str) = (\"data/priors.toml\", include_str!({:?}));",
        priors.display().to_string()
    )
    .unwrap();
    let non_state = data.join("non-state.toml");
    println!("cargo:rerun-if-changed={}", non_state.display());
    writeln!(
        out,
        "pub const NON_STATE: (&str, &str) = (\"data/non-state.toml\", include_str!({:?}));",
        non_state.display().to_string()
    )
    .unwrap();
    let sources = data.join("sources.toml");
    println!("cargo:rerun-if-changed={}", sources.display());
    writeln!(
        out,
        "pub const SOURCES: (&str, &str) = (\"data/sources.toml\", include_str!({:?}));",
        sources.display().to_string()
    )
    .unwrap();
    let params = data.join("parameters.toml");
    println!("cargo:rerun-if-changed={}", params.display());
    if params.exists() {
        writeln!(out, "pub const PARAMETERS: Option<(&str, &str)> = Some((\"data/parameters.toml\", include_str!({:?})));", params.display().to_string()).unwrap();
    } else {
        writeln!(out, "pub const PARAMETERS: Option<(&str, &str)> = None;").unwrap();
    }
    let dest = PathBuf::from(std::env::var("OUT_DIR").unwrap()).join("embedded.rs");
    std::fs::write(dest, out).unwrap();
}
