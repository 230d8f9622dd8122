//! Importing the workers and cases a mission already keeps in spreadsheets.
//!
//! - [`sheet`] reads XLSX/XLS/ODS and CSV (UTF-8, BOM, Windows-1251) into cells;
//! - [`columns`] decides which column holds which field (header synonyms in four languages,
//!   or a mapping file);
//! - [`cells`] turns messy cells into values (dates in any spelling, Excel serials, several
//!   phones per cell, words for enums);
//! - `rows` builds the domain record of a row and checks it with the domain's validation;
//! - `matching` finds what a row duplicates, on file and earlier in the sheet.
//!
//! A dry run reports per row what would be added, what is a duplicate (and of what) and every
//! invalid field; a commit writes what would be added in one transaction with an audit entry
//! and the outbox records that make it sync. A commit with errors writes nothing unless
//! invalid rows are to be skipped. Duplicates are never added, so importing the same file
//! again adds nothing.

pub mod cells;
pub mod columns;
mod matching;
mod rows;
pub mod sheet;

pub use columns::{ColumnMapping, ColumnUse, ImportKind};

use crate::error::{CoreError, ErrorCode};
use crate::workspace::Workspace;
use matching::MatchIndex;
use qorgau_domain::issues::IssueCode;
use qorgau_domain::{CaseRecord, Worker, WorkerId};
use rows::RowCells;
use serde::Serialize;
use std::collections::HashMap;
use std::path::Path;

/// How an import runs.
#[derive(Debug, Clone, Default)]
pub struct ImportOptions {
    /// Report only; write nothing.
    pub dry_run: bool,
    /// Commit the valid rows and leave the invalid ones out (otherwise any error commits
    /// nothing).
    pub skip_invalid: bool,
    pub mapping: Option<ColumnMapping>,
}

/// A row that is not added because it is already there.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ImportDuplicate {
    /// The row as the sheet numbers it (the header is row 1).
    pub row: u32,
    /// The worker (or case) on file it duplicates; none for a duplicate within the file.
    pub existing_id: Option<String>,
    /// `same_iin`, `same_passport`, `likely_twin`, `same_name`, `same_case`; with `_in_file`
    /// when the first occurrence is an earlier row of the same sheet.
    pub reason: String,
    /// For a duplicate within the file: the earlier row.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_row: Option<u32>,
}

/// An invalid field of a row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ImportError {
    pub row: u32,
    pub field: String,
    /// The domain's issue code (`iin_check_digit`, `invalid_date`, `phone_invalid`, …).
    pub code: String,
    pub message: String,
}

/// What an import did or, on a dry run, would do.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ImportReport {
    pub kind: ImportKind,
    /// Data rows read (empty rows are not counted).
    pub rows: usize,
    /// Rows added, or that a commit would add.
    pub added: usize,
    pub duplicates: Vec<ImportDuplicate>,
    pub errors: Vec<ImportError>,
    pub committed: bool,
    /// Which column fed which field.
    pub columns: Vec<ColumnUse>,
    /// The ids of the records added by a commit, in row order.
    pub added_ids: Vec<String>,
}

/// The rows to add and the report so far.
struct Plan<T> {
    report: ImportReport,
    accepted: Vec<(u32, T)>,
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string())
}

impl Workspace {
    /// Adds `workers` in one transaction with an `import` audit entry (`detail`): all of them
    /// or, when one is refused (invalid, or an IIN or passport already on file), none.
    pub fn import_workers(
        &mut self,
        workers: &[Worker],
        detail: &str,
    ) -> Result<Vec<WorkerId>, CoreError> {
        Ok(self.store.import_workers(workers, detail)?)
    }

    /// Imports the workers or cases in the spreadsheet at `path`.
    pub fn import_file(
        &mut self,
        kind: ImportKind,
        path: &Path,
        options: &ImportOptions,
    ) -> Result<ImportReport, CoreError> {
        let bytes = std::fs::read(path).map_err(|e| {
            CoreError::new(
                ErrorCode::NotFound,
                format!("cannot read {}: {e}", path.display()),
            )
        })?;
        self.import_bytes(kind, &file_name(path), &bytes, options)
    }

