//! The first command a newcomer runs, `casus run SCENARIO`, gives the answer
//! with the reasons: the outcome probabilities of the forecast `casus forecast`
//! makes by default (same seed, same replications, the same numbers), beside
//! the treaty's reading, and where to look next.

use std::process::Command;

fn casus(args: &[&str]) -> Vec<u8> {
    let o = Command::new(env!("CARGO_BIN_EXE_casus"))
        .args(args)
        .output()
        .expect("run casus");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    o.stdout
}

#[test]
fn run_says_what_is_likely_and_why_and_where_to_look_next() {
    let text = String::from_utf8(casus(&["run", "kazakhstan-2022"])).unwrap();
    let likely = text.find("What is likely").expect("an answer");
    let tail = &text[likely..];
    // The rungs are listed most likely first: the deployment that happened.
    let odds = tail
        .lines()
        .skip_while(|l| !l.contains("[request] appeal"))
        .nth(1)
        .expect("the appeal's odds");
    assert!(odds.trim_start().starts_with("deployment "), "{tail}");
    assert!(tail.contains("why: casus foederis YES for KAZ"), "{tail}");
    assert!(tail.contains("the council decides: deployment"), "{tail}");
    assert!(tail.contains("casus explain kazakhstan-2022"), "{tail}");
    assert!(tail.contains("casus forecast kazakhstan-2022"), "{tail}");
    // The treaty's reasoning is still there, each decided event with its odds.
    assert!(text.contains("casus foederis: YES, for KAZ"));
    assert!(text.contains("    likely: deployment"));
}

#[test]
fn run_json_carries_the_same_forecast_as_casus_forecast() {
    let run: serde_json::Value =
        serde_json::from_slice(&casus(&["run", "yerevan-summit-2022", "--json"])).unwrap();
    let fc: serde_json::Value =
        serde_json::from_slice(&casus(&["forecast", "yerevan-summit-2022", "--json"])).unwrap();
    assert_eq!(run["runs"], fc["runs"]);
    assert_eq!(run["seed"], fc["seed"]);
    let mut compared = 0;
    for f in fc["events"].as_array().unwrap() {
        let e = run["events"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["id"] == f["id"])
            .unwrap();
        let mut want = f.clone();
        for k in ["id", "date", "kind"] {
            want.as_object_mut().unwrap().remove(k);
        }
        assert_eq!(e["forecast"], want, "{}", f["id"]);
        compared += 1;
    }
    assert!(compared >= 2);
    let request = run["events"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["id"] == "art4-request")
        .unwrap();
    assert_eq!(request["council"]["outcome"], "mission");
}
