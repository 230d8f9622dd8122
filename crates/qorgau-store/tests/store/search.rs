//! Search across Cyrillic, Latin and Hangul, by identifiers and phone numbers, and in case text.

use crate::support::*;
use qorgau_domain::{CaseId, CaseRecord, CaseType, Sex, TimelineKind, Worker, WorkerId};
use qorgau_store::{NewTimelineEntry, SearchHit, SearchKind, Store};
use serde_json::{Map, Value, json};

struct People {
    nurlan: WorkerId,
    kim: WorkerId,
    tsoy: WorkerId,
    wages: CaseId,
    injury: CaseId,
}

fn people() -> (tempfile::TempDir, Store, People) {
    let (dir, mut store) = new_store();
    let birth = date(1979, 10, 28);
    let nurlan = store
        .add_worker(&Worker {
            surname: Some("Сейітов".into()),
            given_name: Some("Нұрлан".into()),
            sex: Some(Sex::Male),
            birth_date: Some(birth),
            iin: Some(iin(birth, Sex::Male, 3027)),
            phones: vec!["010-1234-5678".into()],
            ..Worker::default()
        })
        .unwrap()
        .id;
    let kim = store
        .add_worker(&Worker {
            latin_name: Some("KIM ALEXANDR".into()),
            hangul_name: Some("김알렉산드르".into()),
            phones: vec!["+7 701 234 5678".into()],
            ..Worker::default()
        })
        .unwrap()
        .id;
    let tsoy = store.add_worker(&cyrillic("Цой", "Айгерим")).unwrap().id;
    let wages = store
        .add_case(&CaseRecord {
            workers: vec![nurlan],
            case_type: Some(CaseType::UnpaidWages),
            summary: Some("Не выплачена зарплата, птицефабрика в Ансане".into()),
            ..CaseRecord::default()
        })
        .unwrap();
    let injury = store
        .add_case(&CaseRecord {
            workers: vec![tsoy],
            case_type: Some(CaseType::WorkplaceInjury),
            summary: Some("Травма на производстве".into()),
            ..CaseRecord::default()
        })
        .unwrap();
    store
        .add_timeline_entry(
            injury,
            &NewTimelineEntry {
                kind: TimelineKind::AgencyReply,
                occurred_on: None,
                text: "Ответ из Кыншильчана: компенсация назначена".into(),
            },
        )
        .unwrap();
    (
        dir,
        store,
        People {
            nurlan,
            kim,
            tsoy,
            wages,
            injury,
        },
    )
}

fn worker_hits(store: &Store, query: &str) -> Vec<WorkerId> {
    store
        .search(query, 20)
        .unwrap()
        .into_iter()
        .filter(|h| h.kind == SearchKind::Worker)
        .map(|h| h.id.parse().unwrap())
        .collect()
}

fn case_hits(store: &Store, query: &str) -> Vec<CaseId> {
    store
        .search(query, 20)
        .unwrap()
        .into_iter()
        .filter(|h| h.kind == SearchKind::Case)
        .map(|h| h.id.parse().unwrap())
        .collect()
}

#[test]
fn a_name_typed_in_any_script_finds_the_worker() {
    let (_dir, store, p) = people();
    for query in ["Nurlan", "нұрлан", "Нурлан", "누를란", "NURLAN", "Seiitov"] {
        let hits = store.search(query, 20).unwrap();
        assert!(!hits.is_empty(), "{query:?} found nothing");
        assert_eq!(hits[0].kind, SearchKind::Worker, "{query:?}: {hits:?}");
        assert_eq!(hits[0].id, p.nurlan.to_string(), "{query:?}: {hits:?}");
        assert_eq!(worker_hits(&store, query), vec![p.nurlan], "{query:?}");
    }
    for query in [
        "Choi",
        "최",
        "Tsoy",
        "Цой",
        "tsoi",
        "Aigerim",
        "Choi Aigerim",
        "최 아이게림",
    ] {
        assert_eq!(worker_hits(&store, query), vec![p.tsoy], "{query:?}");
    }
    for query in [
        "Ким",
        "김",
        "Kim",
        "Alexandr",
        "알렉산드르",
        "Ким Александр",
    ] {
        assert_eq!(worker_hits(&store, query), vec![p.kim], "{query:?}");
    }
    // Words are AND-ed: a right surname with a wrong given name finds nobody.
    assert!(worker_hits(&store, "Цой Нұрлан").is_empty());
    assert!(worker_hits(&store, "Марат").is_empty());
}

