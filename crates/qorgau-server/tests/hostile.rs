//! A hostile server: the real storage wrapped in one that lies (phantom device rows, key boxes
//! it made up, envelopes withheld or replaced by older ones), and SQL straight into its
//! database for what it stores on its own (envelopes forged with a revoked laptop's keys
//! under new device ids, garbage, entries of the team log). Honest devices must apply no
//! change that no current member signed, a revoked device must read nothing sealed after its
//! revocation, and every refusal is named.

mod support;

use proptest::prelude::*;
use qorgau_domain::{DeviceId, Worker};
use qorgau_server::sqlite::{DB_FILE, SqliteStorage};
use qorgau_server::storage::{
    DeviceAuth, DeviceInfo, Id, JoinRequest, KeyBox, LeasedBlock, LogPage, NewEnrollment,
    NewEnvelope, Storage, StorageResult, StoredEnvelope,
};
use qorgau_store::Store;
use qorgau_sync::identity::{DeviceSecrets, seal_to};
use qorgau_sync::team_log::LogBody;
use qorgau_sync::{
    Envelope, EnvelopeHeader, Role, SyncError, SyncSettings, TeamKey, sync_once, team,
};
use rusqlite::params;
use std::collections::HashSet;
use std::sync::{Arc, Mutex};

#[derive(Default)]
struct Lies {
    /// Extra rows in `GET /v1/devices`.
    phantom_devices: Vec<DeviceInfo>,
    /// Handed out instead of a device's real key boxes.
    fake_boxes: Option<Vec<KeyBox>>,
    /// Devices whose envelopes pulls leave out.
    withhold: HashSet<Id>,
    /// Positions whose envelope is replaced by the same device's envelope before it.
    replay_at: HashSet<u64>,
    /// The next approval fails (as if the server went down in the middle of it).
    fail_next_approval: bool,
}

struct LyingStorage {
    inner: SqliteStorage,
    lies: Mutex<Lies>,
}

