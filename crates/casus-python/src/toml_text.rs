//! Python data → TOML text, so that a scenario changed in Python is checked by
//! the one scenario loader (`casus_data::scenario`) and its errors point at
//! lines of a text the user can read (`Scenario.toml`). The text is written by
//! the `toml` crate; this module only maps Python values onto serde, keeping
//! the keys in the order the mapping has them (the order a person wrote).

use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyDate, PyDateTime, PyDict, PyFloat, PyInt, PyList, PyString, PyTuple};
use serde::ser::{SerializeMap, SerializeSeq};
use serde::{Serialize, Serializer};

/// A TOML value taken from Python.
enum Node {
    Str(String),
    Int(i64),
    Float(f64),
    Bool(bool),
    Date(toml::value::Datetime),
    Array(Vec<Node>),
    Table(Vec<(String, Node)>),
}

impl Serialize for Node {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Node::Str(v) => s.serialize_str(v),
            Node::Int(v) => s.serialize_i64(*v),
            Node::Float(v) => s.serialize_f64(*v),
            Node::Bool(v) => s.serialize_bool(*v),
            Node::Date(d) => d.serialize(s),
            Node::Array(items) => {
                let mut seq = s.serialize_seq(Some(items.len()))?;
                for i in items {
                    seq.serialize_element(i)?;
                }
                seq.end()
            }
            Node::Table(entries) => {
                let mut map = s.serialize_map(Some(entries.len()))?;
                for (k, v) in entries {
                    map.serialize_entry(k, v)?;
                }
                map.end()
            }
        }
    }
}

/// `where` names the key path in errors (`events[2].date`).
fn node(v: &Bound<'_, PyAny>, at: &str) -> PyResult<Node> {
    if v.is_none() {
        return Err(PyValueError::new_err(format!(
            "{at}: None has no TOML form; leave the key out instead"
        )));
    }
    if v.is_instance_of::<PyBool>() {
        return Ok(Node::Bool(v.extract()?));
    }
    if v.is_instance_of::<PyInt>() {
        return v.extract::<i64>().map(Node::Int).map_err(|_| {
            PyValueError::new_err(format!("{at}: the integer does not fit in 64 bits"))
        });
    }
    if v.is_instance_of::<PyFloat>() {
        return Ok(Node::Float(v.extract()?));
    }
    if v.is_instance_of::<PyString>() {
        return Ok(Node::Str(v.extract()?));
    }
    // A datetime is a date too in Python; the model counts whole days, so a
    // date-time goes through as text and the loader names it.
    if v.is_instance_of::<PyDateTime>() {
        return Ok(Node::Str(v.str()?.extract()?));
    }
    if v.is_instance_of::<PyDate>() {
        let text: String = v.call_method0("isoformat")?.extract()?;
        let d = text
            .parse()
            .map_err(|e| PyValueError::new_err(format!("{at}: {e}")))?;
        return Ok(Node::Date(d));
    }
    if let Ok(d) = v.cast::<PyDict>() {
        let mut entries = Vec::with_capacity(d.len());
        for (k, x) in d.iter() {
            let key: String = k.extract().map_err(|_| {
                PyTypeError::new_err(format!(
                    "{at}: keys must be str, found {}",
                    k.repr().map(|r| r.to_string()).unwrap_or_default()
                ))
            })?;
            let path = if at.is_empty() {
                key.clone()
            } else {
                format!("{at}.{key}")
            };
            entries.push((key, node(&x, &path)?));
        }
        return Ok(Node::Table(entries));
    }
    if v.is_instance_of::<PyList>() || v.is_instance_of::<PyTuple>() {
        let items = v
            .try_iter()?
            .enumerate()
            .map(|(i, x)| node(&x?, &format!("{at}[{i}]")))
            .collect::<PyResult<Vec<_>>>()?;
        return Ok(Node::Array(items));
    }
    Err(PyTypeError::new_err(format!(
        "{at}: a {} has no TOML form (use str, int, float, bool, datetime.date, list or dict)",
        v.get_type()
            .name()
            .map(|n| n.to_string())
            .unwrap_or_default()
    )))
}

/// The TOML text of a Python mapping.
pub fn to_toml(value: &Bound<'_, PyAny>) -> PyResult<String> {
    let root = node(value, "")?;
    if !matches!(root, Node::Table(_)) {
        return Err(PyTypeError::new_err("a TOML document is a mapping (dict)"));
    }
    toml::to_string(&root).map_err(|e| PyValueError::new_err(format!("cannot write TOML: {e}")))
}
