//! Sync as the shells use it: team and devices, one round, the state hash and conflicts.

use crate::error::{CoreError, ErrorCode};
use crate::workspace::Workspace;
use qorgau_domain::DeviceId;
use qorgau_store::{CaseTitle, Conflict, ConflictChoice};
use qorgau_sync::team::{JoinPending, PendingDevice};
use qorgau_sync::{Member, Role, SyncReport, SyncSettings, team};
use serde::Serialize;

type Result<T> = std::result::Result<T, CoreError>;

/// A conflict as the review screen shows it: the record by name beside the field and values.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ConflictForReview {
    #[serde(flatten)]
    pub conflict: Conflict,
    /// A worker's or agency's name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub record_name: Option<String>,
    /// A case's title parts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub record_case: Option<CaseTitle>,
}

/// Where this workspace stands with its team.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct SyncStatus {
    pub in_team: bool,
    pub server: Option<String>,
    pub team: Option<String>,
    pub device: String,
    pub admin: bool,
    /// Between `device enroll` and the round after the admin's approval: the short
    /// authentication string to read to the admin.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pending_approval: Option<String>,
    pub key_epoch: Option<u32>,
    /// Local changes the server does not hold yet.
    pub unsynced_changes: i64,
    /// The last envelope position applied.
    pub cursor: u64,
    pub open_conflicts: usize,
    /// Attachments whose bytes are still arriving.
    pub incomplete_attachments: i64,
    /// Other devices' changes set aside because they were stamped more than a day ahead of
    /// this device's clock (see `held_changes`).
    pub held_changes: u64,
    /// Envelopes from other devices that did not open or apply, set aside; sync went on
    /// past them.
    pub quarantined: Vec<qorgau_store::QuarantinedEnvelope>,
    /// How far the server's clock was ahead of this device's at the last round
    /// (milliseconds; negative: this clock is ahead). None before the first round.
    pub clock_offset_ms: Option<i64>,
}

fn parse_device(device: &str) -> Result<DeviceId> {
    device.parse().map_err(|_| {
        CoreError::new(
            ErrorCode::Invalid,
            format!("device: {device:?} is not a device id"),
        )
    })
}

impl Workspace {
    /// Creates a sync team on `server` with this workspace as its admin device; the server's
    /// operator gives the `operator_token` that allows it.
    pub fn create_team(
        &mut self,
        server: &str,
        fingerprint: Option<&str>,
        operator_token: &str,
    ) -> Result<SyncStatus> {
        team::create_team(&mut self.store, server, fingerprint, operator_token)?;
        self.sync_status()
    }

    /// Admin: a recovery kit (an offline admin of the team) as the document to print: its
    /// secret line and how to use it.
    pub fn make_recovery_kit(&mut self) -> Result<String> {
        let kit = qorgau_sync::recovery::make_kit(&mut self.store)?;
        let settings = SyncSettings::load(&self.store)?;
        Ok(qorgau_sync::recovery::kit_document(
            &kit,
            &settings.team,
            &settings.server,
        ))
    }

    /// Joins this new, empty workspace to the team of a recovery kit, as an admin (after the
    /// admin laptop was lost). The kit's text may be the whole printed document.
    pub fn recover_team(&mut self, kit: &str) -> Result<SyncStatus> {
        let line = kit
            .lines()
            .find(|l| l.trim().starts_with(qorgau_sync::recovery::KIT_PREFIX))
            .unwrap_or(kit);
        qorgau_sync::recovery::recover(&mut self.store, line)?;
        self.sync_status()
    }

    /// Admin: a one-time enrollment code for another device, valid for `seconds`.
    pub fn invite_device(&mut self, seconds: i64) -> Result<String> {
        Ok(team::invite(&mut self.store, seconds)?)
    }

    /// Asks to join a team with an enrollment code: the device's keys are made and sent, and
    /// the short authentication string comes back for the caseworker to read to the admin;
    /// the next sync after the admin's approval completes the join. Refused when this
    /// workspace already holds workers, cases or letters: joining would send them all to the
    /// code's server, so the refusal names the server, its certificate and the team (see
    /// `enroll_device_merging`).
    pub fn enroll_device(&mut self, code: &str) -> Result<JoinPending> {
        Ok(team::enroll(&mut self.store, code, false)?)
    }

    /// Asks to join a team with an enrollment code even though this workspace holds records,
    /// which all go to the team: only after the caseworker confirmed the server, its
    /// certificate and the team the refusal of `enroll_device` named.
    pub fn enroll_device_merging(&mut self, code: &str) -> Result<JoinPending> {
        Ok(team::enroll(&mut self.store, code, true)?)
    }

    /// [`Workspace::enroll_device`] (or, with `merge_existing`, the merging one) under the
    /// name the team log shows for this laptop.
    pub fn enroll_device_named(
        &mut self,
        code: &str,
        merge_existing: bool,
        name: Option<&str>,
    ) -> Result<JoinPending> {
        Ok(team::enroll_named(
            &mut self.store,
            code,
            merge_existing,
            name,
        )?)
    }

    /// The team's members as the verified team log lists them.
    pub fn team_devices(&mut self) -> Result<Vec<Member>> {
        Ok(team::devices(&mut self.store)?)
    }

    /// Admin: devices that asked to join and wait for approval.
    pub fn pending_devices(&mut self) -> Result<Vec<PendingDevice>> {
        Ok(team::pending(&mut self.store)?)
    }

