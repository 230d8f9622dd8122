//! Several devices (real encrypted workspaces) syncing through a real `qorgau-server` process:
//! random offline edits in any sync order, interrupted rounds and server restarts converge to
//! one state; revoked devices, tampered and renumbered envelopes are refused.

mod support;

use proptest::prelude::*;
use proptest::test_runner::FileFailurePersistence;
use qorgau_domain::{CaseRecord, CaseType, TimelineKind, Worker, WorkerId};
use qorgau_store::{NewTimelineEntry, Passphrase, Store};
use qorgau_sync::engine::{self, SyncReport, TeamLink};
use qorgau_sync::{Role, SyncError, SyncSettings, sync_once, team};
use serde_json::{Map, Value, json};
use std::collections::BTreeSet;
use std::sync::LazyLock;
use support::Server;
use support::postgres::Postgres;
use tempfile::TempDir;

struct Device {
    _dir: TempDir,
    store: Store,
}

fn new_device() -> Device {
    let (dir, store) = support::new_store();
    Device { _dir: dir, store }
}

/// A team of `n` devices on `server`: the first creates it, the others enroll with codes.
fn team_of(server: &Server, n: usize) -> Vec<Device> {
    team_across(std::slice::from_ref(server), n)
}

/// A team of `n` devices spread over server processes sharing one database: device `i`
/// talks to `servers[i % len]`.
fn team_across(servers: &[Server], n: usize) -> Vec<Device> {
    let mut devices: Vec<Device> = (0..n).map(|_| new_device()).collect();
    team::create_team(
        &mut devices[0].store,
        &servers[0].url(),
        None,
        &servers[0].operator_token,
    )
    .unwrap();
    for i in 1..n {
        let (admin, rest) = devices.split_at_mut(1);
        join(&mut admin[0].store, &mut rest[i - 1].store, false);
        let server = &servers[i % servers.len()];
        let mut settings = SyncSettings::load(&devices[i].store).unwrap();
        settings.server = server.url();
        settings
            .save(&mut devices[i].store, "test: another server process")
            .unwrap();
    }
    devices
}

/// `device` asks to join the admin's team with a fresh code, and the admin approves it after
/// comparing the short authentication string it shows; its next round completes the join.
fn join(admin: &mut Store, device: &mut Store, merge_existing: bool) {
    let code = team::invite(admin, 3600).unwrap();
    join_with(admin, device, &code, merge_existing);
}

fn join_with(admin: &mut Store, device: &mut Store, code: &str, merge_existing: bool) {
    let pending = team::enroll(device, code, merge_existing).unwrap();
    assert_eq!(pending.status, "pending_approval");
    team::approve(admin, device.device_id(), &pending.sas, Role::Caseworker).unwrap();
}

fn worker(surname: &str, given: &str) -> Worker {
    Worker {
        surname: Some(surname.into()),
        given_name: Some(given.into()),
        ..Worker::default()
    }
}

fn set(store: &mut Store, id: WorkerId, field: &str, value: Value) {
    let mut patch = Map::new();
    patch.insert(field.to_string(), value);
    store.update_worker(id, &patch).unwrap();
}

fn hashes(devices: &[Device]) -> BTreeSet<String> {
    devices
        .iter()
        .map(|d| d.store.state_hash().unwrap())
        .collect()
}

/// Every device syncs twice in turn: everything reaches everyone.
fn settle(devices: &mut [Device]) {
    for _ in 0..2 {
        for d in devices.iter_mut() {
            sync_once(&mut d.store).unwrap();
        }
    }
}

#[test]
fn two_devices_converge_after_offline_edits_with_one_conflict_to_review() {
    let data = tempfile::tempdir().unwrap();
    let server = Server::start(data.path());
    let mut devices = team_of(&server, 2);
    let id = devices[0]
        .store
        .add_worker(&worker("Сейітов", "Нұрлан"))
        .unwrap()
        .id;
    settle(&mut devices);
    assert_eq!(
        devices[1]
            .store
            .worker(id)
            .unwrap()
            .worker
            .surname
            .as_deref(),
        Some("Сейітов")
    );

    // Offline on both laptops: the same field differently, and different fields.
    set(&mut devices[0].store, id, "address_kr", json!("안산시 1"));
    set(
        &mut devices[0].store,
        id,
        "hangul_name",
        json!("세이토프 누를란"),
    );
    set(&mut devices[1].store, id, "address_kr", json!("화성시 2"));
    set(&mut devices[1].store, id, "notes", json!("전화 안 받음"));
    let report: SyncReport = sync_once(&mut devices[1].store).unwrap();
    assert_eq!(report.sealed_changes, 2);
    settle(&mut devices);

    assert_eq!(hashes(&devices).len(), 1);
    let merged = devices[0].store.worker(id).unwrap().worker;
    assert_eq!(merged.hangul_name.as_deref(), Some("세이토프 누를란"));
    assert_eq!(merged.notes.as_deref(), Some("전화 안 받음"));
    // Device 1 edited last: its address wins on both, and both hold the conflict.
    assert_eq!(merged.address_kr.as_deref(), Some("화성시 2"));
    for d in &devices {
        let open = d.store.conflicts(false).unwrap();
        assert_eq!(open.len(), 1, "{open:?}");
        assert_eq!(open[0].other, json!("안산시 1"));
    }
}

