//! End-to-end tests of the `qorgau` binary: real processes, real encrypted workspaces in
//! temporary directories, checked through exit codes, stdout JSON and stderr messages.

use serde_json::{Value, json};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

const PASSPHRASE: &str = "correct horse battery";

struct Ws {
    _dir: tempfile::TempDir,
    path: PathBuf,
}

impl Ws {
    fn new() -> Ws {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("ws");
        let ws = Ws { _dir: dir, path };
        let out = ws.run(&["init", "--no-directory"]);
        assert_ok(&out);
        ws
    }

    fn cmd(&self, args: &[&str]) -> Command {
        let mut c = Command::new(env!("CARGO_BIN_EXE_qorgau"));
        c.args(args)
            .env("QORGAU_WORKSPACE", &self.path)
            .env("QORGAU_PASSPHRASE", PASSPHRASE)
            .env("QORGAU_ACTOR", "test caseworker")
            .env_remove("QORGAU_NEW_PASSPHRASE")
            .stdin(Stdio::null());
        c
    }

    fn run(&self, args: &[&str]) -> Output {
        self.cmd(args).output().unwrap()
    }

    fn json(&self, args: &[&str]) -> Value {
        let mut all = vec!["--json"];
        all.extend_from_slice(args);
        let out = self.run(&all);
        assert_ok(&out);
        serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}: {}", text(&out.stdout)))
    }

    /// Runs with `value` written to a temporary JSON file passed as `--json FILE`.
    fn with_file(&self, args: &[&str], value: &Value) -> Output {
        let file = self
            .path
            .with_extension(format!("input-{}.json", rand_suffix()));
        std::fs::write(&file, value.to_string()).unwrap();
        let mut all: Vec<&str> = args.to_vec();
        let f = file.to_str().unwrap().to_string();
        all.push("--json");
        all.push(&f);
        self.run(&all)
    }
}

fn rand_suffix() -> u128 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn assert_ok(out: &Output) {
    assert!(
        out.status.success(),
        "exit {:?}\nstdout: {}\nstderr: {}",
        out.status.code(),
        text(&out.stdout),
        text(&out.stderr)
    );
}

fn nurlan() -> Value {
    json!({
        "surname": "Сейітов",
        "given_name": "Нұрлан",
        "latin_name": "SEITOV NURLAN",
        "hangul_name": "세이토프누를란",
        "sex": "male",
        "birth_date": "1979-10-28",
        "iin": "791028302728",
        "passport_no": "N12345678",
        "phones": ["010-1234-5678", "8 701 123 45 67"],
        "stay_status": "undocumented",
        "province": "gyeonggi",
        "employer": {"name": "성우금속", "address": "경기도 안산시 단원구"}
    })
}

fn add_worker(ws: &Ws, worker: &Value) -> String {
    let out = ws.with_file(&["worker", "add"], worker);
    assert_ok(&out);
    text(&out.stdout).trim().to_string()
}

#[test]
fn worker_add_show_list_update_round_trip() {
    let ws = Ws::new();
    let id = add_worker(&ws, &nurlan());
    assert_eq!(id.len(), 36, "prints the new id: {id}");

    let shown = ws.json(&["worker", "show", &id]);
    let w = &shown["worker"];
    assert_eq!(w["id"], json!(id));
    assert_eq!(w["phones"], json!(["+821012345678", "+77011234567"]));
    assert_eq!(w["iin"], json!("791028302728"));

    let list = ws.json(&["worker", "list", "--province", "gyeonggi"]);
    assert_eq!(list.as_array().unwrap().len(), 1);
    let none = ws.json(&["worker", "list", "--province", "busan"]);
    assert_eq!(none.as_array().unwrap().len(), 0);

    let out = ws.with_file(
        &["worker", "update", &id],
        &json!({"occupation": "press operator", "notes": null}),
    );
    assert_ok(&out);
    assert!(text(&out.stdout).contains("occupation"));
    let shown = ws.json(&["worker", "show", &id]);
    assert_eq!(shown["worker"]["occupation"], json!("press operator"));
}

