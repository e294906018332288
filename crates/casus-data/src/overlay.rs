//! The open world: a user's own states, relations and alliances, read from a
//! directory and layered over the bundled data.
//!
//! A world directory may hold any of
//!
//! ```text
//! DIR/states/*.toml      one state per file, same format as data/states/
//! DIR/relations.toml     [[relations]], same format as data/relations.toml
//! DIR/alliances/*.toml   one alliance per file, same format as data/alliances/
//! DIR/non-state.toml     [[non_state]], same format as data/non-state.toml
//! ```
//!
//! A user state with the code of a bundled state replaces it, a user alliance with
//! the id of a bundled alliance replaces it (each replacement is reported as a
//! note, so `casus list` can say so); anything else is added. User relations are
//! added to the bundled ones (a relation has no identity to replace by). The merged
//! texts go through the same loader as the bundled data, so a bad figure in a user
//! file gets the same located error, naming the user's file, line and column.

use crate::error::{LoadError, Problem};
use crate::non_state::{NonState, bundled_non_state, parse_non_state};
use crate::world::load_world_from;
use crate::{embedded, stem};
use casus_model::scenario::World;
use serde::Deserialize;
use std::path::{Path, PathBuf};

/// A world with a user overlay, and what the overlay replaced.
#[derive(Clone, Debug)]
pub struct Overlaid {
    pub world: World,
    /// One line per bundled item the overlay replaced, e.g.
    /// "state GBR: ./w/states/GBR.toml replaces data/states/GBR.toml".
    pub notes: Vec<String>,
    /// The non-state parties: the bundled registry, with the user's entries added
    /// (a user entry with a bundled id replaces it, with a note).
    pub non_state: Vec<NonState>,
}

/// The bundled world with the states, relations and alliances of `dir` layered over it.
pub fn world_with_overlay(dir: &Path) -> Result<World, LoadError> {
    load_overlay(dir).map(|o| o.world)
}

/// As [`world_with_overlay`], also returning the notes on replaced bundled items.
pub fn load_overlay(dir: &Path) -> Result<Overlaid, LoadError> {
    let mut problems = Vec::new();
    if !dir.is_dir() {
        return Err(LoadError(vec![problem(
            dir,
            "world directory not found (or not a directory)",
            "pass a directory holding states/*.toml, relations.toml and/or alliances/*.toml",
        )]));
    }
    let user_states = read_dir_toml(&dir.join("states"), &mut problems);
    let user_alliances = read_dir_toml(&dir.join("alliances"), &mut problems);
    let rel_path = dir.join("relations.toml");
    let user_relations = if rel_path.exists() {
        read(&rel_path, &mut problems).map(|t| (display(&rel_path), t))
    } else {
        None
    };
    let ns_path = dir.join("non-state.toml");
    let user_non_state = if ns_path.exists() {
        read(&ns_path, &mut problems).map(|t| (display(&ns_path), t))
    } else {
        None
    };
    if !problems.is_empty() {
        return Err(LoadError(problems));
    }

    let mut notes = Vec::new();
    // States: a bundled file is data/states/<CODE>.toml (checked by a test), so a user
    // state replaces the bundled file of the same stem's code.
    let user_codes: Vec<Option<String>> = user_states
        .iter()
        .map(|(_, t)| key::<CodeOnly>(t).map(|c| c.code))
        .collect();
    let mut states: Vec<(&str, &str)> = Vec::new();
    for (file, text) in embedded::STATES {
        match user_index(&user_codes, stem(file)) {
            Some(i) => notes.push(format!(
                "state {}: {} replaces {file}",
                stem(file),
                user_states[i].0
            )),
            None => states.push((file, text)),
        }
    }
    states.extend(user_states.iter().map(|(f, t)| (f.as_str(), t.as_str())));

    // Alliances: replaced by id.
    let user_ids: Vec<Option<String>> = user_alliances
        .iter()
        .map(|(_, t)| key::<IdOnly>(t).map(|a| a.id))
        .collect();
    let mut alliances: Vec<(&str, &str)> = Vec::new();
    for (file, text) in embedded::ALLIANCES {
        let id = key::<IdOnly>(text).map(|a| a.id).unwrap_or_default();
        match user_index(&user_ids, &id) {
            Some(i) => notes.push(format!(
                "alliance {id}: {} replaces {file}",
                user_alliances[i].0
            )),
            None => alliances.push((file, text)),
        }
    }
    alliances.extend(user_alliances.iter().map(|(f, t)| (f.as_str(), t.as_str())));

    let mut relations = vec![embedded::RELATIONS];
    if let Some((f, t)) = &user_relations {
        relations.push((f.as_str(), t.as_str()));
    }
    let world = load_world_from(&states, &relations, &alliances);
    let mut non_state = bundled_non_state()?;
    let user_ns = user_non_state
        .as_ref()
        .map(|(f, t)| parse_non_state(f, t))
        .transpose();
    let (world, user_ns) = match (world, user_ns) {
        (Ok(w), Ok(u)) => (w, u.unwrap_or_default()),
        (Err(mut a), Err(b)) => {
            a.0.extend(b.0);
            return Err(a);
        }
        (Err(e), _) | (_, Err(e)) => return Err(e),
    };
    for p in user_ns {
        if let Some(i) = non_state.iter().position(|b| b.id == p.id) {
            notes.push(format!(
                "non-state party {}: {} replaces data/non-state.toml",
                p.id,
                display(&ns_path)
            ));
            non_state[i] = p;
        } else {
            non_state.push(p);
        }
    }
    Ok(Overlaid {
        world,
        notes,
        non_state,
    })
}

/// The last user file (by sorted name) that defines `key`: with two user files for
/// one code the loader reports "defined twice", so which one wins does not matter.
fn user_index(keys: &[Option<String>], key: &str) -> Option<usize> {
    keys.iter().rposition(|k| k.as_deref() == Some(key))
}

#[derive(Deserialize)]
struct CodeOnly {
    code: String,
}

#[derive(Deserialize)]
struct IdOnly {
    id: String,
}

/// The identifying key of a file, if it parses that far; a file that does not is
/// added as it is, and the full loader reports its error with its location.
fn key<T: for<'de> Deserialize<'de>>(text: &str) -> Option<T> {
    toml::from_str::<T>(text).ok()
}

fn display(p: &Path) -> String {
    p.display().to_string()
}

fn problem(path: &Path, message: &str, help: &str) -> Problem {
    Problem {
        file: display(path),
        line: 1,
        column: 1,
        message: message.into(),
        help: Some(help.into()),
    }
}

fn read(path: &Path, problems: &mut Vec<Problem>) -> Option<String> {
    match std::fs::read_to_string(path) {
        Ok(t) => Some(t),
        Err(e) => {
            problems.push(problem(
                path,
                &format!("cannot read: {e}"),
                "check that the file exists, is readable and is UTF-8 text",
            ));
            None
        }
    }
}

/// The `*.toml` files of `dir` (sorted by name), with their texts; none if `dir` is absent.
fn read_dir_toml(dir: &Path, problems: &mut Vec<Problem>) -> Vec<(String, String)> {
    if !dir.exists() {
        return Vec::new();
    }
    let entries = match std::fs::read_dir(dir) {
        Ok(rd) => rd,
        Err(e) => {
            problems.push(problem(
                dir,
                &format!("cannot read directory: {e}"),
                "check the permissions of the world directory",
            ));
            return Vec::new();
        }
    };
    let mut paths: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    paths.sort();
    paths
        .into_iter()
        .filter_map(|p| read(&p, problems).map(|t| (display(&p), t)))
        .collect()
}
