//! The store's side of sync: reading this device's change sets for shipping, applying other
//! devices' change sets with the per-field merge rule, conflicts for review, and a hash of
//! the replicated state.
//!
//! Applying is idempotent (the same write again is a duplicate) and independent of arrival
//! order (last writer wins on `(HLC, device)`, see `qorgau_domain::merge`). Each envelope is
//! applied in one transaction together with the sync bookkeeping (the device's sequence
//! number and the pull cursor), so an interrupted sync resumes exactly where it stopped.

use crate::changes::Writer;
use crate::error::{StoreError, StoreResult};
use crate::store::{Store, meta_get, meta_set};
use crate::versions::{self, CREATION};
use crate::{attachments, cases, merges, workers};
use qorgau_domain::{
    Agency, CaseId, CaseRecord, DeviceId, FieldVersion, FieldWrite, Hlc, MergeOutcome,
    MissionProfile, Worker, WorkerId, merge_field,
};
use rusqlite::{OptionalExtension, params};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, HashMap};

/// One mutation of one record as it travels between devices: the entity, its id (hex), the
/// HLC of the write, the changed fields and, for an update, the version each field replaced
/// (`[hlc, "device hex"]` or null). The writing device is the envelope's.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChangeSet {
    pub entity: String,
    pub id: String,
    pub hlc: Hlc,
    pub fields: Map<String, Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bases: Option<Map<String, Value>>,
}

/// A change set from another device set aside, not applied: it was stamped more than
/// `qorgau_domain::MAX_REMOTE_SKEW_MS` ahead of this device's clock when it arrived.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct HeldChange {
    pub device: DeviceId,
    pub device_seq: u64,
    /// The change set's place in its envelope.
    pub set_index: u64,
    pub entity: String,
    pub entity_id: String,
    pub hlc: Hlc,
    /// When it arrived (Unix milliseconds).
    pub held_at_ms: i64,
}

/// An envelope set aside because it did not open or apply (see
/// [`Store::quarantine_envelope`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct QuarantinedEnvelope {
    /// Its place in the team's order.
    pub global_seq: u64,
    /// The device the server says sent it.
    pub device: DeviceId,
    pub device_seq: u64,
    pub key_epoch: u32,
    /// Why it was set aside.
    pub reason: String,
    /// When (Unix milliseconds).
    pub at_ms: i64,
}

/// Failures of the database or the disk rather than of the data being applied.
fn is_environmental(e: &StoreError) -> bool {
    match e {
        StoreError::Io(_) => true,
        StoreError::Sqlite(rusqlite::Error::SqliteFailure(f, _)) => {
            f.code != rusqlite::ErrorCode::ConstraintViolation
        }
        _ => false,
    }
}

/// Whether a change set, or a version it claims to replace, is stamped far ahead of
/// `now_ms`.
fn is_far_ahead(set: &ChangeSet, now_ms: u64) -> bool {
    set.hlc.is_far_ahead_of(now_ms)
        || set.bases.iter().flat_map(|b| b.values()).any(|base| {
            base.get(0)
                .and_then(Value::as_u64)
                .is_some_and(|hlc| Hlc(hlc).is_far_ahead_of(now_ms))
        })
}

/// Sets a change set aside in `held_changes` (once: a replayed envelope changes nothing).
fn hold(
    tx: &rusqlite::Transaction<'_>,
    at: &EnvelopePosition,
    index: usize,
    set: &ChangeSet,
    now_ms: u64,
) -> StoreResult<()> {
    tx.prepare_cached(
        "INSERT OR IGNORE INTO held_changes (device_id, device_seq, set_index, entity,
             entity_id, hlc, change_set, held_at_ms)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    )?
    .execute(params![
        &at.device.as_bytes()[..],
        at.device_seq as i64,
        index as i64,
        set.entity,
        set.id,
        set.hlc.0.to_string(),
        serde_json::to_string(set)?,
        now_ms as i64,
    ])?;
    Ok(())
}

fn system_ms() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as u64)
        .unwrap_or(0)
}

/// What applying change sets did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ApplyReport {
    /// Change sets that changed at least one field here.
    pub applied: u64,
    /// Change sets whose every field was already newer here, or already here.
    pub unchanged: u64,
    /// New conflicts for review.
    pub conflicts: u64,
    /// Change sets stamped more than a day ahead of this device's clock: set aside in
    /// `held_changes`, not applied (see [`Store::held_changes`]).
    pub held_ahead: u64,
    /// Workers whose IIN or passport number arrived or changed (where duplicates may appear).
    #[serde(skip)]
    pub identity_changed: Vec<WorkerId>,
}

impl ApplyReport {
    /// One change set that changed something here.
    pub(crate) fn one_applied() -> Self {
        ApplyReport {
            applied: 1,
            ..Default::default()
        }
    }

    /// One change set that was already here (or older).
    pub(crate) fn one_unchanged() -> Self {
        ApplyReport {
            unchanged: 1,
            ..Default::default()
        }
    }

    pub fn add(&mut self, other: ApplyReport) {
        self.applied += other.applied;
        self.unchanged += other.unchanged;
        self.conflicts += other.conflicts;
        self.held_ahead += other.held_ahead;
        self.identity_changed.extend(other.identity_changed);
    }
}

/// What can be computed for an envelope's change sets before the write transaction, on
/// another thread: the derived data of every worker it creates (decoded document, name keys,
/// search text). Applying uses it when the worker is indeed new here.
#[derive(Default)]
pub struct PreparedSets {
    workers: HashMap<usize, workers::PreparedWorker>,
}

impl std::fmt::Debug for PreparedSets {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PreparedSets")
            .field("workers", &self.workers.len())
            .finish()
    }
}

impl PreparedSets {
    /// Nothing prepared: everything is computed while applying.
    pub fn none() -> Self {
        Self::default()
    }

    /// Prepares the worker creations among `sets`. A set that does not decode is left for
    /// the apply step, which reports it with its place.
    pub fn prepare(sets: &[ChangeSet]) -> Self {
        let workers = sets
            .iter()
            .enumerate()
            .filter(|(_, s)| s.entity == "worker" && s.bases.is_none())
            .filter_map(|(i, s)| workers::prepare_document(&s.fields).ok().map(|p| (i, p)))
            .collect();
        PreparedSets { workers }
    }
}

