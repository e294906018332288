//! Entrapment and the sanction risk read the adversary's backers: its partners
//! and treaty allies on the date (`Facts::backers`). A war with a state is a
//! war with those who stand behind it (Snyder 1984).

mod common;

/// Entrapment of `alliance`'s members by `adversary` on `date`, and whether
/// helping `requester` against it risks outside sanctions.
fn entrapment(alliance: &str, adversary: &str, requester: &str, date: &str) -> (f64, f64) {
    common::with_facts(alliance, date, |f, _| {
        (
            f.entrapment(adversary),
            f.sanction_risk(requester, Some(adversary)),
        )
    })
}

#[test]
fn ukraine_is_read_with_its_partner_from_the_2008_charter_on() {
    // Before the US-Ukraine Charter on Strategic Partnership (19 Dec 2008)
    // Ukraine stands alone against Russia's allies; after it, with the United
    // States, and entrapment is at its cap.
    let (before, _) = entrapment("CSTO", "UKR", "RUS", "2008-06-01");
    let (after, _) = entrapment("CSTO", "UKR", "RUS", "2022-02-25");
    assert!(before < 0.5, "{before}");
    assert_eq!(after, 2.0);
}

#[test]
fn a_partnership_counts_only_while_it_is_in_force() {
    // India's treaty with the Soviet Union was signed on 9 Aug 1971: the 1965
    // war saw India without it, the 1971 war with it.
    let (y1965, risk1965) = entrapment("CENTO", "IND", "PAK", "1965-09-01");
    let (y1971, risk1971) = entrapment("CENTO", "IND", "PAK", "1971-12-03");
    assert!(y1971 > y1965, "{y1971} vs {y1965}");
    // The sanction risk reads the same backers: the Soviet Union, a member of
    // CENTO's rival the Warsaw Pact, stands behind India from 1971 only.
    assert_eq!((risk1965, risk1971), (0.0, 1.0));
}
