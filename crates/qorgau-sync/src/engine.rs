//! One sync round: seal this device's new changes into envelopes and push them, then pull
//! every envelope after the cursor and apply it.
//!
//! Both halves survive interruption. A sealed envelope is kept in the workspace until the
//! server acknowledges it, and a retry sends the same bytes (the server accepts a repeat and
//! stores it once). Each pulled envelope is applied in one transaction with the cursor, so a
//! round cut short resumes at the first envelope not applied.

use crate::envelope::{Envelope, EnvelopeHeader, TeamId};
use crate::error::SyncError;
use crate::keys::KeyRing;
use crate::remote::{MAX_PUSH_BYTES, MAX_PUSH_ENVELOPES, PulledEnvelope, Remote};
use crate::settings::SyncSettings;
use crate::team::receive_keys;
use qorgau_domain::DeviceId;
use qorgau_store::{
    ApplyReport, ChangeSet, EnvelopePosition, PendingEnvelope, PreparedSets, SealedPosition, Store,
};
use serde::Serialize;

/// Largest plaintext of one envelope (the server takes envelopes up to 1 MiB).
pub const ENVELOPE_BUDGET: usize = 900 * 1024;
/// Envelopes asked for in one pull.
pub const PULL_BATCH: u32 = 64;
/// Registry numbers leased at a time, and the stock below which a round leases more.
pub const LEASE_SIZE: u32 = 50;
pub const LEASE_LOW_WATER: u32 = 25;

/// What one round moved.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct SyncReport {
    /// Change sets of this device sealed into new envelopes.
    pub sealed_changes: u64,
    /// Envelopes the server acknowledged.
    pub pushed_envelopes: u64,
    /// Envelopes pulled (including this device's own, which are only counted).
    pub pulled_envelopes: u64,
    /// Other devices' change sets applied, unchanged (already here or older), and new
    /// conflicts.
    pub applied: u64,
    pub unchanged: u64,
    pub conflicts: u64,
    /// Team keys received after a rotation.
    pub keys_received: u64,
    /// Registry numbers leased from the server in this round.
    pub numbers_leased: u64,
    /// Pairs of worker records that look like one person (same IIN or passport), for a
    /// caseworker to merge; counted after the round among the workers whose identifiers
    /// arrived in it.
    pub duplicate_workers: u64,
    /// Workers whose IIN or passport number arrived in this round.
    #[serde(skip)]
    pub identity_changed: Vec<qorgau_domain::WorkerId>,
}

/// A workspace's link to its team: the server, the team id and the team keys.
#[derive(Debug)]
pub struct TeamLink {
    pub remote: Remote,
    pub team: TeamId,
    pub ring: KeyRing,
}

impl TeamLink {
    /// Reads the workspace's sync settings and fetches any team key rotated since the last
    /// round; returns the link and how many keys were new.
    pub fn connect(store: &mut Store) -> Result<(TeamLink, u64), SyncError> {
        let mut settings = SyncSettings::load(store)?;
        let remote = Remote::new(
            &settings.server,
            settings.fingerprint.as_deref(),
            Some(&settings.token),
        )?;
        let received = receive_keys(store, &mut settings, &remote)? as u64;
        Ok((
            TeamLink {
                remote,
                team: settings.team_id()?,
                ring: settings.ring()?,
            },
            received,
        ))
    }
}

/// Seals this device's unsealed changes with the team key (no network): the first half of a
/// round, e.g. before a laptop goes offline. Returns how many change sets were sealed.
pub fn seal_changes(store: &mut Store) -> Result<u64, SyncError> {
    let settings = SyncSettings::load(store)?;
    seal(store, settings.team_id()?, &settings.ring()?)
}

/// Runs one round with the workspace's team.
pub fn sync_once(store: &mut Store) -> Result<SyncReport, SyncError> {
    let (link, keys_received) = TeamLink::connect(store)?;
    let mut report = SyncReport {
        keys_received,
        ..SyncReport::default()
    };
    push(store, &link.remote, link.team, &link.ring, &mut report)?;
    pull(store, &link.remote, link.team, &link.ring, &mut report)?;
    report.numbers_leased = stock_registry_numbers(store, &link.remote)?;
    report.duplicate_workers = store.duplicates_among(&report.identity_changed)?.len() as u64;
    Ok(report)
}

/// Keeps this device stocked with registry numbers for offline work: when fewer than
/// [`LEASE_LOW_WATER`] of this year's leased numbers are left, leases [`LEASE_SIZE`] more
/// (above every number this device knows). Returns how many were leased.
pub fn stock_registry_numbers(store: &mut Store, remote: &Remote) -> Result<u64, SyncError> {
    let year = store.registry_year();
    if store.leased_numbers_left(year)? >= LEASE_LOW_WATER {
        return Ok(0);
    }
    let at_least = store.highest_registry_number(year)? + 1;
    let (first, last) = remote.lease_block(year, LEASE_SIZE, at_least)?;
    if first < at_least || last < first || last - first + 1 != LEASE_SIZE {
        return Err(SyncError::Server {
            status: 200,
            code: "bad_lease".into(),
            message: format!(
                "the server leased {first}–{last}, not {LEASE_SIZE} numbers from {at_least}"
            ),
        });
    }
    store.add_leased_block(year, first, last)?;
    Ok(u64::from(last + 1 - first))
}

