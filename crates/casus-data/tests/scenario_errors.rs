//! Bad scenario files get located errors naming file, line, column and what to do;
//! nothing panics.

use casus_data::{
    LoadError, bundled_scenario, bundled_scenario_names, bundled_world, parse_scenario,
};

fn errors(text: &str) -> LoadError {
    let world = bundled_world().expect("bundled world");
    parse_scenario("test.toml", text, &world).expect_err("the scenario must be rejected")
}

const HEAD: &str = "format = 1\nid = \"t\"\ntitle = \"t\"\nalliance = \"CSTO\"\n";

#[test]
fn every_bundled_scenario_is_valid() {
    let world = bundled_world().expect("bundled world");
    let names = bundled_scenario_names();
    assert!(names.len() >= 7, "bundled scenarios: {names:?}");
    for n in names {
        if let Err(e) = bundled_scenario(n, &world).unwrap() {
            panic!("{n}: {e}");
        }
    }
}

#[test]
fn malformed_toml_is_located() {
    let e = errors(&format!("{HEAD}[[events]\nid = 1\n"));
    let p = &e.0[0];
    assert_eq!(p.file, "test.toml");
    assert_eq!(p.line, 5, "{p}");
}

#[test]
fn unknown_state_code_is_named_with_the_known_ones() {
    let e = errors(&format!(
        "{HEAD}[[events]]\nid = \"a\"\ndate = 2022-01-02\nkind = \"internal_unrest\"\nstate = \"XYZ\"\ntitle = \"t\"\n"
    ));
    let p = &e.0[0];
    assert!(p.message.contains("unknown state code `XYZ`"), "{p}");
    assert_eq!((p.line, p.column), (9, 9), "{p}");
    assert!(p.help.as_deref().unwrap().contains("KAZ"));
}

#[test]
fn unknown_reach_of_unrest_names_the_choices() {
    let e = errors(&format!(
        "{HEAD}[[events]]\nid = \"a\"\ndate = 2022-01-02\nkind = \"internal_unrest\"\nstate = \"KAZ\"\nreach = \"citywide\"\ntitle = \"t\"\n"
    ));
    let p = &e.0[0];
    assert!(p.message.contains("unknown reach `citywide`"), "{p}");
    assert_eq!(p.line, 10, "{p}");
    assert!(
        p.help
            .as_deref()
            .unwrap()
            .contains("local, regional, national")
    );
}

#[test]
fn unknown_field_is_rejected_with_its_location() {
    let e = errors(&format!(
        "{HEAD}[[events]]\nid = \"a\"\ndate = 2022-01-02\nkind = \"internal_unrest\"\nstate = \"KAZ\"\ntitle = \"t\"\nseverity = 3\n"
    ));
    let p = &e.0[0];
    assert!(p.message.contains("unknown field `severity`"), "{p}");
    assert!(p.line >= 5, "{p}");
}

#[test]
fn key_of_another_event_kind_is_rejected() {
    let e = errors(&format!(
        "{HEAD}[[events]]\nid = \"a\"\ndate = 2022-01-02\nkind = \"internal_unrest\"\nstate = \"KAZ\"\ntarget = \"KAZ\"\ntitle = \"t\"\n"
    ));
    assert!(
        e.0.iter().any(|p| p
            .message
            .contains("`target` does not belong to a `internal_unrest` event")
            && p.line == 10),
        "{e}"
    );
}

#[test]
fn dates_out_of_order_are_rejected() {
    let e = errors(&format!(
        "{HEAD}[[events]]\nid = \"a\"\ndate = 2022-01-05\nkind = \"internal_unrest\"\nstate = \"KAZ\"\ntitle = \"t\"\n\
         [[events]]\nid = \"b\"\ndate = 2022-01-02\nkind = \"internal_unrest\"\nstate = \"KAZ\"\ntitle = \"t\"\n"
    ));
    let p = &e.0[0];
    assert!(p.message.contains("before the previous event"), "{p}");
    assert_eq!(p.line, 13, "{p}");
}

