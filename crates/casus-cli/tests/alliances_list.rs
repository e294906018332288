//! `casus list` shows every bundled alliance, the new ones beside the CSTO and NATO.

use std::process::Command;

#[test]
fn list_shows_every_bundled_alliance() {
    let o = Command::new(env!("CARGO_BIN_EXE_casus"))
        .arg("list")
        .current_dir(std::env::temp_dir())
        .output()
        .expect("run casus");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let out = String::from_utf8_lossy(&o.stdout);
    for (id, name) in [
        ("WARSAW", "Warsaw Pact"),
        ("SEATO", "Manila Pact"),
        ("CENTO", "Baghdad Pact"),
        ("TIAR", "Rio Treaty"),
        ("ANZUS", "ANZUS"),
        ("GCC", "Gulf Cooperation Council"),
        ("ECOWAS", "West African States"),
        ("SADC", "Southern African Development Community"),
        ("LAS", "Arab League"),
    ] {
        let line = out
            .lines()
            .find(|l| l.trim_start().starts_with(id))
            .unwrap_or_else(|| panic!("{id} listed in:\n{out}"));
        assert!(line.contains(name), "{line}");
    }
}