impl Storage for LyingStorage {
    fn create_team(&self, team: Id, device: Id, token_hash: [u8; 32]) -> StorageResult<()> {
        self.inner.create_team(team, device, token_hash)
    }
    fn add_device(&self, team: Id, device: Id, token_hash: [u8; 32]) -> StorageResult<()> {
        self.inner.add_device(team, device, token_hash)
    }
    fn authenticate(&self, token_hash: [u8; 32]) -> StorageResult<Option<DeviceAuth>> {
        self.inner.authenticate(token_hash)
    }
    fn revoke(&self, team: Id, device: Id) -> StorageResult<()> {
        self.inner.revoke(team, device)
    }
    fn push(&self, team: Id, device: Id, envelopes: &[NewEnvelope]) -> StorageResult<u64> {
        self.inner.push(team, device, envelopes)
    }
    fn pull(
        &self,
        team: Id,
        after: u64,
        limit: u32,
        max_bytes: u64,
    ) -> StorageResult<Vec<StoredEnvelope>> {
        let rows = self.inner.pull(team, after, limit, max_bytes)?;
        let lies = self.lies.lock().unwrap();
        let mut out = Vec::new();
        for row in rows {
            if lies.withhold.contains(&row.device) {
                continue;
            }
            if lies.replay_at.contains(&row.global_seq) && row.device_seq > 1 {
                let earlier = self
                    .inner
                    .pull(team, 0, 1000, u64::MAX)?
                    .into_iter()
                    .find(|e| e.device == row.device && e.device_seq == row.device_seq - 1)
                    .expect("the envelope before");
                out.push(StoredEnvelope {
                    global_seq: row.global_seq,
                    ..earlier
                });
                continue;
            }
            out.push(row);
        }
        Ok(out)
    }
    fn team_bytes(&self, team: Id) -> StorageResult<u64> {
        self.inner.team_bytes(team)
    }
    fn high_water(&self, team: Id) -> StorageResult<u64> {
        self.inner.high_water(team)
    }
    fn devices(&self, team: Id) -> StorageResult<Vec<DeviceInfo>> {
        let mut rows = self.inner.devices(team)?;
        rows.extend(self.lies.lock().unwrap().phantom_devices.iter().cloned());
        Ok(rows)
    }
    fn create_enrollment(&self, team: Id, enrollment: &NewEnrollment) -> StorageResult<()> {
        self.inner.create_enrollment(team, enrollment)
    }
    fn redeem_enrollment(
        &self,
        id: Id,
        auth_hash: [u8; 32],
        device: Id,
        token_hash: [u8; 32],
        request: &[u8],
        now: i64,
    ) -> StorageResult<Id> {
        self.inner
            .redeem_enrollment(id, auth_hash, device, token_hash, request, now)
    }
    fn pending_enrollments(&self, team: Id, now: i64) -> StorageResult<Vec<JoinRequest>> {
        self.inner.pending_enrollments(team, now)
    }
    fn approve_enrollment(&self, team: Id, enrollment: Id, now: i64) -> StorageResult<Id> {
        if std::mem::take(&mut self.lies.lock().unwrap().fail_next_approval) {
            return Err(qorgau_server::storage::StorageError::Backend(
                "down in the middle".into(),
            ));
        }
        self.inner.approve_enrollment(team, enrollment, now)
    }
    fn append_log(&self, team: Id, first_seq: u64, entries: &[Vec<u8>]) -> StorageResult<u64> {
        self.inner.append_log(team, first_seq, entries)
    }
    fn log(&self, team: Id, after: u64) -> StorageResult<LogPage> {
        self.inner.log(team, after)
    }
    fn set_admin(&self, team: Id, device: Id, admin: bool) -> StorageResult<()> {
        self.inner.set_admin(team, device, admin)
    }
    fn put_key_boxes(&self, team: Id, boxes: &[KeyBox]) -> StorageResult<()> {
        self.inner.put_key_boxes(team, boxes)
    }
    fn key_boxes(&self, team: Id, device: Id) -> StorageResult<Vec<KeyBox>> {
        match &self.lies.lock().unwrap().fake_boxes {
            Some(fake) => Ok(fake
                .iter()
                .filter(|b| b.device == device)
                .cloned()
                .collect()),
            None => self.inner.key_boxes(team, device),
        }
    }
    fn lease_block(
        &self,
        team: Id,
        device: Id,
        year: i32,
        size: u32,
        at_least: u32,
    ) -> StorageResult<LeasedBlock> {
        self.inner.lease_block(team, device, year, size, at_least)
    }
}

/// A lying server in this process, its database for SQL of its own, and its URL.
struct Hostile {
    _dir: tempfile::TempDir,
    storage: Arc<LyingStorage>,
    db: rusqlite::Connection,
    url: String,
    operator_token: String,
}

impl Hostile {
    fn start() -> Hostile {
        let dir = tempfile::tempdir().unwrap();
        let storage = Arc::new(LyingStorage {
            inner: SqliteStorage::open(dir.path()).unwrap(),
            lies: Mutex::new(Lies::default()),
        });
        let operator_token = qorgau_server::operator_token(dir.path()).unwrap();
        let addr =
            qorgau_server::serve_storage_on_loopback_thread(storage.clone(), &operator_token)
                .unwrap();
        let db = rusqlite::Connection::open(dir.path().join(DB_FILE)).unwrap();
        db.busy_timeout(std::time::Duration::from_secs(5)).unwrap();
        Hostile {
            _dir: dir,
            storage,
            db,
            url: format!("http://{addr}"),
            operator_token,
        }
    }

    fn lies(&self) -> std::sync::MutexGuard<'_, Lies> {
        self.storage.lies.lock().unwrap()
    }

    /// Stores an envelope as if `device` had pushed it.
    fn store_envelope(&self, team: &[u8; 16], device: DeviceId, seq: u64, epoch: u32, blob: &[u8]) {
        self.db
            .execute(
                "INSERT INTO envelopes (team, device, device_seq, key_epoch, size, blob)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![
                    &team[..],
                    &device.as_bytes()[..],
                    seq as i64,
                    epoch,
                    blob.len() as i64,
                    blob
                ],
            )
            .unwrap();
    }
}

