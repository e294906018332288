//! Nonsense that parses is still rejected, at its place: every number of the
//! scenario, case, state and alliance formats is finite and in its range; a state
//! does not attack, fight, ally with or ask itself; a majority share is a
//! fraction; a leading power is a member; a date is a day, not a date-time; a case
//! has its observation file. Dates beyond the data load with a warning.

use casus_data::cases::load_cases;
use casus_data::embedded;
use casus_data::scenario::parse_scenario_loaded;
use casus_data::world::load_world;
use casus_data::{LoadError, bundled_world, parse_scenario};
use proptest::prelude::*;

const HEAD: &str = "format = 1\nid = \"t\"\ntitle = \"t\"\nalliance = \"CSTO\"\n";

fn world() -> &'static casus_model::scenario::World {
    static WORLD: std::sync::OnceLock<casus_model::scenario::World> = std::sync::OnceLock::new();
    WORLD.get_or_init(|| bundled_world().expect("bundled world"))
}

fn scenario_err(body: &str) -> LoadError {
    let world = world();
    let text = format!("{HEAD}{body}");
    parse_scenario("t.toml", &text, world).expect_err("the scenario must be rejected")
}

/// The line of the first occurrence of `needle` in `HEAD + body`.
fn line_of(body: &str, needle: &str) -> usize {
    let text = format!("{HEAD}{body}");
    let at = text.find(needle).expect("needle in text");
    text[..at].matches('\n').count() + 1
}

/// The error names `what` at the line of `needle`.
fn assert_located(e: &LoadError, body: &str, needle: &str, what: &str) {
    let line = line_of(body, needle);
    assert!(
        e.0.iter()
            .any(|p| p.file == "t.toml" && p.line == line && p.message.contains(what)),
        "expected `{what}` at line {line}; got:\n{e}"
    );
}

fn aggression(casualties: &str) -> String {
    format!(
        "[[events]]\nid = \"a\"\ndate = 2022-09-13\nkind = \"external_aggression\"\naggressor = \"AZE\"\ntarget = \"ARM\"\ncasualties = {casualties}\ntitle = \"t\"\n"
    )
}

#[test]
fn casualties_must_be_a_finite_count_of_people() {
    for bad in ["-5", "1e308"] {
        let body = aggression(bad);
        let e = scenario_err(&body);
        assert_located(&e, &body, "casualties =", "out of range");
    }
    for bad in ["nan", "inf", "-inf"] {
        let body = aggression(bad);
        let e = scenario_err(&body);
        assert_located(&e, &body, "casualties =", "not a finite number");
        assert_eq!(e.0.len(), 1, "one bad value, one error: {e}");
    }
}

#[test]
fn a_date_time_is_not_a_date() {
    let body = "[[events]]\nid = \"a\"\ndate = 2022-09-13T10:30:00\nkind = \"internal_unrest\"\nstate = \"KAZ\"\ntitle = \"t\"\n";
    let e = scenario_err(body);
    assert_located(&e, body, "date =", "date-time");
}

#[test]
fn a_state_does_not_attack_itself() {
    let body = "[[events]]\nid = \"a\"\ndate = 2022-09-13\nkind = \"external_aggression\"\naggressor = \"ARM\"\ntarget = \"ARM\"\ntitle = \"t\"\n";
    let e = scenario_err(body);
    assert_located(&e, body, "aggressor =", "does not attack itself");
}

#[test]
fn a_member_does_not_wage_war_on_itself() {
    for kind in ["out_of_area_war", "war_outcome"] {
        let extra = if kind == "war_outcome" {
            "result = \"won\"\n"
        } else {
            ""
        };
        let body = format!(
            "[[events]]\nid = \"a\"\ndate = 2022-09-13\nkind = \"{kind}\"\nmember = \"RUS\"\nagainst = \"RUS\"\n{extra}title = \"t\"\n"
        );
        let e = scenario_err(&body);
        assert_located(&e, &body, "against =", "does not wage war on itself");
    }
}

