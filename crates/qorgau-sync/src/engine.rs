//! One sync round: seal this device's new changes into envelopes and push them, then pull
//! every envelope after the cursor and apply it.
//!
//! Both halves survive interruption. A sealed envelope is kept in the workspace until the
//! server acknowledges it, and a retry sends the same bytes (the server accepts a repeat and
//! stores it once). Each pulled envelope is applied in one transaction with the cursor, so a
//! round cut short resumes at the first envelope not applied.

use crate::envelope::{Envelope, EnvelopeHeader, TeamId};
use crate::error::SyncError;
use crate::identity::DeviceSecrets;
use crate::keys::KeyRing;
use crate::remote::{MAX_PUSH_BYTES, MAX_PUSH_ENVELOPES, PulledEnvelope, Remote};
use crate::settings::SyncSettings;
use crate::signed_envelope::{self, ChainHash, SignedError};
use crate::team::{connect_team, local_state};
use crate::team_log::TeamState;
use qorgau_domain::DeviceId;
use qorgau_store::{
    ApplyReport, ChangeSet, EnvelopePosition, PendingEnvelope, PreparedSets, SealedPosition, Store,
    StoreError,
};
use serde::Serialize;
use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::AtomicBool;

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
    /// Other devices' change sets stamped more than a day ahead of this device's clock: set
    /// aside, not applied (a laptop whose clock is far off, or a forged stamp).
    pub held_ahead: u64,
    /// Envelopes that did not open or apply, set aside (`qorgau sync --status` lists them);
    /// the round went on past them.
    pub quarantined: u64,
    /// How far the server's clock is ahead of this device's (milliseconds; negative: this
    /// clock is ahead), as measured at the start of the round.
    pub clock_offset_ms: Option<i64>,
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

/// A workspace's link to its team: the server, the team id, the team keys, the team as its
/// verified log describes it, and this device's keys.
#[derive(Debug)]
pub struct TeamLink {
    pub remote: Remote,
    pub team: TeamId,
    pub ring: KeyRing,
    pub state: TeamState,
    pub secrets: DeviceSecrets,
}

impl TeamLink {
    /// Reads the workspace's sync settings, verifies the team log's new entries (completing
    /// a join an admin approved) and fetches any team key sealed to this device since the
    /// last round; returns the link and how many keys were new.
    pub fn connect(store: &mut Store) -> Result<(TeamLink, u64), SyncError> {
        Self::connect_until(store, None)
    }

    /// [`connect`](Self::connect), with a client that starts no request once `stop` is set.
    pub fn connect_until(
        store: &mut Store,
        stop: Option<Arc<AtomicBool>>,
    ) -> Result<(TeamLink, u64), SyncError> {
        let mut settings = SyncSettings::load(store)?;
        let mut remote = Remote::new(
            &settings.server,
            settings.fingerprint.as_deref(),
            Some(&settings.token),
        )?;
        if let Some(stop) = stop {
            remote = remote.stopped_by(stop);
        }
        let (state, received) = connect_team(store, &mut settings, &remote)?;
        Ok((
            TeamLink {
                remote,
                team: settings.team_id()?,
                ring: settings.ring()?,
                state,
                secrets: settings.secrets()?,
            },
            received as u64,
        ))
    }
}

/// Seals this device's unsealed changes (no network): the first half of a round, e.g.
/// before a laptop goes offline. Returns how many change sets were sealed.
pub fn seal_changes(store: &mut Store) -> Result<u64, SyncError> {
    let settings = SyncSettings::load(store)?;
    if settings.pending.is_some() {
        // Not a member yet: the changes stay in the outbox until the join completes.
        return Ok(0);
    }
    let state = local_state(store, &settings)?;
    let ring = settings.ring()?;
    let secrets = settings.secrets()?;
    seal_with(store, settings.team_id()?, &ring, &state, &secrets)
}

/// Runs one round with the workspace's team.
pub fn sync_once(store: &mut Store) -> Result<SyncReport, SyncError> {
    sync_once_until(store, None)
}

