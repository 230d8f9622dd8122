//! Workers: add (with duplicate detection), read, update, list.

use crate::changes::Writer;
use crate::error::{StoreError, StoreResult};
use crate::patch;
use crate::search;
use crate::store::Store;
use qorgau_domain::issues::{IssueCode, ValidationIssue};
use qorgau_domain::validation::validate_worker;
use qorgau_domain::worker::WorkerRecord;
use qorgau_domain::{Hlc, Province, StayStatus, Worker, WorkerId, names};
use rusqlite::{OptionalExtension, params};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

const ENTITY: &str = "worker";

/// The result of adding a worker: its id, and what a person should look at.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct AddedWorker {
    pub id: WorkerId,
    pub warnings: Vec<ValidationIssue>,
    /// Workers with the same name skeleton and birth date: probably the same person.
    pub likely_twins: Vec<WorkerSummary>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct WorkerSummary {
    pub id: WorkerId,
    pub display_name: String,
    pub latin_name: Option<String>,
    pub hangul_name: Option<String>,
    pub birth_date: Option<String>,
    pub province: Option<Province>,
    pub stay_status: Option<StayStatus>,
    pub employer: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "ts", ts(optional_fields))]
pub struct WorkerFilter {
    pub province: Option<Province>,
    pub stay_status: Option<StayStatus>,
    /// Case-insensitive substring of the employer's name.
    pub employer: Option<String>,
    pub limit: Option<i64>,
    pub offset: Option<i64>,
}

/// The local calendar date, against which "not in the future" is checked.
pub(crate) fn today() -> chrono::NaiveDate {
    chrono::Local::now().date_naive()
}

/// Every name form's search words and keys, computed once per write for the index and the
/// twin check.
fn worker_name_keys(w: &Worker) -> names::NameKeys {
    names::name_keys(&w.name_forms().join(" "))
}

/// The name keys stored for twin detection: every skeleton/surname key, sorted and unique.
fn twin_keys(keys: &names::NameKeys) -> String {
    let mut sorted: Vec<&str> = keys.keys.iter().map(String::as_str).collect();
    sorted.sort_unstable();
    sorted.dedup();
    sorted.join(" ")
}

/// The worker's name keys grouped by name part: the keys of one word form a group, and groups
/// that share a key merge (the same name in two scripts, or a surname's skeleton and its
/// Koryo-saram key). Twin detection counts agreeing parts, not agreeing keys, so a shared
/// surname alone is never two matches.
pub(crate) fn twin_groups(w: &Worker) -> Vec<Vec<String>> {
    let mut groups: Vec<Vec<String>> = Vec::new();
    for word in names::words(&w.name_forms().join(" ")) {
        let mut keys = names::name_keys(&word).keys;
        let mut i = 0;
        while i < groups.len() {
            if groups[i].iter().any(|k| keys.contains(k)) {
                keys.extend(groups.swap_remove(i));
            } else {
                i += 1;
            }
        }
        if !keys.is_empty() {
            groups.push(keys);
        }
    }
    groups
}

/// A validated worker with everything its row and its index row hold besides ids and
/// timestamps. It depends on nothing but the worker, so it is computed before the write
/// transaction; `add_workers` computes it on the validation thread.
///
/// It holds only what the write needs, not the worker itself, so that the worker's many small
/// allocations are freed on the thread that made them.
pub(crate) struct PreparedWorker {
    iin: Option<String>,
    passport_no: Option<String>,
    /// The stored document; for a new worker also its change set.
    doc: String,
    display_name: String,
    twin_keys: String,
    birth_date: Option<String>,
    province: Option<String>,
    stay_status: Option<String>,
    /// The employer's name, normalised for `LIKE` filters.
    employer: Option<String>,
    index: search::WorkerIndexRow,
}

impl PreparedWorker {
    /// The IIN and passport number, for the duplicate check.
    pub(crate) fn ids(&self) -> (Option<&str>, Option<&str>) {
        (self.iin.as_deref(), self.passport_no.as_deref())
    }

