//! Duplicate workers: two laptops that register the same person offline each create a
//! record. After sync the duplicate check finds them (same IIN or passport number), and a
//! merge joins them: the record created first is kept, it takes the other's fields it lacks,
//! the other's cases move to it, and the other becomes a tombstone (`worker_merges`) that
//! hides it from lists and search while its history stays reachable through the kept record.
//!
//! The merge always keeps the earlier record (ids are time-ordered UUIDv7), so two devices
//! that merge the same pair in either order write the same thing and converge.

use crate::cases;
use crate::changes::Writer;
use crate::error::{StoreError, StoreResult};
use crate::patch;
use crate::replica::{ApplyReport, ChangeSet};
use crate::store::Store;
use crate::workers;
use qorgau_domain::{CaseId, CaseRecord, Hlc, Worker, WorkerId};
use rusqlite::{OptionalExtension, params};
use serde::Serialize;
use serde_json::{Map, Value};

pub(crate) const ENTITY: &str = "worker_merge";

/// Two worker records that look like one person.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct DuplicateWorkers {
    /// The record created first (the one a merge keeps).
    pub keep: WorkerId,
    pub other: WorkerId,
    /// What they share: `iin` or `passport_no`.
    pub reason: &'static str,
}

/// What a merge did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MergedWorkers {
    pub kept: WorkerId,
    pub merged: WorkerId,
    /// Fields the kept record took from the other.
    pub fields_taken: Vec<String>,
    /// Cases that now name the kept record instead of the other.
    pub cases_moved: Vec<CaseId>,
}

impl Store {
    /// Pairs of unmerged workers with the same IIN or passport number.
    pub fn duplicate_workers(&self) -> StoreResult<Vec<DuplicateWorkers>> {
        let mut out = Vec::new();
        for (reason, column) in [("iin", "iin"), ("passport_no", "passport_no")] {
            let sql = format!(
                "SELECT a.id, b.id FROM workers a JOIN workers b
                   ON a.{column} = b.{column} AND a.id < b.id
                 WHERE a.{column} IS NOT NULL
                   AND a.id NOT IN (SELECT merged FROM worker_merges)
                   AND b.id NOT IN (SELECT merged FROM worker_merges)
                 ORDER BY a.id, b.id"
            );
            let mut stmt = self.conn.prepare(&sql)?;
            let rows = stmt.query_map([], |r| {
                Ok((r.get::<_, Vec<u8>>(0)?, r.get::<_, Vec<u8>>(1)?))
            })?;
            for row in rows {
                let (a, b) = row?;
                let pair = DuplicateWorkers {
                    keep: WorkerId::from_slice(&a).unwrap_or_default(),
                    other: WorkerId::from_slice(&b).unwrap_or_default(),
                    reason,
                };
                if !out
                    .iter()
                    .any(|p: &DuplicateWorkers| p.keep == pair.keep && p.other == pair.other)
                {
                    out.push(pair);
                }
            }
        }
        Ok(out)
    }

    /// Duplicate pairs that involve one of `workers` (after a sync, the workers whose
    /// identifiers arrived): index lookups only, however large the workspace.
    pub fn duplicates_among(&self, workers: &[WorkerId]) -> StoreResult<Vec<DuplicateWorkers>> {
        let mut out: Vec<DuplicateWorkers> = Vec::new();
        for worker in workers {
            for (reason, column) in [("iin", "iin"), ("passport_no", "passport_no")] {
                let sql = format!(
                    "SELECT o.id FROM workers w JOIN workers o ON o.{column} = w.{column} AND o.id != w.id
                     WHERE w.id = ?1 AND w.{column} IS NOT NULL
                       AND w.id NOT IN (SELECT merged FROM worker_merges)
                       AND o.id NOT IN (SELECT merged FROM worker_merges)"
                );
                let others: Vec<Vec<u8>> = self
                    .conn
                    .prepare_cached(&sql)?
                    .query_map([&worker.as_bytes()[..]], |r| r.get(0))?
                    .collect::<Result<_, _>>()?;
                for other in others {
                    let other = WorkerId::from_slice(&other).unwrap_or_default();
                    let (keep, other) = if worker.as_bytes() < other.as_bytes() {
                        (*worker, other)
                    } else {
                        (other, *worker)
                    };
                    if !out.iter().any(|p| p.keep == keep && p.other == other) {
                        out.push(DuplicateWorkers {
                            keep,
                            other,
                            reason,
                        });
                    }
                }
            }
        }
        Ok(out)
    }