#[test]
fn an_interrupted_round_and_a_server_restart_lose_and_duplicate_nothing() {
    let data = tempfile::tempdir().unwrap();
    let mut server = Server::start(data.path());
    let mut devices = team_of(&server, 2);
    for i in 0..300 {
        devices[0]
            .store
            .add_worker(&worker("Ким", &format!("Виктор{i}")))
            .unwrap();
    }
    // Sealed, then the connection drops before the server has it.
    let (link, _) = TeamLink::connect(&mut devices[0].store).unwrap();
    let sealed = engine::seal(&mut devices[0].store, &link).unwrap();
    assert_eq!(sealed, 300);
    server.stop();
    let err = sync_once(&mut devices[0].store).unwrap_err();
    assert!(err.is_unreachable(), "{err}");
    server.restart();
    // The retry sends the same sealed envelopes; nothing is sealed twice.
    let report = sync_once(&mut devices[0].store).unwrap();
    assert_eq!(report.sealed_changes, 0);
    assert!(report.pushed_envelopes >= 1);
    assert_eq!(devices[0].store.unsynced_changes().unwrap(), 0);

    // The other device's round is cut short after one envelope, then resumes.
    for i in 0..2000 {
        devices[0]
            .store
            .add_worker(&worker("Пак", &format!("Ольга{i}")))
            .unwrap();
    }
    sync_once(&mut devices[0].store).unwrap();
    let (link, _) = TeamLink::connect(&mut devices[1].store).unwrap();
    let mut partial = SyncReport::default();
    engine::pull_at_most(&mut devices[1].store, &link, 1, &mut partial).unwrap();
    assert_eq!(partial.pulled_envelopes, 1);
    server.restart();
    sync_once(&mut devices[1].store).unwrap();
    assert_eq!(devices[1].store.stats().unwrap().workers, 2300);
    assert_eq!(hashes(&devices).len(), 1);
}

#[test]
fn a_revoked_device_is_refused_and_cannot_read_what_follows() {
    let data = tempfile::tempdir().unwrap();
    let server = Server::start(data.path());
    let mut devices = team_of(&server, 3);
    devices[0]
        .store
        .add_worker(&worker("Ли", "Марина"))
        .unwrap();
    settle(&mut devices);
    let revoked = devices[2].store.device_id();
    let epoch = team::revoke(&mut devices[0].store, revoked).unwrap();
    assert_eq!(epoch, 1);

    let err = sync_once(&mut devices[2].store).unwrap_err();
    assert!(
        matches!(err, SyncError::Server { status: 403, ref code, .. } if code == "revoked"),
        "{err}"
    );
    // The remaining member receives the new key and reads changes sealed under it.
    let id = devices[0]
        .store
        .add_worker(&worker("Цой", "Айгерим"))
        .unwrap()
        .id;
    sync_once(&mut devices[0].store).unwrap();
    let report = sync_once(&mut devices[1].store).unwrap();
    assert_eq!(report.keys_received, 1);
    assert!(devices[1].store.worker(id).is_ok());
    // The envelope on the server is sealed under epoch 1, which the revoked device lacks.
    let conn = rusqlite::Connection::open(server.database()).unwrap();
    let epochs: Vec<u32> = conn
        .prepare("SELECT key_epoch FROM envelopes ORDER BY global_seq")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(epochs.last(), Some(&1));
    assert!(epochs.contains(&0));
}

#[test]
fn tampered_or_renumbered_envelopes_are_quarantined_and_nothing_is_applied() {
    let data = tempfile::tempdir().unwrap();
    let server = Server::start(data.path());
    let mut devices = team_of(&server, 2);
    devices[0]
        .store
        .add_worker(&worker("Ахметов", "Ерлан"))
        .unwrap();
    sync_once(&mut devices[0].store).unwrap();
    let before = devices[1].store.state_hash().unwrap();

    let conn = rusqlite::Connection::open(server.database()).unwrap();
    // One flipped bit in the ciphertext.
    let mut blob: Vec<u8> = conn
        .query_row("SELECT blob FROM envelopes", [], |r| r.get(0))
        .unwrap();
    blob[40] ^= 1;
    conn.execute("UPDATE envelopes SET blob = ?1", [&blob])
        .unwrap();
    // Set aside with the reason; the round goes on past it (the cursor moves).
    let report = sync_once(&mut devices[1].store).unwrap();
    assert_eq!(report.quarantined, 1, "{report:?}");
    let quarantined = devices[1].store.quarantined_envelopes().unwrap();
    assert_eq!(quarantined.len(), 1);
    // The signature (over the header, the chain and the ciphertext) fails first.
    assert!(
        quarantined[0].reason.contains("bad_signature"),
        "{quarantined:?}"
    );
    assert_eq!(quarantined[0].device, devices[0].store.device_id());
    assert_eq!(devices[1].store.state_hash().unwrap(), before);
    assert_eq!(devices[1].store.sync_cursor().unwrap(), 1);
    // The next round does not stop at it again, nor set it aside twice.
    let report = sync_once(&mut devices[1].store).unwrap();
    assert_eq!(report.quarantined, 0);
    assert_eq!(devices[1].store.quarantined_envelopes().unwrap().len(), 1);

    // Put back, but under another sequence number: the associated data no longer matches.
    conn.execute("DELETE FROM envelopes", []).unwrap();
    conn.execute("UPDATE devices SET last_seq = 0", []).unwrap();
    drop(conn);
    let mut fresh = new_device();
    team::create_team(
        &mut fresh.store,
        &server.url(),
        None,
        &server.operator_token,
    )
    .unwrap();
    let mut reader = new_device();
    join(&mut fresh.store, &mut reader.store, false);
    fresh.store.add_worker(&worker("Пак", "Ольга")).unwrap();
    fresh.store.add_worker(&worker("Ким", "Олег")).unwrap();
    sync_once(&mut fresh.store).unwrap();
    let conn = rusqlite::Connection::open(server.database()).unwrap();
    conn.execute("UPDATE envelopes SET device_seq = device_seq + 1", [])
        .unwrap();
    let report = sync_once(&mut reader.store).unwrap();
    assert!(report.quarantined >= 1, "{report:?}");
    let quarantined = reader.store.quarantined_envelopes().unwrap();
    assert!(
        quarantined
            .iter()
            .all(|q| q.reason.contains("bad_signature")),
        "{quarantined:?}"
    );
    assert_eq!(reader.store.stats().unwrap().workers, 0);
}

