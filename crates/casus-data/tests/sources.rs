//! Sources resolve inside the repository: every source tag used in a data file
//! (`data/**/*.toml`) or in the README — `[S150]`, `[S143, S144]`, `[FB-TJ]`,
//! `[SIPRI25]`, or a bare `S147` in a `sources = [...]` list — has an entry in
//! `data/sources.toml`.

use casus_data::sources::bundled_sources;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn toml_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            toml_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "toml") {
            out.push(p);
        }
    }
}

/// A bare S-tag: `S` and one to three digits, optionally a lower-case letter (`S216b`).
fn is_s_tag(t: &str) -> bool {
    let Some(rest) = t.strip_prefix('S') else {
        return false;
    };
    let digits = rest.trim_end_matches(|c: char| c.is_ascii_lowercase());
    (1..=3).contains(&digits.len())
        && digits.chars().all(|c| c.is_ascii_digit())
        && rest.len() - digits.len() <= 1
}

/// A bracketed tag: an S-tag, or upper-case letters, digits and hyphens with at least
/// one digit or hyphen (`FB-TJ`, `SIPRI25`, `NATO-EU`); `[CSTO]` (an editor's insertion
/// in a quotation) and `[Sn]` (the notation itself) are not tags.
fn is_bracket_tag(t: &str) -> bool {
    is_s_tag(t)
        || t == "FB"
        || (t.len() >= 2
            && t.starts_with(|c: char| c.is_ascii_uppercase())
            && t.chars()
                .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '-')
            && t.chars().any(|c| c.is_ascii_digit() || c == '-'))
}

fn tags_in(text: &str) -> BTreeSet<String> {
    let mut tags = BTreeSet::new();
    // Bare S-tags anywhere, bounded by non-alphanumerics.
    for tok in text.split(|c: char| !c.is_ascii_alphanumeric()) {
        if is_s_tag(tok) {
            tags.insert(tok.to_string());
        }
    }
    // Bracketed lists whose every item is a tag.
    let mut rest = text;
    while let Some(open) = rest.find('[') {
        rest = &rest[open + 1..];
        let Some(close) = rest.find(']') else { break };
        let inner = &rest[..close];
        // A range `S58-S62` stands for every tag in it.
        let mut items: Vec<String> = Vec::new();
        for item in inner.split([',', ';', ' ']).filter(|s| !s.is_empty()) {
            match item.split_once("-S").map(|(a, b)| (a.strip_prefix('S'), b)) {
                Some((Some(a), b)) if is_s_tag(&format!("S{a}")) && is_s_tag(&format!("S{b}")) => {
                    let (a, b): (u32, u32) = (a.parse().unwrap(), b.parse().unwrap());
                    items.extend((a..=b).map(|n| format!("S{n}")));
                }
                _ => items.push(item.to_string()),
            }
        }
        if !items.is_empty() && items.len() <= 12 && items.iter().all(|t| is_bracket_tag(t)) {
            tags.extend(items);
        }
    }
    tags
}

#[test]
fn the_tag_grammar_reads_the_forms_the_data_use() {
    let t = tags_in(
        r#"x [S143, S144] y S147 "S150" [FB-TJ] [SIPRI25] [CSTO] [Sn] [[relations]] S216b [S58-S60]"#,
    );
    let want: BTreeSet<String> = [
        "S143", "S144", "S147", "S150", "FB-TJ", "SIPRI25", "S216b", "S58", "S59", "S60",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    assert_eq!(t, want);
}

#[test]
fn every_source_tag_in_data_and_the_readme_resolves() {
    let sources = bundled_sources().unwrap();
    let known: BTreeSet<&str> = sources.iter().map(|s| s.tag.as_str()).collect();
    assert_eq!(known.len(), sources.len(), "a tag is defined twice");
    let mut files = Vec::new();
    toml_files(&root().join("data"), &mut files);
    files.push(root().join("README.md"));
    files.sort();
    let mut missing = Vec::new();
    let mut used = 0;
    for f in &files {
        if f.ends_with("sources.toml") {
            continue;
        }
        let text = std::fs::read_to_string(f).unwrap();
        for tag in tags_in(&text) {
            used += 1;
            if !known.contains(tag.as_str()) {
                missing.push(format!("{}: [{tag}]", f.display()));
            }
        }
    }
    assert!(used > 100, "only {used} tags found: the scan is broken");
    assert!(
        missing.is_empty(),
        "tags without an entry in data/sources.toml:\n{}",
        missing.join("\n")
    );
}

#[test]
fn every_source_says_where_to_find_it() {
    for s in bundled_sources().unwrap() {
        assert!(!s.title.trim().is_empty(), "{}", s.tag);
        assert!(
            s.url.is_some() || s.archive.is_some() || s.note.is_some(),
            "{} has no URL, archive or note",
            s.tag
        );
    }
}