    pub(crate) fn new(mut worker: Worker) -> StoreResult<Self> {
        let keys = worker_name_keys(&worker);
        Ok(Self {
            // Unset fields are left out of the document, so a new worker's document is exactly
            // its change set.
            doc: serde_json::to_string(&worker)?,
            display_name: worker.display_name(),
            twin_keys: twin_keys(&keys),
            birth_date: worker.birth_date.map(|d| d.to_string()),
            province: worker.province.map(|p| enum_text(&p)).transpose()?,
            stay_status: worker.stay_status.map(|s| enum_text(&s)).transpose()?,
            employer: worker
                .employer
                .as_ref()
                .and_then(|e| e.name.as_deref())
                .map(names::normalise),
            index: search::worker_index_row(&worker, &keys),
            iin: worker.iin.take(),
            passport_no: worker.passport_no.take(),
        })
    }
}

impl Store {
    /// Validates and adds a worker. Refused when the IIN or passport number is already on file
    /// (the error names the existing worker); a name-and-birth-date match is only a warning.
    pub fn add_worker(&mut self, input: &Worker) -> StoreResult<AddedWorker> {
        let (worker, report) = validate_worker(input, today());
        if report.has_errors() {
            return Err(StoreError::Invalid(report));
        }
        self.check_unique_ids(&worker, None)?;
        let likely_twins = self.find_twins(&worker, None)?;
        let prepared = PreparedWorker::new(worker)?;
        let id = WorkerId::new();
        self.write(|w| insert_worker(w, id, &prepared))?;
        Ok(AddedWorker {
            id,
            warnings: report.warnings().cloned().collect(),
            likely_twins,
        })
    }

    /// Adds many validated workers in one transaction (imports, demo data, benchmarks).
    /// Duplicate identifiers are refused as in `add_worker`; twins are not looked for.
    ///
    /// Validation (phone parsing dominates it) and everything else that depends only on the
    /// worker (its document, name keys and index text) run on a second thread while this one
    /// writes, so the two overlap; an invalid worker anywhere rolls the whole batch back.
    pub fn add_workers(&mut self, inputs: &[Worker]) -> StoreResult<Vec<WorkerId>> {
        let mut ids = Vec::new();
        self.add_workers_batched(inputs, inputs.len(), &mut ids)?;
        Ok(ids)
    }

    /// [`add_workers`](Self::add_workers) for a large import: one transaction per `batch`
    /// workers, with one validation thread for the whole import, so validating the next batch
    /// overlaps with committing the previous one.
    ///
    /// Each batch is atomic. When a worker is refused, its batch is rolled back and the error
    /// returned; the batches before it stay committed. `ids` receives the ids of each batch
    /// as it commits, so on error it holds exactly the workers that were added.
    pub fn add_workers_batched(
        &mut self,
        inputs: &[Worker],
        batch: usize,
        ids: &mut Vec<WorkerId>,
    ) -> StoreResult<()> {
        let today = today();
        self.write_prepared(
            inputs,
            batch,
            ids,
            |input| {
                let (worker, report) = validate_worker(input, today);
                if report.has_errors() {
                    return Err(StoreError::Invalid(report));
                }
                PreparedWorker::new(worker)
            },
            |w, prepared| {
                check_unique_ids_in(
                    &w.tx,
                    prepared.iin.as_deref(),
                    prepared.passport_no.as_deref(),
                    None,
                )?;
                let id = WorkerId::new();
                insert_worker(w, id, &prepared)?;
                Ok(id)
            },
        )
    }

    pub fn worker(&self, id: WorkerId) -> StoreResult<WorkerRecord> {
        let doc: Option<String> = self
            .conn
            .query_row(
                "SELECT doc FROM workers WHERE id = ?1",
                [&id.as_bytes()[..]],
                |r| r.get(0),
            )
            .optional()?;
        let doc = doc.ok_or_else(|| StoreError::NotFound {
            entity: ENTITY,
            id: id.to_string(),
        })?;
        Ok(WorkerRecord {
            id,
            worker: serde_json::from_str(&doc)?,
        })
    }

