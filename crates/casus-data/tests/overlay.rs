//! The open world: a user's directory of states, relations and alliances layered
//! over the bundled data. A user state can be used in a scenario, a user file of the
//! same code or id replaces the bundled one (and says so), and a bad figure in a
//! user file is reported at its file, line and column, like any bundled file.

use casus_data::{bundled_world, embedded, load_overlay, parse_scenario, world_with_overlay};
use std::path::{Path, PathBuf};

/// A fresh world directory for one test, with the given files (relative path, text).
fn world_dir(name: &str, files: &[(&str, &str)]) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("casus-overlay-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    for (rel, text) in files {
        let p = dir.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

const RURITANIA: &str = r#"code = "XRU"
name = "Ruritania"
region = "eastern_europe"

[[defence_spending_usd]]
year = 2020
value = 1.5e9
source = "user figure for a test"
"#;

fn scenario_with_aggressor(code: &str) -> String {
    format!(
        r#"format = 1
id = "ruritania-2022"
title = "A user-defined state attacks Armenia"
description = "test"
alliance = "CSTO"
seed = 1
sources = ["test"]

[[events]]
id = "attack"
date = 2022-09-13
kind = "external_aggression"
aggressor = "{code}"
target = "ARM"
territory_of = "ARM"
reach = "regional"
casualties = 10
title = "attack"
source = "test"
"#
    )
}

#[test]
fn a_user_defined_state_can_be_the_aggressor_of_a_scenario() {
    let text = scenario_with_aggressor("XRU");
    // Unknown to the bundled world ...
    let bundled = bundled_world().unwrap();
    let err = parse_scenario("ruritania.toml", &text, &bundled).unwrap_err();
    assert!(err.to_string().contains("XRU"), "{err}");
    // ... known once the user's world directory is layered over it.
    let dir = world_dir("aggressor", &[("states/XRU.toml", RURITANIA)]);
    let world = world_with_overlay(&dir).unwrap();
    assert_eq!(world.states["XRU"].name, "Ruritania");
    assert_eq!(
        world.states["XRU"].defence_spending_usd.value_at(2022),
        Some(1.5e9)
    );
    assert_eq!(world.states.len(), bundled.states.len() + 1);
    let sc = parse_scenario("ruritania.toml", &text, &world).unwrap();
    assert_eq!(sc.id, "ruritania-2022");
}

#[test]
fn a_bad_figure_in_a_user_file_gets_file_line_and_column() {
    let bad = RURITANIA.replace("value = 1.5e9", "value = \"lots\"");
    let dir = world_dir("badfigure", &[("states/XRU.toml", &bad)]);
    let err = world_with_overlay(&dir).unwrap_err();
    let file = dir.join("states/XRU.toml").display().to_string();
    let p = &err.0[0];
    assert_eq!(p.file, file);
    assert_eq!((p.line, p.column), (7, 9), "{err}");
    assert!(
        err.to_string().starts_with(&format!("{file}:7:9: error:")),
        "{err}"
    );
}

#[test]
fn a_user_state_with_a_bundled_code_replaces_it_and_says_so() {
    let gbr = r#"code = "GBR"
name = "United Kingdom (user data)"
region = "western_europe"
"#;
    let dir = world_dir("replace", &[("states/GBR.toml", gbr)]);
    let o = load_overlay(&dir).unwrap();
    assert_eq!(o.world.states["GBR"].name, "United Kingdom (user data)");
    assert!(o.world.states["GBR"].defence_spending_usd.is_empty());
    assert_eq!(o.notes.len(), 1);
    assert!(o.notes[0].starts_with("state GBR: "), "{:?}", o.notes);
    assert!(o.notes[0].ends_with("replaces data/states/GBR.toml"));
    assert_eq!(o.world.states.len(), bundled_world().unwrap().states.len());
}

#[test]
fn user_alliances_are_added_or_replace_the_bundled_one_of_the_same_id() {
    let (_, nato) = embedded::ALLIANCES
        .iter()
        .find(|(f, _)| f.ends_with("nato.toml"))
        .unwrap();
    let copy = nato.replacen("id = \"NATO\"", "id = \"NATO-COPY\"", 1);
    let dir = world_dir("alliances", &[("alliances/copy.toml", &copy)]);
    let o = load_overlay(&dir).unwrap();
    assert!(o.world.alliances.contains_key("NATO"));
    assert!(o.world.alliances.contains_key("NATO-COPY"));
    assert!(o.notes.is_empty());

    let renamed = nato.replacen(
        "name = \"North Atlantic Treaty Organization\"",
        "name = \"NATO (user)\"",
        1,
    );
    assert_ne!(
        &renamed, nato,
        "the bundled NATO file names the organisation"
    );
    let dir = world_dir("replace-alliance", &[("alliances/nato.toml", &renamed)]);
    let o = load_overlay(&dir).unwrap();
    assert_eq!(o.world.alliances["NATO"].name, "NATO (user)");
    assert_eq!(o.notes.len(), 1);
    assert!(o.notes[0].starts_with("alliance NATO: "), "{:?}", o.notes);
}

#[test]
fn user_relations_are_added_and_checked_in_the_users_file() {
    let rel = r#"[[relations]]
kind = "dispute"
parties = ["XRU", "ARM"]
name = "Ruritanian claim"
from = 2020-01-01
source = "test"

[[relations]]
kind = "dispute"
parties = ["XRU", "QQQ"]
name = "claim on a state nobody defined"
from = 2020-01-01
source = "test"
"#;
    let dir = world_dir(
        "relations",
        &[("states/XRU.toml", RURITANIA), ("relations.toml", rel)],
    );
    let err = world_with_overlay(&dir).unwrap_err();
    assert_eq!(err.0.len(), 1, "{err}");
    assert_eq!(
        err.0[0].file,
        dir.join("relations.toml").display().to_string()
    );
    assert_eq!(err.0[0].line, 8, "{err}");
    assert!(err.0[0].message.contains("QQQ"));

    let ok = rel.split("\n\n").next().unwrap();
    let dir = world_dir(
        "relations-ok",
        &[("states/XRU.toml", RURITANIA), ("relations.toml", ok)],
    );
    let world = world_with_overlay(&dir).unwrap();
    let bundled = bundled_world().unwrap();
    assert_eq!(world.relations.len(), bundled.relations.len() + 1);
    assert!(world.relations.iter().any(|r| r.between("ARM", "XRU")));
}

#[test]
fn an_empty_world_directory_is_the_bundled_world_and_a_missing_one_is_an_error() {
    let dir = world_dir("empty", &[]);
    let w = world_with_overlay(&dir).unwrap();
    assert_eq!(w, bundled_world().unwrap());
    let missing = Path::new("/nonexistent/casus-world");
    let err = world_with_overlay(missing).unwrap_err();
    assert!(
        err.to_string()
            .starts_with("/nonexistent/casus-world:1:1: error:")
    );
}

/// The replacement rule relies on it: a bundled state file is named by its code.
#[test]
fn every_bundled_state_file_is_named_by_its_code() {
    for (file, text) in embedded::STATES {
        let stem = file.rsplit('/').next().unwrap().trim_end_matches(".toml");
        assert!(
            text.contains(&format!("code = \"{stem}\"")),
            "{file} does not define code {stem}"
        );
    }
}

#[test]
fn user_non_state_parties_are_added_to_the_registry() {
    let ns = "[[non_state]]\nid = \"RPF\"\nname = \"Ruritanian People's Front\"\nkind = \"militia\"\nsources = [\"user source\"]\n";
    let dir = world_dir("non-state", &[("non-state.toml", ns)]);
    let o = load_overlay(&dir).unwrap();
    let bundled = casus_data::non_state::bundled_non_state().unwrap();
    assert_eq!(o.non_state.len(), bundled.len() + 1);
    assert!(casus_data::non_state::resolve(&o.non_state, "RPF").is_some());
    let bad = ns.replace("militia", "gang");
    let dir = world_dir("non-state-bad", &[("non-state.toml", &bad)]);
    let err = load_overlay(&dir).unwrap_err();
    assert_eq!(
        err.0[0].file,
        dir.join("non-state.toml").display().to_string()
    );
    assert_eq!(err.0[0].line, 4, "{err}");
}