    /// Imports a spreadsheet given as bytes; `name`'s extension says its format.
    pub fn import_bytes(
        &mut self,
        kind: ImportKind,
        name: &str,
        bytes: &[u8],
        options: &ImportOptions,
    ) -> Result<ImportReport, CoreError> {
        let sheet = sheet::read_sheet(name, bytes)?;
        let columns = columns::map_columns(&sheet.header, kind, options.mapping.as_ref())?;
        let today = chrono::Local::now().date_naive();
        match kind {
            ImportKind::Workers => {
                let plan = self.plan_workers(&sheet, columns, today)?;
                self.commit(plan, name, options, |ws, workers, detail| {
                    let ids = ws.import_workers(workers, detail)?;
                    Ok(ids.iter().map(ToString::to_string).collect())
                })
            }
            ImportKind::Cases => {
                let plan = self.plan_cases(&sheet, columns, today)?;
                self.commit(plan, name, options, |ws, cases, detail| {
                    let ids = ws.store.import_cases(cases, detail)?;
                    Ok(ids.iter().map(ToString::to_string).collect())
                })
            }
        }
    }

    fn commit<T: Clone>(
        &mut self,
        plan: Plan<T>,
        name: &str,
        options: &ImportOptions,
        write: impl FnOnce(&mut Self, &[T], &str) -> Result<Vec<String>, CoreError>,
    ) -> Result<ImportReport, CoreError> {
        let Plan {
            mut report,
            accepted,
        } = plan;
        report.added = accepted.len();
        if options.dry_run || (!report.errors.is_empty() && !options.skip_invalid) {
            return Ok(report);
        }
        let skipped: std::collections::BTreeSet<u32> =
            report.errors.iter().map(|e| e.row).collect();
        let detail = format!(
            "{name}: {} rows, {} added, {} duplicates, {} invalid rows skipped",
            report.rows,
            accepted.len(),
            report.duplicates.len(),
            skipped.len()
        );
        let records: Vec<T> = accepted.into_iter().map(|(_, r)| r).collect();
        report.added_ids = write(self, &records, &detail)?;
        report.committed = true;
        Ok(report)
    }

    fn plan_workers(
        &self,
        sheet: &sheet::Sheet,
        columns: Vec<ColumnUse>,
        today: chrono::NaiveDate,
    ) -> Result<Plan<Worker>, CoreError> {
        let on_file = MatchIndex::of_store(self.store.worker_match_keys()?);
        let mut in_file: MatchIndex<u32> = MatchIndex::default();
        let mut plan = Plan {
            report: empty_report(ImportKind::Workers, sheet.rows.len(), &columns),
            accepted: Vec::with_capacity(sheet.rows.len()),
        };
        for built in build_worker_rows(sheet, &columns, today) {
            let BuiltWorker {
                row,
                worker,
                errors,
                groups,
                keys,
            } = built;
            if !errors.is_empty() {
                plan.report.errors.extend(errors);
                continue;
            }
            let duplicate = match on_file.find(&worker, &groups) {
                Some((id, reason)) => Some((Some(id.to_string()), reason, None)),
                None => in_file
                    .find(&worker, &groups)
                    .map(|(first, reason)| (None, reason, Some(first))),
            };
            in_file.add_with_keys(row, &worker, keys);
            match duplicate {
                Some((existing_id, reason, first_row)) => {
                    plan.report.duplicates.push(ImportDuplicate {
                        row,
                        existing_id,
                        reason: reason.code(first_row.is_some()),
                        first_row,
                    })
                }
                None => plan.accepted.push((row, worker)),
            }
        }
        Ok(plan)
    }