#[test]
fn an_envelope_under_a_key_epoch_not_held_yet_stops_the_pull_and_one_never_started_is_set_aside() {
    let data = tempfile::tempdir().unwrap();
    let server = Server::start(data.path());
    let mut devices = team_of(&server, 3);
    settle(&mut devices);
    // Device 0 claims epoch 5, which the team log never started: set aside, not a stop.
    let settings = SyncSettings::load(&devices[0].store).unwrap();
    let remote =
        qorgau_sync::remote::Remote::new(&settings.server, None, Some(&settings.token)).unwrap();
    let next = devices[0].store.sealed_position().unwrap().device_seq + 1;
    remote.push(&[(next, 5, &[0u8; 64][..])]).unwrap();
    let report = sync_once(&mut devices[1].store).unwrap();
    assert_eq!(report.quarantined, 1, "{report:?}");
    let quarantined = devices[1].store.quarantined_envelopes().unwrap();
    assert!(
        quarantined[0].reason.contains("unknown_epoch"),
        "{quarantined:?}"
    );
    // Epoch 1 is started in the log (a revocation) but device 1's key box is lost: the pull
    // stops at the first envelope under it rather than setting it aside for good.
    let conn = rusqlite::Connection::open(server.database()).unwrap();
    conn.execute("DELETE FROM envelopes WHERE key_epoch = 5", [])
        .unwrap();
    conn.execute(
        "UPDATE devices SET last_seq = last_seq - 1 WHERE admin = 1",
        [],
    )
    .unwrap();
    let third = devices[2].store.device_id();
    team::revoke(&mut devices[0].store, third).unwrap();
    conn.execute("DELETE FROM key_boxes", []).unwrap();
    devices[0]
        .store
        .add_worker(&worker("Ли", "Марина"))
        .unwrap();
    sync_once(&mut devices[0].store).unwrap();
    let cursor = devices[1].store.sync_cursor().unwrap();
    let err = sync_once(&mut devices[1].store).unwrap_err();
    assert!(err.to_string().contains("key epoch 1"), "{err}");
    assert_eq!(devices[1].store.quarantined_envelopes().unwrap().len(), 1);
    assert_eq!(devices[1].store.sync_cursor().unwrap(), cursor);
}

#[test]
fn a_change_of_a_kind_from_a_newer_build_stops_the_pull_instead_of_being_set_aside() {
    let data = tempfile::tempdir().unwrap();
    let server = Server::start(data.path());
    let mut devices = team_of(&server, 2);
    settle(&mut devices);
    // Device 0 (as if running a newer build) seals a change of an entity this build lacks.
    let settings = SyncSettings::load(&devices[0].store).unwrap();
    let next = devices[0].store.sealed_position().unwrap().device_seq + 1;
    let header = qorgau_sync::EnvelopeHeader {
        team: settings.team_id().unwrap(),
        device: devices[0].store.device_id(),
        device_seq: next,
        key_epoch: 0,
    };
    let sets = json!([{"entity": "consular_visit", "id": "00".repeat(16), "hlc": 1, "fields": {}}]);
    let sealed = qorgau_sync::Envelope::seal(
        settings.ring().unwrap().get(0).unwrap(),
        header,
        &serde_json::to_vec(&sets).unwrap(),
    )
    .unwrap();
    let (blob, _) = qorgau_sync::signed_envelope::sign(
        &settings.secrets().unwrap(),
        &header,
        &devices[0].store.sealed_chain_hash().unwrap(),
        &sealed.nonce,
        &sealed.ciphertext,
    );
    let remote =
        qorgau_sync::remote::Remote::new(&settings.server, None, Some(&settings.token)).unwrap();
    remote.push(&[(next, 0, &blob[..])]).unwrap();
    let cursor = devices[1].store.sync_cursor().unwrap();
    let err = sync_once(&mut devices[1].store).unwrap_err().to_string();
    assert!(
        err.contains("consular_visit") && err.contains("update Qorgau"),
        "{err}"
    );
    assert!(devices[1].store.quarantined_envelopes().unwrap().is_empty());
    assert_eq!(devices[1].store.sync_cursor().unwrap(), cursor);
}

