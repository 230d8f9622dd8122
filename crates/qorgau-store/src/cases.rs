//! Cases: the incident record, its status workflow, append-only timeline and tasks.

use crate::agencies::agency_exists;
use crate::changes::Writer;
use crate::error::{StoreError, StoreResult};
use crate::patch;
use crate::search;
use crate::store::Store;
use crate::workers::{enum_text, today, unknown_worker};
use chrono::NaiveDate;
use qorgau_domain::case::Case;
use qorgau_domain::issues::{IssueCode, ValidationIssue, ValidationReport};
use qorgau_domain::validation::validate_case;
use qorgau_domain::{
    AgencyId, CaseId, CaseRecord, CaseStatus, CaseType, Hlc, Priority, Province, StatusTransition,
    Task, TaskId, TimelineEntry, TimelineEntryId, TimelineKind, WorkerId,
};
use rusqlite::{Connection, OptionalExtension, params};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

const ENTITY: &str = "case";

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct CaseSummary {
    pub id: CaseId,
    pub title: String,
    /// What the title is made of, for a screen to compose it in its own language.
    pub title_parts: CaseTitle,
    pub case_type: CaseType,
    pub status: CaseStatus,
    pub priority: Priority,
    pub assignee: Option<String>,
    pub occurred_on: Option<String>,
}

/// What a case's title is made of: the first worker's name, the case type and the start of
/// the summary. The stored title (`name · unpaid_wages · summary`) carries the type's code;
/// screens compose the title in their language from these parts instead.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct CaseTitle {
    pub worker_name: String,
    pub case_type: CaseType,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub summary: Option<String>,
}

impl CaseTitle {
    /// Splits a stored title (as [`write_case_row`] composes it) at its case type.
    pub(crate) fn from_stored(title: &str, case_type: &str) -> StoreResult<Self> {
        let kind: CaseType = serde_json::from_value(Value::String(case_type.to_string()))?;
        // The type written in the title: its code, or nothing for a case stored without one.
        let (name, rest) = [case_type, ""]
            .iter()
            .find_map(|code| {
                let marker = format!(" · {code}");
                title.match_indices(&marker).find_map(|(at, _)| {
                    let rest = &title[at + marker.len()..];
                    (rest.is_empty() || rest.starts_with(" · ")).then(|| (&title[..at], rest))
                })
            })
            .unwrap_or((title, ""));
        let summary = rest.strip_prefix(" · ").filter(|s| !s.is_empty());
        Ok(Self {
            worker_name: name.to_string(),
            case_type: kind,
            summary: summary.map(str::to_string),
        })
    }
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "ts", ts(optional_fields))]
pub struct CaseFilter {
    pub status: Option<CaseStatus>,
    pub case_type: Option<CaseType>,
    pub assignee: Option<String>,
    pub worker: Option<WorkerId>,
    /// Cases of a worker who lives in this province.
    pub province: Option<Province>,
    /// Only open cases (not resolved or closed) with an unfinished task due before this date.
    pub overdue_on: Option<NaiveDate>,
    /// Only open cases (`true`) or only resolved and closed ones (`false`).
    pub open: Option<bool>,
    pub limit: Option<i64>,
    pub offset: Option<i64>,
}

/// A timeline entry as the caller gives it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct NewTimelineEntry {
    pub kind: TimelineKind,
    pub occurred_on: Option<NaiveDate>,
    pub text: String,
}

/// A validated case with everything its row, its index row and its change set hold besides
/// ids, timestamps and the first worker's name. It depends on nothing but the case, so it is
/// computed before the write transaction; `add_cases` computes it on the validation thread.
pub(crate) struct PreparedCase {
    workers: Vec<WorkerId>,
    agencies: Vec<AgencyId>,
    /// The stored document; for a new case also its change set (unset fields are left out).
    doc: String,
    /// The title after the first worker's name: ` · kind` and ` · summary` when there is one.
    title_rest: String,
    case_type: String,
    status: &'static str,
    priority: String,
    assignee: Option<String>,
    occurred_on: Option<String>,
    /// The search index's text (summary and place).
    body: String,
    /// The record, for the deadline engine (`deadlines::refresh`).
    record: CaseRecord,
}

