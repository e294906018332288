//! The treaty engine on the documented episodes, each asserting the reason:
//! which provision applies, which does not, and why.

use casus_data::{bundled_scenario, bundled_world};
use casus_model::analysis::{EventAnalysis, analyse_timeline};
use casus_model::treaty::{Action, Basis, Determination, ObligationKind, Outcome, Requirement};

fn timeline(name: &str) -> Vec<EventAnalysis> {
    let world = bundled_world().expect("bundled world loads");
    let sc = bundled_scenario(name, &world)
        .unwrap_or_else(|| panic!("bundled scenario {name}"))
        .expect("scenario valid");
    analyse_timeline(&world, &sc).expect("no rule conflict")
}

/// The treaty analysis of a bundled case's scenario.
fn timeline_of_case(id: &str) -> Vec<EventAnalysis> {
    let world = bundled_world().expect("bundled world loads");
    let cases = casus_data::cases::bundled_cases(&world).expect("case library loads");
    let case = cases
        .iter()
        .find(|c| c.id == id)
        .unwrap_or_else(|| panic!("case {id}"));
    analyse_timeline(&world, &case.scenario).expect("no rule conflict")
}

fn event<'a>(t: &'a [EventAnalysis], id: &str) -> &'a Determination {
    t.iter()
        .find(|e| e.event.id == id)
        .and_then(|e| e.treaty.as_ref())
        .unwrap_or_else(|| panic!("event {id} with a determination"))
}

fn id_of_kind<'a>(t: &'a [EventAnalysis], kind: &str) -> &'a str {
    &t.iter()
        .find(|e| e.event.kind.name() == kind)
        .expect(kind)
        .event
        .id
}

fn step<'a>(d: &'a Determination, provision: &str) -> &'a casus_model::treaty::Step {
    d.step(provision).unwrap_or_else(|| {
        panic!(
            "{provision} in the chain: {:?}",
            d.chain.iter().map(|s| &s.provision).collect::<Vec<_>>()
        )
    })
}

/// Asserts that `provision` does not apply to `d`, for a reason that names `because`.
fn not_applicable(d: &Determination, provision: &str, because: &str) {
    let s = step(d, provision);
    assert_eq!(
        s.outcome,
        Outcome::NotApplicable,
        "{provision}: {}",
        s.reason
    );
    assert!(s.reason.contains(because), "{provision}: {}", s.reason);
}

#[test]
fn kazakhstan_2022_request_invokes_art4_and_permits_peacekeeping_deployment() {
    let t = timeline("kazakhstan-2022");
    // The unrest alone: no casus foederis, consultations on the threat to stability.
    let unrest = event(&t, id_of_kind(&t, "internal_unrest"));
    assert!(!unrest.casus_foederis);
    assert_eq!(step(unrest, "CST-4").outcome, Outcome::NotApplicable);
    assert!(unrest.has(ObligationKind::Consult));
    // Tokayev's appeal invoking Art. 4: Art. 4 applies by request.
    let appeal = event(&t, id_of_kind(&t, "request"));
    assert!(appeal.casus_foederis);
    assert_eq!(appeal.basis, Some(Basis::InvokedByRequester));
    assert_eq!(appeal.casus_foederis_for.as_deref(), Some("KAZ"));
    assert!(appeal.articles.contains(&"CST-4".to_string()));
    assert!(appeal.articles.contains(&"PKA-3.1".to_string()));
    let pk = appeal
        .verdict(Action::Peacekeeping)
        .expect("a verdict on peacekeeping");
    assert_eq!(pk.territory_of, "KAZ");
    assert!(
        pk.verdict.open(),
        "deployment of the peacekeeping forces is permitted: {pk:?}"
    );
}

#[test]
fn armenia_2022_attack_on_recognised_territory_is_casus_foederis_with_duty_to_assist() {
    let t = timeline("armenia-2022");
    let attack = event(&t, id_of_kind(&t, "external_aggression"));
    assert!(attack.casus_foederis);
    assert_eq!(attack.basis, Some(Basis::AttackOnMemberTerritory));
    assert_eq!(step(attack, "CST-4").outcome, Outcome::Applies);
    let request = event(&t, id_of_kind(&t, "request"));
    assert!(request.casus_foederis);
    assert!(
        request.has_active(ObligationKind::CollectiveDefence),
        "the obligation to assist runs once Armenia has asked: {:?}",
        request.obligations
    );
    assert!(
        request
            .verdict(Action::Deployment)
            .expect("deployment verdict")
            .verdict
            .open()
    );
    assert!(
        !request.discretion.is_empty(),
        "the means of assistance are left to discretion"
    );
}

#[test]
fn karabakh_2020_fighting_outside_recognised_territory_is_no_casus_foederis() {
    let t = timeline("karabakh-2020");
    let war = event(&t, id_of_kind(&t, "external_aggression"));
    assert!(!war.casus_foederis);
    not_applicable(war, "CST-4", "recognised territory of AZE");
    // Armenia's request went to Russia under the bilateral treaty, outside the alliance.
    let bilateral = t
        .iter()
        .find_map(|e| e.bilateral.as_ref())
        .expect("a bilateral request");
    assert_eq!(bilateral.to, "RUS");
}

#[test]
fn kyrgyzstan_tajikistan_2022_conflict_between_members_falls_under_peaceful_settlement() {
    let t = timeline("kyrgyzstan-tajikistan-2022");
    let war = event(&t, id_of_kind(&t, "intra_member_conflict"));
    assert!(!war.casus_foederis, "no Art. 4 obligation against a member");
    assert_eq!(
        step(war, "CST-4").outcome,
        Outcome::OverriddenBy {
            provision: "CST-1".into()
        }
    );
    assert_eq!(step(war, "CST-1").outcome, Outcome::Applies);
    assert!(war.has(ObligationKind::PeacefulSettlement));
    assert!(
        !war.verdict(Action::UseOfForceBetweenMembers)
            .expect("verdict")
            .verdict
            .open()
    );
}