#[test]
fn one_garbage_envelope_is_quarantined_and_the_team_syncs_on() {
    let data = tempfile::tempdir().unwrap();
    let server = Server::start(data.path());
    let mut devices = team_of(&server, 3);
    devices[0]
        .store
        .add_worker(&worker("Ли", "Марина"))
        .unwrap();
    settle(&mut devices);
    // Member 1 (compromised, or a bug) pushes bytes that are no envelope.
    let settings = SyncSettings::load(&devices[1].store).unwrap();
    let remote =
        qorgau_sync::remote::Remote::new(&settings.server, None, Some(&settings.token)).unwrap();
    let next = devices[1].store.sealed_position().unwrap().device_seq + 1;
    remote.push(&[(next, 0, &[0u8; 64][..])]).unwrap();
    // The others go on: a new worker from device 0 reaches device 2 past it.
    let id = devices[0]
        .store
        .add_worker(&worker("Цой", "Айгерим"))
        .unwrap()
        .id;
    sync_once(&mut devices[0].store).unwrap();
    let report = sync_once(&mut devices[2].store).unwrap();
    assert_eq!(report.quarantined, 1, "{report:?}");
    assert!(
        report.clock_offset_ms.is_some_and(|o| o.abs() < 5_000),
        "{report:?}"
    );
    assert!(devices[2].store.worker(id).is_ok());
    let quarantined = devices[2].store.quarantined_envelopes().unwrap();
    assert_eq!(quarantined[0].device, devices[1].store.device_id());
    assert_eq!(quarantined[0].device_seq, next);
    // And on the next rounds too.
    let again = sync_once(&mut devices[2].store).unwrap();
    assert_eq!(again.quarantined, 0);
    sync_once(&mut devices[0].store).unwrap();
    assert_eq!(
        devices[0].store.state_hash().unwrap(),
        devices[2].store.state_hash().unwrap()
    );
}

/// Syncs a worker with every name form and an IIN, and a case, between two devices.
fn sync_a_named_worker(server: &Server) {
    let mut devices = team_of(server, 2);
    let mut w = worker("Сейітов", "Нұрлан");
    w.latin_name = Some("SEITOV NURLAN".into());
    w.hangul_name = Some("세이토프누를란".into());
    w.iin = Some("791028302728".into());
    let id = devices[0].store.add_worker(&w).unwrap().id;
    devices[0]
        .store
        .add_case(&CaseRecord {
            workers: vec![id],
            case_type: Some(CaseType::WorkplaceInjury),
            summary: Some("Пресс жарақаты, Ансан".into()),
            ..CaseRecord::default()
        })
        .unwrap();
    settle(&mut devices);
    assert_eq!(hashes(&devices).len(), 1);
}

const SECRETS: [&str; 6] = [
    "Сейітов",
    "Нұрлан",
    "SEITOV",
    "세이토프",
    "791028302728",
    "Пресс",
];

#[test]
fn the_server_database_holds_none_of_the_synced_names_or_iins() {
    let data = tempfile::tempdir().unwrap();
    let server = Server::start(data.path());
    sync_a_named_worker(&server);
    let mut bytes = std::fs::read(server.database()).unwrap();
    if let Ok(wal) = std::fs::read(data.path().join("qorgau-server.db-wal")) {
        bytes.extend(wal);
    }
    for needle in SECRETS {
        assert!(
            !bytes.windows(needle.len()).any(|w| w == needle.as_bytes()),
            "the server's files contain {needle:?}"
        );
    }
}

#[test]
fn a_postgresql_dump_holds_none_of_the_synced_names_or_iins() {
    let server = Server::start_postgres(&POSTGRES.url());
    sync_a_named_worker(&server);
    let dump = String::from_utf8(POSTGRES.dump()).unwrap();
    assert!(
        dump.contains("COPY public.envelopes"),
        "the dump has the envelopes"
    );
    for needle in SECRETS {
        let hex: String = needle.bytes().map(|b| format!("{b:02x}")).collect();
        assert!(!dump.contains(needle), "the dump contains {needle:?}");
        assert!(
            !dump.contains(&hex),
            "the dump contains {needle:?} as bytea"
        );
    }
}

/// One step of the random scenario.
#[derive(Debug, Clone)]
enum Step {
    /// Device edits a field of one of the shared workers.
    Edit {
        device: usize,
        worker: usize,
        field: usize,
        value: u8,
    },
    /// Device registers a new worker.
    AddWorker {
        device: usize,
    },
    /// Device adds a note to the shared case.
    Note {
        device: usize,
    },
    /// A full round.
    Sync {
        device: usize,
    },
    /// A round cut short: sealed but not sent, or only one envelope pulled.
    SealOnly {
        device: usize,
    },
    PullOne {
        device: usize,
    },
    RestartServer,
}

const FIELDS: [&str; 3] = ["address_kr", "notes", "hangul_name"];

fn step(devices: usize) -> impl Strategy<Value = Step> {
    prop_oneof![
        4 => (0..devices, 0..3usize, 0..3usize, any::<u8>())
            .prop_map(|(device, worker, field, value)| Step::Edit { device, worker, field, value }),
        1 => (0..devices).prop_map(|device| Step::AddWorker { device }),
        1 => (0..devices).prop_map(|device| Step::Note { device }),
        3 => (0..devices).prop_map(|device| Step::Sync { device }),
        1 => (0..devices).prop_map(|device| Step::SealOnly { device }),
        1 => (0..devices).prop_map(|device| Step::PullOne { device }),
        1 => Just(Step::RestartServer),
    ]
}

