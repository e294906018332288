//! `--csv DIR` and `--parquet DIR`: every table of a result (built by
//! `casus_app::tables`) written as `DIR/TABLE.csv` or `DIR/TABLE.parquet`,
//! beside the usual text or JSON on standard output. This module only encodes
//! and writes: which tables and columns a result has is the application's.
//!
//! A result has several tables (a forecast's outcomes, stances, …), hence a
//! directory rather than one file. Each file is replaced atomically
//! (`output`), and the bytes depend only on the table: CSV floats are Rust's
//! shortest round-trip form, Parquet has no timestamp in its metadata.

use crate::output::Output;
use anyhow::{Context as _, Result, bail};
use casus_app::tables::{Cell, Kind, Table};
use clap::Args;
use std::path::PathBuf;
use std::sync::Arc;

/// The export flags every command with tabular results takes.
#[derive(Args, Clone, Debug, Default)]
pub struct ExportArgs {
    /// Also write each table of the result as DIR/TABLE.csv (tidy columns,
    /// named as in the README's "Exports"); DIR is created if missing.
    #[arg(long, value_name = "DIR")]
    pub csv: Option<PathBuf>,
    /// Also write each table as DIR/TABLE.parquet (uncompressed).
    #[arg(long, value_name = "DIR")]
    pub parquet: Option<PathBuf>,
}

/// A file format of the tables.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Csv,
    Parquet,
}

impl Format {
    fn extension(self) -> &'static str {
        match self {
            Format::Csv => "csv",
            Format::Parquet => "parquet",
        }
    }

    /// The file's bytes.
    pub fn encode(self, t: &Table) -> Result<Vec<u8>> {
        match self {
            Format::Csv => csv_bytes(t),
            Format::Parquet => parquet_bytes(t)
                .with_context(|| format!("cannot encode table `{}` as Parquet", t.name)),
        }
    }
}

impl ExportArgs {
    fn dirs(&self) -> impl Iterator<Item = (Format, &PathBuf)> {
        [(Format::Csv, &self.csv), (Format::Parquet, &self.parquet)]
            .into_iter()
            .filter_map(|(f, d)| Some((f, d.as_ref()?)))
    }

    /// Check the directories before computing: each is a directory we can
    /// write in, or does not exist yet in a directory we can write in.
    pub fn check(&self) -> Result<()> {
        for (f, dir) in self.dirs() {
            let flag = f.extension();
            match std::fs::metadata(dir) {
                Ok(m) if m.is_dir() => {
                    Output::check(&dir.join(".casus-probe"))
                        .with_context(|| format!("--{flag} {}", dir.display()))?;
                }
                Ok(_) => bail!(
                    "--{flag} {}: not a directory\n  help: --{flag} takes a directory, where each table becomes TABLE.{flag}",
                    dir.display()
                ),
                Err(_) => {
                    Output::check(dir).with_context(|| format!("--{flag} {}", dir.display()))?;
                }
            }
        }
        Ok(())
    }

    /// Write every table into each directory asked for (creating it), and say
    /// on standard error what was written.
    pub fn write(&self, tables: &[Table]) -> Result<()> {
        for (f, dir) in self.dirs() {
            std::fs::create_dir_all(dir)
                .with_context(|| format!("cannot create `{}`", dir.display()))?;
            let mut names = Vec::new();
            for t in tables {
                let name = format!("{}.{}", t.name, f.extension());
                Output::check(&dir.join(&name))?.write_bytes(&f.encode(t)?)?;
                names.push(name);
            }
            eprintln!(
                "wrote {} tables to {}: {}",
                names.len(),
                dir.display(),
                names.join(", ")
            );
        }
        Ok(())
    }
}

/// A float as CSV text: the shortest form that reads back to the same number
/// (`0.25`, `1.0`, `1e-7`); `1.0` rather than `1` keeps a column of
/// probabilities a float column in pandas or R.
fn float(x: f64) -> String {
    format!("{x:?}")
}

fn csv_bytes(t: &Table) -> Result<Vec<u8>> {
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::Any(b'\n'))
        .from_writer(Vec::new());
    w.write_record(t.column_names())?;
    for r in &t.rows {
        w.write_record(r.iter().map(|c| match c {
            Cell::Str(s) => s.clone(),
            Cell::F64(x) => float(*x),
            Cell::Int(i) => i.to_string(),
            Cell::Bool(b) => b.to_string(),
            Cell::Null => String::new(),
        }))?;
    }
    w.into_inner().context("cannot finish the CSV text")
}

/// The Parquet schema of a table: strings as UTF-8 byte arrays, floats as
/// doubles, integers as INT64, booleans; a column with a missing value is
/// OPTIONAL, the others REQUIRED.
fn parquet_schema(t: &Table) -> String {
    let mut s = format!("message {} {{\n", t.name);
    for (i, c) in t.columns.iter().enumerate() {
        let repetition = if t.nullable(i) {
            "OPTIONAL"
        } else {
            "REQUIRED"
        };
        let ty = match c.kind {
            Kind::Str => "BYTE_ARRAY",
            Kind::F64 => "DOUBLE",
            Kind::Int => "INT64",
            Kind::Bool => "BOOLEAN",
        };
        let logical = if c.kind == Kind::Str { " (UTF8)" } else { "" };
        s.push_str(&format!("  {repetition} {ty} {}{logical};\n", c.name));
    }
    s.push('}');
    s
}

