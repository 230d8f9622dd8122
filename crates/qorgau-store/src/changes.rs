//! The write path: one transaction per mutation, carrying the HLC clock, the device id and the
//! actor, and appending field-level change records to the outbox as rows change.

use crate::audit;
use crate::error::StoreResult;
use qorgau_domain::{DeviceId, Hlc, HlcClock};
use rusqlite::{Transaction, params};
use serde::Serialize;
use serde_json::{Map, Value};

/// One field-level change, as the outbox holds it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ChangeRecord {
    pub seq: i64,
    pub entity: String,
    pub entity_id: String,
    pub field: String,
    pub value: Value,
    pub hlc: Hlc,
    pub device_id: DeviceId,
}

/// An open mutation. Everything written through it commits or rolls back together.
pub(crate) struct Writer<'a> {
    pub(crate) tx: Transaction<'a>,
    pub(crate) clock: &'a mut HlcClock,
    pub(crate) device_id: DeviceId,
    pub(crate) actor: &'a str,
}

impl Writer<'_> {
    pub(crate) fn tick(&mut self) -> Hlc {
        self.clock.now()
    }

    /// Appends one change record.
    pub(crate) fn record_change(
        &self,
        entity: &str,
        entity_id: &[u8; 16],
        field: &str,
        value: &Value,
        hlc: Hlc,
    ) -> StoreResult<()> {
        let mut stmt = self.tx.prepare_cached(
            "INSERT INTO outbox (entity, entity_id, field, value, hlc, device_id)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        )?;
        stmt.execute(params![
            entity,
            &entity_id[..],
            field,
            value.to_string(),
            hlc.0 as i64,
            &self.device_id.as_bytes()[..]
        ])?;
        Ok(())
    }

    /// Appends a change record for every top-level field that differs between `old` and `new`
    /// (all set fields when `old` is `None`). Returns the names of the changed fields.
    pub(crate) fn record_fields(
        &self,
        entity: &str,
        entity_id: &[u8; 16],
        hlc: Hlc,
        old: Option<&Map<String, Value>>,
        new: &Map<String, Value>,
    ) -> StoreResult<Vec<String>> {
        let mut changed = Vec::new();
        for (field, value) in new {
            let before = old.and_then(|o| o.get(field)).unwrap_or(&Value::Null);
            if before == value || (old.is_none() && is_empty(value)) {
                continue;
            }
            self.record_change(entity, entity_id, field, value, hlc)?;
            changed.push(field.clone());
        }
        Ok(changed)
    }

    pub(crate) fn audit(
        &self,
        hlc: Hlc,
        action: &str,
        entity: &str,
        entity_id: Option<&str>,
        detail: Option<&str>,
    ) -> StoreResult<()> {
        audit::append(
            &self.tx,
            &audit::NewAuditEntry {
                hlc,
                device_id: self.device_id,
                actor: self.actor,
                action,
                entity,
                entity_id,
                detail,
            },
        )
    }

    /// Persists the clock so that timestamps stay monotonic across restarts.
    pub(crate) fn finish(self) -> StoreResult<()> {
        self.tx.execute(
            "INSERT INTO meta (key, value) VALUES ('hlc_last', ?1)
             ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            [self.clock.last().0.to_string()],
        )?;
        self.tx.commit()?;
        Ok(())
    }
}

fn is_empty(value: &Value) -> bool {
    match value {
        Value::Null => true,
        Value::Array(a) => a.is_empty(),
        _ => false,
    }
}

/// Reads change records after `after_seq`, oldest first.
pub(crate) fn read_outbox(
    conn: &rusqlite::Connection,
    after_seq: i64,
    limit: i64,
) -> StoreResult<Vec<ChangeRecord>> {
    let mut stmt = conn.prepare_cached(
        "SELECT seq, entity, entity_id, field, value, hlc, device_id FROM outbox
         WHERE seq > ?1 ORDER BY seq LIMIT ?2",
    )?;
    let rows = stmt.query_map(params![after_seq, limit], |r| {
        Ok((
            r.get::<_, i64>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, Vec<u8>>(2)?,
            r.get::<_, String>(3)?,
            r.get::<_, String>(4)?,
            r.get::<_, i64>(5)?,
            r.get::<_, Vec<u8>>(6)?,
        ))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (seq, entity, id, field, value, hlc, device) = row?;
        out.push(ChangeRecord {
            seq,
            entity,
            entity_id: uuid_text(&id),
            field,
            value: serde_json::from_str(&value)?,
            hlc: Hlc(hlc as u64),
            device_id: DeviceId::from_slice(&device).unwrap_or_default(),
        });
    }
    Ok(out)
}

pub(crate) fn uuid_text(bytes: &[u8]) -> String {
    qorgau_domain::WorkerId::from_slice(bytes)
        .map(|id| id.0.to_string())
        .unwrap_or_else(|| hex::encode(bytes))
}
