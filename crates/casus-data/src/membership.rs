//! The membership history (`data/membership-history.toml`): parsing, and the
//! check that it agrees with the alliances' own membership records — the
//! history says when and what members decided, the alliance files when
//! membership began and ended, and neither may contradict the other.

use crate::error::{LoadError, Reporter, doc};
use casus_model::membership::History;
use casus_model::scenario::World;

/// Exits take effect within this many days of the decision (the Rio Treaty's
/// two years, with a margin for approximate days).
const LONGEST_NOTICE_DAYS: i64 = 3 * 366;

/// Parse a membership history and check it against `world`'s alliances.
pub fn parse_history(file: &str, text: &str, world: &World) -> Result<History, LoadError> {
    let mut rep = Reporter::new(file, text).with_doc(doc::MEMBERSHIP_HISTORY);
    let h: History = match toml::from_str(text) {
        Ok(h) => h,
        Err(e) => {
            rep.toml(&e);
            return Err(LoadError(rep.problems));
        }
    };
    let starts: Vec<usize> = text.match_indices("[[events]]").map(|(i, _)| i).collect();
    let at = |i: usize| starts.get(i).copied().unwrap_or(0);
    for (i, e) in h.events.iter().enumerate() {
        let Some(a) = world.alliances.get(&e.alliance) else {
            rep.at(
                at(i)..at(i),
                format!("unknown alliance `{}`", e.alliance),
                Some(format!(
                    "known: {}",
                    world
                        .alliances
                        .keys()
                        .cloned()
                        .collect::<Vec<_>>()
                        .join(", ")
                )),
            );
            continue;
        };
        if e.kind == casus_model::membership::HistoryKind::Dissolution {
            if e.state != e.alliance {
                rep.at(
                    at(i)..at(i),
                    format!(
                        "a dissolution's `state` is the alliance's id, `{}`",
                        e.alliance
                    ),
                    None,
                );
            }
            continue;
        }
        if !a.members.iter().any(|m| m.state == e.state) {
            rep.at(
                at(i)..at(i),
                format!("{} was never a member of {}", e.state, e.alliance),
                Some(format!(
                    "add its membership to data/alliances/ ({})",
                    e.alliance
                )),
            );
            continue;
        }
        if e.kind.exits() && !e.undone {
            let effect = a.members.iter().filter(|m| m.state == e.state).any(|m| {
                m.left.is_some_and(|l| {
                    let d = l.days_since_epoch() - e.date.days_since_epoch();
                    (0..=LONGEST_NOTICE_DAYS).contains(&d)
                })
            });
            if !effect {
                rep.at(
                    at(i)..at(i),
                    format!(
                        "{}'s exit from {} decided on {} has no `left` date within three years in the alliance's file",
                        e.state, e.alliance, e.date
                    ),
                    Some("enter the date the exit took effect as `left` in data/alliances/, or mark the decision `undone = true`".into()),
                );
            }
        }
    }
    // Every exit the alliance files record before the alliance ended has its decision here.
    for (id, a) in &world.alliances {
        let end = h.dissolution(id);
        for m in &a.members {
            let Some(left) = m.left else { continue };
            if end.is_some_and(|d| left >= d) || left > h.observed_until {
                continue;
            }
            let explained = h.events.iter().any(|e| {
                e.alliance == *id
                    && e.state == m.state
                    && (e.kind.exits()
                        || e.kind == casus_model::membership::HistoryKind::StateEnded)
                    && !e.undone
                    && (0..=LONGEST_NOTICE_DAYS)
                        .contains(&(left.days_since_epoch() - e.date.days_since_epoch()))
            });
            if !explained {
                rep.at(
                    0..0,
                    format!(
                        "{} left {id} on {left} (data/alliances/), but the history records no decision to leave, and no end of the state, before it",
                        m.state
                    ),
                    Some("add a dated, sourced `notice`, `refusal_to_renew` or `state_ended` entry".into()),
                );
            }
        }
    }
    rep.finish(h)
}

/// The bundled membership history, checked against `world`.
pub fn bundled_history(world: &World) -> Result<History, LoadError> {
    let (f, t) = crate::embedded::MEMBERSHIP_HISTORY;
    parse_history(f, t, world)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bundled_history_agrees_with_the_alliance_files() {
        let world = crate::bundled_world().unwrap();
        let h = bundled_history(&world).unwrap();
        assert!(h.events.len() > 30);
        assert!(h.events.iter().all(|e| !e.source.trim().is_empty()));
    }

    #[test]
    fn an_exit_the_alliance_files_do_not_record_is_refused_with_its_place() {
        let world = crate::bundled_world().unwrap();
        let text = "format = 1\nobserved_until = 2025-12-31\n\n[[events]]\nalliance = \"NATO\"\nstate = \"FRA\"\nkind = \"notice\"\ndate = 1966-03-07\nsource = \"x\"\n";
        let err = parse_history("h.toml", text, &world).unwrap_err();
        let p = &err.0[0];
        assert_eq!(p.line, 4, "{p:?}");
        assert!(p.message.contains("no `left` date"), "{}", p.message);
    }

    #[test]
    fn an_exit_in_the_alliance_files_without_its_decision_is_refused() {
        let world = crate::bundled_world().unwrap();
        let (_, t) = crate::embedded::MEMBERSHIP_HISTORY;
        let without_mexico = t.replace(
            "state = \"MEX\"\nkind = \"notice\"",
            "state = \"MEX\"\nkind = \"freeze\"",
        );
        let err = parse_history("h.toml", &without_mexico, &world).unwrap_err();
        assert!(
            err.0.iter().any(|p| p.message.contains("MEX left TIAR")),
            "{err:?}"
        );
    }
}
