//! The dashboard's figures: open cases by type and status, overdue tasks, recent timeline
//! activity. Read-only aggregate queries over the derived case columns.

use crate::cases::{CaseFilter, CaseSummary, CaseTitle};
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

/// An unfinished task with its due date and its case (overdue, or due this week): a task the
/// caseworker added, or a deadline the case's facts imply (`deadline` set; its `task_id` is
/// derived from the case and the deadline's key, and it is marked done on the case).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct OverdueTask {
    pub task_id: TaskId,
    pub title: String,
    pub due_on: NaiveDate,
    pub case_id: CaseId,
    pub case_title: String,
    pub case_title_parts: CaseTitle,
    /// The computed deadline's key (`final_pay`, `prescription:2025-09-10`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub deadline: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub rule: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub source: Option<String>,
}

/// A stable task id for a computed deadline: the first 16 bytes of SHA-256(case id ‖ key).
pub fn deadline_task_id(case: CaseId, key: &str) -> TaskId {
    use sha2::{Digest, Sha256};
    let mut h = Sha256::new();
    h.update(case.as_bytes());
    h.update(key.as_bytes());
    let digest = h.finalize();
    let mut bytes = [0u8; 16];
    bytes.copy_from_slice(&digest[..16]);
    TaskId(uuid::Uuid::from_bytes(bytes))
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
    /// Unfinished tasks of open cases due from `today` through the next six days.
    pub due_this_week: Vec<OverdueTask>,
    pub due_this_week_total: i64,
    /// Open cases assigned to the caseworker, the newest first.
    pub my_cases: Vec<CaseSummary>,
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
    /// The dashboard as of `today` for the caseworker `me` (whose open cases are listed),
    /// with at most `limit` entries in each list.
    pub fn dashboard(&self, today: NaiveDate, me: &str, limit: usize) -> StoreResult<Dashboard> {
        let limit = limit.clamp(1, 1000) as i64;
        let my_cases = self.list_cases(&CaseFilter {
            assignee: Some(me.to_string()),
            open: Some(true),
            limit: Some(limit),
            ..CaseFilter::default()
        })?;
        // Kept up to date by triggers (migration 7): no pass over every case at each unlock.
        let mut stmt = self.conn.prepare(
            "SELECT case_type, status, n FROM open_case_counts WHERE n > 0
             ORDER BY case_type, status",
        )?;
        let open_cases = stmt
            .query_map([], |r| {
                Ok(CaseCount {
                    case_type: parse(r.get(0)?)?,
                    status: parse(r.get(1)?)?,
                    count: r.get(2)?,
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        let today_text = today.to_string();
        let week_end = (today + chrono::Days::new(7)).to_string();
        let (overdue_tasks, overdue_task_total) =
            self.open_tasks("t.due_on < ?1", &today_text, &today_text, limit)?;
        let (due_this_week, due_this_week_total) = self.open_tasks(
            "t.due_on >= ?1 AND t.due_on < ?2",
            &today_text,
            &week_end,
            limit,
        )?;
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
            due_this_week,
            due_this_week_total,
            my_cases,
            recent_activity,
        })
    }

    /// Unfinished tasks of open cases whose due date meets `window` (over ?1 and ?2), the
    /// earliest first, at most `limit`, and how many there are in all.
    fn open_tasks(
        &self,
        window: &str,
        from: &str,
        to: &str,
        limit: i64,
    ) -> StoreResult<(Vec<OverdueTask>, i64)> {
        // Tasks and computed deadlines together; the window applies to both.
        let tasks_from = format!(
            "FROM (SELECT id, title, due_on, case_rowid, rowid AS ord, NULL AS dkey,
                          NULL AS rule, NULL AS source
                   FROM tasks WHERE done = 0
                   UNION ALL
                   SELECT NULL, title, due_on, case_rowid, 0, key, rule, source
                   FROM case_deadlines WHERE done = 0) t
             JOIN cases c ON c.rowid = t.case_rowid
             WHERE {window} AND {OPEN}"
        );
        let total: i64 = self.conn.query_row(
            &format!("SELECT count(*) {tasks_from} AND ?2 IS NOT NULL"),
            [from, to],
            |r| r.get(0),
        )?;
        let mut stmt = self.conn.prepare(&format!(
            "SELECT t.id, t.title, t.due_on, c.id, c.title, c.case_type, t.dkey, t.rule, t.source
             {tasks_from} AND ?2 IS NOT NULL ORDER BY t.due_on, t.dkey IS NOT NULL, t.ord, t.dkey
             LIMIT ?3"
        ))?;
        let tasks = stmt
            .query_map(rusqlite::params![from, to, limit], |r| {
                let case_title: String = r.get(4)?;
                let case_id = CaseId(uuid_of(r.get(3)?)?);
                let deadline: Option<String> = r.get(6)?;
                let task_id = match &deadline {
                    Some(key) => deadline_task_id(case_id, key),
                    None => TaskId(uuid_of(r.get(0)?)?),
                };
                Ok(OverdueTask {
                    task_id,
                    title: r.get(1)?,
                    due_on: date(r.get(2)?)?,
                    case_id,
                    case_title_parts: title_parts(&case_title, r.get(5)?)?,
                    case_title,
                    deadline,
                    rule: r.get(7)?,
                    source: r.get(8)?,
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok((tasks, total))
    }
}