fn parquet_bytes(t: &Table) -> parquet::errors::Result<Vec<u8>> {
    use parquet::data_type::{BoolType, ByteArray, ByteArrayType, DoubleType, Int64Type};
    use parquet::file::properties::WriterProperties;
    use parquet::file::writer::SerializedFileWriter;
    let schema = Arc::new(parquet::schema::parser::parse_message_type(
        &parquet_schema(t),
    )?);
    let props = Arc::new(WriterProperties::builder().build());
    let mut w = SerializedFileWriter::new(Vec::new(), schema, props)?;
    if !t.rows.is_empty() {
        let mut g = w.next_row_group()?;
        let mut i = 0;
        while let Some(mut col) = g.next_column()? {
            let cells: Vec<&Cell> = t.rows.iter().map(|r| &r[i]).collect();
            let nullable = t.nullable(i);
            let def: Vec<i16> = cells.iter().map(|c| i16::from(**c != Cell::Null)).collect();
            let def = nullable.then_some(&def[..]);
            // Every cell is of its column's kind or null (tables' contract).
            match t.columns[i].kind {
                Kind::Str => {
                    let v: Vec<ByteArray> = cells
                        .iter()
                        .filter_map(|c| match c {
                            Cell::Str(s) => Some(ByteArray::from(s.as_str())),
                            _ => None,
                        })
                        .collect();
                    col.typed::<ByteArrayType>().write_batch(&v, def, None)?;
                }
                Kind::F64 => {
                    let v: Vec<f64> = cells
                        .iter()
                        .filter_map(|c| match c {
                            Cell::F64(x) => Some(*x),
                            _ => None,
                        })
                        .collect();
                    col.typed::<DoubleType>().write_batch(&v, def, None)?;
                }
                Kind::Int => {
                    let v: Vec<i64> = cells
                        .iter()
                        .filter_map(|c| match c {
                            Cell::Int(x) => Some(*x),
                            _ => None,
                        })
                        .collect();
                    col.typed::<Int64Type>().write_batch(&v, def, None)?;
                }
                Kind::Bool => {
                    let v: Vec<bool> = cells
                        .iter()
                        .filter_map(|c| match c {
                            Cell::Bool(x) => Some(*x),
                            _ => None,
                        })
                        .collect();
                    col.typed::<BoolType>().write_batch(&v, def, None)?;
                }
            }
            col.close()?;
            i += 1;
        }
        g.close()?;
    }
    w.into_inner()
}

#[cfg(test)]
mod tests {
    use super::*;
    use parquet::file::reader::{FileReader, SerializedFileReader};
    use parquet::record::Field;

    fn table() -> Table {
        Table {
            name: "t",
            columns: vec![
                casus_app::tables::Column {
                    name: "event",
                    kind: Kind::Str,
                },
                casus_app::tables::Column {
                    name: "probability",
                    kind: Kind::F64,
                },
                casus_app::tables::Column {
                    name: "n",
                    kind: Kind::Int,
                },
                casus_app::tables::Column {
                    name: "ok",
                    kind: Kind::Bool,
                },
            ],
            rows: vec![
                vec![
                    Cell::Str("a, \"quoted\"".into()),
                    Cell::F64(0.25),
                    Cell::Int(3),
                    Cell::Bool(true),
                ],
                vec![
                    Cell::Str("b".into()),
                    Cell::Null,
                    Cell::Int(-1),
                    Cell::Bool(false),
                ],
            ],
        }
    }

    #[test]
    fn csv_has_a_header_quotes_where_needed_and_leaves_missing_values_empty() {
        let text = String::from_utf8(csv_bytes(&table()).unwrap()).unwrap();
        assert_eq!(
            text,
            "event,probability,n,ok\n\"a, \"\"quoted\"\"\",0.25,3,true\nb,,-1,false\n"
        );
    }

    #[test]
    fn floats_read_back_to_the_same_number() {
        for x in [0.1, 1.0 / 3.0, 1e-7, 0.0, 1.0, 72.7 / 100.0] {
            assert_eq!(float(x).parse::<f64>().unwrap(), x);
        }
        assert_eq!(float(1.0), "1.0");
    }

    #[test]
    fn parquet_reads_back_with_its_types_and_nulls() {
        let bytes = parquet_bytes(&table()).unwrap();
        assert_eq!(&bytes[..4], b"PAR1");
        let path =
            std::env::temp_dir().join(format!("casus-export-{}.parquet", std::process::id()));
        std::fs::write(&path, &bytes).unwrap();
        let r = SerializedFileReader::new(std::fs::File::open(&path).unwrap()).unwrap();
        let _ = std::fs::remove_file(&path);
        let rows: Vec<Vec<(String, Field)>> = r
            .get_row_iter(None)
            .unwrap()
            .map(|row| {
                row.unwrap()
                    .get_column_iter()
                    .map(|(n, f)| (n.clone(), f.clone()))
                    .collect()
            })
            .collect();
        assert_eq!(rows.len(), 2);
        assert_eq!(
            rows[0][0],
            ("event".into(), Field::Str("a, \"quoted\"".into()))
        );
        assert_eq!(rows[0][1], ("probability".into(), Field::Double(0.25)));
        assert_eq!(rows[0][2], ("n".into(), Field::Long(3)));
        assert_eq!(rows[1][1], ("probability".into(), Field::Null));
        assert_eq!(rows[1][3], ("ok".into(), Field::Bool(false)));
    }

    #[test]
    fn the_same_table_gives_the_same_bytes() {
        assert_eq!(
            parquet_bytes(&table()).unwrap(),
            parquet_bytes(&table()).unwrap()
        );
    }
}
