//! The parameter file: every global parameter with its value, unit, meaning and
//! provenance. Unknown or missing parameters are errors.

use crate::error::{LoadError, Reporter};
use casus_model::params::Params;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// One documented parameter.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    pub value: f64,
    pub unit: String,
    pub meaning: String,
    pub provenance: String,
}

/// The file: a `[meta]` table and one table per parameter.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ParamFile {
    pub meta: BTreeMap<String, toml::Value>,
    #[serde(flatten)]
    pub entries: BTreeMap<String, Entry>,
}

impl ParamFile {
    pub fn params(&self) -> Params {
        let pairs: Vec<(&str, f64)> = self
            .entries
            .iter()
            .map(|(k, e)| (k.as_str(), e.value))
            .collect();
        Params::from_pairs(&pairs).expect("validated on load")
    }
}

/// Parse and validate a parameter file.
pub fn parse_params(file: &str, text: &str) -> Result<ParamFile, LoadError> {
    let mut rep = Reporter::new(file, text);
    let pf: ParamFile = match toml::from_str(text) {
        Ok(p) => p,
        Err(e) => {
            rep.toml(&e);
            return Err(LoadError(rep.problems));
        }
    };
    let pairs: Vec<(&str, f64)> = pf
        .entries
        .iter()
        .map(|(k, e)| (k.as_str(), e.value))
        .collect();
    if let Err(msg) = Params::from_pairs(&pairs) {
        let at = msg
            .split('`')
            .nth(1)
            .and_then(|name| text.find(&format!("[{name}]")))
            .unwrap_or(0);
        rep.at(at..at, msg, Some("every parameter of the model must appear once, with value, unit, meaning and provenance".into()));
    }
    rep.finish(pf)
}

/// The bundled parameters.
pub fn bundled_params() -> Result<ParamFile, LoadError> {
    match crate::embedded::PARAMETERS {
        Some((f, t)) => parse_params(f, t),
        None => Err(LoadError(vec![crate::error::Problem {
            file: "data/parameters.toml".into(),
            line: 1,
            column: 1,
            message: "the parameter file is missing from the build".into(),
            help: Some("restore data/parameters.toml and rebuild".into()),
        }])),
    }
}

/// The bundled priors (the calibration's starting point and prior centre).
pub fn bundled_priors() -> Result<ParamFile, LoadError> {
    let (f, t) = crate::embedded::PRIORS;
    parse_params(f, t)
}
