//! The deadlines of each case, derived from its facts (`qorgau_domain::deadlines`) and kept in
//! `case_deadlines` for the dashboard's indexed "overdue" and "due this week" queries. Like the
//! search index they are never synced: every device derives them from the synced case and
//! wage calculations, on every write of either, local or applied from another device.

use crate::error::StoreResult;
use crate::store::Store;
use qorgau_domain::caselog::{self, CaseLogEntry};
use qorgau_domain::deadlines::{self, Deadline, RecordedFacts};
use qorgau_domain::{CaseId, CaseRecord};
use rusqlite::{Connection, OptionalExtension, params};

/// The paydays the case's latest saved wage calculation found unpaid and not prescribed.
fn unpaid_paydays(conn: &Connection, case_rowid: i64) -> StoreResult<Vec<chrono::NaiveDate>> {
    let result: Option<String> = conn
        .prepare_cached(
            "SELECT result FROM wage_calcs WHERE case_rowid = ?1 ORDER BY hlc DESC, id DESC LIMIT 1",
        )?
        .query_row([case_rowid], |r| r.get(0))
        .optional()?;
    let Some(result) = result else {
        return Ok(Vec::new());
    };
    let claim: serde_json::Value = serde_json::from_str(&result)?;
    Ok(claim
        .get("unpaid_paydays")
        .and_then(|v| serde_json::from_value(v.clone()).ok())
        .unwrap_or_default())
}

/// What the case's latest computation and its checklists and logs contribute.
fn recorded_facts(conn: &Connection, case_rowid: i64) -> StoreResult<RecordedFacts> {
    let entries = crate::case_logs::entries_of(conn, case_rowid)?;
    let next_kin_update = entries
        .iter()
        .rev()
        .find_map(|e| match e {
            CaseLogEntry::KinContact { next_update_on, .. } => Some(*next_update_on),
            _ => None,
        })
        .flatten();
    let settled = caselog::checklist(&entries)
        .into_iter()
        .filter(|i| i.status.is_settled())
        .filter_map(|i| i.item.deadline_key().map(str::to_string))
        .collect();
    Ok(RecordedFacts {
        unpaid_paydays: unpaid_paydays(conn, case_rowid)?,
        next_kin_update,
        settled,
    })
}

/// Recomputes the case's deadlines. A `new` case has no stored ones (nor calculations).
pub(crate) fn refresh(
    conn: &Connection,
    case_rowid: i64,
    case: &CaseRecord,
    new: bool,
) -> StoreResult<()> {
    let recorded = if new {
        RecordedFacts::default()
    } else {
        conn.prepare_cached("DELETE FROM case_deadlines WHERE case_rowid = ?1")?
            .execute([case_rowid])?;
        recorded_facts(conn, case_rowid)?
    };
    let list = deadlines::for_case(case, &recorded);
    if list.is_empty() {
        return Ok(());
    }
    let mut insert = conn.prepare_cached(
        "INSERT INTO case_deadlines (case_rowid, key, title, due_on, rule, source, done)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?;
    for d in list {
        insert.execute(params![
            case_rowid,
            d.key,
            d.title,
            d.due_on.to_string(),
            d.rule,
            d.source,
            d.done
        ])?;
    }
    Ok(())
}

/// Recomputes from the stored case document (after a wage calculation was written).
pub(crate) fn refresh_stored(conn: &Connection, case_rowid: i64) -> StoreResult<()> {
    let doc: String = conn
        .prepare_cached("SELECT doc FROM cases WHERE rowid = ?1")?
        .query_row([case_rowid], |r| r.get(0))?;
    let case: CaseRecord = serde_json::from_str(&doc)?;
    refresh(conn, case_rowid, &case, false)
}

impl Store {
    /// The case's deadlines, earliest first.
    pub fn deadlines(&self, case: CaseId) -> StoreResult<Vec<Deadline>> {
        let rowid = self.case_rowid(case)?;
        let mut stmt = self.conn.prepare_cached(
            "SELECT key, title, due_on, rule, source, done FROM case_deadlines
             WHERE case_rowid = ?1 ORDER BY due_on, key",
        )?;
        let rows = stmt.query_map([rowid], |r| {
            Ok(Deadline {
                key: r.get(0)?,
                title: r.get(1)?,
                due_on: r
                    .get::<_, String>(2)?
                    .parse()
                    .unwrap_or(chrono::NaiveDate::MIN),
                rule: r.get(3)?,
                source: r.get(4)?,
                done: r.get(5)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }
}
