//! The store's side of sync: change sets out of one workspace, merged into another.

use crate::support::*;
use qorgau_domain::attachment::AttachmentOwner;
use qorgau_domain::{CaseRecord, CaseStatus, CaseType, Hlc, TimelineKind};
use qorgau_store::{
    ChangeSet, ConflictChoice, EnvelopePosition, NewAttachment, NewTimelineEntry, Store, StoreError,
};
use serde_json::{Map, Value, json};

/// A one-directional link from one workspace to another, standing in for the server: it
/// remembers what it shipped and numbers its envelopes like a device does.
struct Link {
    shipped: i64,
    seq: u64,
    global: u64,
}

impl Link {
    fn new() -> Self {
        Link {
            shipped: 0,
            seq: 0,
            global: 0,
        }
    }

    /// The change sets `from` wrote since the last shipment (attachment bytes after their
    /// metadata), as the next envelope.
    fn envelope(&mut self, from: &Store) -> (EnvelopePosition, Vec<ChangeSet>) {
        let sets = from.outbox_change_sets(self.shipped, i64::MAX).unwrap();
        self.shipped = sets.last().map(|(s, _)| *s).unwrap_or(self.shipped);
        let mut out = Vec::new();
        for (_, set) in sets {
            let chunks = if set.entity == "attachment" {
                from.attachment_chunk_sets(&set).unwrap()
            } else {
                Vec::new()
            };
            out.push(set);
            out.extend(chunks);
        }
        self.seq += 1;
        self.global += 1;
        let at = EnvelopePosition {
            device: from.device_id(),
            device_seq: self.seq,
            global_seq: self.global,
            key_epoch: 0,
        };
        (at, out)
    }

    fn ship(&mut self, from: &Store, to: &mut Store) {
        let (at, sets) = self.envelope(from);
        to.apply_envelope(at, &sets).unwrap();
    }
}

fn patch(pairs: &[(&str, Value)]) -> Map<String, Value> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.clone()))
        .collect()
}

#[test]
fn a_second_workspace_receives_every_kind_of_record_and_hashes_equal() {
    let (_a_dir, mut a) = new_store();
    let (_b_dir, mut b) = new_store();
    assert_ne!(a.device_id(), b.device_id());
    assert_eq!(a.state_hash().unwrap(), b.state_hash().unwrap());

    let mut worker = cyrillic("Сейітов", "Нұрлан");
    worker.phones = vec!["010-1234-5678".into()];
    let worker = a.add_worker(&worker).unwrap().id;
    let case = a
        .add_case(&CaseRecord {
            workers: vec![worker],
            case_type: Some(CaseType::UnpaidWages),
            summary: Some("Екі ай жалақы төленбеген".into()),
            ..CaseRecord::default()
        })
        .unwrap();
    a.add_timeline_entry(
        case,
        &NewTimelineEntry {
            kind: TimelineKind::Note,
            occurred_on: None,
            text: "Жұмыс берушіге қоңырау шалынды".into(),
        },
    )
    .unwrap();
    let task = a.add_task(case, "Еңбек инспекциясына хат", None).unwrap();
    a.set_task_done(task, true).unwrap();
    a.set_case_status(case, CaseStatus::InProgress, None)
        .unwrap();
    let photo: Vec<u8> = (0..500_000u32).map(|i| (i * 31 % 251) as u8).collect();
    let attachment = a
        .add_attachment(&NewAttachment {
            owner: AttachmentOwner::Case(case),
            file_name: "payslip.jpg",
            mime_type: "image/jpeg",
            caption: None,
            bytes: &photo,
        })
        .unwrap();

    Link::new().ship(&a, &mut b);

    assert_eq!(a.state_hash().unwrap(), b.state_hash().unwrap());
    assert_eq!(
        b.worker(worker).unwrap().worker.given_name.as_deref(),
        Some("Нұрлан")
    );
    assert_eq!(b.case(case).unwrap().record.status, CaseStatus::InProgress);
    assert!(b.tasks(case).unwrap()[0].done);
    assert_eq!(
        b.timeline(case).unwrap().len(),
        a.timeline(case).unwrap().len()
    );
    // Indexed on arrival: found by name and by the timeline's text.
    assert!(
        b.search("Нұрлан", 5)
            .unwrap()
            .iter()
            .any(|h| h.id == worker.to_string())
    );
    assert_eq!(b.attachment_bytes(attachment.id).unwrap(), photo);
    assert_eq!(b.incomplete_attachments().unwrap(), 0);
    // Applying writes nothing to ship back: B's outbox holds only its own changes.
    assert!(b.outbox_change_sets(0, 10).unwrap().is_empty());
}

