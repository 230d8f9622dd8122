//! Whole workspaces (`qorgau-core`) syncing through a real server: a demo workspace reaches a
//! newly enrolled laptop intact, and a letter registered on one device is reproduced
//! byte-for-byte on the other from its synced data and verifies there.

mod support;

use qorgau_core::{
    CaseFilter, KdfParams, LetterExtras, LetterRequest, Passphrase, Workspace, WorkspaceOptions,
    demo,
};
use support::Server;

fn workspace() -> (tempfile::TempDir, Workspace) {
    let dir = tempfile::tempdir().unwrap();
    let options = WorkspaceOptions {
        kdf: KdfParams::FAST_INSECURE_FOR_TESTS,
        actor: "test".into(),
    };
    let ws = Workspace::create(
        dir.path(),
        &Passphrase::new("sync test passphrase"),
        &options,
    )
    .unwrap();
    (dir, ws)
}

#[test]
fn a_demo_workspace_and_its_letters_reach_an_enrolled_laptop() {
    let data = tempfile::tempdir().unwrap();
    let server = Server::start(data.path());
    let (_a_dir, mut a) = workspace();
    let today = chrono::Local::now().date_naive();
    demo::populate(&mut a, 40, 60, 11, today).unwrap();
    a.create_team(&server.url(), None, &server.operator_token)
        .unwrap();

    // A letter registered in the team (numbered from a leased block).
    let cases = a
        .list_cases(&CaseFilter {
            limit: Some(1000),
            ..CaseFilter::default()
        })
        .unwrap();
    let request = cases
        .iter()
        .map(|c| LetterRequest {
            case_id: c.id,
            template: "confirmation".into(),
            agency_id: None,
            worker_id: None,
            letter_date: None,
            extras: LetterExtras::default(),
        })
        .find(|r| a.letter_missing_fields(r).unwrap().is_empty())
        .expect("a demo case with the data of a confirmation letter");
    let registered = a.register_letter(&request, None).unwrap();
    let record = registered.record.unwrap();

    let (_b_dir, mut b) = workspace();
    let code = a.invite_device(3600).unwrap();
    let pending = b.enroll_device(&code).unwrap();
    assert_eq!(pending.status, "pending_approval");
    let status = b.sync_status().unwrap();
    assert_eq!(
        status.pending_approval.as_deref(),
        Some(pending.sas.as_str())
    );
    // Until the admin approves, a round says so (with the code to read out).
    let err = b.sync().unwrap_err();
    assert!(err.message.contains(&pending.sas), "{err:?}");
    // A wrong code approves nothing.
    assert!(
        a.approve_device(&pending.device_id, "000000x", "caseworker")
            .is_err()
    );
    a.approve_device(&pending.device_id, &pending.sas, "caseworker")
        .unwrap();
    a.sync().unwrap();
    let report = b.sync().unwrap();
    assert!(report.applied > 0);
    assert_eq!(a.state_hash().unwrap(), b.state_hash().unwrap());
    assert_eq!(b.sync_status().unwrap().incomplete_attachments, 0);

    // The PDF did not travel; B renders it from the synced data, byte for byte.
    let on_b = b
        .letter_pdf(record.id, qorgau_core::DocumentUse::View)
        .unwrap();
    assert_eq!(on_b, registered.pdf);
    assert!(b.verify_letter_bytes(&on_b).unwrap().letter.is_some());
    // B numbers its own letters from its own leased block.
    let second = b.register_letter(&request, None).unwrap().record.unwrap();
    assert_ne!(second.number, record.number);
}
