//! `qorgau mission`, `qorgau agency` and `qorgau letter`: from an empty workspace to a
//! registered, verified and voided letter.

use super::*;

fn wage_case(ws: &Ws, worker: &str) -> String {
    let out = ws.with_file(
        &["case", "add"],
        &json!({
            "workers": [worker],
            "case_type": "unpaid_wages",
            "occurred_on": "2026-09-01",
            "summary": "임금 3개월분 체불",
            "amount_claimed_krw": 7500000
        }),
    );
    assert_ok(&out);
    text(&out.stdout).trim().to_string()
}

/// The Seoul preset with a consul, so letters can be registered.
pub(super) fn set_mission(ws: &Ws) {
    assert_ok(&ws.run(&[
        "mission",
        "set",
        "--preset",
        "seoul",
        "consul_name_ko=세릭바예프 누를란",
        "consul_name_en=Nurlan SERIKBAYEV",
        "consul_title_ko=영사",
        "consul_title_en=Consul",
    ]));
}

/// `head` followed by the options of a wage-arrears letter for `case` to `agency`.
fn wage_letter<'a>(head: &[&'a str], case: &'a str, agency: &'a str) -> Vec<&'a str> {
    let mut args = head.to_vec();
    args.extend([
        "--case",
        case,
        "--template",
        "wage_arrears",
        "--agency",
        agency,
    ]);
    args
}

pub(super) fn labour_office(ws: &Ws) -> String {
    let list = ws.json(&["agency", "list", "--kind", "labour_office"]);
    list.as_array()
        .unwrap()
        .iter()
        .find(|a| a["name_ko"] == json!("서울지방고용노동청"))
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string()
}

#[test]
fn the_mission_profile_is_set_from_a_preset_and_field_pairs() {
    let ws = Ws::new();
    let none = ws.run(&["mission", "show"]);
    assert_ok(&none);
    assert!(text(&none.stdout).contains("no mission profile"));

    assert_ok(&ws.run(&[
        "mission",
        "set",
        "--preset",
        "seoul",
        "consul_name_ko=세릭바예프 누를란",
        "consul_title_ko=영사",
    ]));
    let shown = ws.json(&["mission", "show"]);
    assert_eq!(shown["mission"]["code"], json!("SEL"));
    assert_eq!(
        shown["mission"]["consul_name_ko"],
        json!("세릭바예프 누를란")
    );
    let empty = shown["empty_fields"].as_array().unwrap();
    assert!(empty.contains(&json!("consul_name_en")));
    assert!(!empty.contains(&json!("consul_name_ko")));

    // An unknown field and a pattern that could repeat numbers are refused by name; nothing
    // changes.
    let unknown = ws.run(&["mission", "set", "consul_nmae_en=Nurlan"]);
    assert_eq!(unknown.status.code(), Some(1));
    assert!(text(&unknown.stderr).contains("consul_nmae_en"));
    let pattern = ws.run(&["mission", "set", "registry_pattern={mission}/{seq}"]);
    assert_eq!(pattern.status.code(), Some(1));
    assert!(text(&pattern.stderr).contains("registry_pattern"));
    let cleared = ws.run(&["mission", "set", "code="]);
    assert_eq!(cleared.status.code(), Some(1));
    assert!(text(&cleared.stderr).contains("code"));
    let bad_preset = ws.run(&["mission", "set", "--preset", "almaty"]);
    assert_eq!(bad_preset.status.code(), Some(2));
    assert_eq!(
        ws.json(&["mission", "show"])["mission"]["registry_pattern"],
        json!("{mission}-{year}/{seq:04}")
    );
}

#[test]
fn agencies_are_imported_added_and_corrected() {
    let ws = Ws::new();
    let report = ws.json(&["agency", "import"]);
    let added = report["added"].as_array().unwrap().len();
    assert!(added >= 10);
    // A second import adds nothing and keeps corrections.
    let id = labour_office(&ws);
    let out = ws.with_file(
        &["agency", "update", &id],
        &json!({"address_ko": "서울특별시 중구 삼일대로 363", "verified": false}),
    );
    assert_ok(&out);
    let again = ws.json(&["agency", "import"]);
    assert_eq!(again["added"].as_array().unwrap().len(), 0);
    assert_eq!(again["skipped"].as_array().unwrap().len(), added);
    let shown = ws.json(&["agency", "show", &id]);
    assert_eq!(shown["address_ko"], json!("서울특별시 중구 삼일대로 363"));

    // A station the shipped directory does not list, added as a caseworker would.
    let police = ws.with_file(
        &["agency", "add"],
        &json!({"name_ko": "서울용산경찰서", "kind": "police", "recipient_ko": "서울용산경찰서장"}),
    );
    assert_ok(&police);
    let list = ws.json(&["agency", "list", "--kind", "police"]);
    let list = list.as_array().unwrap();
    assert!(list.iter().all(|a| a["kind"] == json!("police")));
    assert!(list.iter().any(|a| a["name_ko"] == json!("서울용산경찰서")));
    assert!(list.iter().any(|a| a["name_ko"] == json!("안산단원경찰서")));
    let bad = ws.with_file(
        &["agency", "add"],
        &json!({"name_ko": "X", "kind": "embassy"}),
    );
    assert_eq!(bad.status.code(), Some(1));
    assert!(text(&bad.stderr).contains("embassy"));
}