#[test]
fn a_replayed_or_skipped_envelope_is_refused_and_applies_nothing() {
    let (_a_dir, mut a) = new_store();
    let (_b_dir, mut b) = new_store();
    a.add_worker(&cyrillic("Ким", "Алексей")).unwrap();
    let mut link = Link::new();
    let (at, sets) = link.envelope(&a);
    b.apply_envelope(at, &sets).unwrap();
    let hash = b.state_hash().unwrap();

    let replay = b.apply_envelope(at, &sets).unwrap_err();
    assert!(
        matches!(replay, StoreError::Sync(ref m) if m.contains("out of order")),
        "{replay}"
    );
    a.add_worker(&cyrillic("Ли", "Марина")).unwrap();
    let (mut skipped, sets) = link.envelope(&a);
    skipped.device_seq += 1;
    let gap = b.apply_envelope(skipped, &sets).unwrap_err();
    assert!(matches!(gap, StoreError::Sync(_)), "{gap}");
    assert_eq!(b.state_hash().unwrap(), hash);
}

#[test]
fn concurrent_edits_of_one_field_converge_and_leave_a_conflict_to_review() {
    let (_a_dir, mut a) = new_store();
    let (_b_dir, mut b) = new_store();
    let worker = a.add_worker(&cyrillic("Ахметов", "Ерлан")).unwrap().id;
    let mut a_to_b = Link::new();
    let mut b_to_a = Link::new();
    a_to_b.ship(&a, &mut b);

    // Offline on both: the same field, different values; another field only on A.
    a.update_worker(worker, &patch(&[("address_kr", json!("안산시 단원구 1"))]))
        .unwrap();
    a.update_worker(
        worker,
        &patch(&[("hangul_name", json!("아흐메토프 예를란"))]),
    )
    .unwrap();
    b.update_worker(worker, &patch(&[("address_kr", json!("화성시 2"))]))
        .unwrap();
    a_to_b.ship(&a, &mut b);
    b_to_a.ship(&b, &mut a);

    assert_eq!(a.state_hash().unwrap(), b.state_hash().unwrap());
    let on_a = a.worker(worker).unwrap().worker;
    assert_eq!(on_a.hangul_name.as_deref(), Some("아흐메토프 예를란"));
    // B wrote last, so B's address wins everywhere.
    assert_eq!(on_a.address_kr.as_deref(), Some("화성시 2"));
    for store in [&a, &b] {
        let open = store.conflicts(false).unwrap();
        assert_eq!(open.len(), 1, "{open:?}");
        assert_eq!(open[0].field, "address_kr");
        assert_eq!(open[0].kept, json!("화성시 2"));
        assert_eq!(open[0].other, json!("안산시 단원구 1"));
    }

    // A person on B chooses the other value: a new change, which closes A's conflict too.
    let id = b.conflicts(false).unwrap()[0].id;
    b.resolve_conflict(id, ConflictChoice::Other).unwrap();
    b_to_a.ship(&b, &mut a);
    assert_eq!(
        a.worker(worker).unwrap().worker.address_kr.as_deref(),
        Some("안산시 단원구 1")
    );
    assert!(a.conflicts(false).unwrap().is_empty());
    assert!(b.conflicts(false).unwrap().is_empty());
    assert_eq!(a.state_hash().unwrap(), b.state_hash().unwrap());
}

#[test]
fn an_edit_made_after_seeing_the_other_is_no_conflict_whatever_the_order() {
    let (_a_dir, mut a) = new_store();
    let (_b_dir, mut b) = new_store();
    let (_c_dir, mut c) = new_store();
    let worker = a.add_worker(&cyrillic("Пак", "Ольга")).unwrap().id;
    let mut a_to_b = Link::new();
    let mut a_to_c = Link::new();
    let mut b_to_c = Link::new();
    a_to_b.ship(&a, &mut b);
    // B edits after seeing A's worker; C gets B's edit before A's creation would be
    // impossible (an update needs its record), so C gets A first, then B's edit, then A's
    // later edit which had not seen B's: that one is a conflict.
    b.update_worker(worker, &patch(&[("address_kr", json!("부산 3"))]))
        .unwrap();
    a_to_c.ship(&a, &mut c);
    b_to_c.ship(&b, &mut c);
    assert!(c.conflicts(false).unwrap().is_empty());
    assert_eq!(
        c.worker(worker).unwrap().worker.address_kr.as_deref(),
        Some("부산 3")
    );
}

