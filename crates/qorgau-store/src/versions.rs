//! Per-field versions of replicated records, for sync's merge (`qorgau_domain::merge`).
//!
//! A record's creation writes one row with field `*`: the version of every field that has no
//! row of its own. An update writes one row per changed field, with the version it replaced.
//! Timeline entries and attachments are never updated and keep no versions.

use crate::error::StoreResult;
use qorgau_domain::{DeviceId, FieldVersion, FieldWrite, Hlc};
use rusqlite::{Connection, OptionalExtension, params};

/// The field name of a record's creation version.
pub(crate) const CREATION: &str = "*";

/// Entities that are written once and never change: they need no field versions.
pub(crate) fn is_append_only(entity: &str) -> bool {
    matches!(
        entity,
        "timeline" | "attachment" | "worker_merge" | "wage_calc" | "case_log"
    )
}

/// The current write of `field` (its own row, else the record's creation), if any.
pub(crate) fn current(
    conn: &Connection,
    entity: &str,
    id: &[u8],
    field: &str,
) -> StoreResult<Option<FieldWrite>> {
    Ok(conn
        .prepare_cached(
            "SELECT hlc, device_id, base_hlc, base_device FROM field_versions
             WHERE entity = ?1 AND entity_id = ?2 AND field IN (?3, '*')
             ORDER BY field = '*' LIMIT 1",
        )?
        .query_row(params![entity, id, field], |r| {
            let version = version_of(r.get(0)?, &r.get::<_, Vec<u8>>(1)?);
            let base = match (r.get::<_, Option<i64>>(2)?, r.get::<_, Option<Vec<u8>>>(3)?) {
                (Some(hlc), Some(device)) => Some(version_of(hlc, &device)),
                _ => None,
            };
            Ok(FieldWrite { version, base })
        })
        .optional()?)
}

/// Records `write` as the version of `field` (`CREATION` for a new record).
pub(crate) fn set(
    conn: &Connection,
    entity: &str,
    id: &[u8],
    field: &str,
    write: &FieldWrite,
) -> StoreResult<()> {
    conn.prepare_cached(
        "INSERT INTO field_versions (entity, entity_id, field, hlc, device_id, base_hlc, base_device)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
         ON CONFLICT (entity, entity_id, field) DO UPDATE SET hlc = excluded.hlc,
             device_id = excluded.device_id, base_hlc = excluded.base_hlc,
             base_device = excluded.base_device",
    )?
    .execute(params![
        entity,
        id,
        field,
        write.version.hlc.0 as i64,
        &write.version.device.as_bytes()[..],
        write.base.map(|b| b.hlc.0 as i64),
        write.base.map(|b| b.device.as_bytes().to_vec()),
    ])?;
    Ok(())
}

pub(crate) fn version_of(hlc: i64, device: &[u8]) -> FieldVersion {
    FieldVersion {
        hlc: Hlc(hlc as u64),
        device: DeviceId::from_slice(device).unwrap_or_default(),
    }
}
