//! Located load errors: every problem in a data or scenario file names the file,
//! the line and column, what was found and what to do about it.

use std::fmt;

/// One problem at one place in one file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    pub file: String,
    pub line: usize,
    pub column: usize,
    pub message: String,
    /// What to do about it.
    pub help: Option<String>,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}:{}: error: {}",
            self.file, self.line, self.column, self.message
        )?;
        if let Some(h) = &self.help {
            write!(f, "\n  help: {h}")?;
        }
        Ok(())
    }
}

/// Something a load accepts but the user should know: the scenario runs, and
/// the result rests on an assumption the file did not state (a figure carried
/// forward from the last year the data know). Printed on standard error; the
/// exit code stays 0.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Warning {
    pub file: String,
    pub line: usize,
    pub column: usize,
    pub message: String,
    pub help: Option<String>,
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}:{}: warning: {}",
            self.file, self.line, self.column, self.message
        )?;
        if let Some(h) = &self.help {
            write!(f, "\n  help: {h}")?;
        }
        Ok(())
    }
}

/// A loaded value with the warnings its file raised.
#[derive(Clone, Debug, PartialEq)]
pub struct Loaded<T> {
    pub value: T,
    pub warnings: Vec<Warning>,
}

/// All problems found in a load, reported together.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub struct LoadError(pub Vec<Problem>);

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, p) in self.0.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{p}")?;
        }
        Ok(())
    }
}

/// Line and column (1-based, columns in characters) of a byte offset.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = &text[..text.floor_char_boundary(offset)];
    let line = before.matches('\n').count() + 1;
    let col = before
        .rsplit('\n')
        .next()
        .map(|l| l.chars().count())
        .unwrap_or(0)
        + 1;
    (line, col)
}

/// Collects problems for one file.
pub struct Reporter<'a> {
    pub file: &'a str,
    pub text: &'a str,
    pub problems: Vec<Problem>,
    pub warnings: Vec<Warning>,
    /// The document that describes this file's format, named in help texts.
    pub doc: &'static str,
}

/// The format documents, by kind of file.
pub mod doc {
    pub const SCENARIO: &str = "docs/scenario-format.md";
    pub const CASE: &str = "docs/case-format.md";
    pub const PARAMETERS: &str =
        "docs/model.md (each entry of data/parameters.toml: value, unit, meaning, provenance)";
    pub const BASE_RATES: &str = "docs/dynamics.md and data/base-rates.toml";
    pub const MEMBERSHIP_HISTORY: &str = "docs/dynamics.md and data/membership-history.toml";
    pub const STATE: &str =
        "the field documentation in crates/casus-model/src/state.rs (e.g. data/states/ARM.toml)";
    pub const ALLIANCE: &str = "the field documentation in crates/casus-model/src/alliance.rs (e.g. data/alliances/csto.toml)";
    pub const RELATIONS: &str =
        "the field documentation of `Relation` in crates/casus-model/src/state.rs";
}

impl<'a> Reporter<'a> {
    pub fn new(file: &'a str, text: &'a str) -> Self {
        Reporter {
            file,
            text,
            problems: Vec::new(),
            warnings: Vec::new(),
            doc: doc::SCENARIO,
        }
    }

    /// The same reporter, naming `doc` as the format's documentation.
    pub fn with_doc(mut self, doc: &'static str) -> Self {
        self.doc = doc;
        self
    }

    /// A warning at a place: the load succeeds, the user is told.
    pub fn warn(
        &mut self,
        span: std::ops::Range<usize>,
        message: impl Into<String>,
        help: Option<String>,
    ) {
        let (line, column) = line_col(self.text, span.start);
        self.warnings.push(Warning {
            file: self.file.to_string(),
            line,
            column,
            message: message.into(),
            help,
        });
    }

    pub fn at(
        &mut self,
        span: std::ops::Range<usize>,
        message: impl Into<String>,
        help: Option<String>,
    ) {
        let (line, column) = line_col(self.text, span.start);
        self.problems.push(Problem {
            file: self.file.to_string(),
            line,
            column,
            message: message.into(),
            help,
        });
    }

    /// A TOML syntax or shape error, with the parser's own location.
    pub fn toml(&mut self, e: &toml::de::Error) {
        let span = e.span().unwrap_or(0..0);
        let msg = e.message().trim().to_string();
        let doc = self.doc;
        let help = if msg.contains("unknown field") {
            Some(format!(
                "remove the key or correct its spelling; the format is documented in {doc}"
            ))
        } else if msg.contains("missing field") {
            Some(format!("add the key; the format is documented in {doc}"))
        } else {
            Some(format!("fix the TOML at this place (see {doc})"))
        };
        self.at(span, msg, help);
    }

    /// The value with its warnings, or every problem found.
    pub fn finish_loaded<T>(self, value: T) -> Result<Loaded<T>, LoadError> {
        if self.problems.is_empty() {
            Ok(Loaded {
                value,
                warnings: self.warnings,
            })
        } else {
            Err(LoadError(self.problems))
        }
    }

    pub fn finish<T>(self, value: T) -> Result<T, LoadError> {
        if self.problems.is_empty() {
            Ok(value)
        } else {
            Err(LoadError(self.problems))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_and_column_are_one_based() {
        let t = "a = 1\nbb = 2\n";
        assert_eq!(line_col(t, 0), (1, 1));
        assert_eq!(line_col(t, 6), (2, 1));
        assert_eq!(line_col(t, 8), (2, 3));
    }
}