/// Where a device stands with one peer's envelopes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EnvelopePosition {
    pub device: DeviceId,
    pub device_seq: u64,
    pub global_seq: u64,
    /// The team-key epoch that sealed it.
    pub key_epoch: u32,
}

/// A conflict as a person reviews it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Conflict {
    pub id: i64,
    pub entity: String,
    pub entity_id: String,
    pub field: String,
    /// The value every device applied (the greater version).
    pub kept: Value,
    pub kept_device: DeviceId,
    pub kept_hlc: Hlc,
    /// The concurrent value that lost.
    pub other: Value,
    pub other_device: DeviceId,
    pub other_hlc: Hlc,
    pub resolution: Option<String>,
}

/// Which value a person chose for a conflict.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConflictChoice {
    Kept,
    Other,
}

/// The entities whose change sets this build applies, in no particular order.
pub const REPLICATED_ENTITIES: &[&str] = &[
    "worker",
    "case",
    "agency",
    "mission",
    "task",
    "timeline",
    "letter",
    "attachment",
    "worker_merge",
    "wage_calc",
    "case_log",
];

impl Store {
    /// This device's own change sets after outbox sequence `after`, oldest first, at most
    /// `limit`, each with its outbox sequence number.
    pub fn outbox_change_sets(&self, after: i64, limit: i64) -> StoreResult<Vec<(i64, ChangeSet)>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT seq, entity, entity_id, hlc, fields, bases FROM outbox
             WHERE seq > ?1 ORDER BY seq LIMIT ?2",
        )?;
        let rows = stmt.query_map(params![after, limit], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, Vec<u8>>(2)?,
                r.get::<_, i64>(3)?,
                r.get::<_, String>(4)?,
                r.get::<_, Option<String>>(5)?,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (seq, entity, id, hlc, fields, bases) = row?;
            out.push((
                seq,
                ChangeSet {
                    entity,
                    id: hex::encode(id),
                    hlc: Hlc(hlc as u64),
                    fields: serde_json::from_str(&fields)?,
                    bases: bases.map(|b| serde_json::from_str(&b)).transpose()?,
                },
            ));
        }
        Ok(out)
    }

    /// The highest outbox sequence number (0 when empty).
    pub fn outbox_high(&self) -> StoreResult<i64> {
        Ok(self
            .conn
            .query_row("SELECT coalesce(max(seq), 0) FROM outbox", [], |r| r.get(0))?)
    }

    /// The last envelope sequence number applied from `device` (0: none).
    pub fn peer_position(&self, device: DeviceId) -> StoreResult<u64> {
        Ok(peer_state(&self.conn, device)?.0)
    }

    /// Applies one envelope's change sets from another device, in one transaction with the
    /// bookkeeping: the envelope must be that device's next one (a replay or a gap is refused
    /// and nothing is applied), and the pull cursor moves to its global position. An
    /// envelope of this device's own is only counted.
    pub fn apply_envelope(
        &mut self,
        at: EnvelopePosition,
        sets: &[ChangeSet],
    ) -> StoreResult<ApplyReport> {
        let prepared = PreparedSets::none();
        self.apply_prepared(&[(at, sets, &prepared)])
    }

    /// Applies consecutive envelopes in one transaction (a large pull commits less often):
    /// all of them apply, or none. Each comes with its [`PreparedSets`].
    pub fn apply_prepared(
        &mut self,
        envelopes: &[(EnvelopePosition, &[ChangeSet], &PreparedSets)],
    ) -> StoreResult<ApplyReport> {
        let me = self.device_id;
        self.write(|w| {
            // Checked inside the transaction, so two processes syncing one workspace at once
            // cannot both apply the same envelope.
            let mut expected: HashMap<DeviceId, (u64, u32)> = HashMap::new();
            for (at, _, _) in envelopes {
                let (last, epoch) = match expected.get(&at.device) {
                    Some(known) => *known,
                    None => peer_state(&w.tx, at.device)?,
                };
                if at.device_seq != last + 1 {
                    return Err(StoreError::Sync(format!(
                        "envelope {} of device {} is out of order: expected {} (a replay or a gap)",
                        at.device_seq,
                        at.device,
                        last + 1
                    )));
                }
                // After a rotation a device seals with the new key only; an envelope under an
                // older key after a newer one is forged with a key a revoked device still holds.
                if at.key_epoch < epoch {
                    return Err(StoreError::Sync(format!(
                        "envelope {} of device {} uses team key epoch {}, older than epoch {epoch} \
                         it already used: refused",
                        at.device_seq, at.device, at.key_epoch
                    )));
                }
                expected.insert(at.device, (at.device_seq, at.key_epoch));
            }
            let mut report = ApplyReport::default();
            let now_ms = system_ms();
            let mut applied: BTreeMap<DeviceId, AppliedFrom> = BTreeMap::new();
            for (at, sets, prepared) in envelopes {
                if at.device == me {
                    continue;
                }
                applied.entry(at.device).or_default().envelope(at, sets);
                for (i, set) in sets.iter().enumerate() {
                    // A change stamped far ahead of this clock would outrank every real edit
                    // until the clocks reach it (a laptop set to 2056, or a forged stamp):
                    // it is set aside, and its stamp is not folded into this clock.
                    if is_far_ahead(set, now_ms) {
                        hold(&w.tx, at, i, set, now_ms)?;
                        report.held_ahead += 1;
                        continue;
                    }
                    w.observe(set.hlc);
                    let one =
                        apply_set(w, at.device, set, prepared.workers.get(&i)).map_err(|e| {
                            // The database or the disk failing is not the envelope's fault:
                            // it stays an error of its own (and is never quarantined).
                            if is_environmental(&e) {
                                return e;
                            }
                            let place = format!(
                                "change set {i} ({} {}) of envelope {} from device {}",
                                set.entity, set.id, at.device_seq, at.device
                            );
                            match e {
                                StoreError::NewerBuild(m) => {
                                    StoreError::NewerBuild(format!("{place}: {m}"))
                                }
                                e => StoreError::Sync(format!("{place}: {e}")),
                            }
                        })?;
                    report.add(one);
                    if set.entity == "worker"
                        && (set.fields.contains_key("iin")
                            || set.fields.contains_key("passport_no"))
                        && let Some(id) = hex::decode(&set.id)
                            .ok()
                            .and_then(|b| WorkerId::from_slice(&b))
                    {
                        report.identity_changed.push(id);
                    }
                }
            }
            let mut peers = w.tx.prepare_cached(
                "INSERT INTO sync_peers (device_id, last_seq, key_epoch) VALUES (?1, ?2, ?3)
                 ON CONFLICT(device_id) DO UPDATE SET last_seq = excluded.last_seq,
                     key_epoch = excluded.key_epoch",
            )?;
            for (device, (seq, epoch)) in &expected {
                peers.execute(params![&device.as_bytes()[..], *seq as i64, epoch])?;
            }
            drop(peers);
            if let Some((last, _, _)) = envelopes.last() {
                meta_set(&w.tx, "sync_cursor", &last.global_seq.to_string())?;
            }
            // What came from whom, in this device's audit log, in the same transaction.
            for (device, from) in &applied {
                let hlc = w.tick();
                w.audit(
                    hlc,
                    "sync_applied",
                    "device",
                    Some(&device.to_string()),
                    Some(&from.describe()),
                )?;
            }
            Ok(report)
        })
    }

    /// Sets aside an envelope that did not open (`opened` false: `bytes` are the sealed
    /// envelope) or whose change sets did not apply (`bytes` are the change sets), with the
    /// reason, in one transaction with the cursor, which moves past it: the next round does
    /// not stop at it again. When it is its device's next envelope, that device's sequence
    /// moves on too (and its key epoch, for an envelope that opened), so the device's later
    /// envelopes still apply.
    pub fn quarantine_envelope(
        &mut self,
        at: EnvelopePosition,
        reason: &str,
        opened: bool,
        bytes: &[u8],
    ) -> StoreResult<()> {
        self.write(|w| {
            w.tx.execute(
                "INSERT OR IGNORE INTO quarantined_envelopes (global_seq, device_id, device_seq,
                     key_epoch, reason, opened, bytes, at_ms)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                params![
                    at.global_seq as i64,
                    &at.device.as_bytes()[..],
                    at.device_seq as i64,
                    at.key_epoch,
                    reason,
                    opened,
                    bytes,
                    system_ms() as i64,
                ],
            )?;
            let (last, epoch) = peer_state(&w.tx, at.device)?;
            if at.device_seq == last + 1 {
                let epoch = if opened {
                    epoch.max(at.key_epoch)
                } else {
                    epoch
                };
                w.tx.execute(
                    "INSERT INTO sync_peers (device_id, last_seq, key_epoch) VALUES (?1, ?2, ?3)
                     ON CONFLICT(device_id) DO UPDATE SET last_seq = excluded.last_seq,
                         key_epoch = excluded.key_epoch",
                    params![&at.device.as_bytes()[..], at.device_seq as i64, epoch],
                )?;
            }
            let cursor = meta_get(&w.tx, "sync_cursor")?
                .and_then(|v| v.parse::<u64>().ok())
                .unwrap_or(0);
            if at.global_seq > cursor {
                meta_set(&w.tx, "sync_cursor", &at.global_seq.to_string())?;
            }
            let hlc = w.tick();
            w.audit(
                hlc,
                "sync_quarantined",
                "device",
                Some(&at.device.to_string()),
                Some(&format!(
                    "envelope {} (position {}): {reason}",
                    at.device_seq, at.global_seq
                )),
            )?;
            Ok(())
        })
    }

    /// The envelopes set aside by [`Store::quarantine_envelope`], in the team's order.
    pub fn quarantined_envelopes(&self) -> StoreResult<Vec<QuarantinedEnvelope>> {
        let mut stmt = self.conn.prepare(
            "SELECT global_seq, device_id, device_seq, key_epoch, reason, at_ms
             FROM quarantined_envelopes ORDER BY global_seq",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok(QuarantinedEnvelope {
                global_seq: r.get::<_, i64>(0)? as u64,
                device: DeviceId::from_slice(&r.get::<_, Vec<u8>>(1)?).unwrap_or_default(),
                device_seq: r.get::<_, i64>(2)? as u64,
                key_epoch: r.get(3)?,
                reason: r.get(4)?,
                at_ms: r.get(5)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Change sets from other devices set aside because they were stamped far ahead of this
    /// device's clock, oldest first.
    pub fn held_changes(&self) -> StoreResult<Vec<HeldChange>> {
        let mut stmt = self.conn.prepare(
            "SELECT device_id, device_seq, set_index, entity, entity_id, hlc, held_at_ms
             FROM held_changes ORDER BY held_at_ms, device_id, device_seq, set_index",
        )?;
        let rows = stmt.query_map([], |r| {
            let hlc: String = r.get(5)?;
            Ok(HeldChange {
                device: DeviceId::from_slice(&r.get::<_, Vec<u8>>(0)?).unwrap_or_default(),
                device_seq: r.get::<_, i64>(1)? as u64,
                set_index: r.get::<_, i64>(2)? as u64,
                entity: r.get(3)?,
                entity_id: r.get(4)?,
                hlc: Hlc(hlc.parse().unwrap_or(u64::MAX)),
                held_at_ms: r.get(6)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Applies the held change sets whose stamps this device's clock has caught up with (no
    /// longer more than a day ahead), and forgets them; the others stay held. A held set that
    /// no longer applies (its record is gone from this device's view) stays held too, and
    /// the error is returned. Returns what applying did.
    pub fn release_held_changes(&mut self) -> StoreResult<ApplyReport> {
        let now_ms = system_ms();
        let due: Vec<(Vec<u8>, i64, i64, ChangeSet)> = {
            let mut stmt = self.conn.prepare(
                "SELECT device_id, device_seq, set_index, change_set FROM held_changes
                 ORDER BY device_id, device_seq, set_index",
            )?;
            let rows = stmt.query_map([], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get::<_, String>(3)?))
            })?;
            let mut due = Vec::new();
            for row in rows {
                let (device, seq, index, text) = row?;
                let set: ChangeSet = serde_json::from_str(&text)?;
                if !is_far_ahead(&set, now_ms) {
                    due.push((device, seq, index, set));
                }
            }
            due
        };
        if due.is_empty() {
            return Ok(ApplyReport::default());
        }
        self.write(|w| {
            let mut report = ApplyReport::default();
            for (device, seq, index, set) in &due {
                let from = DeviceId::from_slice(device)
                    .ok_or_else(|| StoreError::Sync("a held change names no device".into()))?;
                w.observe(set.hlc);
                report.add(apply_set(w, from, set, None).map_err(|e| {
                    StoreError::Sync(format!(
                        "held change set {index} ({} {}) of envelope {seq} from device {from}: {e}",
                        set.entity, set.id
                    ))
                })?);
                w.tx.execute(
                    "DELETE FROM held_changes WHERE device_id = ?1 AND device_seq = ?2
                     AND set_index = ?3",
                    params![device, seq, index],
                )?;
            }
            Ok(report)
        })
    }

    /// How many change sets are set aside (see [`Store::held_changes`]).
    pub fn held_change_count(&self) -> StoreResult<u64> {
        Ok(self
            .conn
            .query_row("SELECT count(*) FROM held_changes", [], |r| {
                r.get::<_, i64>(0)
            })? as u64)
    }

    /// The global position of the last envelope applied (0: none).
    pub fn sync_cursor(&self) -> StoreResult<u64> {
        Ok(meta_get(&self.conn, "sync_cursor")?
            .and_then(|v| v.parse().ok())
            .unwrap_or(0))
    }

    /// Conflicts, open ones first; `all` includes resolved ones.
    pub fn conflicts(&self, all: bool) -> StoreResult<Vec<Conflict>> {
        let mut stmt = self.conn.prepare(
            "SELECT rowid, entity, entity_id, field, kept_value, kept_hlc, kept_device,
                    other_value, other_hlc, other_device, resolution
             FROM conflicts WHERE ?1 OR resolved_hlc IS NULL
             ORDER BY resolved_hlc IS NOT NULL, rowid",
        )?;
        let rows = stmt.query_map([all], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, Vec<u8>>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, String>(4)?,
                r.get::<_, i64>(5)?,
                r.get::<_, Vec<u8>>(6)?,
                r.get::<_, String>(7)?,
                r.get::<_, i64>(8)?,
                r.get::<_, Vec<u8>>(9)?,
                r.get::<_, Option<String>>(10)?,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (id, entity, eid, field, kept, kh, kd, other, oh, od, resolution) = row?;
            out.push(Conflict {
                id,
                entity,
                entity_id: entity_id_text(&eid),
                field,
                kept: serde_json::from_str(&kept)?,
                kept_hlc: Hlc(kh as u64),
                kept_device: DeviceId::from_slice(&kd).unwrap_or_default(),
                other: serde_json::from_str(&other)?,
                other_hlc: Hlc(oh as u64),
                other_device: DeviceId::from_slice(&od).unwrap_or_default(),
                resolution,
            });
        }
        Ok(out)
    }

    /// Resolves an open conflict with the chosen value. Either choice is written as a new
    /// change of the field (replacing the kept version), so every other device sees a write
    /// that saw both values and closes the conflict too.
    pub fn resolve_conflict(&mut self, id: i64, choice: ConflictChoice) -> StoreResult<()> {
        let conflict = self
            .conflicts(true)?
            .into_iter()
            .find(|c| c.id == id)
            .ok_or(StoreError::NotFound {
                entity: "conflict",
                id: id.to_string(),
            })?;
        if conflict.resolution.is_some() {
            return Err(StoreError::Sync(format!(
                "conflict {id} is already resolved"
            )));
        }
        let value = match choice {
            ConflictChoice::Kept => conflict.kept.clone(),
            ConflictChoice::Other => conflict.other.clone(),
        };
        let mut patch = Map::new();
        patch.insert(conflict.field.clone(), value.clone());
        match conflict.entity.as_str() {
            "worker" => {
                let worker = parse_uuid(&conflict.entity_id).map(WorkerId)?;
                self.rewrite_worker_field(worker, &conflict.field, value)?;
            }
            "case" => {
                let case = parse_uuid(&conflict.entity_id).map(CaseId)?;
                self.rewrite_case_field(case, &conflict.field, value)?;
            }
            "agency" => {
                let agency = parse_uuid(&conflict.entity_id).map(qorgau_domain::AgencyId)?;
                self.update_agency(agency, &patch)?;
                self.rewrite_version(&conflict)?;
            }
            other => {
                return Err(StoreError::Sync(format!(
                    "conflicts of {other} records are resolved by editing the record"
                )));
            }
        }
        let hlc = self.clock.now();
        self.conn.execute(
            "UPDATE conflicts SET resolved_hlc = ?2, resolution = ?3 WHERE rowid = ?1",
            params![
                id,
                hlc.0 as i64,
                match choice {
                    ConflictChoice::Kept => "kept",
                    ConflictChoice::Other => "other",
                }
            ],
        )?;
        Ok(())
    }

    /// A deterministic SHA-256 of the replicated state: every record of every replicated
    /// entity, in id order, as its canonical document. Devices that have converged have equal
    /// hashes; device-local data (audit log, outbox, versions, conflicts) is not part of it.
    pub fn state_hash(&self) -> StoreResult<String> {
        let mut hash = Sha256::new();
        let queries: &[(&str, &str)] = &[
            ("worker", "SELECT id, doc FROM workers ORDER BY id"),
            ("case", "SELECT id, doc FROM cases ORDER BY id"),
            ("agency", "SELECT id, doc FROM agencies ORDER BY id"),
            ("mission", "SELECT x'00', doc FROM mission"),
            (
                "task",
                "SELECT t.id, json_array(hex(c.id), t.title, t.due_on, t.done) FROM tasks t
                 JOIN cases c ON c.rowid = t.case_rowid ORDER BY t.id",
            ),
            (
                "timeline",
                "SELECT t.id, json_array(hex(c.id), t.kind, t.occurred_on, t.text, t.author)
                 FROM timeline t JOIN cases c ON c.rowid = t.case_rowid ORDER BY t.id",
            ),
            (
                "letter",
                "SELECT l.id, json_array(hex(c.id), hex(l.agency_id), l.template, l.subject,
                        l.status, l.number, l.letter_date, l.data, l.pdf_sha256, l.status_note)
                 FROM letters l JOIN cases c ON c.rowid = l.case_rowid ORDER BY l.id",
            ),
            (
                "attachment",
                "SELECT id, json_array(owner_kind, hex(owner_id), file_name, mime_type, size,
                        sha256, caption) FROM attachments ORDER BY id",
            ),
            (
                "worker_merge",
                "SELECT merged, hex(into_id) FROM worker_merges ORDER BY merged",
            ),
            (
                "wage_calc",
                "SELECT w.id, json_array(hex(c.id), w.input, w.result, w.author)
                 FROM wage_calcs w JOIN cases c ON c.rowid = w.case_rowid ORDER BY w.id",
            ),
            (
                "case_log",
                "SELECT l.id, json_array(hex(c.id), l.doc, l.author)
                 FROM case_logs l JOIN cases c ON c.rowid = l.case_rowid ORDER BY l.id",
            ),
        ];
        for (entity, sql) in queries {
            let mut stmt = self.conn.prepare(sql)?;
            let mut rows = stmt.query([])?;
            while let Some(row) = rows.next()? {
                let id: Vec<u8> = row.get(0)?;
                let doc: String = row.get(1)?;
                for part in [entity.as_bytes(), &id, doc.as_bytes()] {
                    hash.update((part.len() as u64).to_le_bytes());
                    hash.update(part);
                }
            }
        }
        Ok(hex::encode(hash.finalize()))
    }

    fn rewrite_worker_field(&mut self, id: WorkerId, field: &str, value: Value) -> StoreResult<()> {
        let mut patch = Map::new();
        patch.insert(field.to_string(), value);
        let (changed, _) = self.update_worker(id, &patch)?;
        if changed.is_empty() {
            self.rewrite_version_of("worker", id.as_bytes(), field)?;
        }
        Ok(())
    }

    fn rewrite_case_field(&mut self, id: CaseId, field: &str, value: Value) -> StoreResult<()> {
        let mut patch = Map::new();
        patch.insert(field.to_string(), value);
        let changed = self.update_case(id, &patch)?;
        if changed.is_empty() {
            self.rewrite_version_of("case", id.as_bytes(), field)?;
        }
        Ok(())
    }

    fn rewrite_version(&mut self, c: &Conflict) -> StoreResult<()> {
        let id = parse_uuid(&c.entity_id)?;
        self.rewrite_version_of(&c.entity, id.as_bytes(), &c.field)
    }

    /// Writes a field's current value again as a new change (keeping a value is a decision
    /// other devices must see too).
    fn rewrite_version_of(&mut self, entity: &str, id: &[u8; 16], field: &str) -> StoreResult<()> {
        let value = current_value(&self.conn, entity, id, field)?;
        let entity = entity.to_string();
        let field = field.to_string();
        self.write(|w| {
            let hlc = w.tick();
            let mut fields = Map::new();
            fields.insert(field.clone(), value);
            w.record_update(&entity, id, hlc, &fields)?;
            w.audit(
                hlc,
                "resolve",
                &entity,
                Some(&entity_id_text(id)),
                Some(&field),
            )
        })
    }
}

fn current_value(
    conn: &rusqlite::Connection,
    entity: &str,
    id: &[u8],
    field: &str,
) -> StoreResult<Value> {
    let table = match entity {
        "worker" => "workers",
        "case" => "cases",
        "agency" => "agencies",
        other => return Err(StoreError::Sync(format!("no documents for {other}"))),
    };
    let doc: String = conn.query_row(
        &format!("SELECT doc FROM {table} WHERE id = ?1"),
        [id],
        |r| r.get(0),
    )?;
    let doc: Map<String, Value> = serde_json::from_str(&doc)?;
    Ok(doc.get(field).cloned().unwrap_or(Value::Null))
}

/// The last envelope applied from `device` and the newest key epoch it used.
fn peer_state(conn: &rusqlite::Connection, device: DeviceId) -> StoreResult<(u64, u32)> {
    Ok(conn
        .prepare_cached("SELECT last_seq, key_epoch FROM sync_peers WHERE device_id = ?1")?
        .query_row([&device.as_bytes()[..]], |r| {
            Ok((r.get::<_, i64>(0)? as u64, r.get::<_, u32>(1)?))
        })
        .optional()?
        .unwrap_or((0, 0)))
}

fn parse_uuid(text: &str) -> StoreResult<uuid::Uuid> {
    uuid::Uuid::parse_str(text).map_err(|e| StoreError::Sync(format!("id {text}: {e}")))
}

fn entity_id_text(bytes: &[u8]) -> String {
    crate::changes::uuid_text(bytes)
}

/// The fields of a record as this device holds them, `None` when it has no such record.
fn load(w: &Writer<'_>, entity: &str, id: &[u8; 16]) -> StoreResult<Option<Map<String, Value>>> {
    let sql = match entity {
        "worker" => "SELECT doc FROM workers WHERE id = ?1",
        "case" => "SELECT doc FROM cases WHERE id = ?1",
        "agency" => "SELECT doc FROM agencies WHERE id = ?1",
        "mission" => "SELECT doc FROM mission WHERE id = 1 AND ?1 IS NOT NULL",
        "task" => return load_task(w, id),
        "letter" => return load_letter(w, id),
        _ => return Ok(None),
    };
    let doc: Option<String> =
        w.tx.prepare_cached(sql)?
            .query_row([&id[..]], |r| r.get(0))
            .optional()?;
    let Some(doc) = doc else { return Ok(None) };
    let mut map: Map<String, Value> = serde_json::from_str(&doc)?;
    map.retain(|_, v| !v.is_null());
    Ok(Some(map))
}

fn load_task(w: &Writer<'_>, id: &[u8; 16]) -> StoreResult<Option<Map<String, Value>>> {
    let row: Option<(Vec<u8>, String, Option<String>, bool)> =
        w.tx.prepare_cached(
            "SELECT c.id, t.title, t.due_on, t.done FROM tasks t
             JOIN cases c ON c.rowid = t.case_rowid WHERE t.id = ?1",
        )?
        .query_row([&id[..]], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
        })
        .optional()?;
    Ok(row.map(|(case, title, due_on, done)| {
        let mut map = Map::new();
        map.insert("case_id".into(), Value::String(entity_id_text(&case)));
        map.insert("title".into(), Value::String(title));
        if let Some(due) = due_on {
            map.insert("due_on".into(), Value::String(due));
        }
        map.insert("done".into(), Value::Bool(done));
        map
    }))
}