/// Runs a scenario with its devices spread over `servers` (processes sharing one database),
/// then checks that all devices converged and that no change was lost.
fn run_scenario(servers: &mut [Server], n: usize, steps: &[Step]) -> Result<(), TestCaseError> {
    let mut devices = team_across(servers, n);
    let workers: Vec<WorkerId> = (0..3)
        .map(|i| {
            devices[0]
                .store
                .add_worker(&worker("Ким", &format!("Общий{i}")))
                .unwrap()
                .id
        })
        .collect();
    let case = devices[0]
        .store
        .add_case(&CaseRecord {
            workers: vec![workers[0]],
            case_type: Some(CaseType::UnpaidWages),
            ..CaseRecord::default()
        })
        .unwrap();
    settle(&mut devices);
    let mut added = 0usize;
    let mut notes = 0usize;
    let mut written: Vec<BTreeSet<String>> = vec![BTreeSet::new(); 9];
    for (i, s) in steps.iter().enumerate() {
        match *s {
            Step::Edit {
                device,
                worker,
                field,
                value,
            } => {
                let text = format!("{}-{device}-{value}-{i}", FIELDS[field]);
                set(
                    &mut devices[device].store,
                    workers[worker],
                    FIELDS[field],
                    json!(text),
                );
                written[worker * 3 + field].insert(text);
            }
            Step::AddWorker { device } => {
                devices[device]
                    .store
                    .add_worker(&worker("Ли", &format!("Новый{i}")))
                    .unwrap();
                added += 1;
            }
            Step::Note { device } => {
                devices[device]
                    .store
                    .add_timeline_entry(
                        case,
                        &NewTimelineEntry {
                            kind: TimelineKind::Note,
                            occurred_on: None,
                            text: format!("заметка {i}"),
                        },
                    )
                    .unwrap();
                notes += 1;
            }
            Step::Sync { device } => {
                sync_once(&mut devices[device].store).unwrap();
            }
            Step::SealOnly { device } => {
                let (link, _) = TeamLink::connect(&mut devices[device].store).unwrap();
                engine::seal(&mut devices[device].store, &link).unwrap();
            }
            Step::PullOne { device } => {
                let (link, _) = TeamLink::connect(&mut devices[device].store).unwrap();
                let mut r = SyncReport::default();
                engine::pull_at_most(&mut devices[device].store, &link, 1, &mut r).unwrap();
            }
            Step::RestartServer => servers.iter_mut().for_each(Server::restart),
        }
    }
    settle(&mut devices);
    prop_assert_eq!(hashes(&devices).len(), 1, "devices disagree after settling");
    let first = &devices[0].store;
    prop_assert_eq!(first.stats().unwrap().workers as usize, 3 + added);
    prop_assert_eq!(
        first
            .timeline(case)
            .unwrap()
            .iter()
            .filter(|t| t.kind == TimelineKind::Note)
            .count(),
        notes
    );
    // Every edited field holds one of the values written to it.
    for (w, id) in workers.iter().enumerate() {
        let doc = serde_json::to_value(first.worker(*id).unwrap().worker).unwrap();
        for (f, field) in FIELDS.iter().enumerate() {
            let values = &written[w * 3 + f];
            if values.is_empty() {
                continue;
            }
            let held = doc[field].as_str().unwrap_or_default().to_string();
            prop_assert!(
                values.contains(&held),
                "{} of worker {} is {:?}",
                field,
                w,
                held
            );
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 6,
        max_shrink_iters: 20,
        // Failing cases are kept (and committed) beside this file and replayed first.
        failure_persistence: Some(Box::new(FileFailurePersistence::Direct(
            "tests/devices.proptest-regressions",
        ))),
        ..ProptestConfig::default()
    })]

    #[test]
    fn two_devices_with_random_offline_edits_converge(steps in proptest::collection::vec(step(2), 5..30)) {
        let data = tempfile::tempdir().unwrap();
        let mut servers = [Server::start(data.path())];
        run_scenario(&mut servers, 2, &steps)?;
    }

    #[test]
    fn five_devices_with_random_offline_edits_converge(steps in proptest::collection::vec(step(5), 10..40)) {
        let data = tempfile::tempdir().unwrap();
        let mut servers = [Server::start(data.path())];
        run_scenario(&mut servers, 5, &steps)?;
    }

    #[test]
    fn two_devices_with_random_offline_edits_converge_over_postgresql(steps in proptest::collection::vec(step(2), 5..30)) {
        let mut servers = [Server::start_postgres(&POSTGRES.url())];
        run_scenario(&mut servers, 2, &steps)?;
    }

    #[test]
    fn five_devices_on_two_server_processes_sharing_postgresql_converge(steps in proptest::collection::vec(step(5), 10..40)) {
        let mut servers = [
            Server::start_postgres(&POSTGRES.url()),
            Server::start_postgres(&POSTGRES.url()),
        ];
        run_scenario(&mut servers, 5, &steps)?;
    }
}

/// One PostgreSQL cluster for this test binary; every scenario is a team of its own.
static POSTGRES: LazyLock<Postgres> = LazyLock::new(Postgres::start);

#[test]
fn letters_on_devices_of_two_server_processes_over_postgresql_never_share_a_number() {
    let servers = [
        Server::start_postgres(&POSTGRES.url()),
        Server::start_postgres(&POSTGRES.url()),
    ];
    let mut devices = team_across(&servers, 4);
    let case = mission_and_case(&mut devices[0].store);
    settle(&mut devices);
    let mut numbers = Vec::new();
    for _round in 0..2 {
        for d in devices.iter_mut() {
            for _ in 0..25 {
                numbers.push(register(&mut d.store, case).unwrap());
            }
        }
        settle(&mut devices);
    }
    let unique: BTreeSet<&String> = numbers.iter().collect();
    assert_eq!(unique.len(), numbers.len(), "a number was given twice");
    assert_eq!(hashes(&devices).len(), 1);
}

/// The mission profile and a wage case, which a letter needs.
fn mission_and_case(store: &mut Store) -> qorgau_domain::CaseId {
    store
        .set_mission(&qorgau_domain::MissionProfile::embassy_seoul())
        .unwrap();
    let id = store.add_worker(&worker("Жұмабеков", "Әлихан")).unwrap().id;
    store
        .add_case(&CaseRecord {
            workers: vec![id],
            case_type: Some(CaseType::UnpaidWages),
            ..CaseRecord::default()
        })
        .unwrap()
}