#[test]
fn a_conflict_between_members_has_two_sides() {
    let body = "[[events]]\nid = \"a\"\ndate = 2022-09-13\nkind = \"intra_member_conflict\"\nparties = [\"KGZ\", \"KGZ\"]\ntitle = \"t\"\n";
    let e = scenario_err(body);
    assert_located(&e, body, "parties =", "named twice");
}

#[test]
fn a_partnership_binds_two_states() {
    let body = "[[events]]\nid = \"a\"\ndate = 2022-09-13\nkind = \"partnership\"\nstate = \"ARM\"\npartner = \"ARM\"\ntitle = \"t\"\n";
    let e = scenario_err(body);
    assert_located(&e, body, "partner =", "its own partner");
}

#[test]
fn a_state_does_not_ask_itself_for_help() {
    let body = "[[events]]\nid = \"c\"\ndate = 2022-09-13\nkind = \"internal_unrest\"\nstate = \"KAZ\"\ntitle = \"t\"\n[[events]]\nid = \"r\"\ndate = 2022-09-14\nkind = \"request\"\nrequester = \"KAZ\"\nto = \"KAZ\"\ncrisis = \"c\"\nasks = \"forces\"\ntitle = \"t\"\n";
    let e = scenario_err(body);
    assert_located(&e, body, "to = \"KAZ\"", "requests help from itself");
}

const UNREST: &str = "[[events]]\nid = \"a\"\ndate = 2022-09-13\nkind = \"internal_unrest\"\nstate = \"KAZ\"\ntitle = \"t\"\n";

#[test]
fn a_majority_share_is_a_fraction_above_zero() {
    for bad in ["2.0", "-1", "0.0"] {
        let body = format!(
            "{UNREST}[[overrides]]\nalliance = \"CSTO\"\norgan = \"CSC\"\nrule = {{ kind = \"majority\", share = {bad} }}\n"
        );
        let e = scenario_err(&body);
        assert_located(&e, &body, "rule =", "share");
    }
}

#[test]
fn a_leading_power_is_a_member() {
    let body = format!("{UNREST}[[overrides]]\nalliance = \"CSTO\"\nleading_power = \"USA\"\n");
    let e = scenario_err(&body);
    assert_located(&e, &body, "leading_power =", "not a member of CSTO");
}

#[test]
fn an_overridden_figure_is_in_its_range() {
    for (attr, bad) in [
        ("active_personnel", "-1e9"),
        ("active_personnel", "nan"),
        ("freedom_score", "150"),
        ("population", "-1"),
    ] {
        let body = format!(
            "{UNREST}[[overrides]]\nstate = \"KAZ\"\nattribute = \"{attr}\"\nyear = 2022\nvalue = {bad}\nsource = \"s\"\n"
        );
        let e = scenario_err(&body);
        assert_located(&e, &body, "value =", "value");
    }
}

#[test]
fn a_relation_override_binds_two_states_in_date_order() {
    let body = format!(
        "{UNREST}[[overrides]]\nrelation = {{ kind = \"partnership\", parties = [\"KAZ\", \"KAZ\"], name = \"n\", from = 2020-01-01, source = \"s\" }}\n"
    );
    let e = scenario_err(&body);
    assert_located(&e, &body, "relation =", "names KAZ twice");
    let body = format!(
        "{UNREST}[[overrides]]\nrelation = {{ kind = \"partnership\", parties = [\"KAZ\", \"RUS\"], name = \"n\", from = 2020-01-01, until = 2019-01-01, source = \"s\" }}\n"
    );
    let e = scenario_err(&body);
    assert_located(
        &e,
        &body,
        "relation =",
        "ends (2019-01-01) before it begins",
    );
}