    /// The record a worker was merged into (following merges of merges), if it was.
    pub fn merged_into(&self, id: WorkerId) -> StoreResult<Option<WorkerId>> {
        let mut current = id;
        let mut found = None;
        for _ in 0..64 {
            let into: Option<Vec<u8>> = self
                .conn
                .prepare_cached("SELECT into_id FROM worker_merges WHERE merged = ?1")?
                .query_row([&current.as_bytes()[..]], |r| r.get(0))
                .optional()?;
            match into.and_then(|b| WorkerId::from_slice(&b)) {
                Some(next) => {
                    found = Some(next);
                    current = next;
                }
                None => break,
            }
        }
        Ok(found)
    }

    /// Joins two records of one person: the earlier is kept and takes the other's fields it
    /// lacks (and its phones and messengers), the other's cases name the kept record, and the
    /// other is hidden. One transaction; it syncs like any change.
    pub fn merge_workers(&mut self, a: WorkerId, b: WorkerId) -> StoreResult<MergedWorkers> {
        if a == b {
            return Err(StoreError::Sync(
                "a worker cannot be merged with itself".into(),
            ));
        }
        let (keep, other) = if a.as_bytes() < b.as_bytes() {
            (a, b)
        } else {
            (b, a)
        };
        for id in [keep, other] {
            if let Some(into) = self.merged_into(id)? {
                return Err(StoreError::Sync(format!(
                    "worker {id} was already merged into {into}"
                )));
            }
        }
        let kept = self.worker(keep)?.worker;
        let merged = self.worker(other)?.worker;
        let old = patch::to_map(&kept)?;
        let (new, fields_taken) = combine(&old, &patch::to_map(&merged)?);
        let combined: Worker = serde_json::from_value(Value::Object(new.clone()))?;
        let cases = self.cases_of_worker(other)?;
        self.write(|w| {
            let hlc = w.tick();
            if !fields_taken.is_empty() {
                w.record_fields("worker", keep.as_bytes(), hlc, Some(&old), &new)?;
                workers::put_merged_worker(w, keep, combined.clone(), hlc, false, &fields_taken)?;
            }
            let mut moved = Vec::new();
            for (case_id, record) in &cases {
                let before = patch::to_map(record)?;
                let mut after_record = record.clone();
                after_record.workers = replace_worker(&record.workers, other, keep);
                let after = patch::to_map(&after_record)?;
                w.record_fields("case", case_id.as_bytes(), hlc, Some(&before), &after)?;
                cases::put_merged_case(w, *case_id, after_record, hlc, false)?;
                moved.push(*case_id);
            }
            let mut fields = Map::new();
            fields.insert("into".into(), Value::String(keep.to_string()));
            w.record_new(ENTITY, other.as_bytes(), hlc, &fields)?;
            put_merge(w, other, keep, hlc)?;
            w.audit(
                hlc,
                "merge",
                "worker",
                Some(&keep.to_string()),
                Some(&format!("merged {other}")),
            )?;
            Ok(MergedWorkers {
                kept: keep,
                merged: other,
                fields_taken: fields_taken.clone(),
                cases_moved: moved,
            })
        })
    }