#[test]
fn an_update_for_an_unknown_record_is_refused_with_its_place() {
    let (_a_dir, mut a) = new_store();
    let (_b_dir, mut b) = new_store();
    let worker = a.add_worker(&cyrillic("Ким", "Виктор")).unwrap().id;
    a.update_worker(worker, &patch(&[("address_kr", json!("서울 1"))]))
        .unwrap();
    let sets = a.outbox_change_sets(1, 10).unwrap();
    let at = EnvelopePosition {
        device: a.device_id(),
        device_seq: 1,
        global_seq: 1,
        key_epoch: 0,
    };
    let err = b
        .apply_envelope(at, &sets.into_iter().map(|(_, s)| s).collect::<Vec<_>>())
        .unwrap_err()
        .to_string();
    assert!(err.contains("change set 0 (worker"), "{err}");
    assert!(err.contains("does not have"), "{err}");
    assert_eq!(b.peer_position(a.device_id()).unwrap(), 0);
}

/// Two workspaces and the links between them.
struct Laptops {
    _dirs: (tempfile::TempDir, tempfile::TempDir),
    a: Store,
    b: Store,
    a_to_b: Link,
    b_to_a: Link,
}

impl Laptops {
    fn new() -> Laptops {
        let (a_dir, a) = new_store();
        let (b_dir, b) = new_store();
        Laptops {
            _dirs: (a_dir, b_dir),
            a,
            b,
            a_to_b: Link::new(),
            b_to_a: Link::new(),
        }
    }

    /// The same person registered on both offline, then synced both ways.
    fn with_one_person_twice() -> (Laptops, qorgau_domain::WorkerId, qorgau_domain::WorkerId) {
        let mut l = Laptops::new();
        let (first, second) = same_person_twice(&mut l.a, &mut l.b);
        l.a_to_b.ship(&l.a, &mut l.b);
        l.b_to_a.ship(&l.b, &mut l.a);
        (l, first, second)
    }
}

/// The same person registered on two laptops offline, with different details.
fn same_person_twice(
    a: &mut Store,
    b: &mut Store,
) -> (qorgau_domain::WorkerId, qorgau_domain::WorkerId) {
    let birth = date(1988, 3, 14);
    let iin = iin(birth, qorgau_domain::Sex::Male, 417);
    let mut on_a = cyrillic("Омаров", "Бауыржан");
    on_a.iin = Some(iin.clone());
    on_a.phones = vec!["010-2345-6789".into()];
    let mut on_b = cyrillic("Омаров", "Бауыржан");
    on_b.iin = Some(iin);
    on_b.address_kr = Some("김해시 3".into());
    on_b.phones = vec!["010-9876-5432".into()];
    let first = a.add_worker(&on_a).unwrap().id;
    let second = b.add_worker(&on_b).unwrap().id;
    (first, second)
}

#[test]
fn a_person_registered_on_two_laptops_is_flagged_and_merged_keeping_both_histories() {
    let (_a_dir, mut a) = new_store();
    let (_b_dir, mut b) = new_store();
    let (first, second) = same_person_twice(&mut a, &mut b);
    let case_b = b
        .add_case(&CaseRecord {
            workers: vec![second],
            case_type: Some(CaseType::UnpaidWages),
            ..CaseRecord::default()
        })
        .unwrap();
    let mut a_to_b = Link::new();
    let mut b_to_a = Link::new();
    a_to_b.ship(&a, &mut b);
    b_to_a.ship(&b, &mut a);

    let pairs = a.duplicate_workers().unwrap();
    assert_eq!(pairs.len(), 1, "{pairs:?}");
    assert_eq!(pairs[0].reason, "iin");
    assert_eq!(pairs, b.duplicate_workers().unwrap());

    let merged = a.merge_workers(second, first).unwrap();
    // The earlier record is kept whichever order the ids are given in.
    assert_eq!(merged.kept, pairs[0].keep);
    assert_eq!(merged.cases_moved, vec![case_b]);
    let kept = a.worker(merged.kept).unwrap().worker;
    assert_eq!(kept.phones.len(), 2, "both phones: {:?}", kept.phones);
    assert!(kept.address_kr.is_some());
    assert!(a.duplicate_workers().unwrap().is_empty());
    a_to_b.ship(&a, &mut b);

    assert_eq!(a.state_hash().unwrap(), b.state_hash().unwrap());
    assert!(b.duplicate_workers().unwrap().is_empty());
    assert_eq!(b.case(case_b).unwrap().record.workers, vec![merged.kept]);
    assert_eq!(b.merged_into(merged.merged).unwrap(), Some(merged.kept));
    // Hidden from lists and search, still readable by id.
    let listed = b.list_workers(&Default::default()).unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(
        b.search("Бауыржан", 10)
            .unwrap()
            .iter()
            .filter(|h| h.id == merged.merged.to_string())
            .count(),
        0
    );
    assert!(b.worker(merged.merged).is_ok());
}