fn letter(case: qorgau_domain::CaseId, year: i32) -> qorgau_store::NewLetter {
    qorgau_store::NewLetter {
        case_id: case,
        agency_id: None,
        template: "wage_arrears".into(),
        subject: "임금체불 진정 사건 처리 협조 요청".into(),
        letter_date: chrono::NaiveDate::from_ymd_opt(year, 1, 1).unwrap(),
        data: Default::default(),
    }
}

/// Stands in for the letter engine: the registry's numbering is what is tested here.
fn register(
    store: &mut Store,
    case: qorgau_domain::CaseId,
) -> Result<String, qorgau_store::StoreError> {
    let year = store.registry_year();
    store
        .register_letter(&letter(case, year), None, |number| {
            Ok::<_, qorgau_store::StoreError>(format!("%PDF-1.7 letter {number}").into_bytes())
        })
        .map(|l| l.number.unwrap().text)
}

#[test]
fn letters_registered_offline_on_three_devices_never_share_a_number() {
    let data = tempfile::tempdir().unwrap();
    let server = Server::start(data.path());
    let mut devices = team_of(&server, 3);
    // Before its first round a member has no leased numbers: it says what to do.
    let case = mission_and_case(&mut devices[0].store);
    sync_once(&mut devices[0].store).unwrap();
    let (link, _) = TeamLink::connect(&mut devices[1].store).unwrap();
    engine::pull(&mut devices[1].store, &link, &mut SyncReport::default()).unwrap();
    let refused = register(&mut devices[1].store, case)
        .unwrap_err()
        .to_string();
    assert!(
        refused.contains("registry") && refused.contains("lease"),
        "{refused}"
    );
    settle(&mut devices);

    let mut numbers = Vec::new();
    for _round in 0..2 {
        for d in devices.iter_mut() {
            for _ in 0..30 {
                numbers.push(register(&mut d.store, case).unwrap());
            }
        }
        // Offline until now; then everyone syncs (and restocks numbers).
        settle(&mut devices);
    }
    let unique: BTreeSet<&String> = numbers.iter().collect();
    assert_eq!(
        unique.len(),
        numbers.len(),
        "a number was given twice: {numbers:?}"
    );
    assert_eq!(hashes(&devices).len(), 1);
    for d in &devices {
        assert_eq!(d.store.letters(Some(case)).unwrap().len(), 180);
    }
}

#[test]
fn a_workspace_with_its_own_registered_letters_cannot_join_a_team() {
    let data = tempfile::tempdir().unwrap();
    let server = Server::start(data.path());
    let mut admin = new_device();
    team::create_team(
        &mut admin.store,
        &server.url(),
        None,
        &server.operator_token,
    )
    .unwrap();
    let code = team::invite(&mut admin.store, 3600).unwrap();
    let mut other = new_device();
    other
        .store
        .set_mission(&qorgau_domain::MissionProfile::embassy_seoul())
        .unwrap();
    let id = other.store.add_worker(&worker("Ким", "Олег")).unwrap().id;
    let case = other
        .store
        .add_case(&CaseRecord {
            workers: vec![id],
            case_type: Some(CaseType::UnpaidWages),
            ..CaseRecord::default()
        })
        .unwrap();
    register(&mut other.store, case).unwrap();
    // Even when told to merge what it holds.
    let err = team::enroll(&mut other.store, &code, true)
        .unwrap_err()
        .to_string();
    assert!(err.contains("registered letters"), "{err}");
    assert!(other.store.sync_settings().unwrap().is_none());
}

fn copy_dir(from: &std::path::Path, to: &std::path::Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        if entry.file_type().unwrap().is_file() {
            std::fs::copy(entry.path(), to.join(entry.file_name())).unwrap();
        }
    }
}

#[test]
fn a_workspace_restored_from_an_older_copy_stops_before_it_forks() {
    let data = tempfile::tempdir().unwrap();
    let server = Server::start(data.path());
    let mut devices = team_of(&server, 2);
    devices[1]
        .store
        .add_worker(&worker("Ли", "Марина"))
        .unwrap();
    sync_once(&mut devices[1].store).unwrap();
    // A backup of device 1 now …
    let Device { _dir: dir, store } = devices.remove(1);
    drop(store);
    let backup = tempfile::tempdir().unwrap();
    copy_dir(dir.path(), backup.path());
    // … while the laptop itself goes on and syncs more.
    let pass = Passphrase::new("device passphrase 123");
    let mut laptop = Store::open(dir.path(), &pass).unwrap();
    laptop.add_worker(&worker("Ли", "Анна")).unwrap();
    sync_once(&mut laptop).unwrap();
    // The restored copy must not carry on as the same device.
    let mut restored = Store::open(backup.path(), &pass).unwrap();
    let err = sync_once(&mut restored).unwrap_err().to_string();
    assert!(err.contains("older copy"), "{err}");
}

#[test]
fn a_server_opens_no_more_postgresql_connections_than_its_pool_allows() {
    POSTGRES.psql("CREATE DATABASE pool_bound");
    let server =
        Server::start_postgres_with(&POSTGRES.url_of("pool_bound"), &["--database-pool", "2"]);
    let mut admin = new_device();
    team::create_team(
        &mut admin.store,
        &server.url(),
        None,
        &server.operator_token,
    )
    .unwrap();
    let token = SyncSettings::load(&admin.store).unwrap().token;
    let url = server.url();
    let threads: Vec<_> = (0..12)
        .map(|_| {
            let (url, token) = (url.clone(), token.clone());
            std::thread::spawn(move || {
                let remote = qorgau_sync::remote::Remote::new(&url, None, Some(&token)).unwrap();
                for _ in 0..20 {
                    remote.pull(0, 64).unwrap();
                }
            })
        })
        .collect();
    for t in threads {
        t.join().unwrap();
    }
    let open: u32 = POSTGRES
        .psql("SELECT count(*) FROM pg_stat_activity WHERE datname = 'pool_bound'")
        .parse()
        .unwrap();
    assert!(
        open <= 2,
        "{open} connections open to PostgreSQL with --database-pool 2"
    );
    assert!(open >= 1);
}