#[test]
fn a_scenario_beyond_the_data_loads_with_a_warning_per_figure() {
    let world = bundled_world().unwrap();
    let text = format!(
        "{HEAD}[[events]]\nid = \"a\"\ndate = 9999-01-01\nkind = \"internal_unrest\"\nstate = \"KAZ\"\ntitle = \"t\"\n"
    );
    let l = parse_scenario_loaded("t.toml", &text, &world).expect("loads");
    assert!(!l.warnings.is_empty());
    let w = l
        .warnings
        .iter()
        .find(|w| w.message.contains("`active_personnel`"))
        .expect("a warning about personnel");
    assert_eq!((w.file.as_str(), w.line), ("t.toml", 7), "{w}");
    let latest = world.states["KAZ"]
        .active_personnel
        .0
        .iter()
        .filter(|o| o.used)
        .map(|o| o.year)
        .max()
        .unwrap();
    assert!(
        w.message.contains(&format!("falls back to {latest} for")) && w.message.contains("KAZ"),
        "{w}"
    );
    assert!(w.to_string().contains("t.toml:7:8: warning:"), "{w}");
    // Within the data: no warning.
    let text = text.replace("9999-01-01", "2019-06-01");
    let l = parse_scenario_loaded("t.toml", &text, &world).expect("loads");
    assert!(l.warnings.is_empty(), "{:?}", l.warnings);
}

fn case_files() -> Vec<(String, String)> {
    embedded::CASES
        .iter()
        .map(|(f, t)| (f.rsplit('/').next().unwrap().to_string(), t.to_string()))
        .collect()
}

#[test]
fn a_case_scenario_without_its_observation_file_is_an_error() {
    let world = bundled_world().unwrap();
    let mut files = case_files();
    files.retain(|(n, _)| n != "kazakhstan-2022.observed.toml");
    let e = load_cases(&files, &world).unwrap_err();
    assert!(
        e.0.iter().any(|p| p.file == "kazakhstan-2022.toml"
            && p.message
                .contains("no observation file `kazakhstan-2022.observed.toml`")),
        "{e}"
    );
}

#[test]
fn a_stance_of_a_non_member_is_rejected() {
    let world = bundled_world().unwrap();
    let mut files = case_files();
    let (_, obs) = files
        .iter_mut()
        .find(|(n, _)| n == "kazakhstan-2022.observed.toml")
        .unwrap();
    assert!(obs.contains("[[observation]]"));
    obs.push_str("\n[[observation]]\nevent = \"appeal\"\nstances = { USA = \"forces\" }\n");
    let e = load_cases(&files, &world).unwrap_err();
    assert!(
        e.0.iter()
            .any(|p| p.message.contains("USA is not a member of CSTO")),
        "{e}"
    );
}

#[test]
fn a_malformed_parameter_file_points_at_the_parameter_documentation() {
    let (f, t) = embedded::PARAMETERS.unwrap();
    let e = casus_data::params::parse_params(f, &format!("{t}\n[bogus\n")).unwrap_err();
    let help = e.0[0].help.clone().unwrap();
    assert!(help.contains("docs/model.md"), "{help}");
    assert!(!help.contains("scenario-format"), "{help}");
}

// ---------------------------------------------------------------------------
// Every numeric field, every kind of invalid value: a located error.
// ---------------------------------------------------------------------------