#[test]
fn two_laptops_merging_the_same_pair_converge() {
    let (
        Laptops {
            _dirs,
            mut a,
            mut b,
            mut a_to_b,
            mut b_to_a,
        },
        first,
        second,
    ) = Laptops::with_one_person_twice();
    let on_a = a.merge_workers(first, second).unwrap();
    let on_b = b.merge_workers(second, first).unwrap();
    assert_eq!((on_a.kept, on_a.merged), (on_b.kept, on_b.merged));
    a_to_b.ship(&a, &mut b);
    b_to_a.ship(&b, &mut a);
    assert_eq!(a.state_hash().unwrap(), b.state_hash().unwrap());
    assert_eq!(a.list_workers(&Default::default()).unwrap().len(), 1);
}

#[test]
fn a_draft_is_numbered_only_on_the_device_that_wrote_it() {
    let (_a_dir, mut a) = new_store();
    let (_b_dir, mut b) = new_store();
    a.set_mission(&qorgau_domain::MissionProfile::embassy_seoul())
        .unwrap();
    let worker = a.add_worker(&cyrillic("Жұмабеков", "Әлихан")).unwrap().id;
    let case = a
        .add_case(&CaseRecord {
            workers: vec![worker],
            case_type: Some(CaseType::UnpaidWages),
            ..CaseRecord::default()
        })
        .unwrap();
    let new = qorgau_store::NewLetter {
        case_id: case,
        agency_id: None,
        template: "wage_arrears".into(),
        subject: "임금체불 진정".into(),
        letter_date: today(),
        data: Default::default(),
    };
    let draft = a.save_draft_letter(&new).unwrap();
    Link::new().ship(&a, &mut b);
    let pdf = |n: &str| Ok::<_, StoreError>(format!("%PDF {n}").into_bytes());
    let err = b.register_letter(&new, Some(draft), pdf).unwrap_err();
    assert!(err.to_string().contains("another device"), "{err}");
    // On its own device it registers.
    assert!(
        a.register_letter(&new, Some(draft), pdf)
            .unwrap()
            .number
            .is_some()
    );
}

#[test]
fn one_record_merged_into_two_different_ones_ends_merged_into_the_same_everywhere() {
    let (_a_dir, mut a) = new_store();
    let (_b_dir, mut b) = new_store();
    let birth = date(1990, 5, 2);
    let person = |given: &str| {
        let mut w = cyrillic("Ким", given);
        w.iin = Some(iin(birth, qorgau_domain::Sex::Male, 88));
        w
    };
    let k1 = a.add_worker(&person("Олег")).unwrap().id;
    let k2 = b.add_worker(&person("Олег")).unwrap().id;
    let mut a_to_b = Link::new();
    let mut b_to_a = Link::new();
    a_to_b.ship(&a, &mut b);
    b_to_a.ship(&b, &mut a);
    // The newest of three records of one person, known to both.
    let x = {
        let mut w = person("Олег");
        w.address_kr = Some("수원시 7".into());
        // The IIN is already on file: register the copy without it, as a caseworker might.
        w.iin = None;
        a.add_worker(&w).unwrap().id
    };
    a_to_b.ship(&a, &mut b);
    a.merge_workers(k1, x).unwrap();
    b.merge_workers(k2, x).unwrap();
    a_to_b.ship(&a, &mut b);
    b_to_a.ship(&b, &mut a);
    let smaller = if k1.as_bytes() < k2.as_bytes() {
        k1
    } else {
        k2
    };
    assert_eq!(a.merged_into(x).unwrap(), Some(smaller));
    assert_eq!(b.merged_into(x).unwrap(), Some(smaller));
    assert_eq!(a.state_hash().unwrap(), b.state_hash().unwrap());
}

