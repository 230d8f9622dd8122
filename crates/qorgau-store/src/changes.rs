//! The write path: one transaction per mutation, carrying the HLC clock, the device id and the
//! actor, and appending field-level change records to the outbox as rows change.

use crate::audit;
use crate::error::StoreResult;
use crate::versions;
use qorgau_domain::{DeviceId, FieldVersion, FieldWrite, Hlc, HlcClock};
use rusqlite::{Transaction, params};
use serde::Serialize;
use serde_json::{Map, Value};
use std::cell::RefCell;

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
    /// The audit log's last entry after this transaction's latest append. It is kept only
    /// after an append succeeded, when the transaction holds the write lock until it ends, so
    /// no one else can append meanwhile and the next entry need not look the tail up again.
    pub(crate) audit_tail: RefCell<Option<audit::AuditTail>>,
}

impl Writer<'_> {
    pub(crate) fn tick(&mut self) -> Hlc {
        self.clock.now()
    }

    /// Appends the change set of a new record: every field in `fields`, all at `hlc`. It is
    /// stored as one outbox row (a change set) whose `fields` object holds the field-level
    /// records; the `outbox_fields` view and `read_outbox` give them back one per field. The
    /// record's creation version is the version of all its fields.
    pub(crate) fn record_new(
        &self,
        entity: &str,
        entity_id: &[u8; 16],
        hlc: Hlc,
        fields: &Map<String, Value>,
    ) -> StoreResult<()> {
        self.record_new_json(
            entity,
            entity_id,
            hlc,
            &Value::Object(fields.clone()).to_string(),
        )
    }

    /// `record_new` for a change set already encoded as a JSON object (a new record's document).
    pub(crate) fn record_new_json(
        &self,
        entity: &str,
        entity_id: &[u8; 16],
        hlc: Hlc,
        fields: &str,
    ) -> StoreResult<()> {
        self.append_outbox(entity, entity_id, hlc, fields, None)?;
        if !versions::is_append_only(entity) {
            versions::set(
                &self.tx,
                entity,
                entity_id,
                versions::CREATION,
                &FieldWrite {
                    version: self.version(hlc),
                    base: None,
                },
            )?;
        }
        Ok(())
    }

    /// Appends the change set of an update: each field in `fields` with its new value, all at
    /// `hlc`, together with the version each one replaced (what sync's merge needs to tell a
    /// later edit from a concurrent one).
    pub(crate) fn record_update(
        &self,
        entity: &str,
        entity_id: &[u8; 16],
        hlc: Hlc,
        fields: &Map<String, Value>,
    ) -> StoreResult<()> {
        if fields.is_empty() {
            return Ok(());
        }
        let mut bases = Map::new();
        for field in fields.keys() {
            let base = versions::current(&self.tx, entity, entity_id, field)?.map(|w| w.version);
            versions::set(
                &self.tx,
                entity,
                entity_id,
                field,
                &FieldWrite {
                    version: self.version(hlc),
                    base,
                },
            )?;
            bases.insert(field.clone(), base_json(base));
        }
        self.append_outbox(
            entity,
            entity_id,
            hlc,
            &Value::Object(fields.clone()).to_string(),
            Some(&Value::Object(bases).to_string()),
        )
    }

    fn version(&self, hlc: Hlc) -> FieldVersion {
        FieldVersion {
            hlc,
            device: self.device_id,
        }
    }

    fn append_outbox(
        &self,
        entity: &str,
        entity_id: &[u8; 16],
        hlc: Hlc,
        fields: &str,
        bases: Option<&str>,
    ) -> StoreResult<()> {
        self.tx
            .prepare_cached(
                "INSERT INTO outbox (entity, entity_id, hlc, device_id, fields, bases)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            )?
            .execute(params![
                entity,
                &entity_id[..],
                hlc.0 as i64,
                &self.device_id.as_bytes()[..],
                fields,
                bases
            ])?;
        Ok(())
    }

    /// Records every top-level field that differs between `old` and `new` (all set fields when
    /// `old` is `None`; a field missing from `new` counts as cleared). Returns the changed
    /// field names.
    pub(crate) fn record_fields(
        &self,
        entity: &str,
        entity_id: &[u8; 16],
        hlc: Hlc,
        old: Option<&Map<String, Value>>,
        new: &Map<String, Value>,
    ) -> StoreResult<Vec<String>> {
        let mut changes = Map::new();
        for (field, value) in new {
            let before = old.and_then(|o| o.get(field)).unwrap_or(&Value::Null);
            if before == value || (old.is_none() && is_empty(value)) {
                continue;
            }
            changes.insert(field.clone(), value.clone());
        }
        for (field, before) in old.into_iter().flatten() {
            if !new.contains_key(field) && !is_empty(before) {
                changes.insert(field.clone(), Value::Null);
            }
        }
        match old {
            None => self.record_new(entity, entity_id, hlc, &changes)?,
            Some(_) => self.record_update(entity, entity_id, hlc, &changes)?,
        }
        Ok(changes.keys().cloned().collect())
    }

    pub(crate) fn audit(
        &self,
        hlc: Hlc,
        action: &str,
        entity: &str,
        entity_id: Option<&str>,
        detail: Option<&str>,
    ) -> StoreResult<()> {
        let last = match self.audit_tail.take() {
            Some(tail) => tail,
            None => audit::last_entry(&self.tx)?,
        };
        let tail = audit::append_after(
            &self.tx,
            last,
            &audit::NewAuditEntry {
                hlc,
                device_id: self.device_id,
                actor: self.actor,
                action,
                entity,
                entity_id,
                detail,
            },
        )?;
        self.audit_tail.replace(Some(Some(tail)));
        Ok(())
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

/// A replaced version as the outbox's `bases` hold it: `[hlc, "device hex"]`, or null.
pub(crate) fn base_json(base: Option<FieldVersion>) -> Value {
    match base {
        Some(b) => Value::Array(vec![
            Value::from(b.hlc.0),
            Value::String(hex::encode(b.device.as_bytes())),
        ]),
        None => Value::Null,
    }
}

fn is_empty(value: &Value) -> bool {
    match value {
        Value::Null => true,
        Value::Array(a) => a.is_empty(),
        _ => false,
    }
}

/// Reads the field-level change records of the change sets after `after_seq`, oldest first
/// (`limit` counts change sets). Records of one change set share its `seq`.
pub(crate) fn read_outbox(
    conn: &rusqlite::Connection,
    after_seq: i64,
    limit: i64,
) -> StoreResult<Vec<ChangeRecord>> {
    let mut stmt = conn.prepare_cached(
        "SELECT seq, entity, entity_id, hlc, device_id, fields FROM outbox
         WHERE seq > ?1 ORDER BY seq LIMIT ?2",
    )?;
    let rows = stmt.query_map(params![after_seq, limit], |r| {
        Ok((
            r.get::<_, i64>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, Vec<u8>>(2)?,
            r.get::<_, i64>(3)?,
            r.get::<_, Vec<u8>>(4)?,
            r.get::<_, String>(5)?,
        ))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (seq, entity, id, hlc, device, fields) = row?;
        let fields: Map<String, Value> = serde_json::from_str(&fields)?;
        let entity_id = uuid_text(&id);
        let device_id = DeviceId::from_slice(&device).unwrap_or_default();
        for (field, value) in fields {
            out.push(ChangeRecord {
                seq,
                entity: entity.clone(),
                entity_id: entity_id.clone(),
                field,
                value,
                hlc: Hlc(hlc as u64),
                device_id,
            });
        }
    }
    Ok(out)
}

pub(crate) fn uuid_text(bytes: &[u8]) -> String {
    qorgau_domain::WorkerId::from_slice(bytes)
        .map(|id| id.0.to_string())
        .unwrap_or_else(|| hex::encode(bytes))
}
