//! The demo workspace has an agency of every kind a letter template addresses, each demo case
//! is linked to an agency its type calls for, and `propose_agencies_for_case` reads the case's
//! workplace.

use chrono::NaiveDate;
use qorgau_core::domain::worker::Employer;
use qorgau_core::domain::{AgencyKind, CaseRecord, CaseStatus, CaseType, Worker};
use qorgau_core::{KdfParams, Passphrase, Workspace, WorkspaceOptions, demo};
use std::collections::HashSet;

fn workspace() -> (tempfile::TempDir, Workspace) {
    let dir = tempfile::tempdir().unwrap();
    let options = WorkspaceOptions {
        kdf: KdfParams::FAST_INSECURE_FOR_TESTS,
        actor: "test".into(),
    };
    let ws = Workspace::create(
        dir.path(),
        &Passphrase::new("agencies test passphrase"),
        &options,
    )
    .unwrap();
    (dir, ws)
}

fn kind_name(kind: AgencyKind) -> String {
    serde_json::to_value(kind)
        .unwrap()
        .as_str()
        .unwrap()
        .to_owned()
}

/// The `recipients` of every template in assets/letters/ that are agency kinds.
fn template_recipient_kinds() -> HashSet<String> {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../../assets/letters");
    let mut kinds = HashSet::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "toml") {
            let value: toml::Value = toml::from_str(&std::fs::read_to_string(&path).unwrap())
                .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            for r in value
                .get("recipients")
                .and_then(|r| r.as_array())
                .into_iter()
                .flatten()
            {
                if let Some(r) = r.as_str() {
                    kinds.insert(r.to_owned());
                }
            }
        }
    }
    // The worker and the family are people, not agencies.
    kinds.remove("worker");
    kinds.remove("family");
    kinds
}

#[test]
fn the_demo_has_every_agency_kind_a_template_addresses() {
    let (_dir, mut ws) = workspace();
    demo::populate(
        &mut ws,
        40,
        60,
        11,
        NaiveDate::from_ymd_opt(2026, 11, 21).unwrap(),
    )
    .unwrap();
    let agencies = ws.list_agencies().unwrap();
    let present: HashSet<String> = agencies.iter().map(|a| kind_name(a.agency.kind)).collect();
    let wanted = template_recipient_kinds();
    assert!(wanted.contains("labour_office"), "{wanted:?}");
    for kind in &wanted {
        // A kind the domain does not know yet (a template ahead of the directory) fails here.
        assert!(present.contains(kind), "no demo agency of kind {kind}");
    }
    // Each kind is also linked to some demo case, so a letter to it renders from the demo.
    let cases = ws.list_cases(&Default::default()).unwrap();
    let mut linked = HashSet::new();
    for c in &cases {
        for id in &ws.case(c.id).unwrap().record.agencies {
            linked.insert(kind_name(ws.agency(*id).unwrap().agency.kind));
        }
    }
    for kind in &wanted {
        assert!(linked.contains(kind), "no demo case is linked to a {kind}");
    }
}

#[test]
fn a_case_gets_the_office_of_its_workplace() {
    let (_dir, mut ws) = workspace();
    ws.import_agencies(&qorgau_core::directory::shipped_agencies().unwrap())
        .unwrap();
    let worker = ws
        .add_worker(&Worker {
            latin_name: Some("TEST WORKER".into()),
            employer: Some(Employer {
                name: Some("테스트정밀".into()),
                address: Some("경기도 안산시 단원구 원곡로 45".into()),
                ..Employer::default()
            }),
            ..Worker::default()
        })
        .unwrap()
        .id;
    let case = ws
        .add_case(&CaseRecord {
            workers: vec![worker],
            case_type: Some(CaseType::UnpaidWages),
            status: CaseStatus::New,
            place: Some("경상남도 김해시 주촌면".into()),
            ..CaseRecord::default()
        })
        .unwrap();
    let labour = ws
        .propose_agencies_for_case(case, Some(AgencyKind::LabourOffice))
        .unwrap();
    assert_eq!(labour.from.as_deref(), Some("employer_address"));
    assert_eq!(labour.place.korean(), "경기도 안산시 단원구");
    assert_eq!(
        labour.proposals[0].agency.agency.name_ko,
        "경기지방고용노동청 안산지청"
    );
    assert!(labour.proposals[0].source.is_some());
    // The police of the place where it happened, not of the workplace.
    let police = ws
        .propose_agencies_for_case(case, Some(AgencyKind::Police))
        .unwrap();
    assert_eq!(police.from.as_deref(), Some("case_place"));
    // Both Gimhae stations cover part of the city; the table does not go down to the 읍·면.
    let first_two: Vec<&str> = police.proposals[..2]
        .iter()
        .map(|p| p.agency.agency.name_ko.as_str())
        .collect();
    assert!(first_two.contains(&"김해서부경찰서"), "{first_two:?}");
    assert!(first_two.contains(&"김해중부경찰서"), "{first_two:?}");
}
