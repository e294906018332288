//! The episodes held back for scoring the model out of sample.
//!
//! The project's rule (docs/case-format.md, "Which episodes are cases"): every
//! NATO episode, every ANZUS episode and every Rio Treaty (TIAR) invocation
//! from 1982 on is reserved. Whoever holds them scores the shipped parameters
//! on them; nothing the bundled library or a bundled fit reads may include
//! them. The alliances themselves load, so such an episode can be written as
//! a scenario. The rule is written here once and read by the case library's
//! test and by the membership fit.

use casus_model::date::Date;

/// Alliances all of whose episodes are reserved.
pub const ALLIANCES: [&str; 2] = ["NATO", "ANZUS"];

/// The Rio Treaty's invocations are reserved from this year on (the
/// Falklands/Malvinas invocation of April 1982 is the first).
pub const TIAR_FROM_YEAR: i32 = 1982;

/// Whether an episode of `alliance` beginning on `date` is reserved.
pub fn episode(alliance: &str, date: Date) -> bool {
    ALLIANCES.contains(&alliance) || (alliance == "TIAR" && date.year >= TIAR_FROM_YEAR)
}

/// Whether an alliance's member-years are reserved from the membership fit.
///
/// A member-year is no crisis episode, but a NATO or ANZUS year carries what
/// the reserved alliance's members did (stayed, froze, left); the fit must not
/// see it, so the backtest scores those years with the fit on the others.
/// The Rio Treaty's member-years stay in: its withdrawals (Mexico 2002, the
/// ALBA states 2012) are not invocations.
pub fn member_years(alliance: &str) -> bool {
    ALLIANCES.contains(&alliance)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32) -> Date {
        Date::new(y, 4, 2).unwrap()
    }

    #[test]
    fn every_nato_and_anzus_episode_and_the_rio_invocations_from_1982_are_reserved() {
        assert!(episode("NATO", d(1950)));
        assert!(episode("ANZUS", d(2026)));
        assert!(episode("TIAR", d(1982)));
        assert!(!episode("TIAR", d(1981)));
        assert!(!episode("CSTO", d(2022)));
    }

    #[test]
    fn no_bundled_case_is_a_reserved_episode() {
        let world = crate::bundled_world().unwrap();
        for c in crate::cases::bundled_cases(&world).unwrap() {
            let first = c.scenario.events.iter().map(|e| e.date).min().unwrap();
            assert!(
                !episode(&c.scenario.alliance, first),
                "{} ({} {first}) is reserved for out-of-sample scoring",
                c.id,
                c.scenario.alliance
            );
        }
    }

    #[test]
    fn the_membership_fit_leaves_out_nato_and_anzus_but_not_the_rio_treaty() {
        assert!(member_years("NATO") && member_years("ANZUS"));
        assert!(!member_years("TIAR") && !member_years("CSTO"));
    }
}