/// A letter's fields that can change after it is written: status, note and number.
fn load_letter(w: &Writer<'_>, id: &[u8; 16]) -> StoreResult<Option<Map<String, Value>>> {
    type Row = (
        String,
        Option<String>,
        Option<i64>,
        Option<i64>,
        Option<String>,
    );
    let row: Option<Row> = w
        .tx
        .prepare_cached(
            "SELECT status, status_note, number_year, number_seq, number FROM letters WHERE id = ?1",
        )?
        .query_row([&id[..]], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
        })
        .optional()?;
    Ok(row.map(|(status, note, year, seq, text)| {
        let mut map = Map::new();
        map.insert("status".into(), Value::String(status));
        if let Some(note) = note {
            map.insert("status_note".into(), Value::String(note));
        }
        if let (Some(year), Some(seq), Some(text)) = (year, seq, text) {
            map.insert(
                "number".into(),
                serde_json::json!({ "year": year, "seq": seq, "text": text }),
            );
        }
        map
    }))
}

/// Applies one change set from `device`, using `prepared` (its worker's derived data, computed
/// on another thread) when it creates a worker this device does not have.
fn apply_set(
    w: &Writer<'_>,
    device: DeviceId,
    set: &ChangeSet,
    prepared: Option<&workers::PreparedWorker>,
) -> StoreResult<ApplyReport> {
    let id: [u8; 16] = hex::decode(&set.id)
        .ok()
        .and_then(|b| b.try_into().ok())
        .ok_or_else(|| {
            StoreError::Sync(format!("entity id {:?} is not 16 bytes of hex", set.id))
        })?;
    match set.entity.as_str() {
        "timeline" => return apply_timeline(w, &id, set),
        "attachment" => return attachments::stage_remote_attachment(w, &id, set),
        "attachment_chunk" => return attachments::receive_chunk(w, &id, set),
        "worker_merge" => return merges::apply_merge(w, &id, set),
        "wage_calc" => return crate::wage_calcs::apply_remote(w, &id, set),
        "case_log" => return crate::case_logs::apply_remote(w, &id, set),
        "worker" | "case" | "agency" | "mission" | "task" | "letter" => {}
        other => {
            return Err(StoreError::NewerBuild(format!(
                "unknown entity {other:?}: this build applies {REPLICATED_ENTITIES:?}"
            )));
        }
    }
    let current = load(w, &set.entity, &id)?;
    let new = current.is_none();
    if let (Some(prepared), true, None) = (prepared, new, &set.bases) {
        let version = FieldVersion {
            hlc: set.hlc,
            device,
        };
        versions::set(
            &w.tx,
            "worker",
            &id,
            CREATION,
            &FieldWrite {
                version,
                base: None,
            },
        )?;
        workers::put_prepared_worker(w, WorkerId::from_bytes(id), prepared, set.hlc, true, &[])?;
        return Ok(ApplyReport::one_applied());
    }
    let version = FieldVersion {
        hlc: set.hlc,
        device,
    };
    let mut report = ApplyReport::default();
    let (merged, changed) = match current {
        None => {
            if set.bases.is_some() {
                return Err(StoreError::Sync(
                    "an update arrived for a record this device does not have".into(),
                ));
            }
            versions::set(
                &w.tx,
                &set.entity,
                &id,
                CREATION,
                &FieldWrite {
                    version,
                    base: None,
                },
            )?;
            let mut fields = set.fields.clone();
            fields.retain(|_, v| !v.is_null());
            (fields, set.fields.keys().cloned().collect::<Vec<_>>())
        }
        Some(mut map) => {
            let mut changed = Vec::new();
            // A creation that meets a record already here (the mission profile, which every
            // workspace has under one id) is a whole document: a field it lacks counts as
            // cleared at its version, so both devices end with the same fields.
            let mut incoming_fields = set.fields.clone();
            if set.bases.is_none() {
                for field in map.keys() {
                    incoming_fields.entry(field.clone()).or_insert(Value::Null);
                }
            }
            for (field, value) in &incoming_fields {
                let incoming = FieldWrite {
                    version,
                    base: base_of(set.bases.as_ref(), field)?,
                };
                let held = versions::current(&w.tx, &set.entity, &id, field)?;
                let held_value = map.get(field).cloned().unwrap_or(Value::Null);
                let outcome = merge_field(held.as_ref(), &incoming);
                let take = match outcome {
                    MergeOutcome::Duplicate => false,
                    MergeOutcome::Apply { conflict_with } => {
                        if let Some(other) = conflict_with
                            && held_value != *value
                        {
                            report.conflicts += record_conflict(
                                w,
                                &set.entity,
                                &id,
                                field,
                                (value, version),
                                (&held_value, other),
                            )?;
                        } else if let Some(base) = incoming.base {
                            supersede_conflicts(w, &set.entity, &id, field, base)?;
                        }
                        true
                    }
                    MergeOutcome::Keep { conflict_with } => {
                        if let (Some(other), Some(held)) = (conflict_with, held)
                            && held_value != *value
                        {
                            report.conflicts += record_conflict(
                                w,
                                &set.entity,
                                &id,
                                field,
                                (&held_value, held.version),
                                (value, other),
                            )?;
                        }
                        false
                    }
                };
                // A letter's status only moves forward in its workflow, whatever the clocks say.
                let take = if set.entity == "letter" && field == "status" {
                    versions::set(&w.tx, &set.entity, &id, field, &incoming.max_with(held))?;
                    letter_rank(value) > letter_rank(&held_value)
                } else {
                    if take {
                        versions::set(&w.tx, &set.entity, &id, field, &incoming)?;
                    }
                    take
                };
                if take {
                    if value.is_null() {
                        map.remove(field);
                    } else {
                        map.insert(field.clone(), value.clone());
                    }
                    changed.push(field.clone());
                }
            }
            (map, changed)
        }
    };
    if changed.is_empty() {
        report.unchanged += 1;
        return Ok(report);
    }
    write_record(
        w,
        &set.entity,
        &id,
        merged,
        &set.fields,
        set.hlc,
        new,
        &changed,
    )?;
    report.applied += 1;
    Ok(report)
}

