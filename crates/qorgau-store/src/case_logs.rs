//! Checklists and logs of a case (entity `case_log`): repatriation items, detention visits,
//! next-of-kin contacts. Written once and replicated like timeline entries; each one
//! recomputes the case's deadlines (a settled repatriation step, the next update due to the
//! family).

use crate::changes::Writer;
use crate::error::{StoreError, StoreResult};
use crate::replica::{ApplyReport, ChangeSet};
use crate::store::Store;
use crate::workers::today;
use qorgau_domain::caselog::{self, CaseLogEntry, ChecklistItem};
use qorgau_domain::{CaseId, Hlc, TimelineEntryId};
use rusqlite::{Connection, params};
use serde::Serialize;
use serde_json::{Map, Value};

const ENTITY: &str = "case_log";

/// A stored entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct CaseLogRecord {
    /// Entries share the timeline's id type: time-ordered UUIDs.
    pub id: TimelineEntryId,
    pub case_id: CaseId,
    #[serde(flatten)]
    pub entry: CaseLogEntry,
    pub author: String,
    pub recorded_at: Hlc,
}

/// The case's entries, oldest first.
pub(crate) fn entries_of(conn: &Connection, case_rowid: i64) -> StoreResult<Vec<CaseLogEntry>> {
    let mut stmt =
        conn.prepare_cached("SELECT doc FROM case_logs WHERE case_rowid = ?1 ORDER BY hlc, id")?;
    let rows = stmt.query_map([case_rowid], |r| r.get::<_, String>(0))?;
    let mut out = Vec::new();
    for doc in rows {
        out.push(serde_json::from_str(&doc?)?);
    }
    Ok(out)
}

fn insert(
    w: &Writer<'_>,
    id: &[u8; 16],
    case_rowid: i64,
    entry: &CaseLogEntry,
    author: &str,
    hlc: Hlc,
) -> StoreResult<()> {
    w.tx.prepare_cached(
        "INSERT INTO case_logs (id, case_rowid, kind, doc, author, hlc)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?
    .execute(params![
        &id[..],
        case_rowid,
        entry.kind(),
        serde_json::to_string(entry)?,
        author,
        hlc.0 as i64
    ])?;
    crate::deadlines::refresh_stored(&w.tx, case_rowid)
}

impl Store {
    /// Adds a checklist or log entry to the case.
    pub fn add_case_log(
        &mut self,
        case: CaseId,
        entry: &CaseLogEntry,
    ) -> StoreResult<TimelineEntryId> {
        let report = entry.validate(today());
        if report.has_errors() {
            return Err(StoreError::Invalid(report));
        }
        let rowid = self.case_rowid(case)?;
        let id = TimelineEntryId::new();
        self.write(|w| {
            let hlc = w.tick();
            insert(w, id.as_bytes(), rowid, entry, w.actor, hlc)?;
            let mut fields = Map::new();
            fields.insert("case_id".into(), Value::String(case.to_string()));
            fields.insert("entry".into(), serde_json::to_value(entry)?);
            fields.insert("author".into(), Value::String(w.actor.to_string()));
            w.record_new(ENTITY, id.as_bytes(), hlc, &fields)?;
            w.audit(
                hlc,
                "case_log",
                "case",
                Some(&case.to_string()),
                Some(entry.kind()),
            )?;
            Ok(id)
        })
    }

    /// The case's entries, oldest first; only those of `kind` when given.
    pub fn case_logs(&self, case: CaseId, kind: Option<&str>) -> StoreResult<Vec<CaseLogRecord>> {
        let rowid = self.case_rowid(case)?;
        let mut stmt = self.conn.prepare_cached(
            "SELECT id, doc, author, hlc FROM case_logs
             WHERE case_rowid = ?1 AND (?2 IS NULL OR kind = ?2) ORDER BY hlc, id",
        )?;
        let rows = stmt.query_map(params![rowid, kind], |r| {
            Ok((
                r.get::<_, Vec<u8>>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, i64>(3)?,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (id, doc, author, hlc) = row?;
            out.push(CaseLogRecord {
                id: TimelineEntryId::from_slice(&id).unwrap_or_default(),
                case_id: case,
                entry: serde_json::from_str(&doc)?,
                author,
                recorded_at: Hlc(hlc as u64),
            });
        }
        Ok(out)
    }

    /// The repatriation checklist as it stands (every item, pending unless recorded).
    pub fn repatriation_checklist(&self, case: CaseId) -> StoreResult<Vec<ChecklistItem>> {
        let rowid = self.case_rowid(case)?;
        Ok(caselog::checklist(&entries_of(&self.conn, rowid)?))
    }
}

/// An entry from another device: added unless it is here.
pub(crate) fn apply_remote(
    w: &Writer<'_>,
    id: &[u8; 16],
    set: &ChangeSet,
) -> StoreResult<ApplyReport> {
    let exists =
        w.tx.prepare_cached("SELECT 1 FROM case_logs WHERE id = ?1")?
            .exists([&id[..]])?;
    if exists {
        return Ok(ApplyReport::one_unchanged());
    }
    let f = &set.fields;
    let case_id = f
        .get("case_id")
        .and_then(Value::as_str)
        .ok_or_else(|| StoreError::Sync("case_log case_id: missing".into()))?;
    let uuid = uuid::Uuid::parse_str(case_id)
        .map_err(|e| StoreError::Sync(format!("case_log case_id: {e}")))?;
    let case_rowid: i64 =
        w.tx.prepare_cached("SELECT rowid FROM cases WHERE id = ?1")?
            .query_row([&uuid.as_bytes()[..]], |r| r.get(0))
            .map_err(|_| StoreError::Sync(format!("case_log for unknown case {case_id}")))?;
    let entry: CaseLogEntry = serde_json::from_value(
        f.get("entry")
            .cloned()
            .ok_or_else(|| StoreError::Sync("case_log entry: missing".into()))?,
    )?;
    let author = f.get("author").and_then(Value::as_str).unwrap_or_default();
    insert(w, id, case_rowid, &entry, author, set.hlc)?;
    Ok(ApplyReport::one_applied())
}
