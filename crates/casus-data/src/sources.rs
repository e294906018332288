//! The bibliography: what a source tag (`[S150]`, `[FB]`, `[SIPRI25]`) in the data
//! and the README stands for, shipped as `data/sources.toml` so that every tag
//! resolves inside the repository.

use crate::embedded;
use crate::error::{LoadError, Reporter};
use serde::Deserialize;

/// One entry of the bibliography.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Source {
    /// The tag as cited, without brackets ("S150", "FB", "SIPRI25").
    pub tag: String,
    /// Title or description of the document or data set.
    pub title: String,
    #[serde(default)]
    pub author: Option<String>,
    /// The site or house that published it.
    #[serde(default)]
    pub publisher: Option<String>,
    /// Publication date (or year) where known.
    #[serde(default)]
    pub date: Option<String>,
    #[serde(default)]
    pub url: Option<String>,
    /// Further copies of the same document.
    #[serde(default)]
    pub also: Vec<String>,
    /// Where a pinned copy lives (repository, path, commit).
    #[serde(default)]
    pub archive: Option<String>,
    #[serde(default)]
    pub note: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SourcesFile {
    sources: Vec<Source>,
}

/// The bundled bibliography, in file order.
pub fn bundled_sources() -> Result<Vec<Source>, LoadError> {
    let (file, text) = embedded::SOURCES;
    let mut r = Reporter::new(file, text);
    match toml::from_str::<SourcesFile>(text) {
        Ok(f) => r.finish(f.sources),
        Err(e) => {
            r.toml(&e);
            Err(LoadError(r.problems))
        }
    }
}
