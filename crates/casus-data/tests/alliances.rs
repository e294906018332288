//! Every bundled alliance loads on the one schema, is complete (a deciding
//! organ with a rule, a sourced membership history, every provision cited and
//! in force inside its instrument), and the treaty engine reads each text as
//! written on dated situations: who is owed what, and which organ decides.
//! The situations are hypothetical or pre-1982 and none is a scored case.

use casus_data::bundled_world;
use casus_model::alliance::{Alliance, DecisionRule};
use casus_model::date::Date;
use casus_model::event::{Ask, EventKind, Involvement, Reach};
use casus_model::scenario::World;
use casus_model::treaty::{
    Action, Basis, Determination, ObligationKind, Outcome, Requirement, Situation, determine,
};

const ALLIANCES: [&str; 11] = [
    "CSTO", "NATO", "WARSAW", "SEATO", "CENTO", "TIAR", "ANZUS", "GCC", "ECOWAS", "SADC", "LAS",
];

fn world() -> World {
    bundled_world().unwrap_or_else(|e| panic!("bundled world loads: {e}"))
}

fn alliance<'a>(w: &'a World, id: &str) -> &'a Alliance {
    w.alliances
        .get(id)
        .unwrap_or_else(|| panic!("alliance {id} is bundled"))
}

fn date(s: &str) -> Date {
    s.parse().unwrap_or_else(|_| panic!("date {s}"))
}

fn attack(aggressor: Option<&str>, non_state: Option<&str>, target: &str) -> EventKind {
    EventKind::ExternalAggression {
        aggressor: aggressor.map(String::from),
        aggressor_non_state: non_state.map(String::from),
        target: target.into(),
        territory_of: target.into(),
        reach: Reach::Regional,
        casualties: None,
    }
}

fn threat(from: &str, target: &str) -> EventKind {
    EventKind::Threat {
        from: Some(from.into()),
        from_non_state: None,
        target: target.into(),
        casualties: None,
    }
}

fn unrest(state: &str, involvement: Involvement) -> EventKind {
    EventKind::InternalUnrest {
        state: state.into(),
        external_involvement: involvement,
        reach: Reach::National,
        casualties: None,
        seizure: false,
    }
}

/// Soldiers seize power in `state`.
fn coup(state: &str) -> EventKind {
    EventKind::InternalUnrest {
        state: state.into(),
        external_involvement: Involvement::None,
        reach: Reach::National,
        casualties: None,
        seizure: true,
    }
}

fn formal_request(requester: &str, to: &str, article: &str) -> EventKind {
    EventKind::Request {
        requester: requester.into(),
        to: to.into(),
        article: Some(article.into()),
        asks: Ask::Forces,
        crisis: "crisis".into(),
        formal: true,
        territory_of: requester.into(),
        troops: None,
        unsc_mandate: false,
    }
}

fn det(
    w: &World,
    id: &str,
    on: &str,
    crisis: &EventKind,
    request: Option<&EventKind>,
) -> Determination {
    determine(
        alliance(w, id),
        &w.states,
        Situation {
            date: date(on),
            crisis,
            request,
        },
    )
    .unwrap_or_else(|e| panic!("{id}: {e}"))
}

fn outcome(d: &Determination, provision: &str) -> Outcome {
    d.step(provision)
        .unwrap_or_else(|| {
            panic!(
                "{provision} in the chain: {:?}",
                d.chain.iter().map(|s| &s.provision).collect::<Vec<_>>()
            )
        })
        .outcome
        .clone()
}

fn reason<'a>(d: &'a Determination, provision: &str) -> &'a str {
    &d.step(provision)
        .unwrap_or_else(|| panic!("{provision} in the chain"))
        .reason
}

fn defence_discretion(d: &Determination) -> &str {
    d.obligations
        .iter()
        .find(|o| o.kind == ObligationKind::CollectiveDefence)
        .and_then(|o| o.discretion.as_deref())
        .expect("a collective-defence obligation with its discretion")
}

fn deciding_organs(d: &Determination, action: Action) -> Vec<String> {
    d.actions
        .iter()
        .filter(|a| a.action == action)
        .flat_map(|a| match &a.verdict {
            casus_model::treaty::Verdict::Permitted { conditions } => conditions
                .iter()
                .filter_map(|c| match &c.requirement {
                    Requirement::DecisionOf { organ } => Some(organ.clone()),
                    _ => None,
                })
                .collect(),
            _ => vec![],
        })
        .collect()
}