    /// Applies a partial update: each key of `patch` replaces that field (`null` clears it).
    /// Unknown field names are refused by name. Returns the changed field names.
    pub fn update_worker(
        &mut self,
        id: WorkerId,
        patch: &Map<String, Value>,
    ) -> StoreResult<(Vec<String>, Vec<ValidationIssue>)> {
        let current = self.worker(id)?.worker;
        let (old, input) = patch::apply(&current, patch)?;
        let (worker, report) = validate_worker(&input, today());
        if report.has_errors() {
            return Err(StoreError::Invalid(report));
        }
        // Only a change of identifier is checked against the others: two records that sync
        // found to share one (to be merged) stay editable meanwhile.
        if worker.iin != current.iin || worker.passport_no != current.passport_no {
            self.check_unique_ids(&worker, Some(id))?;
        }
        let new = patch::to_map(&worker)?;
        let prepared = PreparedWorker::new(worker)?;
        let changed = self.write(|w| {
            let hlc = w.tick();
            let changed = w.record_fields(ENTITY, id.as_bytes(), hlc, Some(&old), &new)?;
            if changed.is_empty() {
                return Ok(changed);
            }
            let rowid = write_worker_row(w, id, &prepared, hlc, false)?;
            if changed.iter().any(|f| feeds_index(f)) {
                search::index_worker(&w.tx, rowid, &prepared.index, true)?;
            }
            w.audit(
                hlc,
                "update",
                ENTITY,
                Some(&id.to_string()),
                Some(&changed.join(",")),
            )?;
            Ok(changed)
        })?;
        Ok((changed, report.warnings().cloned().collect()))
    }