#[test]
fn search_works_as_you_type() {
    let (_dir, store, p) = people();
    for query in ["нұр", "Нұрл", "nur", "Сейі", "누를"] {
        assert_eq!(worker_hits(&store, query), vec![p.nurlan], "{query:?}");
    }
    for query in ["Айг", "aig"] {
        assert_eq!(worker_hits(&store, query), vec![p.tsoy], "{query:?}");
    }
    assert_eq!(worker_hits(&store, "Цой Айг"), vec![p.tsoy]);
}

#[test]
fn identifiers_and_phone_numbers_are_searchable() {
    let (_dir, store, p) = people();
    // IIN, whole or as its first digits.
    let iin = store.worker(p.nurlan).unwrap().worker.iin.unwrap();
    assert_eq!(worker_hits(&store, &iin), vec![p.nurlan]);
    assert_eq!(worker_hits(&store, &iin[..6]), vec![p.nurlan]);
    // A Korean phone stored as +821012345678, looked up in the forms people type.
    for query in [
        "01012345678",
        "010123",
        "+821012345678",
        "821012345678",
        "010-1234-5678",
        "010 1234 5678",
        "+82 10-1234-5678",
    ] {
        assert_eq!(worker_hits(&store, query), vec![p.nurlan], "{query:?}");
    }
    // A Kazakh phone stored as +77012345678: in international form and with the trunk 8.
    for query in [
        "77012345678",
        "+7 701 234 5678",
        "87012345678",
        "8 701 234 56 78",
    ] {
        assert_eq!(worker_hits(&store, query), vec![p.kim], "{query:?}");
    }
    assert!(worker_hits(&store, "01099999999").is_empty());
}

#[test]
fn cases_are_found_by_their_summary_and_their_timeline() {
    let (_dir, store, p) = people();
    assert_eq!(case_hits(&store, "птицефабрика"), vec![p.wages]);
    assert_eq!(case_hits(&store, "птицефаб"), vec![p.wages]);
    // Cyrillic text is found with a Latin query too.
    assert_eq!(case_hits(&store, "ptitsefabrika"), vec![p.wages]);
    // A word that is only in a timeline entry finds its case.
    assert_eq!(case_hits(&store, "компенсация"), vec![p.injury]);
    assert_eq!(case_hits(&store, "Кыншильчан"), vec![p.injury]);
    // Status changes are timeline entries too, but the word must match.
    assert!(case_hits(&store, "самолёт").is_empty());
}

#[test]
fn an_edited_case_is_found_by_its_new_words_only() {
    let (_dir, mut store, p) = people();
    let mut patch = Map::new();
    patch.insert(
        "summary".into(),
        Value::String("Задержан в аэропорту Инчхон".into()),
    );
    store.update_case(p.wages, &patch).unwrap();
    assert_eq!(case_hits(&store, "Инчхон"), vec![p.wages]);
    assert!(case_hits(&store, "птицефабрика").is_empty());
}

#[test]
fn an_edited_worker_is_found_by_the_new_name_only() {
    let (_dir, mut store, p) = people();
    let mut patch = Map::new();
    patch.insert("surname".into(), json!("Омаров"));
    store.update_worker(p.nurlan, &patch).unwrap();
    assert_eq!(worker_hits(&store, "Омаров"), vec![p.nurlan]);
    assert!(worker_hits(&store, "Сейітов").is_empty());
    assert_eq!(worker_hits(&store, "Nurlan"), vec![p.nurlan]);
}