#[test]
fn a_letter_is_previewed_registered_verified_and_voided() {
    let ws = Ws::new();
    let dir = ws.path.parent().unwrap().to_path_buf();
    let pdf = |name: &str| dir.join(name).to_str().unwrap().to_string();
    let worker = add_worker(&ws, &nurlan());
    let case = wage_case(&ws, &worker);
    assert_ok(&ws.run(&["agency", "import"]));
    let agency = labour_office(&ws);
    let spec = [
        "--case",
        case.as_str(),
        "--template",
        "wage_arrears",
        "--agency",
        agency.as_str(),
        "--date",
        "2026-11-21",
    ];
    let with = |head: &[&str], tail: &[&str]| -> Vec<String> {
        head.iter()
            .chain(spec.iter())
            .chain(tail.iter())
            .map(|s| s.to_string())
            .collect()
    };
    let run = |args: Vec<String>| ws.run(&args.iter().map(String::as_str).collect::<Vec<_>>());

    // Without a mission profile there is no letterhead and no registry pattern.
    let no_mission = run(with(&["letter", "register"], &[]));
    assert_eq!(no_mission.status.code(), Some(1));
    assert!(text(&no_mission.stderr).contains("mission"));
    set_mission(&ws);
    assert_ok(&run(with(&["letter", "check"], &[])));

    // A render without --draft would be an unnumbered final letter: refused.
    let unnumbered = run(with(&["letter", "render"], &["--out", &pdf("x.pdf")]));
    assert_eq!(unnumbered.status.code(), Some(2));
    assert!(text(&unnumbered.stderr).contains("--draft"));

    assert_ok(&run(with(
        &["letter", "render"],
        &["--draft", "--out", &pdf("draft.pdf")],
    )));
    let draft = std::fs::read(pdf("draft.pdf")).unwrap();
    assert!(draft.starts_with(b"%PDF-"));
    assert!(ws.json(&["letter", "list"]).as_array().unwrap().is_empty());

    let registered: Value = {
        let mut args = vec!["--json".to_string()];
        args.extend(with(&["letter", "register"], &["--out", &pdf("first.pdf")]));
        let out = run(args);
        assert_ok(&out);
        serde_json::from_slice(&out.stdout).unwrap()
    };
    assert_eq!(registered["number"]["text"], json!("SEL-2026/0001"));
    assert_eq!(registered["status"], json!("registered"));
    let first_id = registered["id"].as_str().unwrap().to_string();

    let ok = ws.run(&["letter", "verify", &pdf("first.pdf")]);
    assert_ok(&ok);
    assert!(text(&ok.stdout).contains("VALID") && text(&ok.stdout).contains("SEL-2026/0001"));
    let not_registered = ws.run(&["letter", "verify", &pdf("draft.pdf")]);
    assert_eq!(not_registered.status.code(), Some(1));
    assert!(text(&not_registered.stdout).contains("NOT FOUND"));

    // Written out again, the registered letter is byte for byte the same.
    assert_ok(&ws.run(&[
        "letter",
        "render",
        "--letter",
        &first_id,
        "--out",
        &pdf("again.pdf"),
    ]));
    assert_eq!(
        std::fs::read(pdf("again.pdf")).unwrap(),
        std::fs::read(pdf("first.pdf")).unwrap()
    );
    // ... and the copy written out is in the audit log, naming the letter.
    let last = ws.json(&["audit", "list", "--limit", "1"]);
    assert_eq!(last[0]["action"], json!("letter_save"), "{last}");
    assert_eq!(last[0]["entity_id"], json!(first_id));

    // Void keeps the number; the file no longer verifies as valid; the next number is 2.
    assert_ok(&ws.run(&[
        "letter",
        "mark",
        &first_id,
        "void",
        "--note",
        "wrong office",
    ]));
    let void = ws.run(&["letter", "verify", &pdf("first.pdf")]);
    assert_eq!(void.status.code(), Some(1));
    assert!(text(&void.stdout).contains("VOID") && text(&void.stdout).contains("wrong office"));
    let second = run(with(&["--json", "letter", "register"], &[]));
    assert_ok(&second);
    let second: Value = serde_json::from_slice(&second.stdout).unwrap();
    assert_eq!(second["number"]["text"], json!("SEL-2026/0002"));
    let list = ws.json(&["letter", "list", "--case", &case]);
    let numbers: Vec<&str> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["number"]["text"].as_str().unwrap())
        .collect();
    assert_eq!(numbers, ["SEL-2026/0002", "SEL-2026/0001"]);
    assert_eq!(list[1]["status"], json!("void"));
    let bad_mark = ws.run(&["letter", "mark", &first_id, "sent"]);
    assert_eq!(bad_mark.status.code(), Some(1));

    // The case's timeline records both registrations and the void.
    let shown = ws.json(&["case", "show", &case]);
    let kinds: Vec<&str> = shown["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["kind"].as_str().unwrap())
        .collect();
    assert_eq!(
        kinds.iter().filter(|k| **k == "letter_registered").count(),
        2
    );
    assert!(kinds.contains(&"letter_voided"));
}

