//! Loading the reference world: states, relations and alliances from TOML, then
//! cross-checks (every code known, every provision well-formed, no two versions
//! of an article in force at once).

use crate::check::{self, Locator, Seg};
use crate::error::{LoadError, Problem, Reporter, doc};
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

/// Parse a file into `T`, then check the meaning of what parsed with `check`
/// (numbers finite and in range, no self-reference), locating each problem.
fn parse<T: for<'de> Deserialize<'de>>(
    file: &str,
    text: &str,
    doc: &'static str,
    check: impl Fn(&mut Reporter, &Locator, &T),
) -> Result<T, LoadError> {
    let mut r = Reporter::new(file, text).with_doc(doc);
    match toml::from_str::<T>(text) {
        Ok(v) => {
            let loc = Locator::new(text);
            check::finite_numbers(&mut r, &loc);
            check(&mut r, &loc, &v);
            r.finish(v)
        }
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
        match parse::<State>(file, text, doc::STATE, check::state) {
            Ok(s) => {
                if world.states.contains_key(&s.code) {
                    let mut rep = Reporter::new(file, text).with_doc(doc::STATE);
                    rep.at(
                        Locator::new(text).span(&[Seg::Key("code")]),
                        format!("state {} is defined twice", s.code),
                        Some("keep one file per state".into()),
                    );
                    problems.extend(rep.problems);
                }
                world.states.insert(s.code.clone(), s);
            }
            Err(e) => problems.extend(e.0),
        }
    }
    // Each relation remembers the file it came from, for located cross-check errors.
    let mut spans = Vec::new();
    let relations_check = |rep: &mut Reporter, loc: &Locator, rf: &RelationsFile| {
        for (i, r) in rf.relations.iter().enumerate() {
            check::relation(
                rep,
                loc,
                &[Seg::Key("relations"), Seg::Index(i)],
                r.get_ref(),
            );
        }
    };
    for (i, (rfile, rtext)) in relations.iter().enumerate() {
        match parse::<RelationsFile>(rfile, rtext, doc::RELATIONS, relations_check) {
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
        match parse::<Alliance>(file, text, doc::ALLIANCE, check::alliance) {
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
    let alliance_ids: Vec<String> = world.alliances.keys().cloned().collect();
    for (id, file, text) in alliance_files {
        let a = &world.alliances[&id];
        let mut rep = Reporter::new(file, text);
        // Every state an alliance names must be a well-formed ISO 3166-1 alpha-3
        // code, but it need not have a state file: NATO's 32 members, the Warsaw
        // Pact's USSR or the Peninsula Shield's contingents are listed for the
        // schema's sake, and the model reads figures only for the states it has
        // (a scenario naming a state still needs its file).
        let well_formed = |rep: &mut Reporter, code: &str, what: &str| {
            if code.len() != 3 || !code.chars().all(|c| c.is_ascii_uppercase()) {
                let at = text.find(&format!("\"{code}\"")).unwrap_or(0);
                rep.at(
                    at..at,
                    format!("{what} names `{code}`, which is not an ISO 3166-1 alpha-3 code"),
                    Some(known_states(&world)),
                );
            }
        };
        for m in &a.members {
            well_formed(&mut rep, &m.state, "membership");
            for s in &m.obligations_suspended_by {
                well_formed(&mut rep, &s.by, "a bilateral suspension");
            }
        }
        for c in &a.chairs {
            well_formed(&mut rep, &c.state, "chair");
        }
        if let Some(l) = &a.leading_power {
            well_formed(&mut rep, l, "leading_power");
        }
        for f in &a.forces {
            for c in &f.contingents {
                well_formed(&mut rep, &c.state, "force contingent");
            }
        }
        for (i, d) in a.designated.iter().enumerate() {
            well_formed(&mut rep, &d.state, "designation");
            // The designation's entry (its `provisions` key may be spelt `provision`).
            let at = Locator::new(text).span(&[Seg::Key("designated"), Seg::Index(i)]);
            if d.provisions.is_empty() {
                rep.at(
                    at.clone(),
                    format!("designation of {} names no provision", d.state),
                    Some("list the provisions whose protection extends to it, e.g. `provisions = [\"SEATO-IV.1\"]`".into()),
                );
            }
            for p in d.provisions.iter().filter(|p| a.provision(p).is_none()) {
                rep.at(
                    at.clone(),
                    format!("designation of {} names unknown provision {p}", d.state),
                    Some("name a provision id of this alliance's file".into()),
                );
            }
        }
        for o in &a.organs {
            for ab in &o.absent {
                well_formed(&mut rep, &ab.state, "organ absence");
            }
        }
        for r in &a.rivals {
            if !alliance_ids.contains(r) || *r == a.id {
                rep.at(
                    0..0,
                    format!("rivals names {r}, which is not another bundled alliance"),
                    Some(format!("known alliances: {}", alliance_ids.join(", "))),
                );
            }
        }
        for id in &a.other_deciding_organs {
            if a.organ(id).is_none() {
                rep.at(
                    0..0,
                    format!("other_deciding_organs names {id}, which is not among the organs"),
                    None,
                );
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