trait MaxWith {
    fn max_with(self, other: Option<FieldWrite>) -> FieldWrite;
}

impl MaxWith for FieldWrite {
    fn max_with(self, other: Option<FieldWrite>) -> FieldWrite {
        match other {
            Some(o) if o.version > self.version => o,
            _ => self,
        }
    }
}

fn letter_rank(status: &Value) -> u8 {
    match status.as_str() {
        Some("draft") => 1,
        Some("registered") => 2,
        Some("sent") => 3,
        Some("void") => 4,
        _ => 0,
    }
}

fn base_of(bases: Option<&Map<String, Value>>, field: &str) -> StoreResult<Option<FieldVersion>> {
    let Some(base) = bases.and_then(|b| b.get(field)) else {
        return Ok(None);
    };
    if base.is_null() {
        return Ok(None);
    }
    let bad = || StoreError::Sync(format!("bases.{field}: not [hlc, device]"));
    let pair = base.as_array().filter(|a| a.len() == 2).ok_or_else(bad)?;
    let hlc = pair[0].as_u64().ok_or_else(bad)?;
    let device = pair[1]
        .as_str()
        .and_then(|d| hex::decode(d).ok())
        .and_then(|d| DeviceId::from_slice(&d))
        .ok_or_else(bad)?;
    Ok(Some(FieldVersion {
        hlc: Hlc(hlc),
        device,
    }))
}