/// Seals every change not yet sealed, then sends the sealed envelopes not yet acknowledged.
pub fn push(
    store: &mut Store,
    remote: &Remote,
    team: TeamId,
    ring: &KeyRing,
    report: &mut SyncReport,
) -> Result<(), SyncError> {
    report.sealed_changes += seal(store, team, ring)?;
    report.pushed_envelopes += send_sealed(store, remote)?;
    Ok(())
}

/// Seals this device's changes not sealed yet into envelopes kept in the workspace until the
/// server acknowledges them; returns how many change sets were sealed. Needs no network.
pub fn seal(store: &mut Store, team: TeamId, ring: &KeyRing) -> Result<u64, SyncError> {
    let (epoch, key) = ring
        .current()
        .ok_or_else(|| SyncError::Settings("no team key".into()))?;
    let mut sealed = 0;
    loop {
        let from = store.sealed_position()?;
        let Some((payload, through, count)) = pack(store, from)? else {
            return Ok(sealed);
        };
        let header = EnvelopeHeader {
            team,
            device: store.device_id(),
            device_seq: from.device_seq + 1,
            key_epoch: epoch,
        };
        let envelope = Envelope::seal(key, header, &payload)?;
        let mut blob = envelope.nonce.to_vec();
        blob.extend_from_slice(&envelope.ciphertext);
        store.stage_envelope(
            &PendingEnvelope {
                device_seq: header.device_seq,
                key_epoch: epoch,
                blob,
            },
            SealedPosition {
                device_seq: header.device_seq,
                ..through
            },
        )?;
        sealed += count;
    }
}

/// Sends the sealed envelopes the server has not acknowledged, in requests within the
/// server's limits; returns how many it acknowledged.
pub fn send_sealed(store: &mut Store, remote: &Remote) -> Result<u64, SyncError> {
    let pending = store.pending_envelopes()?;
    let mut start = 0;
    while start < pending.len() {
        let mut end = start;
        let mut bytes = 0;
        while end < pending.len()
            && end - start < MAX_PUSH_ENVELOPES
            && (end == start || bytes + pending[end].blob.len() * 4 / 3 < MAX_PUSH_BYTES)
        {
            bytes += pending[end].blob.len() * 4 / 3 + 64;
            end += 1;
        }
        let group: Vec<(u64, u32, &[u8])> = pending[start..end]
            .iter()
            .map(|p| (p.device_seq, p.key_epoch, &p.blob[..]))
            .collect();
        remote.push(&group)?;
        store.acknowledge_envelopes(pending[end - 1].device_seq)?;
        start = end;
    }
    Ok(pending.len() as u64)
}

/// The next envelope's plaintext: a JSON array of change sets after `from`, at most
/// [`ENVELOPE_BUDGET`] bytes (one change set alone may be larger), with the position it
/// reaches and how many change sets it holds; `None` when everything is sealed. An
/// attachment's bytes follow its change set as chunks, across envelopes if need be.
fn pack(
    store: &Store,
    from: SealedPosition,
) -> Result<Option<(Vec<u8>, SealedPosition, u64)>, SyncError> {
    let mut out = b"[".to_vec();
    let mut count = 0u64;
    let mut at = from;
    let mut add = |set: &ChangeSet, out: &mut Vec<u8>| -> Result<bool, SyncError> {
        let json = serde_json::to_vec(set).map_err(|e| SyncError::Settings(e.to_string()))?;
        if count > 0 && out.len() + json.len() + 1 > ENVELOPE_BUDGET {
            return Ok(false);
        }
        if count > 0 {
            out.push(b',');
        }
        out.extend_from_slice(&json);
        count += 1;
        Ok(true)
    };
    'fill: {
        // Chunks of the last sealed attachment not sealed yet.
        if at.outbox_seq > 0
            && let Some((seq, set)) = store.outbox_change_sets(at.outbox_seq - 1, 1)?.pop()
            && seq == at.outbox_seq
            && set.entity == "attachment"
        {
            for chunk in store.attachment_chunk_sets(&set)?.iter().skip(at.chunks) {
                if !add(chunk, &mut out)? {
                    break 'fill;
                }
                at.chunks += 1;
            }
        }
        loop {
            let batch = store.outbox_change_sets(at.outbox_seq, 512)?;
            if batch.is_empty() {
                break 'fill;
            }
            for (seq, set) in batch {
                if !add(&set, &mut out)? {
                    break 'fill;
                }
                at.outbox_seq = seq;
                at.chunks = 0;
                if set.entity == "attachment" {
                    for chunk in store.attachment_chunk_sets(&set)? {
                        if !add(&chunk, &mut out)? {
                            break 'fill;
                        }
                        at.chunks += 1;
                    }
                }
            }
        }
    }
    if count == 0 {
        return Ok(None);
    }
    out.push(b']');
    Ok(Some((out, at, count)))
}

