//! Non-state parties as data: the armed groups (insurgencies, terrorist
//! organisations, militias) that attack or threaten states in the cases, with
//! their kind and sources, shipped as `data/non-state.toml`. A scenario's
//! `aggressor_non_state` / `from_non_state` may name one by id or name; any
//! other text stays a free-text description, so the bundled cases keep loading.

use crate::embedded;
use crate::error::{LoadError, Reporter};
use serde::Deserialize;

/// What kind of armed group it is, as its sources call it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NonStateKind {
    Insurgency,
    TerroristOrganisation,
    Militia,
}

/// One non-state party.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NonState {
    pub id: String,
    pub name: String,
    #[serde(default)]
    pub aliases: Vec<String>,
    pub kind: NonStateKind,
    #[serde(default)]
    pub active_from: Option<i32>,
    #[serde(default)]
    pub until: Option<i32>,
    pub sources: Vec<String>,
    #[serde(default)]
    pub note: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NonStateFile {
    non_state: Vec<NonState>,
}

/// Parse a registry file (the bundled one, or a user's `DIR/non-state.toml`).
pub fn parse_non_state(file: &str, text: &str) -> Result<Vec<NonState>, LoadError> {
    let mut r = Reporter::new(file, text);
    match toml::from_str::<NonStateFile>(text) {
        Ok(f) => {
            for (i, a) in f.non_state.iter().enumerate() {
                let earlier = f.non_state[..i].iter().filter(|b| b.id == a.id).count();
                if earlier > 0 {
                    // The later definition: the `earlier`-th repetition of its id line.
                    let at = text
                        .match_indices(&format!("id = \"{}\"", a.id))
                        .nth(earlier)
                        .map_or(0, |(at, _)| at);
                    r.at(
                        at..at,
                        format!("non-state party {} is defined twice", a.id),
                        Some("keep one entry per id".into()),
                    );
                }
            }
            r.finish(f.non_state)
        }
        Err(e) => {
            r.toml(&e);
            Err(LoadError(r.problems))
        }
    }
}

/// The bundled registry.
pub fn bundled_non_state() -> Result<Vec<NonState>, LoadError> {
    let (file, text) = embedded::NON_STATE;
    parse_non_state(file, text)
}

/// The registered party a scenario's free text refers to: its id, its name, an
/// alias, or its name followed by a qualification ("Taliban (offensive in ...)").
pub fn resolve<'a>(registry: &'a [NonState], text: &str) -> Option<&'a NonState> {
    let t = text.trim();
    registry.iter().find(|p| {
        std::iter::once(&p.id)
            .chain(std::iter::once(&p.name))
            .chain(&p.aliases)
            .any(|n| {
                t.eq_ignore_ascii_case(n)
                    || t.strip_prefix(n.as_str())
                        .is_some_and(|rest| rest.starts_with(" ("))
            })
    })
}