/// Records a conflict unless it is already on file; returns how many were new.
fn record_conflict(
    w: &Writer<'_>,
    entity: &str,
    id: &[u8; 16],
    field: &str,
    kept: (&Value, FieldVersion),
    other: (&Value, FieldVersion),
) -> StoreResult<u64> {
    let hlc = w.observed();
    let n =
        w.tx.prepare_cached(
            "INSERT OR IGNORE INTO conflicts (entity, entity_id, field, kept_value, kept_hlc,
             kept_device, other_value, other_hlc, other_device, detected_hlc)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
        )?
        .execute(params![
            entity,
            &id[..],
            field,
            kept.0.to_string(),
            kept.1.hlc.0 as i64,
            &kept.1.device.as_bytes()[..],
            other.0.to_string(),
            other.1.hlc.0 as i64,
            &other.1.device.as_bytes()[..],
            hlc.0 as i64,
        ])?;
    Ok(n as u64)
}

/// Closes the open conflicts of a field that a write made after seeing both values replaced.
fn supersede_conflicts(
    w: &Writer<'_>,
    entity: &str,
    id: &[u8; 16],
    field: &str,
    base: FieldVersion,
) -> StoreResult<()> {
    w.tx.prepare_cached(
        "UPDATE conflicts SET resolved_hlc = ?5, resolution = 'superseded'
         WHERE entity = ?1 AND entity_id = ?2 AND field = ?3 AND resolved_hlc IS NULL
           AND kept_hlc <= ?4 AND other_hlc <= ?4",
    )?
    .execute(params![
        entity,
        &id[..],
        field,
        base.hlc.0 as i64,
        w.observed().0 as i64
    ])?;
    Ok(())
}