#[test]
fn every_alliance_loads_and_is_complete() {
    let w = world();
    for id in ALLIANCES {
        let a = alliance(&w, id);
        let organ = a
            .organ(&a.deciding_organ)
            .unwrap_or_else(|| panic!("{id}: deciding organ {} exists", a.deciding_organ));
        if let DecisionRule::Majority { share } = organ.rule {
            assert!(share > 0.0 && share <= 1.0, "{id}: share {share}");
        }
        for o in &a.other_deciding_organs {
            assert!(a.organ(o).is_some(), "{id}: other deciding organ {o}");
        }
        assert!(!a.members.is_empty(), "{id}: a membership history");
        for m in &a.members {
            assert!(
                !m.source.trim().is_empty(),
                "{id}: {} has a source",
                m.state
            );
            if let Some(l) = m.left {
                assert!(m.joined < l, "{id}: {} joined before it left", m.state);
            }
        }
        assert!(!a.provisions.is_empty(), "{id}: provisions");
        for p in &a.provisions {
            assert!(!p.source.trim().is_empty(), "{id} {}: a source", p.id);
            assert!(!p.article.trim().is_empty(), "{id} {}: an article", p.id);
            assert!(!p.wording.trim().is_empty(), "{id} {}: wording", p.id);
            let ins = a
                .instruments
                .iter()
                .find(|i| i.id == p.instrument)
                .unwrap_or_else(|| panic!("{id} {}: instrument {}", p.id, p.instrument));
            assert!(
                ins.in_force <= p.in_force.from,
                "{id} {}: in force from {} before its instrument ({})",
                p.id,
                p.in_force.from,
                ins.in_force
            );
            if let Some(end) = ins.until {
                assert!(
                    p.in_force.until.is_some_and(|u| u <= end),
                    "{id} {}: in force beyond its instrument's end {end}",
                    p.id
                );
            }
        }
        for f in &a.forces {
            assert!(!f.source.trim().is_empty(), "{id} {}: a source", f.id);
            for c in &f.contingents {
                assert!(
                    !c.source.trim().is_empty(),
                    "{id} {} {}: a source",
                    f.id,
                    c.state
                );
            }
        }
    }
}

#[test]
fn alliances_load_without_state_files_for_their_members() {
    // The USSR, the GDR and South Vietnam need no state files for their alliances
    // to load (another branch may add them; the alliances load either way).
    let w = world();
    assert!(alliance(&w, "WARSAW").is_member("SUN", date("1960-01-01")));
    assert_eq!(alliance(&w, "WARSAW").leading_power.as_deref(), Some("SUN"));
}

#[test]
fn seato_an_armed_attack_on_thailand_obliges_each_party_to_meet_the_common_danger_not_to_fight() {
    let w = world();
    let d = det(
        &w,
        "SEATO",
        "1962-05-15",
        &attack(Some("VDR"), None, "THA"),
        None,
    );
    assert_eq!(outcome(&d, "SEATO-IV.1"), Outcome::Applies);
    assert!(d.casus_foederis);
    assert_eq!(d.casus_foederis_for.as_deref(), Some("THA"));
    let discretion = defence_discretion(&d);
    assert!(
        discretion.contains("constitutional processes"),
        "{discretion}"
    );
    assert!(
        discretion.contains("neither the use of force"),
        "{discretion}"
    );
    // No organ must decide first: the obligation is each Party's own.
    assert!(
        deciding_organs(&d, Action::Deployment).is_empty(),
        "{:?}",
        d.actions
    );
    // Thailand lies in the treaty area of Art. VIII.
    assert_eq!(outcome(&d, "SEATO-VIII"), Outcome::Applies);
}

#[test]
fn seato_a_threat_short_of_armed_attack_is_for_consultation_under_art_iv_2() {
    let w = world();
    let d = det(&w, "SEATO", "1962-05-15", &threat("VDR", "THA"), None);
    assert_eq!(outcome(&d, "SEATO-IV.2"), Outcome::Applies);
    assert!(matches!(outcome(&d, "SEATO-IV.1"), Outcome::NotApplicable));
    assert!(!d.casus_foederis);
    assert!(d.has(ObligationKind::Consult));
}

