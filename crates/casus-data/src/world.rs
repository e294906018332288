//! Loading the reference world: states, relations and alliances from TOML, then
//! cross-checks (every code known, every provision well-formed, no two versions
//! of an article in force at once).

use crate::error::{LoadError, Problem, Reporter};
use casus_model::alliance::Alliance;
use casus_model::scenario::World;
use casus_model::state::{Relation, State};
use casus_model::treaty::check_provisions;
use serde::Deserialize;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RelationsFile {
    #[serde(default)]
    relations: Vec<toml::Spanned<Relation>>,
}

fn parse<T: for<'de> Deserialize<'de>>(file: &str, text: &str) -> Result<T, LoadError> {
    let mut r = Reporter::new(file, text);
    match toml::from_str::<T>(text) {
        Ok(v) => r.finish(v),
        Err(e) => {
            r.toml(&e);
            Err(LoadError(r.problems))
        }
    }
}

/// Build a world from named TOML texts (file name, contents).
pub fn load_world(
    states: &[(&str, &str)],
    relations: (&str, &str),
    alliances: &[(&str, &str)],
) -> Result<World, LoadError> {
    load_world_from(states, &[relations], alliances)
}

/// Build a world from named TOML texts, with any number of relations files (the
/// bundled one and a user's, see [`crate::overlay`]); their relations are concatenated.
pub fn load_world_from(
    states: &[(&str, &str)],
    relations: &[(&str, &str)],
    alliances: &[(&str, &str)],
) -> Result<World, LoadError> {
    let mut problems: Vec<Problem> = Vec::new();
    let mut world = World::default();
    for (file, text) in states {
        match parse::<State>(file, text) {
            Ok(s) => {
                if world.states.contains_key(&s.code) {
                    problems.push(Problem {
                        file: file.to_string(),
                        line: 1,
                        column: 1,
                        message: format!("state {} is defined twice", s.code),
                        help: Some("keep one file per state".into()),
                    });
                }
                world.states.insert(s.code.clone(), s);
            }
            Err(e) => problems.extend(e.0),
        }
    }
    // Each relation remembers the file it came from, for located cross-check errors.
    let mut spans = Vec::new();
    for (i, (rfile, rtext)) in relations.iter().enumerate() {
        match parse::<RelationsFile>(rfile, rtext) {
            Ok(rf) => {
                for r in rf.relations {
                    spans.push((i, r.span()));
                    world.relations.push(r.into_inner());
                }
            }
            Err(e) => problems.extend(e.0),
        }
    }
    let mut alliance_files = Vec::new();
    for (file, text) in alliances {
        match parse::<Alliance>(file, text) {
            Ok(a) => {
                alliance_files.push((a.id.clone(), *file, *text));
                world.alliances.insert(a.id.clone(), a);
            }
            Err(e) => problems.extend(e.0),
        }
    }
    // Cross-checks.
    for (r, (i, span)) in world.relations.iter().zip(&spans) {
        let (rfile, rtext) = relations[*i];
        let mut rep = Reporter::new(rfile, rtext);
        for p in &r.parties {
            if !world.states.contains_key(p) {
                rep.at(
                    span.clone(),
                    format!("relation `{}` names unknown state {p}", r.name),
                    Some(known_states(&world)),
                );
            }
        }
        problems.extend(rep.problems);
    }
    for (id, file, text) in alliance_files {
        let a = &world.alliances[&id];
        let mut rep = Reporter::new(file, text);
        let unknown = |rep: &mut Reporter, code: &str, what: &str| {
            if !world.states.contains_key(code) {
                let at = text.find(&format!("\"{code}\"")).unwrap_or(0);
                rep.at(
                    at..at,
                    format!("{what} names unknown state {code}"),
                    Some(known_states(&world)),
                );
            }
        };
        // Members need not all have state data (NATO's 32 are listed for the
        // schema's sake; the model reads figures only for the states it has), but
        // their codes must be well-formed ISO 3166-1 alpha-3.
        for m in &a.members {
            if m.state.len() != 3 || !m.state.chars().all(|c| c.is_ascii_uppercase()) {
                let at = text.find(&format!("\"{}\"", m.state)).unwrap_or(0);
                rep.at(
                    at..at,
                    format!(
                        "membership names `{}`, which is not an ISO 3166-1 alpha-3 code",
                        m.state
                    ),
                    None,
                );
            }
        }
        for c in &a.chairs {
            unknown(&mut rep, &c.state, "chair");
        }
        if let Some(l) = &a.leading_power {
            unknown(&mut rep, l, "leading_power");
        }
        for f in &a.forces {
            for c in &f.contingents {
                unknown(&mut rep, &c.state, "force contingent");
            }
        }
        if a.organ(&a.deciding_organ).is_none() {
            rep.at(
                0..0,
                format!(
                    "deciding_organ {} is not among the organs",
                    a.deciding_organ
                ),
                None,
            );
        }
        for msg in check_provisions(a) {
            rep.at(
                0..0,
                msg,
                Some("fix the provisions table of this alliance".into()),
            );
        }
        problems.extend(rep.problems);
    }
    if problems.is_empty() {
        Ok(world)
    } else {
        Err(LoadError(problems))
    }
}

pub(crate) fn known_states(world: &World) -> String {
    let codes: Vec<&str> = world.states.keys().map(String::as_str).collect();
    format!("known state codes: {}", codes.join(", "))
}