#[test]
fn enrolling_a_workspace_that_holds_records_is_refused_unless_told_to_merge() {
    let data = tempfile::tempdir().unwrap();
    let server = Server::start(data.path());
    let mut admin = new_device();
    team::create_team(
        &mut admin.store,
        &server.url(),
        None,
        &server.operator_token,
    )
    .unwrap();
    let team_id = SyncSettings::load(&admin.store).unwrap().team;
    let code = team::invite(&mut admin.store, 3600).unwrap();
    // A caseworker's own workspace, full of workers, and a code someone sent.
    let mut victim = new_device();
    victim
        .store
        .add_worker(&worker("Жұмабеков", "Ерлан"))
        .unwrap();
    let err = team::enroll(&mut victim.store, &code, false).unwrap_err();
    assert!(matches!(err, SyncError::NotEmpty { .. }), "{err}");
    let message = err.to_string();
    for needle in [
        server.addr.as_str(),
        team_id.as_str(),
        "none pinned",
        "1 workers",
        "--merge-existing",
    ] {
        assert!(message.contains(needle), "{needle:?} not in {message}");
    }
    assert!(victim.store.sync_settings().unwrap().is_none());
    // Nothing left the workspace, and the code was not spent.
    sync_once(&mut admin.store).unwrap();
    assert_eq!(admin.store.stats().unwrap().workers, 0);
    join_with(&mut admin.store, &mut victim.store, &code, true);
    sync_once(&mut victim.store).unwrap();
    sync_once(&mut admin.store).unwrap();
    assert_eq!(admin.store.stats().unwrap().workers, 1);
}

#[test]
fn an_enrollment_code_names_its_team_and_keeps_its_secret_out_of_debug_output() {
    let data = tempfile::tempdir().unwrap();
    let server = Server::start(data.path());
    let mut admin = new_device();
    team::create_team(
        &mut admin.store,
        &server.url(),
        None,
        &server.operator_token,
    )
    .unwrap();
    let code = team::invite(&mut admin.store, 3600).unwrap();
    let parsed = team::EnrollmentCode::parse(&code).unwrap();
    assert_eq!(
        parsed.team.as_deref(),
        Some(SyncSettings::load(&admin.store).unwrap().team.as_str())
    );
    let debug = format!("{parsed:?}");
    assert!(debug.contains("***"), "{debug}");
    let json: Value = serde_json::from_slice(
        &base64::Engine::decode(
            &base64::engine::general_purpose::URL_SAFE_NO_PAD,
            code.trim_start_matches("QRG1-"),
        )
        .unwrap(),
    )
    .unwrap();
    assert!(!debug.contains(json["s"].as_str().unwrap()), "{debug}");
}

#[test]
fn a_server_restored_from_an_older_backup_is_reported_not_silently_skipped() {
    let data = tempfile::tempdir().unwrap();
    let backup = tempfile::tempdir().unwrap();
    let mut server = Server::start(data.path());
    let mut devices = team_of(&server, 3);
    devices[0]
        .store
        .add_worker(&worker("Ахметов", "Ерлан"))
        .unwrap();
    settle(&mut devices);
    // The operator's backup.
    server.stop();
    copy_dir(data.path(), backup.path());
    server.restart();
    // Device 0 syncs twice more after it.
    for surname in ["Ли", "Цой"] {
        devices[0]
            .store
            .add_worker(&worker(surname, "Марина"))
            .unwrap();
        sync_once(&mut devices[0].store).unwrap();
    }
    // The server is restored from the backup; device 2 pushes a new envelope into it.
    server.stop();
    for entry in std::fs::read_dir(data.path()).unwrap() {
        let path = entry.unwrap().path();
        if path
            .file_name()
            .unwrap()
            .to_string_lossy()
            .starts_with("qorgau-server.db")
        {
            std::fs::remove_file(path).unwrap();
        }
    }
    copy_dir(backup.path(), data.path());
    server.restart();
    devices[2]
        .store
        .add_worker(&worker("Пак", "Ольга"))
        .unwrap();
    sync_once(&mut devices[2].store).unwrap();
    // Device 0's cursor is past the server's last position: it says so by name instead of
    // skipping device 2's envelope for good.
    let err = sync_once(&mut devices[0].store).unwrap_err();
    assert!(matches!(err, SyncError::ServerWentBack { .. }), "{err}");
    assert!(err.to_string().contains("restored"), "{err}");
}