#[test]
fn seato_does_not_cover_a_party_outside_the_treaty_area() {
    let w = world();
    let d = det(
        &w,
        "SEATO",
        "1960-01-01",
        &attack(Some("SUN"), None, "GBR"),
        None,
    );
    assert!(matches!(outcome(&d, "SEATO-IV.1"), Outcome::NotApplicable));
    // With a state file the region decides, without one the named territories.
    let why = reason(&d, "SEATO-IV.1");
    assert!(
        why.contains("outside the treaty area") || why.contains("not among the territories"),
        "{why}"
    );
    assert!(!d.casus_foederis);
}

#[test]
fn cento_an_attack_on_pakistan_is_no_casus_foederis_but_seato_covers_it() {
    let w = world();
    let war = attack(Some("IND"), None, "PAK");
    let cento = det(&w, "CENTO", "1965-09-06", &war, None);
    assert!(
        !cento.casus_foederis,
        "the Baghdad Pact promises co-operation, not defence"
    );
    assert_eq!(outcome(&cento, "PACT-1"), Outcome::Applies);
    assert!(cento.has(ObligationKind::Consult));
    let seato = det(&w, "SEATO", "1965-09-06", &war, None);
    assert!(
        seato.casus_foederis,
        "Pakistan's territory is in SEATO's treaty area"
    );
    // After Pakistan left SEATO (1973) and CENTO was dissolved (1979) neither applies.
    let later = det(&w, "SEATO", "1975-01-01", &war, None);
    assert!(!later.casus_foederis);
}

#[test]
fn arab_league_joint_defence_an_attack_on_a_party_is_an_attack_on_all_decided_by_the_joint_defence_council()
 {
    let w = world();
    let d = det(
        &w,
        "LAS",
        "1956-10-29",
        &attack(Some("ISR"), None, "EGY"),
        None,
    );
    assert_eq!(outcome(&d, "JDT-2"), Outcome::Applies);
    assert!(d.casus_foederis);
    assert!(defence_discretion(&d).contains("including the use of armed force"));
    assert_eq!(
        deciding_organs(&d, Action::Deployment),
        vec!["JDC".to_string()]
    );
    let lc = alliance(&w, "LAS").organ("JDC").unwrap();
    assert_eq!(lc.rule, DecisionRule::Majority { share: 2.0 / 3.0 });
}

#[test]
fn arab_league_an_attack_by_one_member_on_another_is_for_peaceful_settlement_not_joint_defence() {
    let w = world();
    let d = det(
        &w,
        "LAS",
        "1990-08-02",
        &attack(Some("IRQ"), None, "KWT"),
        None,
    );
    assert_eq!(
        outcome(&d, "JDT-2"),
        Outcome::OverriddenBy {
            provision: "PACT-5".into()
        }
    );
    assert!(!d.casus_foederis);
    assert!(d.has(ObligationKind::PeacefulSettlement));
}

#[test]
fn rio_treaty_an_armed_attack_falls_under_art_3_and_sets_art_6_aside() {
    let w = world();
    let d = det(
        &w,
        "TIAR",
        "1960-06-01",
        &attack(Some("SUN"), None, "VEN"),
        None,
    );
    assert_eq!(outcome(&d, "TIAR-3.1"), Outcome::Applies);
    assert_eq!(
        outcome(&d, "TIAR-6"),
        Outcome::OverriddenBy {
            provision: "TIAR-3.1".into()
        }
    );
    assert!(d.casus_foederis);
    assert!(defence_discretion(&d).contains("no State is required to use armed force"));
    // Collective measures are for the Organ of Consultation, by two-thirds.
    assert_eq!(
        deciding_organs(&d, Action::Deployment),
        vec!["OC".to_string()]
    );
    let oc = alliance(&w, "TIAR").organ("OC").unwrap();
    assert_eq!(oc.rule, DecisionRule::Majority { share: 2.0 / 3.0 });
    // The individual measures of Art. 3(2) run on the attacked State's request.
    let asked = det(
        &w,
        "TIAR",
        "1960-06-01",
        &attack(Some("SUN"), None, "VEN"),
        Some(&formal_request("VEN", "TIAR", "TIAR-3.1")),
    );
    assert!(asked.has_active(ObligationKind::CollectiveDefence));
    assert!(!d.has_active(ObligationKind::CollectiveDefence));
}