/// Writes a record's merged fields to its table (and derived rows).
#[allow(clippy::too_many_arguments)]
fn write_record(
    w: &Writer<'_>,
    entity: &str,
    id: &[u8; 16],
    merged: Map<String, Value>,
    incoming: &Map<String, Value>,
    hlc: Hlc,
    new: bool,
    changed: &[String],
) -> StoreResult<()> {
    let doc = Value::Object(merged);
    match entity {
        "worker" => {
            let worker: Worker = serde_json::from_value(doc)?;
            workers::put_merged_worker(w, WorkerId::from_bytes(*id), worker, hlc, new, changed)
        }
        "case" => {
            let record: CaseRecord = serde_json::from_value(doc)?;
            cases::put_merged_case(w, CaseId::from_bytes(*id), record, hlc, new)
        }
        "agency" => {
            let agency: Agency = serde_json::from_value(doc)?;
            w.tx.prepare_cached(
                "INSERT INTO agencies (id, doc, name_ko, kind, updated_hlc) VALUES (?1, ?2, ?3, ?4, ?5)
                 ON CONFLICT(id) DO UPDATE SET doc = excluded.doc, name_ko = excluded.name_ko,
                     kind = excluded.kind, updated_hlc = excluded.updated_hlc",
            )?
            .execute(params![
                &id[..],
                serde_json::to_string(&agency)?,
                agency.name_ko,
                workers::enum_text(&agency.kind)?,
                hlc.0 as i64
            ])?;
            Ok(())
        }
        "mission" => {
            let mission: MissionProfile = serde_json::from_value(doc)?;
            w.tx.execute(
                "INSERT INTO mission (id, doc, updated_hlc) VALUES (1, ?1, ?2)
                 ON CONFLICT(id) DO UPDATE SET doc = excluded.doc, updated_hlc = excluded.updated_hlc",
                params![serde_json::to_string(&mission)?, hlc.0 as i64],
            )?;
            Ok(())
        }
        "task" => write_task(w, id, &doc, hlc, new),
        "letter" => write_letter(w, id, &doc, incoming, hlc, new),
        other => Err(StoreError::Sync(format!("no table for {other}"))),
    }
}