#[test]
fn a_lost_admin_laptop_is_replaced_from_the_recovery_kit_and_then_revoked() {
    let data = tempfile::tempdir().unwrap();
    let server = Server::start(data.path());
    let mut devices = team_of(&server, 2);
    let kit = qorgau_sync::recovery::make_kit(&mut devices[0].store).unwrap();
    devices[0]
        .store
        .add_worker(&worker("Ахметов", "Ерлан"))
        .unwrap();
    settle(&mut devices);
    // The admin laptop is stolen; a new laptop becomes an admin with the kit.
    let mut replacement = new_device();
    qorgau_sync::recovery::recover(&mut replacement.store, &kit).unwrap();
    sync_once(&mut replacement.store).unwrap();
    assert_eq!(replacement.store.stats().unwrap().workers, 1);
    let stolen = devices[0].store.device_id();
    assert_eq!(team::revoke(&mut replacement.store, stolen).unwrap(), 1);
    let id = replacement
        .store
        .add_worker(&worker("Цой", "Айгерим"))
        .unwrap()
        .id;
    sync_once(&mut replacement.store).unwrap();
    let report = sync_once(&mut devices[1].store).unwrap();
    assert_eq!(report.keys_received, 1);
    assert!(devices[1].store.worker(id).is_ok());
    // The stolen laptop is out, and holds no key to what follows.
    assert!(sync_once(&mut devices[0].store).is_err());
    assert!(
        SyncSettings::load(&devices[0].store)
            .unwrap()
            .ring()
            .unwrap()
            .get(1)
            .is_none()
    );
    let members = team::devices(&mut devices[1].store).unwrap();
    let admins: Vec<&str> = members
        .iter()
        .filter(|m| m.is_admin())
        .map(|m| m.name.as_str())
        .collect();
    assert_eq!(admins.len(), 2, "{members:?}");
    assert!(admins.contains(&"recovery kit"), "{admins:?}");
    assert!(
        members
            .iter()
            .any(|m| m.device == stolen && m.removed_after.is_some())
    );
    // A kit's text that is damaged is refused by name.
    let mut other = new_device();
    let err = qorgau_sync::recovery::recover(&mut other.store, "QRK1-garbage").unwrap_err();
    assert!(err.to_string().contains("recovery kit"), "{err}");
}

#[test]
fn a_server_restored_from_a_backup_gets_its_lost_team_log_back_from_an_admin() {
    let data = tempfile::tempdir().unwrap();
    let backup = tempfile::tempdir().unwrap();
    let mut server = Server::start(data.path());
    let mut devices = team_of(&server, 3);
    settle(&mut devices);
    server.stop();
    copy_dir(data.path(), backup.path());
    server.restart();
    // After the backup: device 2 is revoked (two log entries, a new key epoch).
    let revoked = devices[2].store.device_id();
    team::revoke(&mut devices[0].store, revoked).unwrap();
    sync_once(&mut devices[1].store).unwrap();
    // The server is restored from the backup: it lost those entries, and the revocation.
    server.stop();
    for entry in std::fs::read_dir(data.path()).unwrap() {
        let path = entry.unwrap().path();
        if path
            .file_name()
            .unwrap()
            .to_string_lossy()
            .starts_with("qorgau-server.db")
        {
            std::fs::remove_file(path).unwrap();
        }
    }
    copy_dir(backup.path(), data.path());
    server.restart();
    // A member says so by name; the admin puts the signed entries back and revokes again.
    let err = sync_once(&mut devices[1].store).unwrap_err();
    assert!(
        matches!(err, SyncError::ServerWentBack { ref what } if what.contains("team log")),
        "{err}"
    );
    sync_once(&mut devices[0].store).unwrap();
    sync_once(&mut devices[1].store).unwrap();
    let err = sync_once(&mut devices[2].store).unwrap_err();
    assert!(
        matches!(err, SyncError::Server { status: 403, .. }),
        "{err}"
    );
}

#[test]
fn a_join_whose_code_someone_else_used_starts_over_with_a_new_code() {
    let data = tempfile::tempdir().unwrap();
    let server = Server::start(data.path());
    let mut admin = new_device();
    team::create_team(
        &mut admin.store,
        &server.url(),
        None,
        &server.operator_token,
    )
    .unwrap();
    let code = team::invite(&mut admin.store, 3600).unwrap();
    // Someone who saw the code uses it first; the caseworker's laptop is refused the code…
    let mut intruder = new_device();
    let theirs = team::enroll(&mut intruder.store, &code, false).unwrap();
    let mut laptop = new_device();
    let err = team::enroll(&mut laptop.store, &code, false).unwrap_err();
    assert!(err.to_string().contains("already used"), "{err}");
    // … and the admin, comparing digits with the caseworker, never approves the intruder,
    // whose digits the caseworker cannot read out. A new code for the laptop:
    let err = team::approve(
        &mut admin.store,
        intruder.store.device_id(),
        "000000",
        Role::Caseworker,
    );
    assert!(
        theirs.sas == "000000" || matches!(err, Err(SyncError::SasMismatch(_))),
        "{err:?}"
    );
    let code = team::invite(&mut admin.store, 3600).unwrap();
    let mine = team::enroll(&mut laptop.store, &code, false).unwrap();
    // A pending join may also start over once more (the code expired, say).
    let code2 = team::invite(&mut admin.store, 3600).unwrap();
    let mine2 = team::enroll(&mut laptop.store, &code2, false).unwrap();
    assert_eq!(mine.device_id, mine2.device_id);
    team::approve(
        &mut admin.store,
        laptop.store.device_id(),
        &mine2.sas,
        Role::Caseworker,
    )
    .unwrap();
    sync_once(&mut laptop.store).unwrap();
    assert!(SyncSettings::load(&laptop.store).unwrap().pending.is_none());
    // A member cannot enroll again.
    let code3 = team::invite(&mut admin.store, 3600).unwrap();
    assert!(matches!(
        team::enroll(&mut laptop.store, &code3, false),
        Err(SyncError::AlreadyInTeam)
    ));
    // The intruder stays outside.
    assert!(sync_once(&mut intruder.store).is_err());
}