struct Device {
    _dir: tempfile::TempDir,
    store: Store,
}

fn device() -> Device {
    let (dir, store) = support::new_store();
    Device { _dir: dir, store }
}

/// Admin A and members B and R (R to be revoked), all synced.
fn team(server: &Hostile) -> (Device, Device, Device) {
    let mut a = device();
    team::create_team(&mut a.store, &server.url, None, &server.operator_token).unwrap();
    let (mut b, mut r) = (device(), device());
    for d in [&mut b, &mut r] {
        let code = team::invite(&mut a.store, 3600).unwrap();
        let pending = team::enroll(&mut d.store, &code, false).unwrap();
        team::approve(
            &mut a.store,
            d.store.device_id(),
            &pending.sas,
            Role::Caseworker,
        )
        .unwrap();
    }
    a.store.add_worker(&worker("Ахметов")).unwrap();
    for _ in 0..2 {
        for d in [&mut a, &mut b, &mut r] {
            sync_once(&mut d.store).unwrap();
        }
    }
    (a, b, r)
}

fn worker(surname: &str) -> Worker {
    Worker {
        surname: Some(surname.into()),
        given_name: Some("Ерлан".into()),
        ..Worker::default()
    }
}

/// The display names of a store's workers (surname first).
fn surnames(store: &Store) -> Vec<String> {
    store
        .list_workers(&Default::default())
        .unwrap()
        .into_iter()
        .map(|w| w.display_name)
        .collect()
}

fn forged_in(store: &Store) -> bool {
    surnames(store).iter().any(|n| n.contains("Подделка"))
}

fn has(store: &Store, surname: &str) -> bool {
    surnames(store).iter().any(|n| n.contains(surname))
}

fn settings(d: &Device) -> SyncSettings {
    SyncSettings::load(&d.store).unwrap()
}

/// A change set R makes in its own workspace, sealed and signed by `signer` as envelope
/// `seq` of `as_device` under R's team key of epoch 0.
fn forged_by(
    r: &mut Device,
    signer: &DeviceSecrets,
    as_device: DeviceId,
    seq: u64,
    prev: [u8; 32],
) -> Vec<u8> {
    let after = r.store.outbox_high().unwrap();
    r.store.add_worker(&worker("Подделка")).unwrap();
    let sets = r.store.outbox_change_sets(after, 10).unwrap();
    let sets: Vec<_> = sets.into_iter().map(|(_, s)| s).collect();
    let s = settings(r);
    let header = EnvelopeHeader {
        team: s.team_id().unwrap(),
        device: as_device,
        device_seq: seq,
        key_epoch: 0,
    };
    let key: TeamKey = s.ring().unwrap().get(0).unwrap().clone();
    let envelope = Envelope::seal(&key, header, &serde_json::to_vec(&sets).unwrap()).unwrap();
    qorgau_sync::signed_envelope::sign(
        signer,
        &header,
        &prev,
        &envelope.nonce,
        &envelope.ciphertext,
    )
    .0
}

fn team_bytes(d: &Device) -> [u8; 16] {
    settings(d).team_id().unwrap().0
}

