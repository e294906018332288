//! Which forces a member can offer: its share of the pledges to a standing
//! force where the alliance has one, otherwise a force generated ad hoc from
//! the usable share of its own personnel (`ad_hoc_share`).

mod common;

use casus_model::event::Ask;

fn offers(alliance: &str, member: &str, date: &str) -> (f64, f64, f64) {
    common::with_facts(alliance, date, |f, params| {
        (
            f.pool(member, Ask::Forces),
            f.available(member),
            params.ad_hoc_share,
        )
    })
}

#[test]
fn a_member_of_an_alliance_without_pledged_forces_offers_the_usable_share_of_its_own() {
    let (pool, available, share) = offers("ECOWAS", "NGA", "2012-04-01");
    assert!(available > 0.0, "Nigeria has personnel data for 2012");
    assert!(
        (pool - share * available).abs() < 1e-6,
        "{pool} vs {share} × {available}"
    );
}

#[test]
fn a_csto_member_offers_its_share_of_the_pledges_not_an_ad_hoc_force() {
    let (pool, available, share) = offers("CSTO", "RUS", "2022-01-05");
    assert!(pool > 0.0);
    assert!(
        (pool - share * available).abs() > 1.0,
        "the pledge share, not the ad hoc share, sets Russia's contingent"
    );
}

#[test]
fn nato_members_can_offer_forces_for_a_reassurance_deployment() {
    // NATO's standing forces carry no national pledges in the data, so its
    // reassurance deployments are generated ad hoc (the 2022 Art. 4 case).
    let (pool, _, _) = offers("NATO", "DEU", "2022-02-24");
    assert!(pool >= 1.0, "Germany can send forces: {pool}");
}