    pub fn list_workers(&self, filter: &WorkerFilter) -> StoreResult<Vec<WorkerSummary>> {
        let mut sql = String::from(
            "SELECT id, doc FROM workers WHERE id NOT IN (SELECT merged FROM worker_merges)",
        );
        let mut args: Vec<String> = Vec::new();
        if let Some(p) = filter.province {
            args.push(enum_text(&p)?);
            sql.push_str(&format!(" AND province = ?{}", args.len()));
        }
        if let Some(s) = filter.stay_status {
            args.push(enum_text(&s)?);
            sql.push_str(&format!(" AND stay_status = ?{}", args.len()));
        }
        if let Some(e) = &filter.employer {
            args.push(format!("%{}%", names::normalise(e)));
            sql.push_str(&format!(" AND employer LIKE ?{}", args.len()));
        }
        sql.push_str(&format!(
            " ORDER BY display_name, rowid LIMIT {} OFFSET {}",
            filter.limit.unwrap_or(100).clamp(1, 10_000),
            filter.offset.unwrap_or(0).max(0)
        ));
        let mut stmt = self.conn.prepare(&sql)?;
        let rows = stmt.query_map(rusqlite::params_from_iter(args.iter()), |r| {
            Ok((r.get::<_, Vec<u8>>(0)?, r.get::<_, String>(1)?))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (id, doc) = row?;
            let worker: Worker = serde_json::from_str(&doc)?;
            out.push(summary(
                WorkerId::from_slice(&id).unwrap_or_default(),
                &worker,
            ));
        }
        Ok(out)
    }

    fn check_unique_ids(&self, worker: &Worker, except: Option<WorkerId>) -> StoreResult<()> {
        check_unique_ids_in(
            &self.conn,
            worker.iin.as_deref(),
            worker.passport_no.as_deref(),
            except,
        )
    }

    fn find_twins(
        &self,
        worker: &Worker,
        except: Option<WorkerId>,
    ) -> StoreResult<Vec<WorkerSummary>> {
        let Some(birth) = worker.birth_date else {
            return Ok(Vec::new());
        };
        let groups = twin_groups(worker);
        let mut stmt = self
            .conn
            .prepare_cached("SELECT id, doc, name_keys FROM workers WHERE birth_date = ?1")?;
        let rows = stmt.query_map([birth.to_string()], |r| {
            Ok((
                r.get::<_, Vec<u8>>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
            ))
        })?;
        let mut twins = Vec::new();
        for row in rows {
            let (id, doc, stored_keys) = row?;
            let id = WorkerId::from_slice(&id).unwrap_or_default();
            if Some(id) == except {
                continue;
            }
            if names_agree(&groups, &stored_keys) {
                twins.push(summary(id, &serde_json::from_str(&doc)?));
            }
        }
        Ok(twins)
    }
}

/// Whether a worker's name groups ([`twin_groups`]) agree with a stored worker's twin keys:
/// surname and given name both agree (or the only name part there is).
pub(crate) fn names_agree(groups: &[Vec<String>], stored_keys: &str) -> bool {
    let stored: Vec<&str> = stored_keys.split(' ').filter(|k| !k.is_empty()).collect();
    let shared = groups
        .iter()
        .filter(|g| g.iter().any(|k| stored.contains(&k.as_str())))
        .count();
    shared >= 2 || (shared >= 1 && groups.len() <= 1)
}

/// The twin keys stored with a worker (the `name_keys` column).
pub(crate) fn stored_twin_keys(w: &Worker) -> String {
    twin_keys(&worker_name_keys(w))
}

pub(crate) fn check_unique_ids_in(
    conn: &rusqlite::Connection,
    iin: Option<&str>,
    passport_no: Option<&str>,
    except: Option<WorkerId>,
) -> StoreResult<()> {
    for (field, sql, value) in [
        (
            "iin",
            "SELECT id FROM workers WHERE iin = ?1
               AND id NOT IN (SELECT merged FROM worker_merges)",
            iin,
        ),
        (
            "passport_no",
            "SELECT id FROM workers WHERE passport_no = ?1
               AND id NOT IN (SELECT merged FROM worker_merges)",
            passport_no,
        ),
    ] {
        let Some(value) = value else { continue };
        let mut stmt = conn.prepare_cached(sql)?;
        let found: Vec<Vec<u8>> = stmt
            .query_map([value], |r| r.get(0))?
            .collect::<Result<_, _>>()?;
        for id in found {
            let existing = WorkerId::from_slice(&id).unwrap_or_default();
            if Some(existing) != except {
                return Err(StoreError::DuplicateWorker { field, existing });
            }
        }
    }
    Ok(())
}

pub(crate) fn insert_worker(
    w: &mut Writer<'_>,
    id: WorkerId,
    prepared: &PreparedWorker,
) -> StoreResult<()> {
    let hlc = w.tick();
    w.record_new_json(ENTITY, id.as_bytes(), hlc, &prepared.doc)?;
    let rowid = write_worker_row(w, id, prepared, hlc, true)?;
    search::index_worker(&w.tx, rowid, &prepared.index, false)?;
    w.audit(hlc, "create", ENTITY, Some(&id.to_string()), None)
}

/// Writes a worker merged from other devices' changes: its row and index row, with no
/// change record (the changes are theirs) and no validation beyond the type (they validated).
/// `changed` names the fields that changed; the search index is rewritten only when one of
/// them feeds it.
pub(crate) fn put_merged_worker(
    w: &Writer<'_>,
    id: WorkerId,
    worker: Worker,
    hlc: Hlc,
    new: bool,
    changed: &[String],
) -> StoreResult<()> {
    put_prepared_worker(w, id, &PreparedWorker::new(worker)?, hlc, new, changed)
}

/// [`put_merged_worker`] with the derived data already computed (on the sync thread that
/// fetched it).
pub(crate) fn put_prepared_worker(
    w: &Writer<'_>,
    id: WorkerId,
    prepared: &PreparedWorker,
    hlc: Hlc,
    new: bool,
    changed: &[String],
) -> StoreResult<()> {
    let rowid = write_worker_row(w, id, prepared, hlc, new)?;
    if new || changed.iter().any(|f| feeds_index(f)) {
        // A merged record stays out of search, even when an edit made before the merge
        // arrives later.
        let merged = !new
            && w.tx
                .prepare_cached("SELECT 1 FROM worker_merges WHERE merged = ?1")?
                .exists([&id.as_bytes()[..]])?;
        if !merged {
            search::index_worker(&w.tx, rowid, &prepared.index, !new)?;
        }
    }
    Ok(())
}

/// Whether a worker field is part of its search index row (names, identifiers, phones,
/// employer).
pub(crate) fn feeds_index(field: &str) -> bool {
    matches!(
        field,
        "surname"
            | "given_name"
            | "patronymic"
            | "latin_name"
            | "hangul_name"
            | "iin"
            | "passport_no"
            | "id_card_no"
            | "arn"
            | "phones"
            | "employer"
    )
}

/// Decodes and prepares a worker's creation document away from the database.
pub(crate) fn prepare_document(
    fields: &serde_json::Map<String, Value>,
) -> StoreResult<PreparedWorker> {
    let mut doc = fields.clone();
    doc.retain(|_, v| !v.is_null());
    PreparedWorker::new(serde_json::from_value(Value::Object(doc))?)
}

/// Inserts or replaces the worker's row; returns its row id.
fn write_worker_row(
    w: &Writer<'_>,
    id: WorkerId,
    p: &PreparedWorker,
    hlc: Hlc,
    new: bool,
) -> StoreResult<i64> {
    let args = params![
        &id.as_bytes()[..],
        p.doc,
        p.display_name,
        p.iin,
        p.passport_no,
        p.birth_date,
        p.twin_keys,
        p.province,
        p.stay_status,
        p.employer,
        hlc.0 as i64
    ];
    if new {
        w.tx.prepare_cached(
            "INSERT INTO workers (id, doc, display_name, iin, passport_no, birth_date, name_keys,
                                  province, stay_status, employer, created_hlc, updated_hlc)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?11)",
        )?
        .execute(args)?;
        Ok(w.tx.last_insert_rowid())
    } else {
        Ok(w.tx
            .prepare_cached(
                "UPDATE workers SET doc = ?2, display_name = ?3, iin = ?4, passport_no = ?5,
                        birth_date = ?6, name_keys = ?7, province = ?8, stay_status = ?9,
                        employer = ?10, updated_hlc = ?11
                 WHERE id = ?1 RETURNING rowid",
            )?
            .query_row(args, |r| r.get(0))?)
    }
}