    fn cases_of_worker(&self, worker: WorkerId) -> StoreResult<Vec<(CaseId, CaseRecord)>> {
        let mut stmt = self.conn.prepare(
            "SELECT c.id, c.doc FROM cases c
             JOIN case_workers cw ON cw.case_rowid = c.rowid
             JOIN workers w ON w.rowid = cw.worker_rowid
             WHERE w.id = ?1 ORDER BY c.rowid",
        )?;
        let rows = stmt.query_map([&worker.as_bytes()[..]], |r| {
            Ok((r.get::<_, Vec<u8>>(0)?, r.get::<_, String>(1)?))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (id, doc) = row?;
            out.push((
                CaseId::from_slice(&id).unwrap_or_default(),
                serde_json::from_str(&doc)?,
            ));
        }
        Ok(out)
    }
}

/// The kept record's fields, with the other's where the kept one has none, and the union of
/// list fields; returns the changed field names too.
fn combine(
    kept: &Map<String, Value>,
    other: &Map<String, Value>,
) -> (Map<String, Value>, Vec<String>) {
    let mut out = kept.clone();
    let mut taken = Vec::new();
    for (field, value) in other {
        match (out.get(field), value) {
            (None | Some(Value::Null), v) if !v.is_null() => {
                out.insert(field.clone(), v.clone());
                taken.push(field.clone());
            }
            (Some(Value::Array(mine)), Value::Array(theirs)) => {
                let mut joined = mine.clone();
                for v in theirs {
                    if !joined.contains(v) {
                        joined.push(v.clone());
                    }
                }
                if joined.len() != mine.len() {
                    out.insert(field.clone(), Value::Array(joined));
                    taken.push(field.clone());
                }
            }
            _ => {}
        }
    }
    (out, taken)
}

fn replace_worker(list: &[WorkerId], other: WorkerId, keep: WorkerId) -> Vec<WorkerId> {
    let mut out = Vec::with_capacity(list.len());
    for id in list {
        let id = if *id == other { keep } else { *id };
        if !out.contains(&id) {
            out.push(id);
        }
    }
    out
}

/// Records the tombstone and takes the merged record out of search.
fn put_merge(w: &Writer<'_>, merged: WorkerId, into: WorkerId, hlc: Hlc) -> StoreResult<bool> {
    // Merged into two different records on two devices: every device keeps the smaller
    // target, whatever the order the merges arrive in.
    let n =
        w.tx.prepare_cached(
            "INSERT INTO worker_merges (merged, into_id, hlc) VALUES (?1, ?2, ?3)
             ON CONFLICT (merged) DO UPDATE SET into_id = excluded.into_id, hlc = excluded.hlc
             WHERE excluded.into_id < worker_merges.into_id",
        )?
        .execute(params![
            &merged.as_bytes()[..],
            &into.as_bytes()[..],
            hlc.0 as i64
        ])?;
    let rowid: Option<i64> =
        w.tx.prepare_cached("SELECT rowid FROM workers WHERE id = ?1")?
            .query_row([&merged.as_bytes()[..]], |r| r.get(0))
            .optional()?;
    if let Some(rowid) = rowid {
        w.tx.prepare_cached("DELETE FROM worker_fts WHERE rowid = ?1")?
            .execute([rowid])?;
    }
    Ok(n == 1)
}

/// A merge made on another device: the tombstone, written once.
pub(crate) fn apply_merge(
    w: &Writer<'_>,
    id: &[u8; 16],
    set: &ChangeSet,
) -> StoreResult<ApplyReport> {
    let into = set
        .fields
        .get("into")
        .and_then(Value::as_str)
        .and_then(|t| t.parse::<WorkerId>().ok())
        .ok_or_else(|| StoreError::Sync("into: not a worker id".into()))?;
    let added = put_merge(w, WorkerId::from_bytes(*id), into, set.hlc)?;
    Ok(if added {
        ApplyReport::one_applied()
    } else {
        ApplyReport::one_unchanged()
    })
}