#[test]
fn missing_data_refuses_the_letter_and_names_each_field() {
    let ws = Ws::new();
    assert_ok(&ws.run(&["mission", "set", "--preset", "seoul"]));
    let mut worker = nurlan();
    worker["employer"]
        .as_object_mut()
        .unwrap()
        .remove("address");
    let worker = add_worker(&ws, &worker);
    let case = wage_case(&ws, &worker);
    assert_ok(&ws.run(&["agency", "import"]));
    let agency = labour_office(&ws);
    let args = wage_letter(&["letter", "register"], &case, &agency);
    let out = ws.run(&args);
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    for field in [
        "employer.address",
        "mission.consul_name_ko",
        "mission.consul_title_en",
    ] {
        assert!(err.contains(field), "{field} not named in: {err}");
    }
    let check = ws.run(&wage_letter(&["--json", "letter", "check"], &case, &agency));
    assert_eq!(check.status.code(), Some(1));
    let check: Value = serde_json::from_slice(&check.stdout).unwrap();
    assert!(
        check["missing"]
            .as_array()
            .unwrap()
            .contains(&json!("employer.address"))
    );
    assert!(ws.json(&["letter", "list"]).as_array().unwrap().is_empty());
    let unknown = ws.run(&["letter", "register", "--case", &case, "--template", "poem"]);
    assert_eq!(unknown.status.code(), Some(4));
}

#[test]
fn templates_are_listed_with_what_they_need() {
    let ws = Ws::new();
    let list = ws.json(&["letter", "templates"]);
    let names: Vec<&str> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["name"].as_str().unwrap())
        .collect();
    // The engine's tests check each shipped template; here, that the CLI lists them all.
    assert_eq!(names.len(), 27, "{names:?}");
    assert!(names.contains(&"note_verbale") && names.contains(&"confirmation"));
    let wage = &list[0];
    assert!(
        wage["optional"]
            .as_array()
            .unwrap()
            .contains(&json!("worker.stay_status"))
    );
}

#[test]
fn a_worker_known_only_by_the_passport_latin_name_gets_a_letter() {
    let ws = Ws::new();
    set_mission(&ws);
    let mut worker = nurlan();
    for field in ["surname", "given_name", "hangul_name"] {
        worker.as_object_mut().unwrap().remove(field);
    }
    let worker = add_worker(&ws, &worker);
    let case = wage_case(&ws, &worker);
    assert_ok(&ws.run(&["agency", "import"]));
    let agency = labour_office(&ws);
    let out = ws.run(&wage_letter(
        &["--json", "letter", "register"],
        &case,
        &agency,
    ));
    assert_ok(&out);
    let record: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(record["number"]["seq"], json!(1));
    assert_eq!(record["data"]["worker.latin_name"], json!("SEITOV NURLAN"));
    assert!(record["data"].get("worker.name_cyrillic").is_none());
}

#[test]
fn the_template_list_says_what_each_recipient_may_be_told() {
    let ws = Ws::new();
    let list = ws.json(&["letter", "templates"]);
    let find = |name: &str| {
        list.as_array()
            .unwrap()
            .iter()
            .find(|t| t["name"] == name)
            .cloned()
            .unwrap()
    };
    assert_eq!(
        find("employer_payment")["sensitive"],
        json!({ "employer": [] })
    );
    let wage = find("wage_arrears");
    assert!(
        wage["sensitive"]["labour_office"]
            .as_array()
            .unwrap()
            .contains(&json!("worker.stay_status"))
    );
}