#[test]
fn mission_profiles_set_on_two_workspaces_before_they_met_converge() {
    let (_a_dir, mut a) = new_store();
    let (_b_dir, mut b) = new_store();
    a.set_mission(&qorgau_domain::MissionProfile::embassy_seoul())
        .unwrap();
    b.set_mission(&qorgau_domain::MissionProfile::consulate_general_busan())
        .unwrap();
    let mut a_to_b = Link::new();
    let mut b_to_a = Link::new();
    a_to_b.ship(&a, &mut b);
    b_to_a.ship(&b, &mut a);
    assert_eq!(a.mission().unwrap(), b.mission().unwrap());
    assert_eq!(a.state_hash().unwrap(), b.state_hash().unwrap());
}

#[test]
fn an_attachment_chunk_out_of_range_is_refused_with_its_place() {
    let (_a_dir, a) = new_store();
    let (_b_dir, mut b) = new_store();
    let mut fields = Map::new();
    fields.insert("index".into(), json!(5));
    fields.insert("count".into(), json!(2));
    fields.insert("data".into(), json!("AAAA"));
    let chunk = ChangeSet {
        entity: "attachment_chunk".into(),
        id: "00".repeat(16),
        hlc: qorgau_domain::Hlc(1 << 20),
        fields,
        bases: None,
    };
    let at = EnvelopePosition {
        device: a.device_id(),
        device_seq: 1,
        global_seq: 1,
        key_epoch: 0,
    };
    let err = b.apply_envelope(at, &[chunk]).unwrap_err().to_string();
    assert!(err.contains("out of range"), "{err}");
}

#[test]
fn updates_made_before_sync_existed_are_not_mistaken_for_concurrent_edits() {
    let (a_dir, mut a) = new_store();
    let worker = a.add_worker(&cyrillic("Ахметов", "Ерлан")).unwrap().id;
    a.update_worker(worker, &patch(&[("address_kr", json!("안산시 1"))]))
        .unwrap();
    a.update_worker(worker, &patch(&[("address_kr", json!("안산시 2"))]))
        .unwrap();
    drop(a);
    // Turn the workspace back into one written before migrations 3 to 10 (the audit key of 8
    // stays in `meta`; migration 8 leaves a key it finds).
    let conn = raw_connection(a_dir.path(), PASSPHRASE);
    conn.execute_batch(
        "DROP TABLE wage_calcs; DROP TABLE case_deadlines; DROP TABLE case_logs;
         DROP TABLE team_log; DROP TABLE peer_chain;
         DROP TRIGGER open_case_counts_insert; DROP TRIGGER open_case_counts_delete;
         DROP TRIGGER open_case_counts_update; DROP TABLE open_case_counts; DROP INDEX cases_assignee;
         DROP INDEX timeline_hlc; DROP TABLE field_versions; DROP TABLE conflicts; DROP TABLE sync_peers;
         DROP TABLE sync_pending; DROP TABLE attachment_inbox; DROP TABLE attachment_chunk_inbox;
         DROP TABLE worker_merges; ALTER TABLE outbox DROP COLUMN bases;
         DROP TABLE held_changes; DROP TABLE quarantined_envelopes;
         PRAGMA user_version = 2;",
    )
    .unwrap();
    drop(conn);
    let a = reopen(a_dir.path());
    let sets = a.outbox_change_sets(0, 10).unwrap();
    assert!(sets[0].1.bases.is_none(), "the creation has no base");
    assert!(sets[1].1.bases.is_some() && sets[2].1.bases.is_some());

    let (_b_dir, mut b) = new_store();
    Link::new().ship(&a, &mut b);
    assert!(b.conflicts(true).unwrap().is_empty());
    assert_eq!(
        b.worker(worker).unwrap().worker.address_kr.as_deref(),
        Some("안산시 2")
    );
    assert_eq!(a.state_hash().unwrap(), b.state_hash().unwrap());
}

#[test]
fn a_laptop_whose_clock_runs_hours_ahead_does_not_win_over_later_edits() {
    let (a_dir, mut a) = new_store();
    let worker = a.add_worker(&cyrillic("Цой", "Айгерим")).unwrap().id;
    drop(a);
    // A's clock reads five hours ahead of the others'.
    let ahead = (chrono::Utc::now().timestamp_millis() as u64 + 5 * 3600 * 1000) << 16;
    raw_connection(a_dir.path(), PASSPHRASE)
        .execute(
            "UPDATE meta SET value = ?1 WHERE key = 'hlc_last'",
            [ahead.to_string()],
        )
        .unwrap();
    let mut a = reopen(a_dir.path());
    let (_b_dir, mut b) = new_store();
    let mut a_to_b = Link::new();
    let mut b_to_a = Link::new();
    a_to_b.ship(&a, &mut b);
    a.update_worker(worker, &patch(&[("address_kr", json!("대구 1"))]))
        .unwrap();
    a_to_b.ship(&a, &mut b);
    // B, with a correct clock, corrects the address after seeing A's edit: B's edit is the
    // later one and must win on both, with no conflict.
    b.update_worker(worker, &patch(&[("address_kr", json!("대구 2"))]))
        .unwrap();
    b_to_a.ship(&b, &mut a);
    for store in [&a, &b] {
        assert_eq!(
            store.worker(worker).unwrap().worker.address_kr.as_deref(),
            Some("대구 2")
        );
        assert!(store.conflicts(true).unwrap().is_empty());
    }
    assert_eq!(a.state_hash().unwrap(), b.state_hash().unwrap());
}