impl WorkerSummary {
    /// The list line of a stored worker.
    pub fn of(record: &WorkerRecord) -> Self {
        summary(record.id, &record.worker)
    }
}

pub(crate) fn summary(id: WorkerId, w: &Worker) -> WorkerSummary {
    WorkerSummary {
        id,
        display_name: w.display_name(),
        latin_name: w.latin_name.clone(),
        hangul_name: w.hangul_name.clone(),
        birth_date: w.birth_date.map(|d| d.to_string()),
        province: w.province,
        stay_status: w.stay_status,
        employer: w.employer.as_ref().and_then(|e| e.name.clone()),
    }
}

/// The serde name of a unit enum variant (`"seoul"`, `"F-4"`).
pub(crate) fn enum_text<T: Serialize>(value: &T) -> StoreResult<String> {
    let mut json = serde_json::to_string(value)?;
    // A variant name is a JSON string without escapes: drop the quotes in place.
    if json.len() >= 2 && json.starts_with('"') && json.ends_with('"') && !json.contains('\\') {
        json.pop();
        json.remove(0);
        return Ok(json);
    }
    match serde_json::from_str::<Value>(&json)? {
        Value::String(s) => Ok(s),
        other => Ok(other.to_string()),
    }
}

/// An issue for callers that need to report a missing worker as a validation finding.
pub(crate) fn unknown_worker(field: &str, id: WorkerId) -> ValidationIssue {
    ValidationIssue::error(
        field,
        IssueCode::UnknownWorker,
        format!("{field}: no worker {id}"),
    )
}
