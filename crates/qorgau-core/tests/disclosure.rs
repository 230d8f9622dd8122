//! Documents taken out of the workspace — shown, saved, printed — leave an audit entry that
//! names the document and how it was used.

use qorgau_core::domain::attachment::AttachmentOwner;
use qorgau_core::{DocumentUse, KdfParams, NewAttachment, Passphrase, Workspace, WorkspaceOptions};
use serde_json::json;

fn workspace() -> (tempfile::TempDir, Workspace) {
    let dir = tempfile::tempdir().unwrap();
    let options = WorkspaceOptions {
        kdf: KdfParams::FAST_INSECURE_FOR_TESTS,
        actor: "Aigerim".into(),
    };
    let ws = Workspace::create(dir.path(), &Passphrase::new("disclosure test"), &options).unwrap();
    (dir, ws)
}

fn last_entries(ws: &Workspace, n: i64) -> Vec<(String, String, Option<String>)> {
    ws.audit_recent(n)
        .unwrap()
        .into_iter()
        .map(|e| (e.actor, e.action, e.entity_id))
        .collect()
}

#[test]
fn opening_and_saving_an_attachment_are_audited() {
    let (_dir, mut ws) = workspace();
    let worker = ws
        .add_worker_json(json!({"surname": "Серікбаев", "given_name": "Нұрлан"}))
        .unwrap();
    let meta = ws
        .add_attachment(&NewAttachment {
            owner: AttachmentOwner::Worker(worker.id),
            file_name: "contract.jpg",
            mime_type: "image/jpeg",
            caption: None,
            bytes: b"scan of the contract",
        })
        .unwrap();
    let id = Some(meta.id.to_string());

    assert_eq!(
        ws.attachment_bytes(meta.id, DocumentUse::View).unwrap(),
        b"scan of the contract"
    );
    ws.attachment_bytes(meta.id, DocumentUse::Save).unwrap();
    assert_eq!(
        last_entries(&ws, 2),
        vec![
            ("Aigerim".into(), "attachment_save".into(), id.clone()),
            ("Aigerim".into(), "attachment_view".into(), id),
        ]
    );
    let verification = format!("{:?}", ws.verify_audit_log().unwrap());
    assert!(verification.starts_with("Intact"), "{verification}");
}

#[test]
fn each_use_has_its_own_action() {
    assert_eq!(DocumentUse::View.action("letter"), "letter_view");
    assert_eq!(DocumentUse::Save.action("letter"), "letter_save");
    assert_eq!(DocumentUse::Print.action("attachment"), "attachment_print");
}