/// A template with `@name@` placeholders, each with a valid value and its
/// invalid ones.
struct Template {
    text: String,
    fields: Vec<(&'static str, &'static str, Vec<&'static str>)>,
}

const NON_FINITE: [&str; 4] = ["nan", "inf", "-inf", "-nan"];

fn invalid(extra: &[&'static str]) -> Vec<&'static str> {
    let mut v: Vec<&str> = NON_FINITE.to_vec();
    v.extend_from_slice(extra);
    v
}

const PEOPLE_BAD: &[&str] = &["-5", "-1e9", "1e308", "2e9"];
const YEAR_BAD: &[&str] = &["-5", "99999", "1799", "2201"];

impl Template {
    fn render(&self, field: usize, value: &str) -> (String, usize) {
        let mut text = self.text.clone();
        let (name, _, _) = self.fields[field];
        let token = format!("@{name}@");
        let at = text.find(&token).expect("token");
        let line = text[..at].matches('\n').count() + 1;
        text = text.replace(&token, value);
        for (n, valid, _) in &self.fields {
            text = text.replace(&format!("@{n}@"), valid);
        }
        (text, line)
    }

    fn valid(&self) -> String {
        let mut text = self.text.clone();
        for (n, valid, _) in &self.fields {
            text = text.replace(&format!("@{n}@"), valid);
        }
        text
    }

    /// Every (field, invalid value) pair.
    fn cases(&self) -> Vec<(usize, &'static str)> {
        self.fields
            .iter()
            .enumerate()
            .flat_map(|(i, (_, _, bad))| bad.iter().map(move |b| (i, *b)))
            .collect()
    }
}

fn scenario_template() -> Template {
    let text = format!(
        "{HEAD}\
[[events]]\nid = \"agg\"\ndate = 2022-09-13\nkind = \"external_aggression\"\naggressor = \"AZE\"\ntarget = \"ARM\"\ncasualties = @agg_casualties@\ntitle = \"t\"\n\
[[events]]\nid = \"thr\"\ndate = 2022-09-13\nkind = \"threat\"\nfrom = \"AZE\"\ntarget = \"ARM\"\ncasualties = @thr_casualties@\ntitle = \"t\"\n\
[[events]]\nid = \"unr\"\ndate = 2022-09-13\nkind = \"internal_unrest\"\nstate = \"KAZ\"\ncasualties = @unr_casualties@\ntitle = \"t\"\n\
[[events]]\nid = \"imc\"\ndate = 2022-09-14\nkind = \"intra_member_conflict\"\nparties = [\"KGZ\", \"TJK\"]\ncasualties = @imc_casualties@\ntitle = \"t\"\n\
[[events]]\nid = \"req\"\ndate = 2022-09-14\nkind = \"request\"\nrequester = \"ARM\"\nto = \"CSTO\"\ncrisis = \"agg\"\nasks = \"forces\"\ntroops = @troops@\ntitle = \"t\"\n\
[[events]]\nid = \"war\"\ndate = 2022-09-15\nkind = \"out_of_area_war\"\nmember = \"RUS\"\nagainst = \"UKR\"\npersonnel_committed = @war_personnel@\ntitle = \"t\"\n\
[[events]]\nid = \"shk\"\ndate = 2022-09-15\nkind = \"capability_shock\"\nstate = \"RUS\"\npersonnel_committed = @shock_personnel@\ntitle = \"t\"\n\
[[overrides]]\nstate = \"ARM\"\nattribute = \"population\"\nyear = @ov_year@\nvalue = @ov_population@\nsource = \"s\"\n\
[[overrides]]\nstate = \"ARM\"\nattribute = \"gdp_usd\"\nyear = 2022\nvalue = @ov_gdp@\nsource = \"s\"\n\
[[overrides]]\nstate = \"ARM\"\nattribute = \"defence_spending_usd\"\nyear = 2022\nvalue = @ov_spending@\nsource = \"s\"\n\
[[overrides]]\nstate = \"ARM\"\nattribute = \"active_personnel\"\nyear = 2022\nvalue = @ov_personnel@\nsource = \"s\"\n\
[[overrides]]\nstate = \"ARM\"\nattribute = \"freedom_score\"\nyear = 2022\nvalue = @ov_freedom@\nsource = \"s\"\n\
[[overrides]]\nalliance = \"CSTO\"\norgan = \"CFM\"\nrule = {{ kind = \"majority\", share = @share@ }}\n"
    );
    Template {
        text,
        fields: vec![
            ("agg_casualties", "10", invalid(PEOPLE_BAD)),
            ("thr_casualties", "0", invalid(PEOPLE_BAD)),
            ("unr_casualties", "225", invalid(PEOPLE_BAD)),
            ("imc_casualties", "100", invalid(PEOPLE_BAD)),
            ("troops", "2000", invalid(PEOPLE_BAD)),
            ("war_personnel", "150000", invalid(PEOPLE_BAD)),
            (
                "shock_personnel",
                "-20000",
                invalid(&["-2e9", "1e308", "-1e308"]),
            ),
            (
                "ov_year",
                "2022",
                vec!["-5", "99999", "1799", "nan", "2022.5"],
            ),
            ("ov_population", "2.9e6", invalid(&["-1", "1e308", "3e10"])),
            ("ov_gdp", "2.4e10", invalid(&["-1", "1e308", "2e15"])),
            ("ov_spending", "1.3e9", invalid(&["-1", "1e308"])),
            ("ov_personnel", "45000", invalid(&["-1e9", "-1", "1e308"])),
            ("ov_freedom", "54", invalid(&["-1", "101", "150"])),
            ("share", "0.5", invalid(&["2.0", "-1", "0", "1.0001"])),
        ],
    }
}

fn state_template() -> Template {
    let text = "code = \"QQQ\"\nname = \"Q\"\nregion = \"central_asia\"\n\
[[population]]\nyear = @pop_year@\nvalue = @pop@\nsource = \"s\"\n\
[[gdp_usd]]\nyear = 2022\nvalue = @gdp@\nsource = \"s\"\n\
[[defence_spending_usd]]\nyear = 2022\nvalue = @spending@\nsource = \"s\"\n\
[[active_personnel]]\nyear = 2022\nvalue = @personnel@\nlow = @personnel_low@\nhigh = @personnel_high@\nsource = \"s\"\n\
[[freedom_score]]\nyear = 2022\nvalue = @freedom@\nsource = \"s\"\n\
[[trade]]\npartner = \"RUS\"\nyear = @trade_year@\nexports_share = @exports@\nimports_share = @imports@\nsource = \"s\"\n\
[[foreign_bases]]\noperator = \"RUS\"\nname = \"b\"\ntroops = @base_troops@\nsince = @since@\nuntil = @until@\nsource = \"s\"\n"
        .to_string();
    Template {
        text,
        fields: vec![
            ("pop_year", "2022", YEAR_BAD.to_vec()),
            ("pop", "1e6", invalid(&["-1", "1e308", "3e10"])),
            ("gdp", "1e10", invalid(&["-1", "1e308"])),
            ("spending", "1e8", invalid(&["-1", "1e308"])),
            ("personnel", "45000", invalid(&["-1e9", "-1", "1e308"])),
            ("personnel_low", "40000", invalid(&["-1", "1e308", "60000"])),
            ("personnel_high", "50000", invalid(&["-1", "1e308"])),
            ("freedom", "50", invalid(&["-1", "101"])),
            ("trade_year", "2022", YEAR_BAD.to_vec()),
            ("exports", "0.3", invalid(&["-0.1", "1.5", "2.0"])),
            ("imports", "0.3", invalid(&["-0.1", "1.5", "2.0"])),
            ("base_troops", "7000", invalid(PEOPLE_BAD)),
            ("since", "1995", YEAR_BAD.to_vec()),
            ("until", "2030", vec!["1990", "-5", "99999"]),
        ],
    }
}

fn alliance_template() -> Template {
    let (_, csto) = embedded::ALLIANCES
        .iter()
        .find(|(f, _)| f.ends_with("csto.toml"))
        .unwrap();
    let mut text = csto.to_string();
    for (from, to) in [
        (
            "rule = { kind = \"consensus\", limited_format = false }",
            "rule = { kind = \"majority\", share = @share@ }",
        ),
        ("notice_months = 6", "notice_months = @notice@"),
        ("strength = 3600", "strength = @strength@"),
        (
            "troops = 8000\nyear = 2009",
            "troops = @troops@\nyear = @year@",
        ),
    ] {
        assert!(text.contains(from), "csto.toml has `{from}`");
        text = text.replacen(from, to, 1);
    }
    Template {
        text,
        fields: vec![
            ("share", "0.5", invalid(&["2.0", "-1", "0", "1.5"])),
            ("notice", "6", vec!["-1", "1000", "nan"]),
            ("strength", "3600", invalid(PEOPLE_BAD)),
            ("troops", "8000", invalid(PEOPLE_BAD)),
            ("year", "2009", YEAR_BAD.to_vec()),
        ],
    }
}

fn world_with(state: Option<&str>, alliance: Option<&str>) -> Result<(), LoadError> {
    let mut states: Vec<(&str, &str)> = embedded::STATES.to_vec();
    if let Some(s) = state {
        states.push(("q.toml", s));
    }
    let mut alliances: Vec<(&str, &str)> = embedded::ALLIANCES
        .iter()
        .filter(|(f, _)| alliance.is_none() || !f.ends_with("csto.toml"))
        .copied()
        .collect();
    if let Some(a) = alliance {
        alliances.push(("q.toml", a));
    }
    load_world(&states, embedded::RELATIONS, &alliances).map(|_| ())
}

fn assert_error_at(r: Result<(), LoadError>, file: &str, line: usize, what: &str) {
    let e = r.expect_err(what);
    assert!(
        e.0.iter().any(|p| p.file == file && p.line == line),
        "{what}: expected an error at {file}:{line}; got:\n{e}"
    );
}

#[test]
fn overlapping_memberships_of_one_state_are_rejected() {
    let t = alliance_template().valid();
    let t = t.replacen("joined = 2006-08-16", "joined = 1998-01-01", 1);
    let at = t
        .find("joined = 1998-01-01")
        .expect("UZB's second membership");
    let line = t[..at].matches('\n').count() + 1;
    assert_error_at(world_with(None, Some(&t)), "q.toml", line, "overlap");
}

#[test]
fn a_chair_is_a_member_when_it_chairs() {
    let t = alliance_template().valid();
    let at = t.find("[[chairs]]\nstate = \"").expect("a chair") + "[[chairs]]\n".len();
    let end = at + t[at..].find('\n').unwrap();
    let mut t2 = t.clone();
    t2.replace_range(at..end, "state = \"USA\"");
    let line = t2[..at].matches('\n').count() + 1;
    assert_error_at(world_with(None, Some(&t2)), "q.toml", line, "chair");
}

#[test]
fn a_state_defined_twice_is_located_at_its_code() {
    let mut states: Vec<(&str, &str)> = embedded::STATES.to_vec();
    let (_, arm) = *states
        .iter()
        .find(|(f, _)| f.ends_with("ARM.toml"))
        .unwrap();
    states.push(("again.toml", arm));
    let e = load_world(&states, embedded::RELATIONS, embedded::ALLIANCES).unwrap_err();
    let line = arm[..arm.find("code =").unwrap()].matches('\n').count() + 1;
    assert!(
        e.0.iter().any(|p| p.file == "again.toml"
            && p.line == line
            && p.message.contains("defined twice")),
        "{e}"
    );
}

#[test]
fn the_templates_are_valid_with_valid_values() {
    let world = bundled_world().unwrap();
    parse_scenario("t.toml", &scenario_template().valid(), &world).unwrap();
    world_with(Some(&state_template().valid()), None).unwrap();
    world_with(None, Some(&alliance_template().valid())).unwrap();
}

#[test]
fn a_bundled_case_with_a_bad_number_is_located_in_its_scenario() {
    let world = bundled_world().unwrap();
    let mut files = case_files();
    let (name, text) = files
        .iter_mut()
        .find(|(_, t)| t.contains("casualties = "))
        .expect("a case with casualties");
    let name = name.clone();
    let at = text.find("casualties = ").unwrap();
    let line = text[..at].matches('\n').count() + 1;
    let end = at + text[at..].find('\n').unwrap();
    text.replace_range(at..end, "casualties = -5");
    let e = load_cases(&files, &world).unwrap_err();
    assert!(e.0.iter().any(|p| p.file == name && p.line == line), "{e}");
}

/// The valid range of a template field, and whether it is an integer.
fn range_of(name: &str) -> (f64, f64, bool) {
    match name {
        "shock_personnel" => (-1e9, 1e9, false),
        "ov_year" | "pop_year" | "trade_year" | "since" | "year" => (1800.0, 2200.0, true),
        // `until` must also not come before `since` (1995).
        "until" => (1995.0, 2200.0, true),
        "notice" => (0.0, 120.0, true),
        "ov_population" | "pop" => (0.0, 2e10, false),
        "ov_gdp" | "gdp" | "ov_spending" | "spending" => (0.0, 1e15, false),
        "ov_freedom" | "freedom" => (0.0, 100.0, false),
        "share" | "exports" | "imports" => (0.0, 1.0, false),
        // Casualties, troops, personnel, strength: counts of people.
        _ => (0.0, 1e9, false),
    }
}

/// A value outside `range_of(name)`: below or above by 10^k (integers by n).
fn out_of_range(name: &str, above: bool, k: i32, n: u32) -> String {
    let (min, max, int) = range_of(name);
    if int {
        let v = if above {
            max as i64 + 1 + i64::from(n)
        } else {
            min as i64 - 1 - i64::from(n)
        };
        v.to_string()
    } else {
        let step = 10f64.powi(k);
        let v = if above { max + step } else { min - step };
        format!("{v:?}")
    }
}

fn located_in_scenario(t: &Template, field: usize, value: &str) -> Result<(), String> {
    let (text, line) = t.render(field, value);
    match parse_scenario("t.toml", &text, world()) {
        Ok(_) => Err(format!("{} = {value} was accepted", t.fields[field].0)),
        Err(e) if e.0.iter().any(|p| p.file == "t.toml" && p.line == line) => Ok(()),
        Err(e) => Err(format!(
            "{} = {value}: expected line {line}; got\n{e}",
            t.fields[field].0
        )),
    }
}

fn located_in_world(state: bool, t: &Template, field: usize, value: &str) -> Result<(), String> {
    let (text, line) = t.render(field, value);
    let r = if state {
        world_with(Some(&text), None)
    } else {
        world_with(None, Some(&text))
    };
    match r {
        Ok(()) => Err(format!("{} = {value} was accepted", t.fields[field].0)),
        Err(e) if e.0.iter().any(|p| p.file == "q.toml" && p.line == line) => Ok(()),
        Err(e) => Err(format!(
            "{} = {value}: expected line {line}; got\n{e}",
            t.fields[field].0
        )),
    }
}

#[test]
fn every_listed_invalid_value_of_every_numeric_field_is_located() {
    let t = scenario_template();
    for (f, v) in t.cases() {
        located_in_scenario(&t, f, v).unwrap();
    }
    for (state, t) in [(true, state_template()), (false, alliance_template())] {
        for (f, v) in t.cases() {
            located_in_world(state, &t, f, v).unwrap();
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn any_out_of_range_scenario_number_is_located(
        field in any::<prop::sample::Index>(), above in any::<bool>(), k in 0i32..300, n in 0u32..1_000_000,
    ) {
        let t = scenario_template();
        let f = field.index(t.fields.len());
        let v = out_of_range(t.fields[f].0, above, k, n);
        prop_assert!(located_in_scenario(&t, f, &v).is_ok(), "{}", located_in_scenario(&t, f, &v).unwrap_err());
    }

    #[test]
    fn any_out_of_range_state_number_is_located(
        field in any::<prop::sample::Index>(), above in any::<bool>(), k in 0i32..300, n in 0u32..1_000_000,
    ) {
        let t = state_template();
        let f = field.index(t.fields.len());
        let v = out_of_range(t.fields[f].0, above, k, n);
        prop_assert!(located_in_world(true, &t, f, &v).is_ok(), "{}", located_in_world(true, &t, f, &v).unwrap_err());
    }

    #[test]
    fn any_out_of_range_alliance_number_is_located(
        field in any::<prop::sample::Index>(), above in any::<bool>(), k in 0i32..300, n in 0u32..1_000_000,
    ) {
        let t = alliance_template();
        let f = field.index(t.fields.len());
        let v = out_of_range(t.fields[f].0, above, k, n);
        prop_assert!(located_in_world(false, &t, f, &v).is_ok(), "{}", located_in_world(false, &t, f, &v).unwrap_err());
    }
}