impl PreparedCase {
    pub(crate) fn new(c: CaseRecord) -> StoreResult<Self> {
        let record = c.clone();
        let kind = c.case_type.map(|t| enum_text(&t)).transpose()?;
        let summary: String = c
            .summary
            .as_deref()
            .unwrap_or("")
            .chars()
            .take(80)
            .collect();
        let mut title_rest = format!(" · {}", kind.as_deref().unwrap_or(""));
        if !summary.is_empty() {
            title_rest.push_str(" · ");
            title_rest.push_str(&summary);
        }
        let text = [c.summary.as_deref(), c.place.as_deref()]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(" ");
        Ok(Self {
            doc: serde_json::to_string(&c)?,
            title_rest,
            case_type: match kind {
                Some(k) => k,
                None => enum_text(&CaseType::Other)?,
            },
            status: c.status.name(),
            priority: enum_text(&c.priority)?,
            occurred_on: c.occurred_on.map(|d| d.to_string()),
            body: search::case_body(&text),
            assignee: c.assignee,
            workers: c.workers,
            agencies: c.agencies,
            record,
        })
    }
}

impl Store {
    /// Validates and opens a case. New cases start in `new` unless told otherwise.
    pub fn add_case(&mut self, input: &CaseRecord) -> StoreResult<CaseId> {
        let (record, report) = validate_case(input, today());
        if report.has_errors() {
            return Err(StoreError::Invalid(report));
        }
        let prepared = PreparedCase::new(record)?;
        let links = resolve_links(&self.conn, &prepared)?;
        let id = CaseId::new();
        self.write(|w| insert_case(w, id, &prepared, &links))?;
        Ok(id)
    }

    /// Adds many cases in one transaction (imports, demo data, benchmarks). Validation and
    /// everything else that depends only on the case run on a second thread while this one
    /// writes; an invalid case or an unknown worker or agency rolls the whole batch back.
    pub fn add_cases(&mut self, inputs: &[CaseRecord]) -> StoreResult<Vec<CaseId>> {
        let mut ids = Vec::new();
        self.add_cases_batched(inputs, inputs.len(), &mut ids)?;
        Ok(ids)
    }

    /// [`add_cases`](Self::add_cases) for a large import: one transaction per `batch` cases,
    /// with one validation thread for the whole import. Each batch is atomic; when a case is
    /// refused, its batch is rolled back and the error returned, while the batches before it
    /// stay committed. `ids` receives the ids of each batch as it commits, so on error it holds
    /// exactly the cases that were added.
    pub fn add_cases_batched(
        &mut self,
        inputs: &[CaseRecord],
        batch: usize,
        ids: &mut Vec<CaseId>,
    ) -> StoreResult<()> {
        let today = today();
        self.write_prepared(
            inputs,
            batch,
            ids,
            |input| {
                let (record, report) = validate_case(input, today);
                if report.has_errors() {
                    return Err(StoreError::Invalid(report));
                }
                PreparedCase::new(record)
            },
            |w, prepared| {
                let links = resolve_links(&w.tx, &prepared)?;
                let id = CaseId::new();
                insert_case(w, id, &prepared, &links)?;
                Ok(id)
            },
        )
    }