#[test]
fn rio_treaty_aggression_that_is_not_an_armed_attack_goes_to_the_organ_of_consultation() {
    let w = world();
    let d = det(&w, "TIAR", "1960-06-01", &threat("SUN", "VEN"), None);
    assert!(matches!(outcome(&d, "TIAR-3.1"), Outcome::NotApplicable));
    assert_eq!(outcome(&d, "TIAR-6"), Outcome::Applies);
    assert!(!d.casus_foederis);
    assert!(d.has(ObligationKind::Consult));
}

#[test]
fn rio_treaty_membership_follows_the_withdrawals() {
    let w = world();
    let a = alliance(&w, "TIAR");
    assert!(a.is_member("MEX", date("2000-01-01")));
    assert!(
        !a.is_member("MEX", date("2005-01-01")),
        "Mexico left in Sep 2004"
    );
    assert!(!a.is_member("CUB", date("1970-01-01")));
    assert!(!a.is_member("VEN", date("2015-01-01")));
    assert!(a.is_member("ARG", date("2015-01-01")));
}

#[test]
fn anzus_the_us_suspension_ends_its_obligations_to_new_zealand_only() {
    let w = world();
    let a = alliance(&w, "ANZUS");
    assert!(a.owes("USA", "NZL", date("1980-01-01")));
    assert!(!a.owes("USA", "NZL", date("1990-01-01")));
    assert!(a.owes("AUS", "NZL", date("1990-01-01")));
    assert!(a.owes("USA", "AUS", date("1990-01-01")));
    assert!(
        a.is_participating("NZL", date("1990-01-01")),
        "New Zealand stays a party"
    );
    assert!(
        a.forces.is_empty(),
        "ANZUS has no standing or pledged forces"
    );
}

#[test]
fn anzus_an_armed_attack_on_a_party_is_a_common_danger_met_by_constitutional_processes() {
    let w = world();
    let d = det(
        &w,
        "ANZUS",
        "1960-01-01",
        &attack(Some("CHN"), None, "AUS"),
        None,
    );
    assert_eq!(outcome(&d, "ANZUS-IV"), Outcome::Applies);
    assert!(defence_discretion(&d).contains("constitutional processes"));
    assert!(deciding_organs(&d, Action::Deployment).is_empty());
}

#[test]
fn gcc_had_no_casus_foederis_before_the_joint_defence_agreement() {
    let w = world();
    let before = det(
        &w,
        "GCC",
        "1990-08-02",
        &attack(Some("IRQ"), None, "KWT"),
        None,
    );
    assert!(
        !before.casus_foederis,
        "the 1981 Charter has no defence clause"
    );
    let after = det(
        &w,
        "GCC",
        "2010-01-01",
        &attack(Some("IRQ"), None, "KWT"),
        None,
    );
    assert_eq!(outcome(&after, "JDA-2"), Outcome::Applies);
    assert!(after.casus_foederis);
    let supreme = alliance(&w, "GCC").organ("SUPREME").unwrap();
    assert_eq!(
        supreme.rule,
        DecisionRule::Consensus {
            limited_format: true
        }
    );
    assert!(alliance(&w, "GCC").pledged("SAU", "rapid_reaction") == 0.0);
}

#[test]
fn ecowas_1981_protocol_covers_internal_conflict_only_when_sustained_from_outside() {
    let w = world();
    let request = formal_request("LBR", "ECOWAS", "PMAD-18");
    let internal = det(
        &w,
        "ECOWAS",
        "1995-01-01",
        &unrest("LBR", Involvement::None),
        Some(&request),
    );
    assert!(matches!(
        outcome(&internal, "PMAD-18"),
        Outcome::NotApplicable
    ));
    assert!(!internal.casus_foederis);
    let from_outside = det(
        &w,
        "ECOWAS",
        "1995-01-01",
        &unrest("LBR", Involvement::Established),
        Some(&request),
    );
    assert_eq!(outcome(&from_outside, "PMAD-18"), Outcome::Applies);
    assert_eq!(from_outside.basis, Some(Basis::InvokedByRequester));
    assert_eq!(
        deciding_organs(&from_outside, Action::Deployment),
        vec!["AUTHORITY".to_string()]
    );
}