fn case_rowid_of(w: &Writer<'_>, case: Option<&Value>) -> StoreResult<i64> {
    let text = case
        .and_then(Value::as_str)
        .ok_or_else(|| StoreError::Sync("case_id: missing".into()))?;
    let case = parse_uuid(text)?;
    w.tx.prepare_cached("SELECT rowid FROM cases WHERE id = ?1")?
        .query_row([&case.as_bytes()[..]], |r| r.get(0))
        .optional()?
        .ok_or_else(|| StoreError::Sync(format!("case {text} is not on this device")))
}

fn write_task(w: &Writer<'_>, id: &[u8; 16], doc: &Value, hlc: Hlc, new: bool) -> StoreResult<()> {
    let title = doc.get("title").and_then(Value::as_str).unwrap_or_default();
    let due_on = doc.get("due_on").and_then(Value::as_str);
    let done = doc.get("done").and_then(Value::as_bool).unwrap_or(false);
    if new {
        let case_rowid = case_rowid_of(w, doc.get("case_id"))?;
        w.tx.prepare_cached(
            "INSERT INTO tasks (id, case_rowid, title, due_on, done, updated_hlc)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        )?
        .execute(params![
            &id[..],
            case_rowid,
            title,
            due_on,
            done,
            hlc.0 as i64
        ])?;
    } else {
        w.tx.prepare_cached(
            "UPDATE tasks SET title = ?2, due_on = ?3, done = ?4, updated_hlc = ?5 WHERE id = ?1",
        )?
        .execute(params![&id[..], title, due_on, done, hlc.0 as i64])?;
    }
    Ok(())
}

/// A letter from another device. Its PDF stays on the device that registered it; the hash
/// travels, and the letter can be re-rendered here from its data and checked against it.
fn write_letter(
    w: &Writer<'_>,
    id: &[u8; 16],
    doc: &Value,
    incoming: &Map<String, Value>,
    hlc: Hlc,
    new: bool,
) -> StoreResult<()> {
    let status = doc.get("status").and_then(Value::as_str).unwrap_or("draft");
    let note = doc.get("status_note").and_then(Value::as_str);
    let number = doc.get("number");
    let num = |key: &str| number.and_then(|n| n.get(key)).cloned();
    let held_number: Option<String> = if new {
        None
    } else {
        w.tx.prepare_cached("SELECT number FROM letters WHERE id = ?1")?
            .query_row([&id[..]], |r| r.get(0))?
    };
    if new || (held_number.is_none() && incoming.contains_key("number")) {
        let f = |key: &str| incoming.get(key).or_else(|| doc.get(key));
        let case_rowid = case_rowid_of(w, f("case_id"))?;
        let agency = f("agency_id")
            .and_then(Value::as_str)
            .map(parse_uuid)
            .transpose()?;
        let text = |key: &str| f(key).and_then(Value::as_str).map(str::to_string);
        let data = f("data").cloned().unwrap_or(Value::Null).to_string();
        let number_text = num("text").and_then(|v| v.as_str().map(str::to_string));
        let values = params![
            &id[..],
            case_rowid,
            agency.map(|a| a.as_bytes().to_vec()),
            text("template").unwrap_or_default(),
            text("subject").unwrap_or_default(),
            status,
            num("year").and_then(|v| v.as_i64()),
            num("seq").and_then(|v| v.as_i64()),
            number_text,
            text("letter_date").unwrap_or_default(),
            data,
            text("pdf_sha256"),
            "",
            hlc.0 as i64,
            number_text.as_ref().map(|_| hlc.0 as i64),
            note,
        ];
        if new {
            w.tx.prepare_cached(
                "INSERT INTO letters (id, case_rowid, agency_id, template, subject, status,
                    number_year, number_seq, number, letter_date, data, pdf_sha256, created_by,
                    created_hlc, updated_hlc, registered_hlc, status_note)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?14, ?15, ?16)",
            )?
            .execute(values)?;
        } else {
            w.tx.prepare_cached(
                "UPDATE letters SET case_rowid = ?2, agency_id = ?3, template = ?4, subject = ?5,
                    status = ?6, number_year = ?7, number_seq = ?8, number = ?9, letter_date = ?10,
                    data = ?11, pdf = NULL, pdf_sha256 = ?12, updated_hlc = ?14,
                    registered_hlc = ?15, status_note = ?16
                 WHERE id = ?1 AND ?13 IS NOT NULL",
            )?
            .execute(values)?;
        }
    } else {
        w.tx.prepare_cached(
            "UPDATE letters SET status = ?2, status_note = ?3, updated_hlc = ?4 WHERE id = ?1",
        )?
        .execute(params![&id[..], status, note, hlc.0 as i64])?;
    }
    Ok(())
}