    /// Admin: approves a device after comparing its short authentication string.
    pub fn approve_device(&mut self, device: &str, sas: &str, role: &str) -> Result<Member> {
        let device = parse_device(device)?;
        let role: Role = role.parse().map_err(|e: qorgau_sync::SyncError| {
            CoreError::new(ErrorCode::Invalid, e.to_string())
        })?;
        Ok(team::approve(&mut self.store, device, sas, role)?)
    }

    /// Admin: makes a member an admin, or no longer.
    pub fn set_team_admin(&mut self, device: &str, admin: bool) -> Result<Member> {
        let device = parse_device(device)?;
        Ok(team::set_admin(&mut self.store, device, admin)?)
    }

    /// Admin: revokes a device and rotates the team key; returns the new key epoch.
    pub fn revoke_device(&mut self, device: &str) -> Result<u32> {
        let device = parse_device(device)?;
        Ok(team::revoke(&mut self.store, device)?)
    }

    /// One sync round: push local changes, pull and apply the team's.
    pub fn sync(&mut self) -> Result<SyncReport> {
        Ok(qorgau_sync::sync_once(&mut self.store)?)
    }

    /// [`sync`](Self::sync) that ends at its next request once `stop` is set (an error with
    /// code `sync`); what it did so far is kept, and the next round goes on from there.
    pub fn sync_until(
        &mut self,
        stop: std::sync::Arc<std::sync::atomic::AtomicBool>,
    ) -> Result<SyncReport> {
        Ok(qorgau_sync::sync_once_until(&mut self.store, Some(stop))?)
    }

    /// Pairs of worker records that look like one person.
    pub fn duplicate_workers(&self) -> Result<Vec<qorgau_store::DuplicateWorkers>> {
        Ok(self.store.duplicate_workers()?)
    }

    /// Joins two records of one person (the earlier is kept; both histories stay).
    pub fn merge_workers(
        &mut self,
        a: qorgau_domain::WorkerId,
        b: qorgau_domain::WorkerId,
    ) -> Result<qorgau_store::MergedWorkers> {
        Ok(self.store.merge_workers(a, b)?)
    }

    /// Seals local changes for the next round without connecting (also timed alone by the
    /// sync benchmark).
    pub fn seal_changes(&mut self) -> Result<u64> {
        Ok(qorgau_sync::engine::seal_changes(&mut self.store)?)
    }

    pub fn sync_status(&self) -> Result<SyncStatus> {
        let settings = match SyncSettings::load(&self.store) {
            Ok(s) => Some(s),
            Err(qorgau_sync::SyncError::NotInTeam) => None,
            Err(e) => return Err(e.into()),
        };
        Ok(SyncStatus {
            in_team: settings.is_some(),
            server: settings.as_ref().map(|s| s.server.clone()),
            team: settings.as_ref().map(|s| s.team.clone()),
            device: self.store.device_id().to_string(),
            admin: settings.as_ref().is_some_and(|s| s.admin),
            pending_approval: settings
                .as_ref()
                .and_then(|s| s.pending.as_ref().map(|p| p.sas.clone())),
            key_epoch: settings
                .as_ref()
                .and_then(|s| s.keys.keys().next_back().copied()),
            unsynced_changes: self.store.unsynced_changes()?,
            cursor: self.store.sync_cursor()?,
            open_conflicts: self.store.conflicts(false)?.len(),
            incomplete_attachments: self.store.incomplete_attachments()?,
            held_changes: self.store.held_change_count()?,
            quarantined: self.store.quarantined_envelopes()?,
            clock_offset_ms: self.store.clock_offset_ms()?,
        })
    }

    /// Other devices' changes set aside for being stamped far ahead of this clock.
    pub fn held_changes(&self) -> Result<Vec<qorgau_store::HeldChange>> {
        Ok(self.store.held_changes()?)
    }

    /// A deterministic hash of the replicated state; equal on devices that have converged.
    pub fn state_hash(&self) -> Result<String> {
        Ok(self.store.state_hash()?)
    }

    pub fn conflicts(&self, all: bool) -> Result<Vec<Conflict>> {
        Ok(self.store.conflicts(all)?)
    }

    /// The conflicts with what a person needs to review them: which record they concern, by
    /// its name (a worker's name, a case's title parts, an agency's name, a task's title).
    pub fn conflicts_for_review(&self, all: bool) -> Result<Vec<ConflictForReview>> {
        self.store
            .conflicts(all)?
            .into_iter()
            .map(|conflict| {
                let (record_name, record_case) =
                    self.record_of(&conflict.entity, &conflict.entity_id);
                Ok(ConflictForReview {
                    conflict,
                    record_name,
                    record_case,
                })
            })
            .collect()
    }

    /// A record's name for review; `None` when it cannot be read (say, merged away).
    fn record_of(&self, entity: &str, id: &str) -> (Option<String>, Option<CaseTitle>) {
        match entity {
            "worker" => (
                id.parse()
                    .ok()
                    .and_then(|id| self.store.worker(id).ok())
                    .map(|w| w.worker.display_name()),
                None,
            ),
            "case" => (
                None,
                id.parse()
                    .ok()
                    .and_then(|id| self.store.case_title(id).ok()),
            ),
            "agency" => (
                id.parse()
                    .ok()
                    .and_then(|id| self.store.agency(id).ok())
                    .map(|a| a.agency.name_ko),
                None,
            ),
            _ => (None, None),
        }
    }

    /// Resolves a conflict with the kept value or the other one (a new change either way).
    pub fn resolve_conflict(&mut self, id: i64, take_other: bool) -> Result<()> {
        let choice = if take_other {
            ConflictChoice::Other
        } else {
            ConflictChoice::Kept
        };
        Ok(self.store.resolve_conflict(id, choice)?)
    }
}