#[test]
fn impossible_date_is_rejected() {
    let e = errors(&format!(
        "{HEAD}[[events]]\nid = \"a\"\ndate = 2022-02-30\nkind = \"internal_unrest\"\nstate = \"KAZ\"\ntitle = \"t\"\n"
    ));
    let p = &e.0[0];
    assert_eq!(p.line, 7, "{p}");
    let e = errors(&format!(
        "{HEAD}[[events]]\nid = \"a\"\ndate = \"2022-13-01\"\nkind = \"internal_unrest\"\nstate = \"KAZ\"\ntitle = \"t\"\n"
    ));
    assert!(e.0[0].message.contains("month"), "{}", e.0[0]);
}

#[test]
fn event_naming_a_non_member_is_rejected() {
    let e = errors(&format!(
        "{HEAD}[[events]]\nid = \"a\"\ndate = 2022-09-14\nkind = \"intra_member_conflict\"\nparties = [\"KGZ\", \"UZB\"]\ntitle = \"t\"\n"
    ));
    assert!(
        e.0.iter()
            .any(|p| p.message.contains("UZB is not a member")),
        "{e}"
    );
    let e = errors(&format!(
        "{HEAD}[[events]]\nid = \"a\"\ndate = 2022-09-14\nkind = \"external_aggression\"\naggressor = \"AZE\"\ntarget = \"AZE\"\ntitle = \"t\"\n\
         [[events]]\nid = \"r\"\ndate = 2022-09-14\nkind = \"request\"\nrequester = \"AZE\"\nto = \"CSTO\"\ncrisis = \"a\"\nasks = \"forces\"\ntitle = \"t\"\n"
    ));
    assert!(
        e.0.iter().any(|p| p
            .message
            .contains("AZE is not a member of CSTO on 2022-09-14")),
        "{e}"
    );
}

#[test]
fn request_must_point_at_an_earlier_crisis() {
    let e = errors(&format!(
        "{HEAD}[[events]]\nid = \"r\"\ndate = 2022-09-14\nkind = \"request\"\nrequester = \"ARM\"\nto = \"CSTO\"\ncrisis = \"nope\"\nasks = \"forces\"\ntitle = \"t\"\n"
    ));
    assert!(
        e.0.iter()
            .any(|p| p.message.contains("names no earlier event")),
        "{e}"
    );
}

#[test]
fn every_problem_is_reported_not_just_the_first() {
    let e = errors(&format!(
        "{HEAD}[[events]]\nid = \"a\"\ndate = 2022-01-02\nkind = \"internal_unrest\"\nstate = \"XXX\"\ntitle = \"t\"\n\
         [[events]]\nid = \"b\"\ndate = 2022-01-03\nkind = \"bogus\"\ntitle = \"t\"\n"
    ));
    assert!(e.0.len() >= 2, "{e}");
    assert!(e.to_string().contains("expected one of"), "{e}");
}

#[test]
fn threat_without_a_source_is_rejected_with_the_fix() {
    let e = errors(&format!(
        "{HEAD}[[events]]\nid = \"a\"\ndate = 2021-07-04\nkind = \"threat\"\ntarget = \"TJK\"\ntitle = \"t\"\n"
    ));
    let p = &e.0[0];
    assert!(p.message.contains("needs `from`"), "{p}");
    assert!(p.help.as_deref().unwrap().contains("from_non_state"), "{p}");
}

#[test]
fn threat_takes_no_reach() {
    let e = errors(&format!(
        "{HEAD}[[events]]\nid = \"a\"\ndate = 2021-07-04\nkind = \"threat\"\nfrom = \"AZE\"\ntarget = \"ARM\"\nreach = \"local\"\ntitle = \"t\"\n"
    ));
    let p = &e.0[0];
    assert!(
        p.message
            .contains("`reach` does not belong to a `threat` event"),
        "{p}"
    );
}

#[test]
fn a_state_does_not_threaten_itself() {
    let e = errors(&format!(
        "{HEAD}[[events]]\nid = \"a\"\ndate = 2021-07-04\nkind = \"threat\"\nfrom = \"TJK\"\ntarget = \"TJK\"\ntitle = \"t\"\n"
    ));
    let p = &e.0[0];
    assert!(p.message.contains("does not threaten itself"), "{p}");
    assert_eq!(p.line, 9, "{p}");
}