    fn plan_cases(
        &self,
        sheet: &sheet::Sheet,
        columns: Vec<ColumnUse>,
        today: chrono::NaiveDate,
    ) -> Result<Plan<CaseRecord>, CoreError> {
        let workers = MatchIndex::of_store(self.store.worker_match_keys()?);
        // Cases on file by (worker, type, date of the incident).
        let mut on_file: HashMap<(WorkerId, String, Option<String>), String> = HashMap::new();
        for k in self.store.case_match_keys()? {
            for w in &k.workers {
                on_file
                    .entry((*w, format!("{:?}", k.case_type), k.occurred_on.clone()))
                    .or_insert_with(|| k.id.to_string());
            }
        }
        let mut in_file: HashMap<(WorkerId, String, Option<String>), u32> = HashMap::new();
        let mut plan = Plan {
            report: empty_report(ImportKind::Cases, sheet.rows.len(), &columns),
            accepted: Vec::with_capacity(sheet.rows.len()),
        };
        for (row, cells) in &sheet.rows {
            let cells = RowCells::new(*row, cells, &columns);
            let errors = &mut plan.report.errors;
            let errors_before = errors.len();
            let reference = rows::worker_of(&cells, today, true, errors);
            let mut case = rows::case_of(&cells, today, errors);
            match find_worker(&workers, &reference) {
                Ok(id) => case.workers = vec![id],
                Err(message) => errors.push(ImportError {
                    row: *row,
                    field: "worker".into(),
                    code: IssueCode::UnknownWorker.name(),
                    message,
                }),
            }
            let case = rows::check_case(&cells, &case, today, errors);
            if errors.len() > errors_before {
                continue;
            }
            let key = (
                case.workers[0],
                format!("{:?}", case.case_type),
                case.occurred_on.map(|d| d.to_string()),
            );
            if let Some(existing) = on_file.get(&key) {
                plan.report.duplicates.push(ImportDuplicate {
                    row: *row,
                    existing_id: Some(existing.clone()),
                    reason: "same_case".into(),
                    first_row: None,
                });
            } else if let Some(first) = in_file.get(&key) {
                plan.report.duplicates.push(ImportDuplicate {
                    row: *row,
                    existing_id: None,
                    reason: "same_case_in_file".into(),
                    first_row: Some(*first),
                });
            } else {
                in_file.insert(key, *row);
                plan.accepted.push((*row, case));
            }
        }
        Ok(plan)
    }
}

/// A sheet row made into a validated worker, with what matching needs.
struct BuiltWorker {
    row: u32,
    worker: Worker,
    errors: Vec<ImportError>,
    groups: Vec<Vec<String>>,
    keys: String,
}

/// Builds and validates every row (phone parsing dominates) on as many threads as there are
/// cores, in row order; matching then runs in order on the results.
fn build_worker_rows(
    sheet: &sheet::Sheet,
    columns: &[ColumnUse],
    today: chrono::NaiveDate,
) -> Vec<BuiltWorker> {
    let build = |rows: &[(u32, Vec<sheet::Cell>)]| -> Vec<BuiltWorker> {
        rows.iter()
            .map(|(row, cells)| {
                let cells = RowCells::new(*row, cells, columns);
                let mut errors = Vec::new();
                let worker = rows::worker_of(&cells, today, false, &mut errors);
                let (groups, keys) = if errors.is_empty() {
                    (
                        matching::groups(&worker),
                        qorgau_store::worker_twin_keys(&worker),
                    )
                } else {
                    Default::default()
                };
                BuiltWorker {
                    row: *row,
                    worker,
                    errors,
                    groups,
                    keys,
                }
            })
            .collect()
    };
    let threads = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1)
        .min(8);
    if threads < 2 || sheet.rows.len() < 2_000 {
        return build(&sheet.rows);
    }
    let chunk = sheet.rows.len().div_ceil(threads);
    std::thread::scope(|scope| {
        let handles: Vec<_> = sheet
            .rows
            .chunks(chunk)
            .map(|part| scope.spawn(move || build(part)))
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
            .collect()
    })
}

/// The worker a case row names: by IIN, by passport, or by names and birth date (which must
/// point at exactly one worker).
fn find_worker(workers: &MatchIndex<WorkerId>, reference: &Worker) -> Result<WorkerId, String> {
    if let Some(iin) = &reference.iin {
        return workers
            .by_iin(iin)
            .ok_or_else(|| format!("worker: no worker with IIN {iin} is on file"));
    }
    if let Some(passport) = &reference.passport_no {
        return workers
            .by_passport(passport)
            .ok_or_else(|| format!("worker: no worker with passport {passport} is on file"));
    }
    if reference.birth_date.is_none() || reference.name_forms().is_empty() {
        return Err(
            "worker: give the worker's IIN, passport number, or name and birth date".into(),
        );
    }
    let found = workers.twins(reference, &matching::groups(reference));
    match found.as_slice() {
        [one] => Ok(*one),
        [] => Err(format!(
            "worker: no worker named {} born {} is on file",
            reference.display_name(),
            reference
                .birth_date
                .map(|d| d.to_string())
                .unwrap_or_default()
        )),
        many => Err(format!(
            "worker: {} workers named {} were born that day; give the IIN or passport number",
            many.len(),
            reference.display_name()
        )),
    }
}

fn empty_report(kind: ImportKind, rows: usize, columns: &[ColumnUse]) -> ImportReport {
    ImportReport {
        kind,
        rows,
        added: 0,
        duplicates: Vec::new(),
        errors: Vec::new(),
        committed: false,
        columns: columns.to_vec(),
        added_ids: Vec::new(),
    }
}
