//! The dashboard's figures: open cases by type and status, overdue tasks, recent timeline
//! activity. Read-only aggregate queries over the derived case columns.

use crate::cases::CaseTitle;
use crate::error::StoreResult;
use crate::store::Store;
use chrono::NaiveDate;
use qorgau_domain::{CaseId, CaseStatus, CaseType, TaskId, TimelineKind};
use serde::Serialize;

/// How many cases have one type and one status.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct CaseCount {
    pub case_type: CaseType,
    pub status: CaseStatus,
    pub count: i64,
}

/// An unfinished task due before today, with its case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct OverdueTask {
    pub task_id: TaskId,
    pub title: String,
    pub due_on: NaiveDate,
    pub case_id: CaseId,
    pub case_title: String,
    pub case_title_parts: CaseTitle,
}

/// A recent timeline entry, with its case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct RecentActivity {
    pub case_id: CaseId,
    pub case_title: String,
    pub case_title_parts: CaseTitle,
    pub kind: TimelineKind,
    pub occurred_on: NaiveDate,
    pub text: String,
    pub author: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Dashboard {
    /// Cases that are neither resolved nor closed, by type and status.
    pub open_cases: Vec<CaseCount>,
    pub open_case_total: i64,
    /// Unfinished tasks of open cases due before `today`, the oldest first.
    pub overdue_tasks: Vec<OverdueTask>,
    pub overdue_task_total: i64,
    pub recent_activity: Vec<RecentActivity>,
}

fn parse<T: serde::de::DeserializeOwned>(text: String) -> rusqlite::Result<T> {
    serde_json::from_value(serde_json::Value::String(text.clone())).map_err(|e| {
        rusqlite::Error::FromSqlConversionFailure(0, rusqlite::types::Type::Text, Box::new(e))
    })
}

fn title_parts(title: &str, case_type: String) -> rusqlite::Result<CaseTitle> {
    CaseTitle::from_stored(title, &case_type).map_err(|e| {
        rusqlite::Error::FromSqlConversionFailure(0, rusqlite::types::Type::Text, Box::new(e))
    })
}

fn uuid_of(bytes: Vec<u8>) -> rusqlite::Result<uuid::Uuid> {
    uuid::Uuid::from_slice(&bytes).map_err(|e| {
        rusqlite::Error::FromSqlConversionFailure(0, rusqlite::types::Type::Blob, Box::new(e))
    })
}

fn date(text: String) -> rusqlite::Result<NaiveDate> {
    text.parse().map_err(|e| {
        rusqlite::Error::FromSqlConversionFailure(0, rusqlite::types::Type::Text, Box::new(e))
    })
}

const OPEN: &str = "c.status NOT IN ('resolved', 'closed')";

impl Store {
    /// The dashboard as of `today`, with at most `limit` overdue tasks and recent entries.
    pub fn dashboard(&self, today: NaiveDate, limit: usize) -> StoreResult<Dashboard> {
        let limit = limit.clamp(1, 1000) as i64;
        let mut stmt = self.conn.prepare(&format!(
            "SELECT c.case_type, c.status, count(*) FROM cases c WHERE {OPEN}
             GROUP BY c.case_type, c.status ORDER BY c.case_type, c.status"
        ))?;
        let open_cases = stmt
            .query_map([], |r| {
                Ok(CaseCount {
                    case_type: parse(r.get(0)?)?,
                    status: parse(r.get(1)?)?,
                    count: r.get(2)?,
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        let overdue_from = format!(
            "FROM tasks t JOIN cases c ON c.rowid = t.case_rowid
             WHERE t.done = 0 AND t.due_on < ?1 AND {OPEN}"
        );
        let today_text = today.to_string();
        let overdue_task_total: i64 = self.conn.query_row(
            &format!("SELECT count(*) {overdue_from}"),
            [&today_text],
            |r| r.get(0),
        )?;
        let mut stmt = self.conn.prepare(&format!(
            "SELECT t.id, t.title, t.due_on, c.id, c.title, c.case_type {overdue_from}
             ORDER BY t.due_on, t.rowid LIMIT ?2"
        ))?;
        let overdue_tasks = stmt
            .query_map(rusqlite::params![today_text, limit], |r| {
                let case_title: String = r.get(4)?;
                Ok(OverdueTask {
                    task_id: TaskId(uuid_of(r.get(0)?)?),
                    title: r.get(1)?,
                    due_on: date(r.get(2)?)?,
                    case_id: CaseId(uuid_of(r.get(3)?)?),
                    case_title_parts: title_parts(&case_title, r.get(5)?)?,
                    case_title,
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        let mut stmt = self.conn.prepare(
            "SELECT c.id, c.title, t.kind, t.occurred_on, t.text, t.author, c.case_type
             FROM timeline t JOIN cases c ON c.rowid = t.case_rowid
             ORDER BY t.hlc DESC LIMIT ?1",
        )?;
        let recent_activity = stmt
            .query_map([limit], |r| {
                let case_title: String = r.get(1)?;
                Ok(RecentActivity {
                    case_id: CaseId(uuid_of(r.get(0)?)?),
                    case_title_parts: title_parts(&case_title, r.get(6)?)?,
                    case_title,
                    kind: parse(r.get(2)?)?,
                    occurred_on: date(r.get(3)?)?,
                    text: r.get(4)?,
                    author: r.get(5)?,
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(Dashboard {
            open_case_total: open_cases.iter().map(|c| c.count).sum(),
            open_cases,
            overdue_tasks,
            overdue_task_total,
            recent_activity,
        })
    }
}