    /// What the case's title is made of (see [`CaseTitle`]).
    pub fn case_title(&self, id: CaseId) -> StoreResult<CaseTitle> {
        let (title, kind): (String, String) = self
            .conn
            .query_row(
                "SELECT title, case_type FROM cases WHERE id = ?1",
                [&id.as_bytes()[..]],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?
            .ok_or(StoreError::NotFound {
                entity: "case",
                id: id.to_string(),
            })?;
        CaseTitle::from_stored(&title, &kind)
    }

    pub fn case(&self, id: CaseId) -> StoreResult<Case> {
        let doc: Option<String> = self
            .conn
            .query_row(
                "SELECT doc FROM cases WHERE id = ?1",
                [&id.as_bytes()[..]],
                |r| r.get(0),
            )
            .optional()?;
        let doc = doc.ok_or_else(|| not_found(id))?;
        Ok(Case {
            id,
            record: serde_json::from_str(&doc)?,
        })
    }

    /// Partial update of a case's own fields. Status moves go through `set_case_status` so the
    /// workflow is enforced and recorded.
    pub fn update_case(
        &mut self,
        id: CaseId,
        patch: &Map<String, Value>,
    ) -> StoreResult<Vec<String>> {
        if patch.contains_key("status") {
            let mut report = ValidationReport::default();
            report.push(ValidationIssue::error(
                "status",
                IssueCode::StatusTransition,
                "status changes go through `case status`, which records the transition",
            ));
            return Err(StoreError::Invalid(report));
        }
        let current = self.case(id)?.record;
        let (old, input) = patch::apply(&current, patch)?;
        let (record, report) = validate_case(&input, today());
        if report.has_errors() {
            return Err(StoreError::Invalid(report));
        }
        let new = patch::to_map(&record)?;
        let prepared = PreparedCase::new(record)?;
        let links = resolve_links(&self.conn, &prepared)?;
        self.write(|w| {
            let hlc = w.tick();
            let changed = w.record_fields(ENTITY, id.as_bytes(), hlc, Some(&old), &new)?;
            if !changed.is_empty() {
                let rowid = write_case_row(w, id, &prepared, &links.first_name, hlc, false)?;
                link_workers(w, rowid, &links.worker_rows, false)?;
                w.audit(
                    hlc,
                    "update",
                    ENTITY,
                    Some(&id.to_string()),
                    Some(&changed.join(",")),
                )?;
            }
            Ok(changed)
        })
    }

    /// Moves a case through the workflow and records the transition (and a timeline entry).
    pub fn set_case_status(
        &mut self,
        id: CaseId,
        to: CaseStatus,
        reason: Option<&str>,
    ) -> StoreResult<StatusTransition> {
        let mut record = self.case(id)?.record;
        let from = record.status;
        if !from.can_move_to(to) {
            let mut report = ValidationReport::default();
            report.push(ValidationIssue::error(
                "status",
                IssueCode::StatusTransition,
                format!("a case cannot move from {} to {}", from.name(), to.name()),
            ));
            return Err(StoreError::Invalid(report));
        }
        let old = patch::to_map(&record)?;
        record.status = to;
        record.closed_on = match to {
            CaseStatus::Closed => Some(today()),
            CaseStatus::InProgress => None,
            _ => record.closed_on,
        };
        let new = patch::to_map(&record)?;
        let prepared = PreparedCase::new(record)?;
        let first = first_worker_name(&self.conn, &prepared)?;
        let reason = reason
            .map(str::trim)
            .filter(|r| !r.is_empty())
            .map(str::to_string);
        self.write(|w| {
            let hlc = w.tick();
            w.record_fields(ENTITY, id.as_bytes(), hlc, Some(&old), &new)?;
            let rowid = write_case_row(w, id, &prepared, &first, hlc, false)?;
            w.tx.prepare_cached(
                "INSERT INTO status_transitions (case_rowid, from_status, to_status, author, reason, hlc)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            )?
            .execute(params![rowid, from.name(), to.name(), w.actor, reason, hlc.0 as i64])?;
            let text = match &reason {
                Some(r) => format!("{} → {}: {r}", from.name(), to.name()),
                None => format!("{} → {}", from.name(), to.name()),
            };
            insert_timeline(w, rowid, id, TimelineKind::StatusChange, today(), &text, hlc)?;
            w.audit(hlc, "status", ENTITY, Some(&id.to_string()), Some(&text))?;
            Ok(StatusTransition {
                case_id: id,
                from,
                to,
                author: w.actor.to_string(),
                reason: reason.clone(),
                at: hlc,
            })
        })
    }

    /// Appends an entry to a case's timeline.
    pub fn add_timeline_entry(
        &mut self,
        case: CaseId,
        entry: &NewTimelineEntry,
    ) -> StoreResult<TimelineEntryId> {
        let text = entry.text.trim();
        let mut report = ValidationReport::default();
        if text.is_empty() {
            report.push(ValidationIssue::error(
                "text",
                IssueCode::EmptyText,
                "the timeline entry has no text",
            ));
        }
        let occurred = entry.occurred_on.unwrap_or_else(today);
        qorgau_domain::validation::check_not_future(
            &mut report,
            "occurred_on",
            Some(occurred),
            today(),
        );
        if report.has_errors() {
            return Err(StoreError::Invalid(report));
        }
        let rowid = self.case_rowid(case)?;
        self.write(|w| {
            let hlc = w.tick();
            let id = insert_timeline(w, rowid, case, entry.kind, occurred, text, hlc)?;
            w.audit(
                hlc,
                "timeline",
                ENTITY,
                Some(&case.to_string()),
                Some(&enum_text(&entry.kind)?),
            )?;
            Ok(id)
        })
    }

    pub fn timeline(&self, case: CaseId) -> StoreResult<Vec<TimelineEntry>> {
        let rowid = self.case_rowid(case)?;
        let mut stmt = self.conn.prepare_cached(
            "SELECT id, kind, occurred_on, text, author, hlc FROM timeline
             WHERE case_rowid = ?1 ORDER BY occurred_on, hlc",
        )?;
        let rows = stmt.query_map([rowid], |r| {
            Ok((
                r.get::<_, Vec<u8>>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, String>(4)?,
                r.get::<_, i64>(5)?,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (id, kind, occurred, text, author, hlc) = row?;
            out.push(TimelineEntry {
                id: TimelineEntryId::from_slice(&id).unwrap_or_default(),
                case_id: case,
                kind: serde_json::from_value(Value::String(kind))?,
                occurred_on: occurred.parse().unwrap_or_default(),
                text,
                author,
                recorded_at: Hlc(hlc as u64),
            });
        }
        Ok(out)
    }

    pub fn status_transitions(&self, case: CaseId) -> StoreResult<Vec<StatusTransition>> {
        let rowid = self.case_rowid(case)?;
        let mut stmt = self.conn.prepare_cached(
            "SELECT from_status, to_status, author, reason, hlc FROM status_transitions
             WHERE case_rowid = ?1 ORDER BY rowid",
        )?;
        let rows = stmt.query_map([rowid], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, Option<String>>(3)?,
                r.get::<_, i64>(4)?,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (from, to, author, reason, hlc) = row?;
            out.push(StatusTransition {
                case_id: case,
                from: serde_json::from_value(Value::String(from))?,
                to: serde_json::from_value(Value::String(to))?,
                author,
                reason,
                at: Hlc(hlc as u64),
            });
        }
        Ok(out)
    }

    pub fn add_task(
        &mut self,
        case: CaseId,
        title: &str,
        due_on: Option<NaiveDate>,
    ) -> StoreResult<TaskId> {
        let title = title.trim();
        if title.is_empty() {
            let mut report = ValidationReport::default();
            report.push(ValidationIssue::error(
                "title",
                IssueCode::EmptyText,
                "the task has no title",
            ));
            return Err(StoreError::Invalid(report));
        }
        let rowid = self.case_rowid(case)?;
        let id = TaskId::new();
        self.write(|w| {
            let hlc = w.tick();
            w.tx.prepare_cached(
                "INSERT INTO tasks (id, case_rowid, title, due_on, done, updated_hlc) VALUES (?1, ?2, ?3, ?4, 0, ?5)",
            )?
            .execute(params![&id.as_bytes()[..], rowid, title, due_on.map(|d| d.to_string()), hlc.0 as i64])?;
            let fields = fields_of([
                ("case_id", Value::String(case.to_string())),
                ("title", Value::String(title.to_string())),
                ("due_on", serde_json::to_value(due_on)?),
                ("done", Value::Bool(false)),
            ]);
            w.record_new("task", id.as_bytes(), hlc, &fields)?;
            w.audit(hlc, "task", ENTITY, Some(&case.to_string()), Some(title))?;
            Ok(id)
        })
    }

    pub fn set_task_done(&mut self, task: TaskId, done: bool) -> StoreResult<()> {
        self.write(|w| {
            let hlc = w.tick();
            let n = w.tx.execute(
                "UPDATE tasks SET done = ?2, updated_hlc = ?3 WHERE id = ?1",
                params![&task.as_bytes()[..], done, hlc.0 as i64],
            )?;
            if n == 0 {
                return Err(StoreError::NotFound {
                    entity: "task",
                    id: task.to_string(),
                });
            }
            w.record_update(
                "task",
                task.as_bytes(),
                hlc,
                &fields_of([("done", Value::Bool(done))]),
            )?;
            w.audit(
                hlc,
                "task_done",
                "task",
                Some(&task.to_string()),
                Some(&done.to_string()),
            )
        })
    }

    pub fn tasks(&self, case: CaseId) -> StoreResult<Vec<Task>> {
        let rowid = self.case_rowid(case)?;
        let mut stmt = self.conn.prepare_cached(
            "SELECT id, title, due_on, done FROM tasks WHERE case_rowid = ?1 ORDER BY due_on IS NULL, due_on, rowid",
        )?;
        let rows = stmt.query_map([rowid], |r| {
            Ok(Task {
                id: TaskId::from_slice(&r.get::<_, Vec<u8>>(0)?).unwrap_or_default(),
                case_id: case,
                title: r.get(1)?,
                due_on: r.get::<_, Option<String>>(2)?.and_then(|d| d.parse().ok()),
                done: r.get(3)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    pub fn list_cases(&self, filter: &CaseFilter) -> StoreResult<Vec<CaseSummary>> {
        let mut sql = String::from(
            "SELECT c.id, c.title, c.case_type, c.status, c.priority, c.assignee, c.occurred_on
             FROM cases c WHERE 1 = 1",
        );
        let mut args: Vec<Value> = Vec::new();
        let mut arg = |v: Value, clause: &str, sql: &mut String| {
            args.push(v);
            sql.push_str(&clause.replace('?', &format!("?{}", args.len())));
        };
        if let Some(s) = filter.status {
            arg(
                Value::String(s.name().into()),
                " AND c.status = ?",
                &mut sql,
            );
        }
        if let Some(t) = filter.case_type {
            arg(
                Value::String(enum_text(&t)?),
                " AND c.case_type = ?",
                &mut sql,
            );
        }
        if let Some(a) = &filter.assignee {
            arg(Value::String(a.clone()), " AND c.assignee = ?", &mut sql);
        }
        if let Some(w) = filter.worker {
            arg(
                Value::String(hex::encode(w.as_bytes())),
                " AND c.rowid IN (SELECT cw.case_rowid FROM case_workers cw JOIN workers w
                   ON w.rowid = cw.worker_rowid WHERE hex(w.id) = upper(?))",
                &mut sql,
            );
        }
        if let Some(p) = filter.province {
            arg(
                Value::String(enum_text(&p)?),
                " AND c.rowid IN (SELECT cw.case_rowid FROM case_workers cw JOIN workers w
                   ON w.rowid = cw.worker_rowid WHERE w.province = ?)",
                &mut sql,
            );
        }
        match filter.open {
            Some(true) => sql.push_str(" AND c.status NOT IN ('resolved', 'closed')"),
            Some(false) => sql.push_str(" AND c.status IN ('resolved', 'closed')"),
            None => {}
        }
        if let Some(d) = filter.overdue_on {
            arg(
                Value::String(d.to_string()),
                " AND c.status NOT IN ('resolved', 'closed')
                  AND c.rowid IN (SELECT case_rowid FROM tasks WHERE done = 0 AND due_on < ?)",
                &mut sql,
            );
        }
        sql.push_str(&format!(
            " ORDER BY c.created_hlc DESC LIMIT {} OFFSET {}",
            filter.limit.unwrap_or(100).clamp(1, 10_000),
            filter.offset.unwrap_or(0).max(0)
        ));
        let params: Vec<rusqlite::types::Value> = args
            .into_iter()
            .map(|v| match v {
                Value::String(s) => rusqlite::types::Value::Text(s),
                other => rusqlite::types::Value::Text(other.to_string()),
            })
            .collect();
        let mut stmt = self.conn.prepare(&sql)?;
        let rows = stmt.query_map(rusqlite::params_from_iter(params), |r| {
            Ok((
                r.get::<_, Vec<u8>>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, String>(4)?,
                r.get::<_, Option<String>>(5)?,
                r.get::<_, Option<String>>(6)?,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (id, title, kind, status, priority, assignee, occurred_on) = row?;
            out.push(CaseSummary {
                id: CaseId::from_slice(&id).unwrap_or_default(),
                title_parts: CaseTitle::from_stored(&title, &kind)?,
                title,
                case_type: serde_json::from_value(Value::String(kind))?,
                status: serde_json::from_value(Value::String(status))?,
                priority: serde_json::from_value(Value::String(priority))?,
                assignee,
                occurred_on,
            });
        }
        Ok(out)
    }

    pub(crate) fn case_rowid(&self, id: CaseId) -> StoreResult<i64> {
        self.conn
            .query_row(
                "SELECT rowid FROM cases WHERE id = ?1",
                [&id.as_bytes()[..]],
                |r| r.get(0),
            )
            .optional()?
            .ok_or_else(|| not_found(id))
    }
}

/// What a case links to, looked up in the database.
pub(crate) struct Links {
    /// The row ids of the case's workers, in order.
    worker_rows: Vec<i64>,
    /// The first worker's display name, which starts the case's title.
    first_name: String,
}

/// Looks up the case's workers (row ids, and the first one's name) and checks that its
/// agencies exist; unknown workers or agencies are refused by field.
pub(crate) fn resolve_links(conn: &Connection, c: &PreparedCase) -> StoreResult<Links> {
    let mut report = ValidationReport::default();
    let mut worker_rows = Vec::with_capacity(c.workers.len());
    let mut first_name = String::new();
    for (i, worker) in c.workers.iter().enumerate() {
        let key = &worker.as_bytes()[..];
        // Only the first worker's name is needed; the others are found in the id index alone.
        let row: Option<i64> = if i == 0 {
            conn.prepare_cached("SELECT rowid, display_name FROM workers WHERE id = ?1")?
                .query_row([key], |r| {
                    first_name = r.get(1)?;
                    r.get(0)
                })
                .optional()?
        } else {
            conn.prepare_cached("SELECT rowid FROM workers WHERE id = ?1")?
                .query_row([key], |r| r.get(0))
                .optional()?
        };
        match row {
            Some(r) => worker_rows.push(r),
            None => report.push(unknown_worker(&format!("workers[{i}]"), *worker)),
        }
    }
    for (i, agency) in c.agencies.iter().enumerate() {
        if !agency_exists(conn, *agency)? {
            report.push(unknown_agency(&format!("agencies[{i}]"), *agency));
        }
    }
    if report.has_errors() {
        return Err(StoreError::Invalid(report));
    }
    Ok(Links {
        worker_rows,
        first_name,
    })
}

/// The first worker's display name, for a case whose links were checked when it was written.
fn first_worker_name(conn: &Connection, c: &PreparedCase) -> StoreResult<String> {
    let first = c.workers.first().copied().unwrap_or_default();
    conn.prepare_cached("SELECT display_name FROM workers WHERE id = ?1")?
        .query_row([&first.as_bytes()[..]], |r| r.get(0))
        .optional()?
        .ok_or_else(|| StoreError::NotFound {
            entity: "worker",
            id: first.to_string(),
        })
}

fn unknown_agency(field: &str, id: AgencyId) -> ValidationIssue {
    ValidationIssue::error(
        field,
        IssueCode::UnknownAgency,
        format!("{field}: no agency {id}"),
    )
}

fn not_found(id: CaseId) -> StoreError {
    StoreError::NotFound {
        entity: ENTITY,
        id: id.to_string(),
    }
}

pub(crate) fn insert_case(
    w: &mut Writer<'_>,
    id: CaseId,
    prepared: &PreparedCase,
    links: &Links,
) -> StoreResult<()> {
    let hlc = w.tick();
    w.record_new_json(ENTITY, id.as_bytes(), hlc, &prepared.doc)?;
    let rowid = write_case_row(w, id, prepared, &links.first_name, hlc, true)?;
    link_workers(w, rowid, &links.worker_rows, true)?;
    w.audit(hlc, "create", ENTITY, Some(&id.to_string()), None)
}

/// Writes a case merged from other devices' changes: its row, index row and worker links,
/// with no change record (the changes are theirs). A worker not on this device (yet) is left
/// out of the links rather than refusing the case.
pub(crate) fn put_merged_case(
    w: &Writer<'_>,
    id: CaseId,
    record: CaseRecord,
    hlc: Hlc,
    new: bool,
) -> StoreResult<()> {
    let prepared = PreparedCase::new(record)?;
    let mut worker_rows = Vec::new();
    let mut first_name = String::new();
    for (i, worker) in prepared.workers.iter().enumerate() {
        let row: Option<(i64, String)> =
            w.tx.prepare_cached("SELECT rowid, display_name FROM workers WHERE id = ?1")?
                .query_row([&worker.as_bytes()[..]], |r| Ok((r.get(0)?, r.get(1)?)))
                .optional()?;
        if let Some((row, name)) = row {
            if i == 0 {
                first_name = name;
            }
            worker_rows.push(row);
        }
    }
    let rowid = write_case_row(w, id, &prepared, &first_name, hlc, new)?;
    link_workers(w, rowid, &worker_rows, new)
}

/// Inserts or replaces the case's row and its index row; returns its row id.
fn write_case_row(
    w: &Writer<'_>,
    id: CaseId,
    p: &PreparedCase,
    first: &str,
    hlc: Hlc,
    new: bool,
) -> StoreResult<i64> {
    let mut title = String::with_capacity(first.len() + p.title_rest.len());
    title.push_str(first);
    title.push_str(&p.title_rest);
    let args = params![
        &id.as_bytes()[..],
        p.doc,
        title,
        p.case_type,
        p.status,
        p.priority,
        p.assignee,
        p.occurred_on,
        hlc.0 as i64
    ];
    let rowid: i64 = if new {
        w.tx.prepare_cached(
            "INSERT INTO cases (id, doc, title, case_type, status, priority, assignee, occurred_on, created_hlc, updated_hlc)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?9)",
        )?
        .execute(args)?;
        w.tx.last_insert_rowid()
    } else {
        w.tx.prepare_cached(
            "UPDATE cases SET doc = ?2, title = ?3, case_type = ?4, status = ?5, priority = ?6,
                    assignee = ?7, occurred_on = ?8, updated_hlc = ?9
             WHERE id = ?1 RETURNING rowid",
        )?
        .query_row(args, |r| r.get(0))?
    };
    search::index_case(&w.tx, rowid, &p.body, !new)?;
    crate::deadlines::refresh(&w.tx, rowid, &p.record, new)?;
    Ok(rowid)
}

/// Writes a changed case document inside a mutation that also writes records of its own (a
/// saved wage calculation sets `amount_claimed_krw`): change set, row, links and audit entry,
/// as [`Store::update_case`] does. Returns the changed fields.
pub(crate) fn update_case_in(
    w: &Writer<'_>,
    id: CaseId,
    old: &CaseRecord,
    new: CaseRecord,
    hlc: Hlc,
) -> StoreResult<Vec<String>> {
    let (record, report) = validate_case(&new, today());
    if report.has_errors() {
        return Err(StoreError::Invalid(report));
    }
    let old_map = patch::to_map(old)?;
    let new_map = patch::to_map(&record)?;
    let prepared = PreparedCase::new(record)?;
    let links = resolve_links(&w.tx, &prepared)?;
    let changed = w.record_fields(ENTITY, id.as_bytes(), hlc, Some(&old_map), &new_map)?;
    if !changed.is_empty() {
        let rowid = write_case_row(w, id, &prepared, &links.first_name, hlc, false)?;
        link_workers(w, rowid, &links.worker_rows, false)?;
        w.audit(
            hlc,
            "update",
            ENTITY,
            Some(&id.to_string()),
            Some(&changed.join(",")),
        )?;
    }
    Ok(changed)
}

/// Links the case to its workers; `new` cases have no links to replace.
fn link_workers(
    w: &Writer<'_>,
    case_rowid: i64,
    worker_rows: &[i64],
    new: bool,
) -> StoreResult<()> {
    if !new {
        w.tx.prepare_cached("DELETE FROM case_workers WHERE case_rowid = ?1")?
            .execute([case_rowid])?;
    }
    let mut stmt = w.tx.prepare_cached(
        "INSERT OR IGNORE INTO case_workers (case_rowid, worker_rowid) VALUES (?1, ?2)",
    )?;
    for row in worker_rows {
        stmt.execute([case_rowid, *row])?;
    }
    Ok(())
}

pub(crate) fn insert_timeline(
    w: &Writer<'_>,
    case_rowid: i64,
    case: CaseId,
    kind: TimelineKind,
    occurred_on: NaiveDate,
    text: &str,
    hlc: Hlc,
) -> StoreResult<TimelineEntryId> {
    let id = TimelineEntryId::new();
    let kind_text = enum_text(&kind)?;
    w.tx.prepare_cached(
        "INSERT INTO timeline (id, case_rowid, kind, occurred_on, text, author, hlc)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?
    .execute(params![
        &id.as_bytes()[..],
        case_rowid,
        kind_text,
        occurred_on.to_string(),
        text,
        w.actor,
        hlc.0 as i64
    ])?;
    let rowid = w.tx.last_insert_rowid();
    search::index_timeline(&w.tx, rowid, text)?;
    let fields = fields_of([
        ("case_id", Value::String(case.to_string())),
        ("kind", Value::String(kind_text)),
        ("occurred_on", Value::String(occurred_on.to_string())),
        ("text", Value::String(text.to_string())),
        ("author", Value::String(w.actor.to_string())),
    ]);
    w.record_new("timeline", id.as_bytes(), hlc, &fields)?;
    Ok(id)
}

fn fields_of<const N: usize>(pairs: [(&str, Value); N]) -> Map<String, Value> {
    pairs.into_iter().map(|(k, v)| (k.to_string(), v)).collect()
}

/// The timeline entries demo data and imports add in bulk.
impl Store {
    pub fn add_timeline_entries(
        &mut self,
        entries: &[(CaseId, NewTimelineEntry)],
    ) -> StoreResult<()> {
        let mut rows = Vec::with_capacity(entries.len());
        for (case, _) in entries {
            rows.push(self.case_rowid(*case)?);
        }
        self.write(|w| {
            for ((case, e), rowid) in entries.iter().zip(rows) {
                let hlc = w.tick();
                insert_timeline(
                    w,
                    rowid,
                    *case,
                    e.kind,
                    e.occurred_on.unwrap_or_else(today),
                    e.text.trim(),
                    hlc,
                )?;
            }
            let hlc = w.tick();
            w.audit(
                hlc,
                "import",
                "timeline",
                None,
                Some(&entries.len().to_string()),
            )
        })
    }
}

#[cfg(test)]
mod title_tests {
    use super::*;

    #[test]
    fn a_stored_title_splits_into_its_parts() {
        let t = CaseTitle::from_stored(
            "Ахметов Нұрлан · unpaid_wages · Не платят с августа",
            "unpaid_wages",
        )
        .unwrap();
        assert_eq!(t.worker_name, "Ахметов Нұрлан");
        assert_eq!(t.case_type, CaseType::UnpaidWages);
        assert_eq!(t.summary.as_deref(), Some("Не платят с августа"));
        let t =
            CaseTitle::from_stored("Ким Ольга · detention_deportation", "detention_deportation")
                .unwrap();
        assert_eq!((t.worker_name.as_str(), t.summary), ("Ким Ольга", None));
        // A summary that repeats the code does not move the split.
        let t = CaseTitle::from_stored("Цой · other · other · notes", "other").unwrap();
        assert_eq!(
            (t.worker_name.as_str(), t.summary.as_deref()),
            ("Цой", Some("other · notes"))
        );
        // Stored without a type: the title has an empty slot where the type goes.
        let t = CaseTitle::from_stored("Цой ·  · summary", "other").unwrap();
        assert_eq!(
            (t.worker_name.as_str(), t.summary.as_deref()),
            ("Цой", Some("summary"))
        );
        assert!(CaseTitle::from_stored("x · y", "no_such_type").is_err());
    }
}