#[test]
fn ecowas_since_1999_the_mediation_and_security_council_decides_and_internal_conflict_is_covered() {
    let w = world();
    let d = det(
        &w,
        "ECOWAS",
        "2005-01-01",
        &unrest("CIV", Involvement::None),
        None,
    );
    assert_eq!(outcome(&d, "MECH-25"), Outcome::Applies);
    assert!(d.has(ObligationKind::Consult));
    let organs = deciding_organs(&d, Action::Deployment);
    assert!(organs.contains(&"MSC".to_string()), "{organs:?}");
    let msc = alliance(&w, "ECOWAS").organ("MSC").unwrap();
    assert!(matches!(msc.rule, DecisionRule::Majority { .. }));
    // Members that left in 2025 are no longer owed anything.
    assert!(!alliance(&w, "ECOWAS").is_member("MLI", date("2025-06-01")));
}

#[test]
fn ecowas_and_sadc_may_take_up_unrest_and_a_seizure_of_power_unasked_the_csto_may_not() {
    let w = world();
    // The Mechanism (1999) lets ECOWAS act on a coup without a request…
    let d = det(&w, "ECOWAS", "2005-01-01", &coup("NER"), None);
    assert_eq!(outcome(&d, "MECH-26"), Outcome::Applies);
    assert!(d.has_active(ObligationKind::OwnInitiative));
    // …and on unrest in which no one seized power (internal conflict, Art. 25)…
    let protests = det(
        &w,
        "ECOWAS",
        "2005-01-01",
        &unrest("NER", Involvement::None),
        None,
    );
    assert!(protests.has_active(ObligationKind::OwnInitiative));
    // …but not on an attack from outside, nor before 1999.
    let attacked = det(
        &w,
        "ECOWAS",
        "2005-01-01",
        &attack(Some("DZA"), None, "NER"),
        None,
    );
    assert!(!attacked.has(ObligationKind::OwnInitiative));
    let before = det(&w, "ECOWAS", "1995-01-01", &coup("NER"), None);
    assert!(!before.has(ObligationKind::OwnInitiative));
    // SADC's Organ from the 2001 Protocol's entry into force (2004); forces
    // still need the host's request.
    let d = det(&w, "SADC", "2010-01-01", &coup("MDG"), None);
    assert_eq!(outcome(&d, "PROT-11-INIT"), Outcome::Applies);
    assert!(d.has(ObligationKind::OwnInitiative));
    assert!(
        d.actions
            .iter()
            .filter(|a| a.action == Action::Deployment)
            .all(|a| !a.verdict.open())
    );
    // The CSTO's texts give no organ an initiative of its own.
    let d = det(&w, "CSTO", "2010-04-07", &coup("KGZ"), None);
    assert!(!d.has(ObligationKind::OwnInitiative));
}

#[test]
fn ecowas_a_war_between_members_is_for_non_aggression_not_collective_defence() {
    let w = world();
    let d = det(
        &w,
        "ECOWAS",
        "1990-01-01",
        &attack(Some("MLI"), None, "BFA"),
        None,
    );
    assert!(!d.casus_foederis);
    assert!(d.has(ObligationKind::PeacefulSettlement));
}

#[test]
fn sadc_the_mutual_defence_pact_answers_an_armed_attack_by_anyone_from_2008() {
    let w = world();
    let insurgents = attack(None, Some("Ahlu Sunnah Wa-Jama"), "MOZ");
    let d = det(&w, "SADC", "2021-06-23", &insurgents, None);
    assert_eq!(outcome(&d, "MDP-6"), Outcome::Applies);
    assert!(d.casus_foederis);
    assert_eq!(
        deciding_organs(&d, Action::Deployment),
        vec!["SUMMIT".to_string()]
    );
    let before = det(&w, "SADC", "2005-01-01", &insurgents, None);
    assert!(!before.casus_foederis, "the Pact was not yet in force");
    let samim = alliance(&w, "SADC")
        .forces
        .iter()
        .find(|f| f.id == "SAMIM")
        .unwrap();
    let pledged: f64 = samim.contingents.iter().map(|c| c.troops).sum();
    assert_eq!(pledged, 741.0, "the launch contingents as sourced");
}