#[test]
fn an_envelope_under_an_older_team_key_after_a_newer_one_is_refused() {
    let (_a_dir, mut a) = new_store();
    let (_b_dir, mut b) = new_store();
    let mut link = Link::new();
    a.add_worker(&cyrillic("Ким", "Алексей")).unwrap();
    let (mut at, sets) = link.envelope(&a);
    at.key_epoch = 1;
    b.apply_envelope(at, &sets).unwrap();
    a.add_worker(&cyrillic("Ли", "Марина")).unwrap();
    let (at, sets) = link.envelope(&a);
    assert_eq!(at.key_epoch, 0);
    let err = b.apply_envelope(at, &sets).unwrap_err().to_string();
    assert!(err.contains("older than epoch 1"), "{err}");
    assert_eq!(b.stats().unwrap().workers, 1);
}

#[test]
fn an_edit_of_a_merged_record_made_before_the_merge_keeps_it_out_of_search() {
    let (
        Laptops {
            _dirs,
            mut a,
            mut b,
            mut a_to_b,
            mut b_to_a,
        },
        first,
        second,
    ) = Laptops::with_one_person_twice();
    let merged = a.merge_workers(first, second).unwrap();
    // Meanwhile, on B, someone corrects the spelling of the record A merged away.
    b.update_worker(merged.merged, &patch(&[("given_name", json!("Бауржан"))]))
        .unwrap();
    b_to_a.ship(&b, &mut a);
    a_to_b.ship(&a, &mut b);
    for store in [&a, &b] {
        let hits = store.search("Бауржан", 10).unwrap();
        assert!(
            hits.iter().all(|h| h.id != merged.merged.to_string()),
            "{hits:?}"
        );
    }
    assert_eq!(a.state_hash().unwrap(), b.state_hash().unwrap());
}

/// Sets a workspace's clock (its last HLC) to `ms` Unix milliseconds: the clock reads that
/// from now on, as if its system clock were set there.
fn set_clock(dir: &std::path::Path, ms: u64) {
    raw_connection(dir, PASSPHRASE)
        .execute(
            "UPDATE meta SET value = ?1 WHERE key = 'hlc_last'",
            [Hlc::new(ms, 0).0.to_string()],
        )
        .unwrap();
}

#[test]
fn a_laptop_thirty_years_ahead_does_not_beat_a_later_real_edit() {
    let (a_dir, mut a) = new_store();
    let worker = a.add_worker(&cyrillic("Цой", "Айгерим")).unwrap().id;
    let (_b_dir, mut b) = new_store();
    let (_c_dir, mut c) = new_store();
    let mut a_to_b = Link::new();
    let mut a_to_c = Link::new();
    a_to_b.ship(&a, &mut b);
    a_to_c.ship(&a, &mut c);
    // A's clock now reads 2056.
    drop(a);
    let now = chrono::Utc::now().timestamp_millis() as u64;
    let thirty_years = 30 * 365 * 24 * 3600 * 1000;
    set_clock(a_dir.path(), now + thirty_years);
    let mut a = reopen(a_dir.path());
    a.update_worker(worker, &patch(&[("address_kr", json!("미래 2056"))]))
        .unwrap();
    let (at, sets) = a_to_b.envelope(&a);
    assert!(sets[0].hlc.wall_ms() > now + thirty_years - 1000);
    let report = b.apply_envelope(at, &sets).unwrap();
    assert_eq!((report.held_ahead, report.applied), (1, 0), "{report:?}");
    let held = b.held_changes().unwrap();
    assert_eq!(held.len(), 1);
    assert_eq!(
        (held[0].entity.as_str(), held[0].device),
        ("worker", a.device_id())
    );
    assert_eq!(held[0].hlc, sets[0].hlc);
    // B's clock was not dragged to 2056: its next edit is stamped today, and wins.
    b.update_worker(worker, &patch(&[("address_kr", json!("대구 2026"))]))
        .unwrap();
    let b_sets = b.outbox_change_sets(0, i64::MAX).unwrap();
    let b_edit = &b_sets.last().unwrap().1;
    assert!(b_edit.hlc.wall_ms() < now + 3_600_000, "{:?}", b_edit.hlc);
    let mut b_to_c = Link::new();
    a_to_c.ship(&a, &mut c);
    b_to_c.ship(&b, &mut c);
    for store in [&b, &c] {
        assert_eq!(
            store.worker(worker).unwrap().worker.address_kr.as_deref(),
            Some("대구 2026")
        );
        assert_eq!(store.held_change_count().unwrap(), 1);
    }
    assert_eq!(b.state_hash().unwrap(), c.state_hash().unwrap());
    // Shipping A's envelope again (a retried pull) does not hold it twice: it is refused
    // as a replay.
    assert!(b.apply_envelope(at, &sets).is_err());
    assert_eq!(b.held_change_count().unwrap(), 1);
}