#[test]
fn worker_add_reads_standard_input() {
    let ws = Ws::new();
    let mut child = ws
        .cmd(&["worker", "add", "--json", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(json!({"latin_name": "KIM ALEXANDR"}).to_string().as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert_ok(&out);
    assert_eq!(text(&out.stdout).trim().len(), 36);
}

#[test]
fn invalid_input_exits_1_and_names_the_field() {
    let ws = Ws::new();
    let mut bad = nurlan();
    bad["iin"] = json!("791028302729");
    let out = ws.with_file(&["worker", "add"], &bad);
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    assert!(
        err.contains("iin") && err.contains("iin_check_digit"),
        "{err}"
    );

    let out = ws.with_file(
        &["worker", "add"],
        &json!({"surname": "Ким", "favourite_colour": "red"}),
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("favourite_colour"));

    // JSON errors are JSON with --json.
    let out = ws.with_file(&["--json", "worker", "add"], &bad);
    assert_eq!(out.status.code(), Some(1));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["error"]["code"], json!("invalid"));
    assert_eq!(v["error"]["issues"][0]["field"], json!("iin"));

    // Nothing was stored.
    assert_eq!(ws.json(&["worker", "list"]).as_array().unwrap().len(), 0);
}

#[test]
fn duplicate_iin_is_refused_with_the_existing_id() {
    let ws = Ws::new();
    let first = add_worker(&ws, &nurlan());
    let mut again = nurlan();
    again["passport_no"] = json!("N87654321");
    let out = ws.with_file(&["worker", "add"], &again);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains(&first), "{}", text(&out.stderr));
}

#[test]
fn likely_twin_is_a_warning_not_a_refusal() {
    let ws = Ws::new();
    add_worker(
        &ws,
        &json!({"surname": "Цой", "given_name": "Нұрлан", "birth_date": "1990-05-01"}),
    );
    let out = ws.with_file(
        &["worker", "add"],
        &json!({"latin_name": "TSOY NURLAN", "birth_date": "1990-05-01"}),
    );
    assert_ok(&out);
    assert!(
        text(&out.stderr).contains("likely the same person"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn wrong_passphrase_exits_3_and_missing_workspace_exits_4() {
    let ws = Ws::new();
    let out = ws
        .cmd(&["worker", "list"])
        .env("QORGAU_PASSPHRASE", "not the passphrase")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3));
    assert!(text(&out.stderr).contains("wrong passphrase"));

    let out = ws
        .cmd(&["worker", "list"])
        .env("QORGAU_WORKSPACE", ws.path.join("nowhere"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(4));

    let out = ws.run(&["worker", "show", "01890000-0000-7000-8000-000000000000"]);
    assert_eq!(out.status.code(), Some(4));
}

#[test]
fn usage_errors_exit_2() {
    let ws = Ws::new();
    assert_eq!(ws.run(&["frobnicate"]).status.code(), Some(2));
    let out = ws
        .cmd(&["worker", "list"])
        .env_remove("QORGAU_WORKSPACE")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    // No passphrase and no terminal to ask on.
    let out = ws
        .cmd(&["worker", "list"])
        .env_remove("QORGAU_PASSPHRASE")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("QORGAU_PASSPHRASE"));
}

#[test]
fn init_refuses_a_short_passphrase_and_an_existing_workspace() {
    let ws = Ws::new();
    assert_eq!(ws.run(&["init"]).status.code(), Some(1));
    let dir = tempfile::tempdir().unwrap();
    let out = ws
        .cmd(&["init"])
        .env("QORGAU_WORKSPACE", dir.path().join("short"))
        .env("QORGAU_PASSPHRASE", "short")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("passphrase"));
}

#[test]
fn init_makes_the_same_workspace_as_the_desktop_first_run() {
    let dir = tempfile::tempdir().unwrap();
    let ws = Ws {
        path: dir.path().join("first-run"),
        _dir: dir,
    };
    let bad = ws.run(&["init", "--mission-preset", "almaty"]);
    assert_eq!(bad.status.code(), Some(1));
    assert!(
        text(&bad.stderr).contains("mission_preset"),
        "{}",
        text(&bad.stderr)
    );
    assert!(
        !ws.path.join("workspace.json").exists(),
        "nothing created on a bad preset"
    );
    assert_ok(&ws.run(&["init", "--mission-preset", "seoul"]));
    let agencies = ws.json(&["agency", "list"]);
    assert!(
        agencies.as_array().unwrap().len() >= 10,
        "the shipped directory"
    );
    assert_eq!(
        ws.json(&["mission", "show"])["mission"]["code"],
        json!("SEL"),
        "the Seoul preset"
    );
}

#[test]
fn validate_reports_validity_by_exit_code() {
    let ws = Ws::new();
    let ok = ws.run(&["validate", "iin", "791028302728"]);
    assert_ok(&ok);
    let bad = ws.run(&["validate", "iin", "990430300011"]);
    assert_eq!(bad.status.code(), Some(1));
    assert!(
        text(&bad.stdout).contains("check digit"),
        "{}",
        text(&bad.stdout)
    );
    // A legacy checksum mismatch on an ARN is valid with a warning.
    let arn = ws.run(&["validate", "arn", "911124-5678905"]);
    assert_ok(&arn);
    assert!(text(&arn.stdout).contains("warning"));
    let phone = ws.json(&["validate", "phone", "010-1234-5678"]);
    assert_eq!(phone["normalised"], json!("+821012345678"));
    assert_eq!(
        ws.run(&["validate", "kz-passport", "N1234"]).status.code(),
        Some(1)
    );
    assert_ok(&ws.run(&["validate", "kz-id-card", "012345678"]));
}

#[test]
fn cases_move_through_the_workflow_and_keep_a_timeline() {
    let ws = Ws::new();
    let worker = add_worker(&ws, &nurlan());
    let out = ws.with_file(
        &["case", "add"],
        &json!({
            "workers": [worker],
            "case_type": "unpaid_wages",
            "occurred_on": "2026-09-01",
            "summary": "Employer has not paid wages for three months",
            "amount_claimed_krw": 7500000
        }),
    );
    assert_ok(&out);
    let case = text(&out.stdout).trim().to_string();

    assert_ok(&ws.run(&[
        "case",
        "note",
        &case,
        "Called the employer; no answer",
        "--kind",
        "call",
    ]));
    assert_ok(&ws.run(&["case", "status", &case, "in_progress"]));
    let bad = ws.run(&["case", "status", &case, "new"]);
    assert_eq!(bad.status.code(), Some(1));
    assert!(text(&bad.stderr).contains("status"));
    assert_ok(&ws.run(&[
        "case",
        "status",
        &case,
        "waiting_on_agency",
        "--reason",
        "petition filed",
    ]));

    let shown = ws.json(&["case", "show", &case]);
    assert_eq!(shown["case"]["status"], json!("waiting_on_agency"));
    let kinds: Vec<&str> = shown["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap())
        .collect();
    assert!(kinds.contains(&"call") && kinds.contains(&"status_change"));
    assert_eq!(shown["transitions"].as_array().unwrap().len(), 2);
    assert_eq!(shown["transitions"][1]["author"], json!("test caseworker"));

    let waiting = ws.json(&["case", "list", "--status", "waiting_on_agency"]);
    assert_eq!(waiting.as_array().unwrap().len(), 1);
    let by_worker = ws.json(&["case", "list", "--worker", &worker]);
    assert_eq!(by_worker.as_array().unwrap().len(), 1);

    let bad_type = ws.run(&["case", "list", "--type", "alien_abduction"]);
    assert_eq!(bad_type.status.code(), Some(1));
    assert!(text(&bad_type.stderr).contains("--type"));
}

#[test]
fn search_finds_across_scripts_and_gives_the_documented_json() {
    let ws = Ws::new();
    let id = add_worker(&ws, &nurlan());
    for query in ["Nurlan", "нұрлан", "누를란", "Seitov", "7910"] {
        let hits = ws.json(&["search", query]);
        let hits = hits.as_array().unwrap();
        assert!(!hits.is_empty(), "{query} found nothing");
        assert_eq!(hits[0]["kind"], json!("worker"));
        assert_eq!(hits[0]["id"], json!(id));
        let mut keys: Vec<&str> = hits[0]
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        keys.sort();
        // The documented fields, and for a worker what tells namesakes apart.
        assert_eq!(keys, ["id", "kind", "score", "title", "worker"]);
        assert_eq!(hits[0]["worker"]["open_cases"], json!(0));
        assert!(
            hits[0]["worker"].get("iin").is_none(),
            "never the whole IIN"
        );
    }
    assert!(
        ws.json(&["search", "Aigerim"])
            .as_array()
            .unwrap()
            .is_empty()
    );
}

#[test]
fn passphrase_change_locks_out_the_old_one() {
    let ws = Ws::new();
    add_worker(&ws, &nurlan());
    let out = ws
        .cmd(&["passphrase", "change"])
        .env("QORGAU_NEW_PASSPHRASE", "a brand new passphrase")
        .output()
        .unwrap();
    assert_ok(&out);
    assert_eq!(ws.run(&["worker", "list"]).status.code(), Some(3));
    let out = ws
        .cmd(&["--json", "worker", "list"])
        .env("QORGAU_PASSPHRASE", "a brand new passphrase")
        .output()
        .unwrap();
    assert_ok(&out);
    let list: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(list.as_array().unwrap().len(), 1);
}

#[test]
fn demo_fills_a_workspace_with_every_case_type_and_status() {
    let dir = tempfile::tempdir().unwrap();
    let path: &Path = &dir.path().join("demo");
    let run = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_qorgau"))
            .args(args)
            .env("QORGAU_WORKSPACE", path)
            .env("QORGAU_PASSPHRASE", PASSPHRASE)
            .stdin(Stdio::null())
            .output()
            .unwrap()
    };
    let out = run(&["--json", "demo"]);
    assert_ok(&out);
    let summary: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(summary["workers"].as_u64().unwrap() >= 300);
    assert!(summary["cases"].as_u64().unwrap() >= 500);

    let out = run(&["--json", "status"]);
    assert_ok(&out);
    let status: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(status["integrity"], json!("ok"));
    assert_eq!(status["audit_log"]["result"], json!("intact"));
    assert!(status["stats"]["agencies"].as_i64().unwrap() >= 1);

    for status in [
        "new",
        "in_progress",
        "waiting_on_agency",
        "resolved",
        "closed",
    ] {
        let out = run(&[
            "--json", "case", "list", "--status", status, "--limit", "1000",
        ]);
        assert_ok(&out);
        let cases: Value = serde_json::from_slice(&out.stdout).unwrap();
        let cases = cases.as_array().unwrap();
        assert!(!cases.is_empty(), "no {status} case");
        let types: std::collections::BTreeSet<&str> = cases
            .iter()
            .map(|c| c["case_type"].as_str().unwrap())
            .collect();
        assert_eq!(types.len(), 11, "{status}: {types:?}");
    }
    // Names in all three scripts.
    let out = run(&["--json", "worker", "list", "--limit", "1000"]);
    let workers: Value = serde_json::from_slice(&out.stdout).unwrap();
    let names: Vec<&str> = workers
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w["display_name"].as_str().unwrap())
        .collect();
    assert!(
        names
            .iter()
            .any(|n| n.chars().any(|c| ('\u{0400}'..='\u{04FF}').contains(&c)))
    );
    assert!(names.iter().any(|n| n.is_ascii()));
    let hangul = workers
        .as_array()
        .unwrap()
        .iter()
        .filter(|w| w["hangul_name"].is_string())
        .count();
    assert!(hangul > 0);
}