/// [`sync_once`] that ends early, with [`SyncError::Stopped`], at the first request after
/// `stop` is set (the desktop sets it to lock). Each step commits on its own, so a round cut
/// short leaves the workspace consistent and the next round goes on from there.
pub fn sync_once_until(
    store: &mut Store,
    stop: Option<Arc<AtomicBool>>,
) -> Result<SyncReport, SyncError> {
    let (link, keys_received) = TeamLink::connect_until(store, stop)?;
    let mut report = SyncReport {
        keys_received,
        ..SyncReport::default()
    };
    // A server that does not tell the time (an older build) leaves the last reading.
    if let Ok(offset) = link.remote.clock_offset_ms() {
        store.set_clock_offset_ms(offset)?;
        report.clock_offset_ms = Some(offset);
    }
    push(store, &link, &mut report)?;
    pull(store, &link, &mut report)?;
    // Changes held for a clock far ahead apply once this clock has caught up; one that no
    // longer applies stays held (and listed) rather than failing every round.
    match store.release_held_changes() {
        Ok(released) => {
            report.applied += released.applied;
            report.unchanged += released.unchanged;
            report.conflicts += released.conflicts;
            report.identity_changed.extend(released.identity_changed);
        }
        Err(StoreError::Sync(_)) => {}
        Err(e) => return Err(e.into()),
    }
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
pub fn push(store: &mut Store, link: &TeamLink, report: &mut SyncReport) -> Result<(), SyncError> {
    report.sealed_changes += seal(store, link)?;
    report.pushed_envelopes += send_sealed(store, &link.remote)?;
    Ok(())
}

/// Seals this device's changes not sealed yet into envelopes kept in the workspace until the
/// server acknowledges them; returns how many change sets were sealed. Needs no network.
pub fn seal(store: &mut Store, link: &TeamLink) -> Result<u64, SyncError> {
    seal_with(store, link.team, &link.ring, &link.state, &link.secrets)
}

/// Seals under the newest key epoch that the team log started and this device holds; each
/// envelope is signed with this device's key and names the hash of the one before.
fn seal_with(
    store: &mut Store,
    team: TeamId,
    ring: &KeyRing,
    state: &TeamState,
    secrets: &DeviceSecrets,
) -> Result<u64, SyncError> {
    // Never under an older key than the log's newest: a device that has not received the
    // newest key (its box was lost, or the server made one up) keeps its changes unsealed
    // rather than sealing them under a key a revoked device may hold.
    let epoch = state.epochs.keys().next_back().copied().unwrap_or(0);
    let mut sealed = 0;
    loop {
        let from = store.sealed_position()?;
        let Some((payload, through, count)) = pack(store, from)? else {
            return Ok(sealed);
        };
        let key = ring.get(epoch).ok_or(SyncError::MissingTeamKey { epoch })?;
        let header = EnvelopeHeader {
            team,
            device: store.device_id(),
            device_seq: from.device_seq + 1,
            key_epoch: epoch,
        };
        let envelope = Envelope::seal(key, header, &payload)?;
        let prev = store.sealed_chain_hash()?;
        let (blob, hash) = signed_envelope::sign(
            secrets,
            &header,
            &prev,
            &envelope.nonce,
            &envelope.ciphertext,
        );
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
            &hash,
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
        let high = remote.push(&group)?;
        store.acknowledge_envelopes(pending[end - 1].device_seq)?;
        let cursor = store.sync_cursor()?;
        if high < cursor {
            return Err(SyncError::ServerWentBack {
                what: format!(
                    "after this push its last envelope is at position {high}, but this device \
                     already applied up to {cursor}"
                ),
            });
        }
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
pub fn pull(store: &mut Store, link: &TeamLink, report: &mut SyncReport) -> Result<(), SyncError> {
    pull_at_most(store, link, u64::MAX, report)
}

/// Pulls and applies at most `limit` envelopes after the cursor (a round cut short).
///
/// A second thread fetches and opens (authenticates, decrypts, parses) the next batch while
/// this one applies the previous; each batch is applied in one transaction with the cursor.
pub fn pull_at_most(
    store: &mut Store,
    link: &TeamLink,
    limit: u64,
    report: &mut SyncReport,
) -> Result<(), SyncError> {
    type Batch = Vec<Pulled>;
    let remote = &link.remote;
    let me = store.device_id();
    let mut chains: HashMap<DeviceId, (u64, ChainHash)> = store
        .peer_chains()?
        .into_iter()
        .map(|(d, s, h)| (d, (s, h)))
        .collect();
    let sealed = store.sealed_position()?.device_seq;
    let cursor = store.sync_cursor()?;
    let (sender, receiver) = std::sync::mpsc::sync_channel::<Result<Batch, SyncError>>(2);
    std::thread::scope(|scope| {
        scope.spawn(move || {
            let mut after = cursor;
            let mut left = limit;
            while left > 0 {
                let ask = left.min(u64::from(PULL_BATCH)) as u32;
                let fetched = remote.pull_page(after, ask).and_then(|(pulled, high)| {
                    check_positions(cursor, after, high, &pulled)?;
                    let mut batch = Batch::with_capacity(pulled.len());
                    for envelope in pulled {
                        after = envelope.global_seq;
                        let at = position_of(&envelope);
                        let blob = envelope.blob.clone();
                        match open(me, sealed, link, &mut chains, envelope) {
                            Ok((at, sets, chained)) => {
                                let prepared = PreparedSets::prepare(&sets);
                                batch.push(Pulled::Opened(at, sets, prepared, chained));
                            }
                            // An older copy of this very workspace: going on would fork it.
                            Err(e) if at.device == me => return Err(e),
                            // A key epoch this device does not hold yet: its key box may
                            // still come (a rotation it has not caught up with), so the pull
                            // stops here as before rather than setting the envelope aside
                            // for good.
                            Err(
                                e @ SyncError::Envelope(
                                    crate::envelope::EnvelopeError::UnknownKeyEpoch { .. },
                                ),
                            ) => return Err(e),
                            Err(e) => batch.push(Pulled::Unopened(at, e.to_string(), blob)),
                        }
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
            report.pulled_envelopes += batch.len() as u64;
            // Runs of opened envelopes apply together; one that did not open is set aside
            // in its place.
            let mut rest = &batch[..];
            while let Some(first) = rest.first() {
                if let Pulled::Unopened(at, reason, blob) = first {
                    store.quarantine_envelope(*at, reason, false, blob)?;
                    report.quarantined += 1;
                    rest = &rest[1..];
                    continue;
                }
                let run = rest
                    .iter()
                    .position(|p| matches!(p, Pulled::Unopened(..)))
                    .unwrap_or(rest.len());
                let group: Vec<(EnvelopePosition, &[ChangeSet], &PreparedSets)> = rest[..run]
                    .iter()
                    .filter_map(|p| match p {
                        Pulled::Opened(at, sets, prepared, _) => Some((*at, &sets[..], prepared)),
                        Pulled::Unopened(..) => None,
                    })
                    .collect();
                apply_or_quarantine(store, &group, report)?;
                // The verified envelopes' hashes, which their devices' next ones must name.
                let links: Vec<(DeviceId, u64, ChainHash)> = rest[..run]
                    .iter()
                    .filter_map(|p| match p {
                        Pulled::Opened(at, _, _, Some(hash)) => {
                            Some((at.device, at.device_seq, *hash))
                        }
                        _ => None,
                    })
                    .collect();
                if !links.is_empty() {
                    store.record_peer_chains(&links)?;
                }
                rest = &rest[run..];
            }
        }
        Ok(())
    })
}

/// Positions only move forward: the team's last position is not below this device's cursor,
/// and every envelope of a page comes after the one asked from, in order. Otherwise the
/// server lost envelopes it had handed out (restored from a backup) or is lying.
fn check_positions(
    cursor: u64,
    after: u64,
    high: Option<u64>,
    pulled: &[PulledEnvelope],
) -> Result<(), SyncError> {
    if let Some(high) = high
        && high < cursor
    {
        return Err(SyncError::ServerWentBack {
            what: format!(
                "its last envelope is at position {high}, but this device already applied up to \
                 {cursor}"
            ),
        });
    }
    let mut last = after;
    for envelope in pulled {
        if envelope.global_seq <= last {
            return Err(SyncError::ServerWentBack {
                what: format!(
                    "it handed out position {} after position {last}",
                    envelope.global_seq
                ),
            });
        }
        last = envelope.global_seq;
    }
    Ok(())
}

/// A pulled envelope: opened (its change sets, prepared), or not (why, and its bytes).
enum Pulled {
    Opened(
        EnvelopePosition,
        Vec<ChangeSet>,
        PreparedSets,
        Option<ChainHash>,
    ),
    Unopened(EnvelopePosition, String, Vec<u8>),
}

fn position_of(pulled: &PulledEnvelope) -> EnvelopePosition {
    EnvelopePosition {
        device: DeviceId::from_bytes(pulled.device),
        device_seq: pulled.device_seq,
        global_seq: pulled.global_seq,
        key_epoch: pulled.key_epoch,
    }
}

/// Applies opened envelopes in one transaction; when that is refused for something in the
/// data (out of order, a record that does not decode or fit), applies them one by one and
/// sets aside each one that is refused, so one bad envelope does not stop the team's sync.
/// A failure of the database or the disk stops the round, as before.
fn apply_or_quarantine(
    store: &mut Store,
    group: &[(EnvelopePosition, &[ChangeSet], &PreparedSets)],
    report: &mut SyncReport,
) -> Result<(), SyncError> {
    fn add(applied: ApplyReport, report: &mut SyncReport) {
        report.applied += applied.applied;
        report.unchanged += applied.unchanged;
        report.conflicts += applied.conflicts;
        report.held_ahead += applied.held_ahead;
        report.identity_changed.extend(applied.identity_changed);
    }
    match store.apply_prepared(group) {
        Ok(applied) => {
            add(applied, report);
            return Ok(());
        }
        Err(StoreError::Sync(_)) => {}
        Err(e) => return Err(e.into()),
    }
    for one in group {
        match store.apply_prepared(std::slice::from_ref(one)) {
            Ok(applied) => add(applied, report),
            Err(StoreError::Sync(reason)) => {
                let (at, sets, _) = one;
                let bytes = serde_json::to_vec(sets).unwrap_or_default();
                store.quarantine_envelope(*at, &reason, true, &bytes)?;
                report.quarantined += 1;
            }
            Err(e) => return Err(e.into()),
        }
    }
    Ok(())
}

/// Verifies, authenticates and decrypts a pulled envelope. This device's own envelopes are
/// not opened: their changes are already here. Another device's envelope must come from a
/// member of the verified team log (and not after the envelope at which the log removed it),
/// under a key epoch the log started, signed with that member's key, and name the hash of the
/// envelope of that device verified before it; it comes back with its own hash.
fn open(
    me: DeviceId,
    sealed: u64,
    link: &TeamLink,
    chains: &mut HashMap<DeviceId, (u64, ChainHash)>,
    pulled: PulledEnvelope,
) -> Result<(EnvelopePosition, Vec<ChangeSet>, Option<ChainHash>), SyncError> {
    let device = DeviceId::from_bytes(pulled.device);
    let seq = pulled.device_seq;
    let at = EnvelopePosition {
        device,
        device_seq: seq,
        global_seq: pulled.global_seq,
        key_epoch: pulled.key_epoch,
    };
    if device == me {
        // Its changes are here, unless the server holds envelopes this workspace never
        // sealed: then it is an older copy of itself (restored from a backup, or copied to a
        // second computer), and going on would lose or fork those changes.
        if seq > sealed {
            return Err(SyncError::Settings(format!(
                "the server holds envelope {seq} of this device, which this workspace never sealed: \
                 it is an older copy (restored from a backup, or copied to another computer). \
                 Enroll it as a new device instead"
            )));
        }
        return Ok((at, Vec::new(), None));
    }
    let refused = |reason: String| SyncError::Refused {
        device: device.to_string(),
        seq,
        reason,
    };
    let member = link
        .state
        .members
        .get(&device)
        .ok_or_else(|| refused("not_in_team_log: the team log lists no such device".into()))?;
    if let Some(last) = member.removed_after
        && seq > last
    {
        return Err(refused(format!(
            "removed: the team log removed this device after its envelope {last}"
        )));
    }
    if !link.state.epochs.contains_key(&pulled.key_epoch) {
        return Err(refused(format!(
            "unknown_epoch: key epoch {} was never started in the team log",
            pulled.key_epoch
        )));
    }
    if link.ring.get(pulled.key_epoch).is_none() {
        return Err(crate::envelope::EnvelopeError::UnknownKeyEpoch {
            device,
            seq,
            epoch: pulled.key_epoch,
        }
        .into());
    }
    let header = EnvelopeHeader {
        team: link.team,
        device,
        device_seq: seq,
        key_epoch: pulled.key_epoch,
    };
    let verified = signed_envelope::verify_blob(&member.keys.sign, &header, &pulled.blob).map_err(
        |e| match e {
            SignedError::Malformed => refused("unsigned: not a signed envelope".into()),
            SignedError::BadSignature => refused(
                "bad_signature: not signed with the key the team log lists for this device".into(),
            ),
        },
    )?;
    match chains.get(&device) {
        Some((last, hash)) if *last + 1 == seq && verified.prev != *hash => {
            return Err(refused(format!(
                "fork: it does not follow envelope {last} of this device as verified here \
                 (the device or the server rewrote its history)"
            )));
        }
        Some((last, hash)) if *last == seq && verified.hash != *hash => {
            return Err(refused(
                "fork: another envelope with this number was verified here before".into(),
            ));
        }
        None if seq == 1 && verified.prev != [0; 32] => {
            return Err(refused(
                "fork: a first envelope that names one before it".into(),
            ));
        }
        _ => {}
    }
    let envelope = Envelope {
        header,
        nonce: verified.nonce,
        ciphertext: verified.ciphertext.to_vec(),
    };
    let plaintext = envelope.open(&link.ring, link.team)?;
    let sets: Vec<ChangeSet> =
        serde_json::from_slice(&plaintext).map_err(|e| SyncError::Payload {
            device: device.to_string(),
            reason: format!("envelope {seq}: {e}"),
        })?;
    if chains.get(&device).is_none_or(|(last, _)| *last < seq) {
        chains.insert(device, (seq, verified.hash));
    }
    Ok((at, sets, Some(verified.hash)))
}