#[test]
fn a_stamp_at_the_top_of_the_clock_neither_wraps_a_clock_nor_wins() {
    let (_a_dir, mut a) = new_store();
    let worker = a.add_worker(&cyrillic("Ли", "Марина")).unwrap().id;
    let (b_dir, mut b) = new_store();
    let mut a_to_b = Link::new();
    a_to_b.ship(&a, &mut b);
    // A forged change set with the largest stamp a u64 holds, for a field and as a base.
    let (mut at, _) = a_to_b.envelope(&a);
    at.device_seq = 2;
    let forged = ChangeSet {
        entity: "worker".into(),
        id: hex::encode(worker.as_bytes()),
        hlc: Hlc(u64::MAX),
        fields: patch(&[("phones", json!(["+821099999999"]))]),
        bases: None,
    };
    let report = b.apply_envelope(at, &[forged]).unwrap();
    assert_eq!(report.held_ahead, 1);
    assert!(b.worker(worker).unwrap().worker.phones.is_empty());
    b.update_worker(worker, &patch(&[("address_kr", json!("부산"))]))
        .unwrap();
    drop(b);
    let last: String = raw_connection(b_dir.path(), PASSPHRASE)
        .query_row("SELECT value FROM meta WHERE key = 'hlc_last'", [], |r| {
            r.get(0)
        })
        .unwrap();
    let last = Hlc(last.parse().unwrap());
    let now = chrono::Utc::now().timestamp_millis() as u64;
    assert!(
        last.wall_ms() > now - 3_600_000 && last.wall_ms() < now + 3_600_000,
        "the clock stays on today: {last:?}"
    );
}

#[test]
fn a_workspace_of_schema_four_with_a_stamp_past_2_63_opens_with_its_data_and_orders_it() {
    let (a_dir, mut a) = new_store();
    let worker = a.add_worker(&cyrillic("Ким", "Олег")).unwrap().id;
    a.update_worker(worker, &patch(&[("address_kr", json!("서울"))]))
        .unwrap();
    drop(a);
    // Turn it back into schema 4, with the version a u64::MAX stamp left there before the
    // clock had a ceiling (stored as -1).
    let conn = raw_connection(a_dir.path(), PASSPHRASE);
    conn.execute_batch(
        "DROP TABLE wage_calcs; DROP TABLE case_deadlines; DROP TABLE case_logs;
         DROP TABLE team_log; DROP TABLE peer_chain;
         DROP TABLE held_changes; DROP TABLE quarantined_envelopes;
         DROP TRIGGER open_case_counts_insert; DROP TRIGGER open_case_counts_delete;
         DROP TRIGGER open_case_counts_update; DROP TABLE open_case_counts; DROP INDEX cases_assignee;
         UPDATE field_versions SET hlc = -1 WHERE field = 'address_kr';
         PRAGMA user_version = 4;",
    )
    .unwrap();
    drop(conn);
    let a = reopen(a_dir.path());
    assert_eq!(a.stats().unwrap().schema_version, 11);
    assert_eq!(a.held_change_count().unwrap(), 0);
    assert_eq!(
        a.worker(worker).unwrap().worker.address_kr.as_deref(),
        Some("서울")
    );
    let stored: i64 = raw_connection(a_dir.path(), PASSPHRASE)
        .query_row(
            "SELECT hlc FROM field_versions WHERE field = 'address_kr'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(
        stored,
        i64::MAX,
        "brought down to the ceiling, above every real stamp"
    );
}