#[test]
fn agency_propose_names_the_competent_office_for_the_workplace() {
    let ws = Ws::new();
    assert_ok(&ws.run(&["agency", "import"]));
    let worker = add_worker(&ws, &nurlan());
    let out = ws.with_file(
        &["case", "add"],
        &json!({"workers": [worker], "case_type": "unpaid_wages"}),
    );
    assert_ok(&out);
    let case = text(&out.stdout).trim().to_string();
    let proposed = ws.json(&[
        "agency",
        "propose",
        "--case",
        &case,
        "--kind",
        "labour_office",
    ]);
    assert_eq!(proposed["from"], json!("employer_address"));
    assert_eq!(proposed["place"]["unit"], json!("안산시"));
    assert_eq!(
        proposed["proposals"][0]["agency"]["name_ko"],
        json!("경기지방고용노동청 안산지청")
    );
    assert_eq!(proposed["proposals"][0]["basis"], json!("city"));
    assert!(proposed["proposals"][0]["agency"]["id"].is_string());
    let gimhae = ws.json(&["agency", "propose", "--address", "경상남도 김해시 주촌면"]);
    let names: Vec<&str> = gimhae["proposals"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["agency"]["name_ko"].as_str().unwrap())
        .collect();
    assert!(names.contains(&"부산지방고용노동청 양산지청"), "{names:?}");
    let text_out = ws.run(&[
        "agency",
        "propose",
        "--case",
        &case,
        "--kind",
        "immigration",
    ]);
    assert_ok(&text_out);
    assert!(text(&text_out.stdout).contains("안산출입국·외국인사무소"));
    // Neither a case nor an address is a usage error.
    assert_eq!(ws.run(&["agency", "propose"]).status.code(), Some(2));
    // An unknown kind names the option.
    let bad = ws.run(&["agency", "propose", "--case", &case, "--kind", "embassy"]);
    assert_eq!(bad.status.code(), Some(1));
    assert!(text(&bad.stderr).contains("--kind"));
}

mod casework;
mod data;
mod letters;
mod sync;
