//! Reading input files at the edge: a bound on their size (a 50 MB scenario once
//! took 3.5 GB of memory), a directory reported as a directory, and bytes that
//! are not UTF-8 located by line, column and byte offset. Every failure is a
//! located [`LoadError`], like a problem inside the file.

use crate::error::{LoadError, Problem, line_col};
use std::io::Read as _;
use std::path::Path;

/// The default bound on one input file: 8 MiB, some 200 times the largest
/// bundled file; a scenario or case is text a person writes.
pub const MAX_INPUT_BYTES: u64 = 8 * 1024 * 1024;

fn problem(file: &str, line: usize, column: usize, message: String, help: &str) -> LoadError {
    LoadError(vec![Problem {
        file: file.to_string(),
        line,
        column,
        message,
        help: Some(help.to_string()),
    }])
}

/// Read the text file at `path` (named `shown` in errors), at most `limit` bytes.
pub fn read_text(path: &Path, shown: &str, limit: u64) -> Result<String, LoadError> {
    if path.is_dir() {
        return Err(problem(
            shown,
            1,
            1,
            format!("`{shown}` is a directory, not a file"),
            "give the path of a .toml file",
        ));
    }
    let file = std::fs::File::open(path).map_err(|e| {
        problem(
            shown,
            1,
            1,
            format!("cannot read `{shown}`: {e}"),
            "check the path and its permissions",
        )
    })?;
    let mut bytes = Vec::new();
    file.take(limit.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(|e| {
            problem(
                shown,
                1,
                1,
                format!("cannot read `{shown}`: {e}"),
                "check the path and its permissions",
            )
        })?;
    if bytes.len() as u64 > limit {
        return Err(problem(
            shown,
            1,
            1,
            format!("`{shown}` is larger than the input limit of {limit} bytes"),
            "input files are hand-written TOML; split the file, or raise the limit with CASUS_MAX_INPUT_BYTES",
        ));
    }
    decode(shown, bytes)
}

/// The bytes as UTF-8 text, or an error at the first invalid byte.
pub fn decode(file: &str, bytes: Vec<u8>) -> Result<String, LoadError> {
    String::from_utf8(bytes).map_err(|e| {
        let offset = e.utf8_error().valid_up_to();
        let bytes = e.into_bytes();
        let valid = std::str::from_utf8(&bytes[..offset]).unwrap_or_default();
        let (line, column) = line_col(valid, offset);
        problem(
            file,
            line,
            column,
            format!(
                "the file is not UTF-8 text: invalid byte 0x{:02x} at byte offset {offset}",
                bytes[offset]
            ),
            "save the file as UTF-8",
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_invalid_byte_is_located_by_line_column_and_offset() {
        let e = decode("x.toml", b"a = 1\nb = \"\xff\"\n".to_vec()).unwrap_err();
        let p = &e.0[0];
        assert_eq!((p.line, p.column), (2, 6), "{p}");
        assert!(p.message.contains("byte offset 11"), "{p}");
    }
}