#[test]
fn a_quarantined_envelope_moves_the_cursor_and_its_device_goes_on() {
    let (_a_dir, mut a) = new_store();
    let (_b_dir, mut b) = new_store();
    let mut link = Link::new();
    a.add_worker(&cyrillic("Ким", "Олег")).unwrap();
    let (first, _) = link.envelope(&a);
    b.quarantine_envelope(first, "sync: an entity from a newer build", true, b"[]")
        .unwrap();
    assert_eq!(b.sync_cursor().unwrap(), first.global_seq);
    let listed = b.quarantined_envelopes().unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!((listed[0].device, listed[0].device_seq), (a.device_id(), 1));
    // A's next envelope is its next one here: it applies.
    a.add_worker(&cyrillic("Пак", "Ольга")).unwrap();
    link.ship(&a, &mut b);
    assert_eq!(b.stats().unwrap().workers, 1);
}

#[test]
fn a_held_change_applies_once_the_clock_has_caught_up_with_it() {
    let (a_dir, mut a) = new_store();
    let worker = a.add_worker(&cyrillic("Ким", "Олег")).unwrap().id;
    let (b_dir, mut b) = new_store();
    let mut link = Link::new();
    link.ship(&a, &mut b);
    drop(a);
    let now = chrono::Utc::now().timestamp_millis() as u64;
    set_clock(a_dir.path(), now + 2 * 24 * 3600 * 1000);
    let mut a = reopen(a_dir.path());
    a.update_worker(worker, &patch(&[("address_kr", json!("인천"))]))
        .unwrap();
    link.ship(&a, &mut b);
    assert_eq!(b.held_change_count().unwrap(), 1);
    // Nothing is due yet.
    assert_eq!(b.release_held_changes().unwrap().applied, 0);
    assert_eq!(b.held_change_count().unwrap(), 1);
    // Two days later (the held stamp moved back by two days stands in for the clock moving
    // forward): it applies and is no longer held.
    drop(b);
    let conn = raw_connection(b_dir.path(), PASSPHRASE);
    let text: String = conn
        .query_row("SELECT change_set FROM held_changes", [], |r| r.get(0))
        .unwrap();
    let mut set: ChangeSet = serde_json::from_str(&text).unwrap();
    set.hlc = Hlc::new(now, 0);
    conn.execute(
        "UPDATE held_changes SET change_set = ?1",
        [serde_json::to_string(&set).unwrap()],
    )
    .unwrap();
    drop(conn);
    let mut b = reopen(b_dir.path());
    assert_eq!(b.release_held_changes().unwrap().applied, 1);
    assert_eq!(b.held_change_count().unwrap(), 0);
    assert_eq!(
        b.worker(worker).unwrap().worker.address_kr.as_deref(),
        Some("인천")
    );
}

/// Issue 13, item 10: what other devices changed, and what was set aside, is in this
/// device's audit log, written with the change itself, and the chain still verifies.
#[test]
fn changes_applied_or_set_aside_from_another_device_are_in_the_audit_log() {
    let (_a_dir, mut a) = new_store();
    let (_b_dir, mut b) = new_store();
    let mut link = Link::new();
    a.add_worker(&cyrillic("Ким", "Олег")).unwrap();
    a.add_worker(&cyrillic("Пак", "Ольга")).unwrap();
    link.ship(&a, &mut b);
    let entry = |store: &Store, action: &str| {
        store
            .audit_recent(50)
            .unwrap()
            .into_iter()
            .find(|e| e.action == action)
            .unwrap_or_else(|| panic!("no {action} entry"))
    };
    let applied = entry(&b, "sync_applied");
    assert_eq!(applied.entity, "device");
    assert_eq!(applied.entity_id, Some(a.device_id().to_string()));
    assert_eq!(applied.detail.as_deref(), Some("envelope 1: 2 worker"));

    a.add_worker(&cyrillic("Ли", "Анна")).unwrap();
    let (second, _) = link.envelope(&a);
    b.quarantine_envelope(second, "bad_signature", true, b"[]")
        .unwrap();
    let set_aside = entry(&b, "sync_quarantined");
    assert_eq!(set_aside.entity_id, Some(a.device_id().to_string()));
    assert_eq!(
        set_aside.detail.as_deref(),
        Some("envelope 2 (position 2): bad_signature")
    );
    assert!(matches!(
        b.verify_audit_log().unwrap(),
        qorgau_store::AuditVerification::Intact { .. }
    ));
}