#[test]
fn hits_serialise_to_the_documented_json_shape() {
    let (_dir, store, p) = people();
    let hits = store.search("Nurlan", 10).unwrap();
    let json = serde_json::to_value(&hits[0]).unwrap();
    let object = json.as_object().unwrap();
    let mut keys: Vec<&str> = object.keys().map(String::as_str).collect();
    keys.sort();
    assert_eq!(keys, vec!["id", "kind", "score", "title", "worker"]);
    assert_eq!(object["kind"], json!("worker"));
    assert_eq!(object["id"], json!(p.nurlan.to_string()));
    assert_eq!(object["title"], json!("Сейітов Нұрлан"));
    assert!(object["score"].is_f64());
    // What tells namesakes apart: never the whole IIN, only its last four digits.
    let iin = iin(date(1979, 10, 28), Sex::Male, 3027);
    assert_eq!(
        object["worker"],
        json!({"birth_date": "1979-10-28", "iin_last4": &iin[8..], "open_cases": 1})
    );

    let case: &SearchHit = &store.search("птицефабрика", 10).unwrap()[0];
    let json = serde_json::to_value(case).unwrap();
    assert_eq!(json["kind"], json!("case"));
    assert_eq!(json["id"], json!(p.wages.to_string()));
    assert!(json["title"].as_str().unwrap().contains("Сейітов Нұрлан"));
    // The parts a screen composes the title from, in its own language.
    assert_eq!(
        json["case"],
        json!({"worker_name": "Сейітов Нұрлан", "case_type": "unpaid_wages",
               "summary": "Не выплачена зарплата, птицефабрика в Ансане"})
    );
    assert!(json.get("worker").is_none());
    // Scores are sorted best first.
    let all = store.search("Цой", 10).unwrap();
    for pair in all.windows(2) {
        assert!(pair[0].score >= pair[1].score);
    }
}

#[test]
fn queries_without_searchable_words_find_nothing_and_do_not_fail() {
    let (_dir, store, _p) = people();
    for query in [
        "",
        "   ",
        "-",
        "\"",
        "*",
        "()",
        "NEAR(a b)",
        "a OR",
        "' OR 1=1 --",
        "ё",
    ] {
        let hits = store.search(query, 10);
        assert!(hits.is_ok(), "{query:?}: {hits:?}");
    }
    assert!(store.search("", 10).unwrap().is_empty());
    assert_eq!(store.search("Цой", 0).unwrap().len(), 1);
}

#[test]
fn namesakes_are_told_apart_by_birth_date_province_employer_and_open_cases() {
    let (_dir, mut store) = new_store();
    let namesake = |birth: chrono::NaiveDate, province: &str, employer: &str| Worker {
        surname: Some("Сәрсенбаев".into()),
        given_name: Some("Нұрлан".into()),
        birth_date: Some(birth),
        province: Some(serde_json::from_value(json!(province)).unwrap()),
        employer: Some(qorgau_domain::worker::Employer {
            name: Some(employer.into()),
            ..Default::default()
        }),
        ..Worker::default()
    };
    let a = store
        .add_worker(&namesake(date(1985, 3, 1), "gyeonggi", "대한정밀(주)"))
        .unwrap()
        .id;
    let b = store
        .add_worker(&namesake(date(1990, 7, 9), "gyeongnam", "김해주물"))
        .unwrap()
        .id;
    let closed = store
        .add_case(&CaseRecord {
            workers: vec![b],
            case_type: Some(CaseType::UnpaidWages),
            ..CaseRecord::default()
        })
        .unwrap();
    store
        .set_case_status(closed, qorgau_domain::CaseStatus::Resolved, None)
        .unwrap();
    store
        .add_case(&CaseRecord {
            workers: vec![a],
            case_type: Some(CaseType::WorkplaceInjury),
            ..CaseRecord::default()
        })
        .unwrap();
    let hits = store.search("Сәрсенбаев", 10).unwrap();
    let facts = |id: WorkerId| {
        let hit = hits.iter().find(|h| h.id == id.to_string()).unwrap();
        serde_json::to_value(hit.worker.as_ref().unwrap()).unwrap()
    };
    assert_eq!(
        facts(a),
        json!({"birth_date": "1985-03-01", "province": "gyeonggi", "employer": "대한정밀(주)", "open_cases": 1})
    );
    assert_eq!(
        facts(b),
        json!({"birth_date": "1990-07-09", "province": "gyeongnam", "employer": "김해주물", "open_cases": 0}),
        "a resolved case is not open"
    );
}