/// A timeline entry is written once: it is added unless it is already here.
fn apply_timeline(w: &Writer<'_>, id: &[u8; 16], set: &ChangeSet) -> StoreResult<ApplyReport> {
    let exists =
        w.tx.prepare_cached("SELECT 1 FROM timeline WHERE id = ?1")?
            .exists([&id[..]])?;
    if exists {
        return Ok(ApplyReport::one_unchanged());
    }
    let f = &set.fields;
    let text_of = |key: &str| -> StoreResult<String> {
        f.get(key)
            .and_then(Value::as_str)
            .map(str::to_string)
            .ok_or_else(|| StoreError::Sync(format!("{key}: missing")))
    };
    let case_rowid = case_rowid_of(w, f.get("case_id"))?;
    let text = text_of("text")?;
    w.tx.prepare_cached(
        "INSERT INTO timeline (id, case_rowid, kind, occurred_on, text, author, hlc)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?
    .execute(params![
        &id[..],
        case_rowid,
        text_of("kind")?,
        text_of("occurred_on")?,
        text,
        text_of("author")?,
        set.hlc.0 as i64
    ])?;
    let rowid = w.tx.last_insert_rowid();
    crate::search::index_timeline(&w.tx, rowid, &text)?;
    Ok(ApplyReport::one_applied())
}

impl Writer<'_> {
    fn observe(&mut self, remote: Hlc) {
        self.clock.observe_now(remote);
    }

    fn observed(&self) -> Hlc {
        self.clock.last()
    }
}

/// What one pull applied from one device: its envelopes and how many change sets of each
/// kind they held, for the audit log.
#[derive(Default)]
struct AppliedFrom {
    first_seq: u64,
    last_seq: u64,
    sets_by_entity: BTreeMap<String, u64>,
}

impl AppliedFrom {
    fn envelope(&mut self, at: &EnvelopePosition, sets: &[ChangeSet]) {
        if self.first_seq == 0 {
            self.first_seq = at.device_seq;
        }
        self.last_seq = at.device_seq;
        for set in sets {
            *self.sets_by_entity.entry(set.entity.clone()).or_default() += 1;
        }
    }

    /// `envelopes 3–5: 2 case, 7 worker` (change sets by kind).
    fn describe(&self) -> String {
        let kinds: Vec<String> = self
            .sets_by_entity
            .iter()
            .map(|(entity, n)| format!("{n} {entity}"))
            .collect();
        let envelopes = if self.first_seq == self.last_seq {
            format!("envelope {}", self.first_seq)
        } else {
            format!("envelopes {}–{}", self.first_seq, self.last_seq)
        };
        match kinds.is_empty() {
            true => envelopes,
            false => format!("{envelopes}: {}", kinds.join(", ")),
        }
    }
}
