//! Spreadsheet imports: what a dry run compares new rows with, and the all-or-nothing commit.
//!
//! Matching (IIN, passport, name keys and birth date) happens in qorgau-core's import module,
//! against the keys read here in one pass; the commit writes every accepted row, its change
//! set and its audit entry, plus one `import` audit entry, in one transaction, through the same
//! insert path as [`Store::add_workers`] (validation and preparation on a second thread).

use crate::cases::{PreparedCase, insert_case, resolve_links};
use crate::error::{StoreError, StoreResult};
use crate::pipeline::prepared_in_background;
use crate::store::Store;
use crate::workers::{
    PreparedWorker, check_unique_ids_in, insert_worker, names_agree, stored_twin_keys, today,
    twin_groups,
};
use qorgau_domain::validation::{validate_case, validate_worker};
use qorgau_domain::{CaseId, CaseRecord, CaseType, Worker, WorkerId};

/// What a stored worker is matched on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkerMatchKeys {
    pub id: WorkerId,
    pub iin: Option<String>,
    pub passport_no: Option<String>,
    pub birth_date: Option<String>,
    /// The twin keys (name skeletons and surname keys), space-separated.
    pub name_keys: String,
}

/// What a stored case is matched on when cases are imported.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseMatchKeys {
    pub id: CaseId,
    pub case_type: Option<CaseType>,
    pub occurred_on: Option<String>,
    pub workers: Vec<WorkerId>,
}

/// A worker's name groups for twin matching (one group per name part, scripts merged).
pub fn worker_name_groups(worker: &Worker) -> Vec<Vec<String>> {
    twin_groups(worker)
}

/// The twin keys a worker is stored with.
pub fn worker_twin_keys(worker: &Worker) -> String {
    stored_twin_keys(worker)
}

/// Whether a worker's name groups agree with another's twin keys the way the store's twin
/// warning decides it (two parts agree, or the only one).
pub fn names_are_twins(groups: &[Vec<String>], twin_keys: &str) -> bool {
    names_agree(groups, twin_keys)
}

impl Store {
    /// Every worker's match keys (merged-away records left out), in one pass.
    pub fn worker_match_keys(&self) -> StoreResult<Vec<WorkerMatchKeys>> {
        let mut stmt = self.conn.prepare(
            "SELECT id, iin, passport_no, birth_date, name_keys FROM workers
              WHERE id NOT IN (SELECT merged FROM worker_merges)",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok(WorkerMatchKeys {
                id: WorkerId::from_slice(&r.get::<_, Vec<u8>>(0)?).unwrap_or_default(),
                iin: r.get(1)?,
                passport_no: r.get(2)?,
                birth_date: r.get(3)?,
                name_keys: r.get(4)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Every case's match keys: type, date and workers.
    pub fn case_match_keys(&self) -> StoreResult<Vec<CaseMatchKeys>> {
        let mut stmt = self.conn.prepare("SELECT id, doc FROM cases")?;
        let rows = stmt.query_map([], |r| {
            Ok((r.get::<_, Vec<u8>>(0)?, r.get::<_, String>(1)?))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (id, doc) = row?;
            let record: CaseRecord = serde_json::from_str(&doc)?;
            out.push(CaseMatchKeys {
                id: CaseId::from_slice(&id).unwrap_or_default(),
                case_type: record.case_type,
                occurred_on: record.occurred_on.map(|d| d.to_string()),
                workers: record.workers,
            });
        }
        Ok(out)
    }

    /// Adds every worker in one transaction, with one `import` audit entry (`detail` says what
    /// was imported) besides each worker's own. Any refusal (an invalid worker, an IIN or
    /// passport already on file) rolls everything back: nothing is half-imported.
    pub fn import_workers(
        &mut self,
        inputs: &[Worker],
        detail: &str,
    ) -> StoreResult<Vec<WorkerId>> {
        let today = today();
        prepared_in_background(
            inputs,
            |input| {
                let (worker, report) = validate_worker(input, today);
                if report.has_errors() {
                    return Err(StoreError::Invalid(report));
                }
                PreparedWorker::new(worker)
            },
            |items| {
                self.write(|w| {
                    let mut ids = Vec::with_capacity(items.left());
                    while items.left() > 0 {
                        let prepared = items.next_item()?;
                        let (iin, passport) = prepared.ids();
                        check_unique_ids_in(&w.tx, iin, passport, None)?;
                        let id = WorkerId::new();
                        insert_worker(w, id, &prepared)?;
                        ids.push(id);
                    }
                    let hlc = w.tick();
                    w.audit(hlc, "import", "worker", None, Some(detail))?;
                    Ok(ids)
                })
            },
        )
    }

    /// Adds every case in one transaction with one `import` audit entry; all or nothing, as
    /// [`import_workers`](Self::import_workers).
    pub fn import_cases(
        &mut self,
        inputs: &[CaseRecord],
        detail: &str,
    ) -> StoreResult<Vec<CaseId>> {
        let today = today();
        prepared_in_background(
            inputs,
            |input| {
                let (record, report) = validate_case(input, today);
                if report.has_errors() {
                    return Err(StoreError::Invalid(report));
                }
                PreparedCase::new(record)
            },
            |items| {
                self.write(|w| {
                    let mut ids = Vec::with_capacity(items.left());
                    while items.left() > 0 {
                        let prepared = items.next_item()?;
                        let links = resolve_links(&w.tx, &prepared)?;
                        let id = CaseId::new();
                        insert_case(w, id, &prepared, &links)?;
                        ids.push(id);
                    }
                    let hlc = w.tick();
                    w.audit(hlc, "import", "case", None, Some(detail))?;
                    Ok(ids)
                })
            },
        )
    }
}
