//! A case is the situation "as it was then": the states' spending is read for the
//! year of the decision, so the cases back to 1999 see the SIPRI figures of their
//! own year, not today's, and the two sides of a war are read from the same year
//! and the same source.

use casus_data::bundled_world;

#[test]
fn batken_1999_sees_the_spending_of_1999() {
    let world = bundled_world().unwrap();
    let rus = &world.states["RUS"].defence_spending_usd;
    let kgz = &world.states["KGZ"].defence_spending_usd;
    // SIPRI, current US$ m: Russia 6,469 (1999), Kyrgyzstan 33.6 (1999).
    assert_eq!(rus.value_at(1999), Some(6469e6));
    assert_eq!(kgz.value_at(1999), Some(33.6e6));
    // A year SIPRI leaves blank takes the latest earlier year.
    let tjk = &world.states["TJK"].defence_spending_usd;
    assert_eq!(tjk.value_at(2006), tjk.value_at(2004));
}

#[test]
fn the_2020_war_compares_armenia_and_azerbaijan_in_2020() {
    let world = bundled_world().unwrap();
    let arm = world.states["ARM"].defence_spending_usd.at(2020).unwrap();
    let aze = world.states["AZE"].defence_spending_usd.at(2020).unwrap();
    assert_eq!((arm.year, aze.year), (2020, 2020));
    assert_eq!((arm.value, aze.value), (634e6, 2237.8e6));
    assert!(arm.source.contains("SIPRI") && aze.source.contains("SIPRI"));
}

#[test]
fn every_period_figure_names_its_source() {
    let world = bundled_world().unwrap();
    for (code, s) in &world.states {
        for o in &s.defence_spending_usd.0 {
            assert!(!o.source.trim().is_empty(), "{code} {}", o.year);
            assert!(o.value > 0.0, "{code} {}", o.year);
        }
    }
}