#[test]
fn revocation_seals_the_new_key_only_to_the_logs_members_whatever_rows_the_server_adds() {
    let server = Hostile::start();
    let (mut a, b, r) = team(&server);
    let r_id = r.store.device_id();
    let phantom = DeviceId::new();
    // The server lists a phantom device (a row colluding with R), and stores one for real so
    // that a key box for it would be accepted.
    server.lies().phantom_devices.push(DeviceInfo {
        device: *phantom.as_bytes(),
        admin: false,
        revoked: false,
        last_seq: 0,
        enrollment: None,
    });
    server
        .db
        .execute(
            "INSERT INTO devices (team, id, token_hash) VALUES (?1, ?2, ?3)",
            params![&team_bytes(&a)[..], &phantom.as_bytes()[..], &[7u8; 32][..]],
        )
        .unwrap();
    assert_eq!(team::revoke(&mut a.store, r_id).unwrap(), 1);
    let holders: HashSet<Vec<u8>> = server
        .db
        .prepare("SELECT device FROM key_boxes WHERE epoch = 1")
        .unwrap()
        .query_map([], |row| row.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(
        holders,
        HashSet::from([b.store.device_id().as_bytes().to_vec()])
    );
    // Nothing stored for epoch 1 opens with R's keys.
    let r_secrets = settings(&r).secrets().unwrap();
    let blobs: Vec<Vec<u8>> = server
        .db
        .prepare("SELECT blob FROM key_boxes WHERE epoch = 1")
        .unwrap()
        .query_map([], |row| row.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    for blob in &blobs {
        for aad_device in [b.store.device_id(), r_id, phantom] {
            let mut aad = b"qorgau/keybox/v2".to_vec();
            aad.extend_from_slice(&team_bytes(&a));
            aad.extend_from_slice(aad_device.as_bytes());
            aad.extend_from_slice(&1u32.to_be_bytes());
            assert!(r_secrets.open_sealed(&aad, blob).is_none());
        }
    }
    // What A seals from now on is under epoch 1, which R does not hold.
    a.store.add_worker(&worker("Цой")).unwrap();
    sync_once(&mut a.store).unwrap();
    let newest: u32 = server
        .db
        .query_row("SELECT max(key_epoch) FROM envelopes", [], |row| row.get(0))
        .unwrap();
    assert_eq!(newest, 1);
    assert!(settings(&r).ring().unwrap().get(1).is_none());
}

#[test]
fn a_revoked_laptop_and_the_server_can_write_neither_under_a_new_device_id_nor_its_own() {
    let server = Hostile::start();
    let (mut a, mut b, mut r) = team(&server);
    let r_id = r.store.device_id();
    team::revoke(&mut a.store, r_id).unwrap();
    let team = team_bytes(&a);
    let r_secrets = settings(&r).secrets().unwrap();
    // Under a device id never seen, signed with R's key or with a fresh one.
    let phantom = DeviceId::new();
    let blob = forged_by(&mut r, &r_secrets, phantom, 1, [0; 32]);
    server.store_envelope(&team, phantom, 1, 0, &blob);
    let fresh = DeviceSecrets::generate().unwrap();
    let other = DeviceId::new();
    let blob = forged_by(&mut r, &fresh, other, 1, [0; 32]);
    server.store_envelope(&team, other, 1, 0, &blob);
    // Under its own id, after the envelope at which the log removed it, properly chained.
    let next = r.store.sealed_position().unwrap().device_seq + 1;
    let prev = r.store.sealed_chain_hash().unwrap();
    let blob = forged_by(&mut r, &r_secrets, r_id, next, prev);
    server.store_envelope(&team, r_id, next, 0, &blob);
    // An envelope claiming to be the admin's, signed by R.
    let blob = forged_by(&mut r, &r_secrets, a.store.device_id(), 99, [0; 32]);
    server.store_envelope(&team, a.store.device_id(), 99, 0, &blob);

    let report = sync_once(&mut b.store).unwrap();
    assert_eq!(report.quarantined, 4, "{report:?}");
    let reasons: Vec<String> = b
        .store
        .quarantined_envelopes()
        .unwrap()
        .into_iter()
        .map(|q| q.reason)
        .collect();
    assert_eq!(
        reasons
            .iter()
            .filter(|r| r.contains("not_in_team_log"))
            .count(),
        2,
        "{reasons:?}"
    );
    assert!(reasons.iter().any(|r| r.contains("removed")), "{reasons:?}");
    assert!(
        reasons.iter().any(|r| r.contains("bad_signature")),
        "{reasons:?}"
    );
    assert!(!forged_in(&b.store));
    // The admin, seeing an envelope under its own id that it never sealed, stops and says
    // so (its own envelopes come back without bytes, so it cannot tell a forgery from an
    // older copy of itself); it applies nothing.
    let err = sync_once(&mut a.store).unwrap_err();
    assert!(err.to_string().contains("never sealed"), "{err}");
    assert!(!forged_in(&a.store));
    // And R itself is told by name that it is out.
    let err = sync_once(&mut r.store).unwrap_err();
    assert!(
        matches!(
            err,
            SyncError::Server { status: 403, .. } | SyncError::RemovedFromTeam
        ),
        "{err}"
    );
}

#[test]
fn a_key_box_the_server_makes_up_is_refused_and_nothing_is_sealed_under_the_old_key() {
    let server = Hostile::start();
    let (mut a, mut b, r) = team(&server);
    // The server hands B a box for epoch 1 holding a key of its own choosing, sealed to B's
    // public key (which the log shows to everyone).
    let state = team::local_state(&a.store, &settings(&a)).unwrap();
    let b_id = b.store.device_id();
    let b_keys = state.members[&b_id].keys;
    let mut aad = b"qorgau/keybox/v2".to_vec();
    aad.extend_from_slice(&team_bytes(&a));
    aad.extend_from_slice(b_id.as_bytes());
    aad.extend_from_slice(&1u32.to_be_bytes());
    let chosen = [42u8; 32];
    server.lies().fake_boxes = Some(vec![KeyBox {
        device: *b_id.as_bytes(),
        epoch: 1,
        blob: seal_to(&b_keys.agree, &aad, &chosen).unwrap(),
    }]);
    team::revoke(&mut a.store, r.store.device_id()).unwrap();
    let before: i64 = server
        .db
        .query_row("SELECT count(*) FROM envelopes", [], |row| row.get(0))
        .unwrap();
    b.store.add_worker(&worker("Ким")).unwrap();
    let err = sync_once(&mut b.store).unwrap_err();
    assert!(
        matches!(err, SyncError::MissingTeamKey { epoch: 1 }),
        "{err}"
    );
    assert!(settings(&b).ring().unwrap().get(1).is_none());
    let after: i64 = server
        .db
        .query_row("SELECT count(*) FROM envelopes", [], |row| row.get(0))
        .unwrap();
    assert_eq!(before, after, "nothing was sealed under epoch 0");
    // With the real box, B seals under epoch 1.
    server.lies().fake_boxes = None;
    sync_once(&mut b.store).unwrap();
    let epoch: u32 = server
        .db
        .query_row(
            "SELECT key_epoch FROM envelopes WHERE device = ?1 ORDER BY device_seq DESC LIMIT 1",
            [&b_id.as_bytes()[..]],
            |row| row.get(0),
        )
        .unwrap();
    assert_eq!(epoch, 1);
}

#[test]
fn replayed_reordered_and_garbage_envelopes_are_set_aside_by_name() {
    let server = Hostile::start();
    let (mut a, mut b, _r) = team(&server);
    for surname in ["Ли", "Пак", "Цой"] {
        a.store.add_worker(&worker(surname)).unwrap();
        sync_once(&mut a.store).unwrap();
    }
    // The position of A's second new envelope serves its first again.
    let positions: Vec<i64> = server
        .db
        .prepare("SELECT global_seq FROM envelopes WHERE device = ?1 ORDER BY device_seq")
        .unwrap()
        .query_map([&a.store.device_id().as_bytes()[..]], |row| row.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let second_new = positions[positions.len() - 2] as u64;
    server.lies().replay_at.insert(second_new);
    // And garbage from A's id after its last envelope.
    let next = a.store.sealed_position().unwrap().device_seq + 1;
    server.store_envelope(&team_bytes(&a), a.store.device_id(), next, 0, &[0xAB; 200]);
    let report = sync_once(&mut b.store).unwrap();
    let reasons: Vec<String> = b
        .store
        .quarantined_envelopes()
        .unwrap()
        .into_iter()
        .map(|q| q.reason)
        .collect();
    assert!(report.quarantined >= 3, "{report:?} {reasons:?}");
    assert!(
        reasons
            .iter()
            .any(|r| r.contains("replay") || r.contains("out of order")),
        "{reasons:?}"
    );
    assert!(
        reasons.iter().any(|r| r.contains("unsigned")),
        "{reasons:?}"
    );
    assert!(has(&b.store, "Ли"), "{:?}", surnames(&b.store));
    assert!(
        !has(&b.store, "Пак"),
        "withheld, not forged: {:?}",
        surnames(&b.store)
    );
}

#[test]
fn a_team_log_entry_the_server_forges_stops_every_member_by_name() {
    let server = Hostile::start();
    let (mut a, mut b, r) = team(&server);
    // An entry "signed" by caseworker B adding a device of the server's: B's key is not an
    // admin's, so every member refuses the log from that entry on.
    let state = team::local_state(&b.store, &settings(&b)).unwrap();
    let b_secrets = settings(&b).secrets().unwrap();
    let intruder = DeviceSecrets::generate().unwrap().public();
    let body = LogBody::DeviceAdded {
        device: hex::encode(DeviceId::new().as_bytes()),
        name: "server".into(),
        role: Role::Admin,
        sign_key: hex::encode(intruder.sign),
        agree_key: hex::encode(intruder.agree),
    };
    // `next_entry` itself refuses to sign for a non-admin; the server writes the entry anyway.
    assert!(
        state
            .next_entry(b.store.device_id(), &b_secrets, &body)
            .is_err()
    );
    let forged = serde_json::json!({
        "seq": state.seq + 1,
        "prev": hex::encode(state.head),
        "body": serde_json::to_string(&body).unwrap(),
        "signer": hex::encode(b.store.device_id().as_bytes()),
        "signature": hex::encode([1u8; 64]),
    });
    server
        .db
        .execute(
            "INSERT INTO team_log (team, seq, entry) VALUES (?1, ?2, ?3)",
            params![
                &team_bytes(&a)[..],
                (state.seq + 1) as i64,
                forged.to_string().into_bytes()
            ],
        )
        .unwrap();
    for d in [&mut a, &mut b] {
        let err = sync_once(&mut d.store).unwrap_err();
        assert!(matches!(err, SyncError::TeamLog(_)), "{err}");
        assert!(err.to_string().contains("not a current admin"), "{err}");
    }
    drop(r);
}

#[test]
fn an_approval_cut_short_after_its_log_entry_is_completed_by_approving_again() {
    let server = Hostile::start();
    let (mut a, _b, _r) = team(&server);
    let mut c = device();
    let code = team::invite(&mut a.store, 3600).unwrap();
    let pending = team::enroll(&mut c.store, &code, false).unwrap();
    server.lies().fail_next_approval = true;
    let c_id = c.store.device_id();
    assert!(team::approve(&mut a.store, c_id, &pending.sas, Role::Caseworker).is_err());
    team::approve(&mut a.store, c_id, &pending.sas, Role::Caseworker).unwrap();
    sync_once(&mut c.store).unwrap();
    assert!(has(&c.store, "Ахметов"));
    let entries = a.store.team_log_entries().unwrap();
    let added = entries
        .iter()
        .filter(|e| e.contains(&hex::encode(c_id.as_bytes())))
        .count();
    assert_eq!(added, 1, "signed into the log once");
}

/// A step of a hostile schedule.
#[derive(Debug, Clone)]
enum Step {
    Edit {
        device: usize,
    },
    Sync {
        device: usize,
    },
    /// R (revoked) forges a worker under a new device id.
    ForgePhantom,
    /// R forges under its own id after its removal.
    ForgeOwn,
    Garbage,
    Withhold {
        device: usize,
    },
    StopWithholding,
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        3 => (0..2usize).prop_map(|device| Step::Edit { device }),
        3 => (0..2usize).prop_map(|device| Step::Sync { device }),
        1 => Just(Step::ForgePhantom),
        1 => Just(Step::ForgeOwn),
        1 => Just(Step::Garbage),
        1 => (0..2usize).prop_map(|device| Step::Withhold { device }),
        1 => Just(Step::StopWithholding),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 12, failure_persistence: None, ..ProptestConfig::default() })]

    /// Under any schedule of lies, no honest device ever holds a record no current member
    /// signed, and once the server stops lying the honest devices either agree or have set
    /// envelopes aside by name.
    #[test]
    fn no_honest_device_applies_what_no_current_member_signed(steps in proptest::collection::vec(step(), 5..25)) {
        let server = Hostile::start();
        let (a, b, mut r) = team(&server);
        let mut honest = [a, b];
        let r_id = r.store.device_id();
        team::revoke(&mut honest[0].store, r_id).unwrap();
        let revoked_at: i64 = server
            .db
            .query_row("SELECT coalesce(max(global_seq), 0) FROM envelopes", [], |row| row.get(0))
            .unwrap();
        let team = team_bytes(&honest[0]);
        let r_secrets = settings(&r).secrets().unwrap();
        let mut own_next = r.store.sealed_position().unwrap().device_seq + 1;
        let mut own_prev = r.store.sealed_chain_hash().unwrap();
        for (i, step) in steps.iter().enumerate() {
            match step {
                Step::Edit { device } => {
                    honest[*device].store.add_worker(&worker(&format!("Честный{i}"))).unwrap();
                }
                Step::Sync { device } => {
                    sync_once(&mut honest[*device].store).unwrap();
                }
                Step::ForgePhantom => {
                    let phantom = DeviceId::new();
                    let blob = forged_by(&mut r, &r_secrets, phantom, 1, [0; 32]);
                    server.store_envelope(&team, phantom, 1, 0, &blob);
                }
                Step::ForgeOwn => {
                    let blob = forged_by(&mut r, &r_secrets, r_id, own_next, own_prev);
                    server.store_envelope(&team, r_id, own_next, 0, &blob);
                    own_prev = [0; 32];
                    own_next += 1;
                }
                Step::Garbage => {
                    server.store_envelope(&team, DeviceId::new(), 1, 0, &[0x5A; 100]);
                }
                Step::Withhold { device } => {
                    let id = *honest[*device].store.device_id().as_bytes();
                    server.lies().withhold.insert(id);
                }
                Step::StopWithholding => server.lies().withhold.clear(),
            }
            for d in &honest {
                prop_assert!(!forged_in(&d.store), "forged record applied: {:?}", surnames(&d.store));
            }
        }
        // The server stops lying; each honest device writes once more, so that a tail the
        // server withheld shows as a gap before that device's next envelope.
        server.lies().withhold.clear();
        for (i, d) in honest.iter_mut().enumerate() {
            d.store.add_worker(&worker(&format!("Последний{i}"))).unwrap();
        }
        for _ in 0..2 {
            for d in honest.iter_mut() {
                sync_once(&mut d.store).unwrap();
            }
        }
        let agree = honest[0].store.state_hash().unwrap() == honest[1].store.state_hash().unwrap();
        let named = honest.iter().any(|d| {
            d.store.quarantined_envelopes().unwrap().iter().any(|q| {
                q.device != r_id && q.reason.contains("out of order")
            })
        });
        prop_assert!(agree || named, "the honest devices differ and nothing was reported");
        // R reads nothing sealed after its revocation: every envelope of the honest devices
        // since then is under epoch 1, which R does not hold.
        prop_assert!(settings(&r).ring().unwrap().get(1).is_none());
        let honest_ids: Vec<Vec<u8>> = honest
            .iter()
            .map(|d| d.store.device_id().as_bytes().to_vec())
            .collect();
        let epochs: Vec<(Vec<u8>, u32)> = server
            .db
            .prepare("SELECT device, key_epoch FROM envelopes WHERE global_seq > ?1")
            .unwrap()
            .query_map([revoked_at], |row| Ok((row.get(0)?, row.get(1)?)))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        for (device, epoch) in epochs {
            if honest_ids.contains(&device) {
                prop_assert_eq!(epoch, 1, "an honest envelope after the revocation under epoch {}", epoch);
            }
        }
    }
}