/// Pulls and applies every envelope after the cursor.
pub fn pull(
    store: &mut Store,
    remote: &Remote,
    team: TeamId,
    ring: &KeyRing,
    report: &mut SyncReport,
) -> Result<(), SyncError> {
    pull_at_most(store, remote, team, ring, u64::MAX, report)
}

/// Pulls and applies at most `limit` envelopes after the cursor (a round cut short).
///
/// A second thread fetches and opens (authenticates, decrypts, parses) the next batch while
/// this one applies the previous; each batch is applied in one transaction with the cursor.
pub fn pull_at_most(
    store: &mut Store,
    remote: &Remote,
    team: TeamId,
    ring: &KeyRing,
    limit: u64,
    report: &mut SyncReport,
) -> Result<(), SyncError> {
    type Batch = Vec<(EnvelopePosition, Vec<ChangeSet>, PreparedSets)>;
    let me = store.device_id();
    let sealed = store.sealed_position()?.device_seq;
    let cursor = store.sync_cursor()?;
    let (sender, receiver) = std::sync::mpsc::sync_channel::<Result<Batch, SyncError>>(2);
    std::thread::scope(|scope| {
        scope.spawn(move || {
            let mut after = cursor;
            let mut left = limit;
            while left > 0 {
                let ask = left.min(u64::from(PULL_BATCH)) as u32;
                let fetched = remote.pull(after, ask).and_then(|pulled| {
                    let mut batch = Batch::with_capacity(pulled.len());
                    for envelope in pulled {
                        after = envelope.global_seq;
                        let (at, sets) = open(me, sealed, team, ring, envelope)?;
                        let prepared = PreparedSets::prepare(&sets);
                        batch.push((at, sets, prepared));
                    }
                    Ok(batch)
                });
                let done = matches!(&fetched, Ok(b) if b.is_empty()) || fetched.is_err();
                if let Ok(batch) = &fetched {
                    left = left.saturating_sub(batch.len() as u64);
                }
                if sender.send(fetched).is_err() || done {
                    return;
                }
            }
        });
        for batch in receiver {
            let batch = batch?;
            if batch.is_empty() {
                break;
            }
            let group: Vec<(EnvelopePosition, &[ChangeSet], &PreparedSets)> = batch
                .iter()
                .map(|(at, sets, prepared)| (*at, &sets[..], prepared))
                .collect();
            let applied: ApplyReport = store.apply_prepared(&group)?;
            report.pulled_envelopes += group.len() as u64;
            report.applied += applied.applied;
            report.unchanged += applied.unchanged;
            report.conflicts += applied.conflicts;
            report.identity_changed.extend(applied.identity_changed);
        }
        Ok(())
    })
}

/// Authenticates and decrypts a pulled envelope. This device's own envelopes are not opened:
/// their changes are already here.
fn open(
    me: DeviceId,
    sealed: u64,
    team: TeamId,
    ring: &KeyRing,
    pulled: PulledEnvelope,
) -> Result<(EnvelopePosition, Vec<ChangeSet>), SyncError> {
    let device = DeviceId::from_bytes(pulled.device);
    let at = EnvelopePosition {
        device,
        device_seq: pulled.device_seq,
        global_seq: pulled.global_seq,
        key_epoch: pulled.key_epoch,
    };
    if device == me {
        // Its changes are here, unless the server holds envelopes this workspace never
        // sealed: then it is an older copy of itself (restored from a backup, or copied to a
        // second computer), and going on would lose or fork those changes.
        if pulled.device_seq > sealed {
            return Err(SyncError::Settings(format!(
                "the server holds envelope {} of this device, which this workspace never sealed: \
                 it is an older copy (restored from a backup, or copied to another computer). \
                 Enroll it as a new device instead",
                pulled.device_seq
            )));
        }
        return Ok((at, Vec::new()));
    }
    if pulled.blob.len() < 24 {
        return Err(SyncError::Payload {
            device: device.to_string(),
            reason: format!("envelope {} is too short", pulled.device_seq),
        });
    }
    let mut nonce = [0u8; 24];
    nonce.copy_from_slice(&pulled.blob[..24]);
    let envelope = Envelope {
        header: EnvelopeHeader {
            team,
            device,
            device_seq: pulled.device_seq,
            key_epoch: pulled.key_epoch,
        },
        nonce,
        ciphertext: pulled.blob[24..].to_vec(),
    };
    let plaintext = envelope.open(ring, team)?;
    let sets: Vec<ChangeSet> =
        serde_json::from_slice(&plaintext).map_err(|e| SyncError::Payload {
            device: device.to_string(),
            reason: format!("envelope {}: {e}", pulled.device_seq),
        })?;
    Ok((at, sets))
}