#[test]
fn russia_war_against_ukraine_is_no_casus_foederis() {
    let t = timeline("russia-ukraine-2022");
    let war = event(&t, id_of_kind(&t, "out_of_area_war"));
    assert!(!war.casus_foederis);
    not_applicable(war, "CST-4", "non-member");
    // Russia's wish for allied troops creates no obligation to send them.
    let wish = event(&t, id_of_kind(&t, "request"));
    assert!(!wish.casus_foederis);
    assert!(!wish.has(ObligationKind::CollectiveDefence));
}

#[test]
fn csto_peacekeepers_in_ukraine_need_a_un_security_council_decision() {
    let t = timeline("ukraine-peacekeepers-2022");
    let proposal = event(&t, id_of_kind(&t, "request"));
    assert!(!proposal.casus_foederis);
    let pk = proposal
        .verdict(Action::Peacekeeping)
        .expect("peacekeeping verdict");
    assert_eq!(pk.territory_of, "UKR");
    assert!(
        !pk.verdict.open(),
        "no UNSC decision, so not permitted: {pk:?}"
    );
    let json = serde_json::to_string(pk).unwrap();
    assert!(json.contains("unsc_decision"), "{json}");
    assert_eq!(step(proposal, "PKA-3.2").outcome, Outcome::Applies);
}

#[test]
fn kursk_2024_is_casus_foederis_but_nothing_runs_without_russian_request() {
    let t = timeline("kursk-2024");
    let incursion = event(&t, id_of_kind(&t, "external_aggression"));
    assert!(incursion.casus_foederis);
    assert_eq!(incursion.casus_foederis_for.as_deref(), Some("RUS"));
    assert!(incursion.has(ObligationKind::CollectiveDefence));
    assert!(
        !incursion.has_active(ObligationKind::CollectiveDefence),
        "the obligation waits for Russia's request"
    );
    let d = incursion
        .verdict(Action::Deployment)
        .expect("deployment verdict");
    assert!(!d.verdict.open());
    let needs_request = serde_json::to_string(d).unwrap();
    assert!(needs_request.contains("request_of"), "{needs_request}");
    let _ = Requirement::RequestOf {
        state: "RUS".into(),
    };
}

#[test]
fn nato_2001_september_attacks_are_article_5_casus_foederis() {
    let t = timeline("nato-2001");
    let attack = event(&t, id_of_kind(&t, "external_aggression"));
    assert_eq!(attack.alliance, "NATO");
    assert!(attack.casus_foederis);
    assert_eq!(attack.casus_foederis_for.as_deref(), Some("USA"));
    assert!(attack.articles.contains(&"NATO-5".to_string()));
    assert_eq!(step(attack, "NATO-6").outcome, Outcome::Applies);
}

/// The determination of a one-event scenario: `from` threatens `target` on `date`.
fn threat(alliance: &str, date: &str, from: &str, target: &str) -> Determination {
    first_crisis(&format!(
        "format = 1\nid = \"t\"\ntitle = \"t\"\nalliance = \"{alliance}\"\n\
         [[events]]\nid = \"threat\"\ndate = {date}\nkind = \"threat\"\nfrom = \"{from}\"\n\
         target = \"{target}\"\ntitle = \"t\"\n"
    ))
}

/// The determination of the first crisis in an inline scenario.
fn first_crisis(text: &str) -> Determination {
    let world = bundled_world().expect("bundled world loads");
    let sc = casus_data::parse_scenario("threat.toml", text, &world).expect("scenario valid");
    analyse_timeline(&world, &sc)
        .expect("no rule conflict")
        .into_iter()
        .find_map(|e| e.treaty)
        .expect("a determination")
}

#[test]
fn tajikistan_2021_taliban_at_the_border_is_a_threat_for_consultations_not_art4() {
    let t = timeline_of_case("tajikistan-afghan-border-2021");
    let threat = event(&t, id_of_kind(&t, "threat"));
    assert!(!threat.casus_foederis);
    assert!(threat.has_active(ObligationKind::Consult));
    assert_eq!(step(threat, "CST-2a").outcome, Outcome::Applies);
    not_applicable(threat, "CST-4", "threatened, not attacked");
    // The appeal makes Art. 2's measures of assistance run; still no casus foederis.
    let appeal = event(&t, id_of_kind(&t, "request"));
    assert!(!appeal.casus_foederis);
    assert!(appeal.has_active(ObligationKind::Assist));
}

#[test]
fn nato_article_4_answers_a_threat_and_article_5_does_not() {
    // Poland invoked Art. 4 on 10 Sep 2025 after Russian drones entered its
    // airspace (see the note on NATO-4 in data/alliances/nato.toml).
    let d = threat("NATO", "2025-09-10", "RUS", "POL");
    assert_eq!(d.alliance, "NATO");
    assert!(!d.casus_foederis);
    assert_eq!(step(&d, "NATO-4").outcome, Outcome::Applies);
    assert!(d.has_active(ObligationKind::Consult));
    assert_eq!(step(&d, "NATO-5").outcome, Outcome::NotApplicable);
}

#[test]
fn a_threat_between_two_members_falls_under_the_renunciation_of_force() {
    // Troops massed at the border by one member against another.
    let d = threat("CSTO", "2022-10-01", "TJK", "KGZ");
    assert_eq!(step(&d, "CST-1").outcome, Outcome::Applies);
    assert!(d.has(ObligationKind::PeacefulSettlement));
    assert!(!d.casus_foederis);
}
