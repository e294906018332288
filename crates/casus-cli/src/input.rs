//! Resolving what the user named: a bundled scenario or a scenario file.

use anyhow::{Context, Result, bail};
use casus_data::{LoadError, bundled_scenario_names, bundled_scenario_text, parse_scenario};
use casus_model::scenario::{Scenario, World};
use std::path::Path;

/// A scenario failed to load: the problems are printed as they are.
#[derive(Debug)]
pub struct InvalidInput(pub LoadError);

impl std::fmt::Display for InvalidInput {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.0)
    }
}
impl std::error::Error for InvalidInput {}

/// Load `name_or_path`: an existing file path, else a bundled scenario name.
pub fn load_scenario(name_or_path: &str, world: &World) -> Result<Scenario> {
    let path = Path::new(name_or_path);
    if path.is_file() || name_or_path.ends_with(".toml") {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("cannot read scenario file `{name_or_path}`"))?;
        return parse_scenario(name_or_path, &text, world).map_err(|e| InvalidInput(e).into());
    }
    match bundled_scenario_text(name_or_path) {
        Some((file, text)) => parse_scenario(file, text, world).map_err(|e| InvalidInput(e).into()),
        None => bail!(
            "no bundled scenario and no file named `{name_or_path}`\n  help: bundled scenarios: {}; or give a path to a .toml file",
            bundled_scenario_names().join(", ")
        ),
    }
}

/// Write `contents` to `path` atomically: a temporary file renamed into place,
/// so an interrupted run never leaves a half-written output.
pub fn write_atomic(path: &Path, contents: &str) -> Result<()> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = path.file_name().context("output path has no file name")?;
    let tmp = dir.join(format!(".{}.casus-tmp", name.to_string_lossy()));
    std::fs::write(&tmp, contents).with_context(|| format!("cannot write `{}`", tmp.display()))?;
    std::fs::rename(&tmp, path)
        .with_context(|| format!("cannot move output into `{}`", path.display()))?;
    Ok(())
}
