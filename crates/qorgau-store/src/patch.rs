//! Partial updates: a JSON object whose keys replace fields of a stored record (`null` clears
//! a field). Unknown field names are refused by the record type's deserialiser, by name.

use crate::error::StoreResult;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

/// A record as a JSON object of its fields.
pub(crate) fn to_map<T: Serialize>(record: &T) -> StoreResult<Map<String, Value>> {
    match serde_json::to_value(record)? {
        Value::Object(map) => Ok(map),
        other => Ok(Map::from_iter([("value".to_string(), other)])),
    }
}

/// Applies `patch` to `current`: returns the current fields (for the change diff) and the
/// patched record, not yet validated.
pub(crate) fn apply<T: Serialize + DeserializeOwned>(
    current: &T,
    patch: &Map<String, Value>,
) -> StoreResult<(Map<String, Value>, T)> {
    let old = to_map(current)?;
    let mut merged = old.clone();
    for (field, value) in patch {
        merged.insert(field.clone(), value.clone());
    }
    Ok((old, serde_json::from_value(Value::Object(merged))?))
}