#[test]
fn warsaw_pact_art_4_in_force_until_1991_and_albania_out_of_it() {
    let w = world();
    let a = alliance(&w, "WARSAW");
    let d = det(
        &w,
        "WARSAW",
        "1960-01-01",
        &attack(Some("DEU"), None, "POL"),
        None,
    );
    assert_eq!(outcome(&d, "WT-4"), Outcome::Applies);
    assert!(defence_discretion(&d).contains("including the use of armed force"));
    let after = det(
        &w,
        "WARSAW",
        "1992-01-01",
        &attack(Some("DEU"), None, "POL"),
        None,
    );
    assert!(!after.casus_foederis);
    assert!(!a.is_participating("ALB", date("1965-01-01")));
    assert!(!a.is_member("ALB", date("1969-01-01")));
    assert!(a.is_member("DDR", date("1989-01-01")));
    assert!(!a.is_member("DDR", date("1990-12-01")));
}

#[test]
fn nato_the_defence_planning_committee_sat_without_france_and_could_decide_in_2003() {
    let w = world();
    let a = alliance(&w, "NATO");
    let on = date("2003-02-16");
    let organs: Vec<&str> = a
        .deciding_organs_on(on)
        .iter()
        .map(|o| o.id.as_str())
        .collect();
    assert_eq!(organs, vec!["NAC", "DPC"]);
    let dpc = a.organ("DPC").unwrap();
    assert!(!dpc.seats("FRA", on));
    assert!(dpc.seats("BEL", on));
    let organs: Vec<&str> = a
        .deciding_organs_on(date("2011-01-01"))
        .iter()
        .map(|o| o.id.as_str())
        .collect();
    assert_eq!(organs, vec!["NAC"], "the DPC was abolished in 2010");
}

#[test]
fn nato_forces_exist_from_their_creation() {
    let w = world();
    let a = alliance(&w, "NATO");
    let ids = |d: &str| -> Vec<String> { a.forces_on(date(d)).map(|f| f.id.clone()).collect() };
    assert!(
        ids("2001-09-12").is_empty(),
        "no NATO Response Force before 2003"
    );
    assert_eq!(ids("2010-01-01"), vec!["NRF"]);
    assert_eq!(ids("2022-02-24"), vec!["NRF", "VJTF", "EFP"]);
}

#[test]
fn sadc_a_conflict_between_two_parties_is_for_peaceful_settlement() {
    let w = world();
    let d = det(
        &w,
        "SADC",
        "2010-01-01",
        &attack(Some("ZWE"), None, "MOZ"),
        None,
    );
    assert_eq!(
        outcome(&d, "MDP-6"),
        Outcome::OverriddenBy {
            provision: "MDP-3".into()
        }
    );
    assert!(!d.casus_foederis);
}

#[test]
fn a_rival_alliance_that_does_not_exist_is_a_located_load_error() {
    use casus_data::embedded::{ALLIANCES, RELATIONS, STATES};
    let texts: Vec<(&str, String)> = ALLIANCES
        .iter()
        .map(|(f, t)| (*f, t.replace("rivals = [\"NATO\"]", "rivals = [\"NOPE\"]")))
        .collect();
    let refs: Vec<(&str, &str)> = texts.iter().map(|(f, t)| (*f, t.as_str())).collect();
    let err = casus_data::world::load_world(STATES, RELATIONS, &refs)
        .expect_err("an unknown rival is refused");
    let text = err.to_string();
    assert!(text.contains("rivals names NOPE"), "{text}");
    assert!(text.contains("data/alliances/csto.toml"), "{text}");
}

#[test]
fn an_alliance_is_unchanged_within_a_year_only_if_none_of_its_dated_data_moves() {
    let w = world();
    let csto = alliance(&w, "CSTO");
    // Uzbekistan's participation was suspended on 19 Dec 2012.
    assert!(!csto.unchanged_within(date("2012-01-01"), date("2012-12-31")));
    assert!(csto.unchanged_within(date("2012-01-01"), date("2012-12-18")));
    // A change on the first day is the state of every day after it.
    assert!(csto.unchanged_within(date("2012-12-19"), date("2013-06-30")));
    // Nothing is dated in the horizon's years.
    assert!(csto.unchanged_within(date("2027-01-01"), date("2030-12-31")));
}
