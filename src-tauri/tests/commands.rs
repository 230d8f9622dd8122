//! The app's commands on Tauri's mock runtime (no display): the same handler, state and
//! serialisation as the real window, driven through IPC requests.

use qorgau_desktop::session::AppState;
use serde_json::{Value, json};
use std::path::Path;
use std::time::Duration;
use tauri::ipc::{CallbackFn, InvokeBody, InvokeResponseBody};
use tauri::test::{
    INVOKE_KEY, MockRuntime, get_ipc_response, mock_builder, mock_context, noop_assets,
};
use tauri::webview::InvokeRequest;
use tauri::{App, Manager, WebviewWindow, WebviewWindowBuilder};

const PASSPHRASE: &str = "тау бұлақ жылқы 1987";

struct TestApp {
    _app: App<MockRuntime>,
    window: WebviewWindow<MockRuntime>,
}

impl TestApp {
    fn new(dir: &Path) -> Self {
        let app = qorgau_desktop::setup(mock_builder(), AppState::new(dir.to_path_buf()))
            .build(mock_context(noop_assets()))
            .expect("mock app");
        let window = WebviewWindowBuilder::new(&app, "main", Default::default())
            .build()
            .expect("mock window");
        Self { _app: app, window }
    }

    fn request(&self, cmd: &str, args: Value) -> Result<InvokeResponseBody, Value> {
        get_ipc_response(
            &self.window,
            InvokeRequest {
                cmd: cmd.into(),
                callback: CallbackFn(0),
                error: CallbackFn(1),
                url: "tauri://localhost".parse().unwrap(),
                body: InvokeBody::Json(args),
                headers: Default::default(),
                invoke_key: INVOKE_KEY.to_string(),
            },
        )
    }

    fn invoke(&self, cmd: &str, args: Value) -> Result<Value, Value> {
        self.request(cmd, args)
            .map(|body| body.deserialize::<Value>().unwrap_or(Value::Null))
    }

    fn ok(&self, cmd: &str, args: Value) -> Value {
        self.invoke(cmd, args)
            .unwrap_or_else(|e| panic!("{cmd} failed: {e}"))
    }

    fn err(&self, cmd: &str, args: Value) -> Value {
        self.invoke(cmd, args)
            .expect_err(&format!("{cmd} should fail"))
    }

    fn bytes(&self, cmd: &str, args: Value) -> Vec<u8> {
        match self.request(cmd, args) {
            Ok(InvokeResponseBody::Raw(bytes)) => bytes,
            Ok(InvokeResponseBody::Json(json)) => panic!("{cmd} answered JSON: {json}"),
            Err(e) => panic!("{cmd} failed: {e}"),
        }
    }
}

fn settings() -> Value {
    json!({"language": "ru", "caseworker": "Айгерім Сейтқали", "auto_lock_minutes": 10})
}

fn created(dir: &Path) -> TestApp {
    let app = TestApp::new(dir);
    app.ok(
        "create_workspace",
        json!({"passphrase": PASSPHRASE, "settings": settings(), "missionPreset": "seoul"}),
    );
    app
}

#[test]
fn first_run_creates_an_encrypted_workspace_with_the_directory_and_settings() {
    let dir = tempfile::tempdir().unwrap();
    let app = TestApp::new(dir.path());
    let info = app.ok("app_info", json!({}));
    assert_eq!(info["workspace_exists"], false);
    assert_eq!(info["unlocked"], false);

    let short = app.err(
        "create_workspace",
        json!({"passphrase": "short", "settings": settings()}),
    );
    assert_eq!(short["code"], "invalid");
    assert_eq!(short["issues"][0]["field"], "passphrase");
    assert_eq!(short["issues"][0]["code"], "too_short_passphrase");

    let bad_settings = app.err(
        "create_workspace",
        json!({"passphrase": PASSPHRASE,
               "settings": {"language": "de", "caseworker": " ", "auto_lock_minutes": 0}}),
    );
    let fields: Vec<&str> = bad_settings["issues"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["language", "caseworker", "auto_lock_minutes"]);
    assert!(
        !qorgau_core::Workspace::exists(dir.path()),
        "nothing created"
    );

    let info = app.ok(
        "create_workspace",
        json!({"passphrase": PASSPHRASE, "settings": settings(), "missionPreset": "seoul"}),
    );
    assert_eq!(info["unlocked"], true);
    assert_eq!(info["settings"]["language"], "ru");
    let saved: Value =
        serde_json::from_slice(&std::fs::read(dir.path().join("desktop-settings.json")).unwrap())
            .unwrap();
    assert_eq!(saved["caseworker"], "Айгерім Сейтқали");
    assert_eq!(
        app.ok("list_agencies", json!({})).as_array().unwrap().len(),
        qorgau_core::directory::shipped_agencies().unwrap().len(),
        "the whole shipped directory"
    );
    assert_eq!(app.ok("mission", json!({}))["code"], "SEL");
    // The database file holds no readable name.
    let worker = json!({"surname": "Жұмабаев", "given_name": "Ерлан"});
    app.ok("add_worker", json!({"worker": worker}));
    app.ok("lock", json!({}));
    for entry in std::fs::read_dir(dir.path()).unwrap() {
        let bytes = std::fs::read(entry.unwrap().path()).unwrap();
        let needle = "Жұмабаев".as_bytes();
        assert!(!bytes.windows(needle.len()).any(|w| w == needle));
    }
}

#[test]
fn a_locked_workspace_refuses_every_data_command_until_unlocked() {
    let dir = tempfile::tempdir().unwrap();
    created(dir.path());
    // A new app process on the same directory starts locked.
    let app = TestApp::new(dir.path());
    assert_eq!(app.ok("app_info", json!({}))["workspace_exists"], true);
    assert_eq!(
        app.ok("app_info", json!({}))["settings"]["language"],
        "ru",
        "settings are read before unlocking"
    );
    for (cmd, args) in [
        ("dashboard", json!({})),
        ("search", json!({"query": "Нұрлан"})),
        ("list_workers", json!({"filter": {}})),
        ("list_cases", json!({"filter": {}})),
        ("list_agencies", json!({})),
        ("sync_status", json!({})),
    ] {
        assert_eq!(app.err(cmd, args)["code"], "locked", "{cmd}");
    }
    let wrong = app.err("unlock", json!({"passphrase": "not the passphrase"}));
    assert_eq!(wrong["code"], "wrong_passphrase");
    assert_eq!(
        app.ok("unlock", json!({"passphrase": PASSPHRASE}))["unlocked"],
        true
    );
    app.ok("dashboard", json!({}));
    assert_eq!(app.ok("lock", json!({}))["unlocked"], false);
    assert_eq!(app.err("dashboard", json!({}))["code"], "locked");
}

#[test]
fn idle_time_locks_the_workspace() {
    let dir = tempfile::tempdir().unwrap();
    let state = AppState::new(dir.path().to_path_buf());
    state
        .session()
        .create(
            &qorgau_core::Passphrase::new(PASSPHRASE),
            serde_json::from_value(
                json!({"language": "en", "caseworker": "A", "auto_lock_minutes": 1}),
            )
            .unwrap(),
            None,
        )
        .unwrap();
    assert!(!state.lock_if_idle(), "active just now");
    assert!(state.session().is_unlocked());
    let cache = |state: &AppState| {
        state
            .session()
            .workspace()
            .unwrap()
            .page_cache_mib()
            .unwrap()
    };
    assert_eq!(
        cache(&state),
        i64::from(qorgau_desktop::session::INTERACTIVE_PAGE_CACHE_MIB),
        "the app keeps a small page cache"
    );
    state
        .session()
        .set_last_activity_for_test(Duration::from_secs(61), Duration::ZERO);
    assert!(state.lock_if_idle(), "a minute without activity");
    assert!(!state.session().is_unlocked());

    // A laptop asleep for an hour: the monotonic clock stood still, the wall clock did not.
    state
        .session()
        .unlock(&qorgau_core::Passphrase::new(PASSPHRASE))
        .unwrap();
    assert_eq!(
        cache(&state),
        i64::from(qorgau_desktop::session::INTERACTIVE_PAGE_CACHE_MIB),
        "and so after unlocking"
    );
    state
        .session()
        .set_last_activity_for_test(Duration::from_secs(5), Duration::from_secs(3600));
    assert!(state.lock_if_idle(), "sleep counts as idle time");
    assert!(!state.session().is_unlocked());
}

#[test]
fn workers_are_validated_by_the_domain_and_found_in_any_script() {
    let dir = tempfile::tempdir().unwrap();
    let app = created(dir.path());
    let bad = app.err(
        "add_worker",
        json!({"worker": {"surname": "Ахметов", "given_name": "Нұрлан", "birth_date": "1979-10-28",
                          "sex": "male", "iin": "791028302729", "phones": ["12"]}}),
    );
    assert_eq!(bad["code"], "invalid");
    let fields: Vec<(&str, &str)> = bad["issues"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| (i["field"].as_str().unwrap(), i["code"].as_str().unwrap()))
        .collect();
    assert!(fields.contains(&("iin", "iin_check_digit")), "{fields:?}");
    assert!(
        fields.iter().any(|(f, _)| f.starts_with("phones")),
        "{fields:?}"
    );

    let worker = json!({"surname": "Ахметов", "given_name": "Нұрлан", "latin_name": "AKHMETOV NURLAN",
                        "birth_date": "1979-10-28", "sex": "male", "iin": "791028302728",
                        "province": "gyeonggi", "stay_status": "undocumented",
                        "employer": {"name": "대한정밀(주)"}});
    let added = app.ok("add_worker", json!({"worker": worker}));
    let id = added["id"].as_str().unwrap().to_string();
    let dup = app.err("add_worker", json!({"worker": worker}));
    assert_eq!(dup["code"], "duplicate");
    assert_eq!(dup["existing_id"], id.as_str());

    for query in ["Нурлан", "nurlan", "누를란", "7910283"] {
        let hits = app.ok("search", json!({"query": query}));
        assert_eq!(hits[0]["id"], id.as_str(), "{query}");
    }
    let listed = app.ok(
        "list_workers",
        json!({"filter": {"province": "gyeonggi", "employer": "대한"}}),
    );
    assert_eq!(listed.as_array().unwrap().len(), 1);
    let none = app.ok("list_workers", json!({"filter": {"province": "jeju"}}));
    assert_eq!(none.as_array().unwrap().len(), 0);
    let unknown = app.err("list_workers", json!({"filter": {"town": "x"}}));
    assert!(unknown.to_string().contains("town"), "{unknown}");

    let changed = app.ok(
        "update_worker",
        json!({"id": id, "patch": {"given_name": null, "occupation": "welder"}}),
    );
    assert_eq!(changed, json!(["given_name", "occupation"]));
    let detail = app.ok("worker_detail", json!({"id": id}));
    assert_eq!(detail["worker"]["occupation"], "welder");
    assert!(
        detail["worker"]
            .get("given_name")
            .is_none_or(Value::is_null)
    );
}

#[test]
fn a_case_moves_through_its_timeline_tasks_status_and_a_registered_letter() {
    let dir = tempfile::tempdir().unwrap();
    let app = created(dir.path());
    let mission = app.ok("mission", json!({}));
    let mut profile = mission.clone();
    let gaps = app.ok("set_mission", json!({"profile": profile}));
    assert!(
        gaps.as_array()
            .unwrap()
            .iter()
            .any(|g| g == "consul_name_ko")
    );
    for (k, v) in [
        ("consul_name_ko", "세릭바예프 누를란"),
        ("consul_name_en", "Nurlan SERIKBAYEV"),
        ("consul_title_ko", "영사"),
        ("consul_title_en", "Consul"),
        ("consul_name_kk", "Серікбаев Нұрлан"),
        ("consul_title_kk", "Консул"),
        ("consul_name_ru", "Серикбаев Нурлан"),
        ("consul_title_ru", "Консул"),
    ] {
        profile[k] = json!(v);
    }
    assert_eq!(
        app.ok("set_mission", json!({"profile": profile})),
        json!([])
    );

    let worker = app.ok(
        "add_worker",
        json!({"worker": {"surname": "Ахметов", "given_name": "Нұрлан", "latin_name": "AKHMETOV NURLAN",
                          "hangul_name": "아흐메토프 누를란", "birth_date": "1979-10-28", "sex": "male",
                          "passport_no": "N12345678", "province": "gyeonggi",
                          "employer": {"name": "대한정밀(주)", "address": "경기도 안산시 단원구 산단로 123"}}}),
    )["id"]
        .clone();
    let no_workers = app.err("add_case", json!({"case": {"workers": []}}));
    assert_eq!(no_workers["issues"][0]["code"], "no_workers");
    let case = app.ok(
        "add_case",
        json!({"case": {"workers": [worker], "case_type": "unpaid_wages", "amount_claimed_krw": 4800000,
                        "occurred_on": "2026-09-30"}}),
    );
    let case = case.as_str().unwrap();
    // The letter screen proposes the competent labour office from the workplace's address.
    let proposed = app.ok(
        "propose_agencies",
        json!({"caseId": case, "kind": "labour_office"}),
    );
    assert_eq!(proposed["from"], "employer_address");
    let best = &proposed["proposals"][0];
    assert!(
        best["agency"]["name_ko"].as_str().unwrap().contains("안산"),
        "{best}"
    );
    assert_eq!(best["agency"]["kind"], "labour_office");
    app.ok(
        "add_timeline_entry",
        json!({"id": case, "entry": {"kind": "call", "occurred_on": null, "text": "Called the employer."}}),
    );
    let empty = app.err(
        "add_timeline_entry",
        json!({"id": case, "entry": {"kind": "note", "occurred_on": null, "text": "  "}}),
    );
    assert_eq!(empty["code"], "invalid");
    let task = app.ok(
        "add_task",
        json!({"id": case, "title": "Ask for the labour office's decision", "dueOn": "2026-01-05"}),
    );
    app.ok(
        "set_case_status",
        json!({"id": case, "status": "in_progress", "reason": "petition filed"}),
    );
    let dashboard = app.ok("dashboard", json!({}));
    assert_eq!(dashboard["open_case_total"], 1);
    assert_eq!(dashboard["overdue_task_total"], 1);
    assert_eq!(dashboard["open_cases"][0]["status"], "in_progress");
    let recent: Vec<&str> = dashboard["recent_activity"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap())
        .collect();
    assert_eq!(recent, ["status_change", "call"], "the newest first");
    let overdue = app.ok(
        "list_cases",
        json!({"filter": {"overdue_on": "2026-11-22", "province": "gyeonggi"}}),
    );
    assert_eq!(overdue.as_array().unwrap().len(), 1);
    app.ok("set_task_done", json!({"task": task, "done": true}));
    assert_eq!(app.ok("dashboard", json!({}))["overdue_task_total"], 0);

    let agency = app
        .ok("list_agencies", json!({}))
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["kind"] == "labour_office")
        .unwrap()["id"]
        .clone();
    let request = json!({"case_id": case, "template": "wage_arrears", "agency_id": agency});
    assert_eq!(
        app.ok("letter_missing_fields", json!({"request": request})),
        json!([])
    );
    let preview = app.bytes("preview_letter", json!({"request": request}));
    assert!(preview.starts_with(b"%PDF-"));
    let letter = app.ok("register_letter", json!({"request": request}));
    assert_eq!(letter["number"]["text"], "SEL-2026/0001");
    let pdf = app.bytes("letter_pdf", json!({"id": letter["id"]}));
    assert!(pdf.starts_with(b"%PDF-"));
    assert_eq!(pdf.len() as u64, letter["pdf_size"].as_u64().unwrap());
    // Showing and printing a registered letter are recorded in the audit log, with the letter.
    app.ok("letter_printed", json!({"id": letter["id"]}));
    let recent: Vec<(String, Option<String>)> = {
        let state = app.window.state::<AppState>();
        let mut session = state.session();
        let ws = session.workspace().unwrap();
        ws.audit_recent(2)
            .unwrap()
            .into_iter()
            .map(|e| (e.action, e.entity_id))
            .collect()
    };
    let id = letter["id"].as_str().map(str::to_owned);
    assert_eq!(
        recent,
        vec![
            ("letter_print".to_owned(), id.clone()),
            ("letter_view".to_owned(), id)
        ]
    );
    let detail = app.ok("case_detail", json!({"id": case}));
    assert_eq!(detail["letters"][0]["id"], letter["id"]);
    assert_eq!(detail["transitions"][0]["to"], "in_progress");
    assert_eq!(detail["tasks"][0]["done"], true);
    let kinds: Vec<&str> = detail["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap())
        .collect();
    assert!(kinds.contains(&"letter_registered"), "{kinds:?}");
    let sent = app.ok(
        "mark_letter",
        json!({"id": letter["id"], "status": "sent", "note": null}),
    );
    assert_eq!(sent["status"], "sent");
}

#[test]
fn settings_are_validated_and_kept_beside_the_workspace() {
    let dir = tempfile::tempdir().unwrap();
    let app = created(dir.path());
    let bad = app.err(
        "update_settings",
        json!({"settings": {"language": "ko", "caseworker": "A", "auto_lock_minutes": 999}}),
    );
    assert_eq!(bad["issues"][0]["field"], "auto_lock_minutes");
    let info = app.ok(
        "update_settings",
        json!({"settings": {"language": "ko", "caseworker": "Айгерім", "auto_lock_minutes": 3}}),
    );
    assert_eq!(info["settings"]["auto_lock_minutes"], 3);
    let again = TestApp::new(dir.path());
    assert_eq!(
        again.ok("app_info", json!({}))["settings"]["language"],
        "ko"
    );
}

#[test]
fn a_settings_file_edited_by_hand_is_not_trusted() {
    let dir = tempfile::tempdir().unwrap();
    let _created = created(dir.path());
    let file = dir.path().join("desktop-settings.json");
    // An auto-lock of u32::MAX minutes would never lock; an unknown language would show keys.
    std::fs::write(
        &file,
        r#"{"language": "de", "caseworker": "Айгерім", "auto_lock_minutes": 4294967295, "extra": 1}"#,
    )
    .unwrap();
    let app = TestApp::new(dir.path());
    let settings = app.ok("app_info", json!({}))["settings"].clone();
    assert_eq!(
        settings["auto_lock_minutes"], 10,
        "the default, not u32::MAX"
    );
    assert_eq!(settings["language"], "kk");
    assert_eq!(settings["caseworker"], "Айгерім", "the valid field is kept");
    for garbage in [
        "not json",
        "[1, 2]",
        r#"{"auto_lock_minutes": -5}"#,
        r#"{"auto_lock_minutes": 0}"#,
    ] {
        std::fs::write(&file, garbage).unwrap();
        let app = TestApp::new(dir.path());
        assert_eq!(
            app.ok("app_info", json!({}))["settings"]["auto_lock_minutes"],
            10,
            "{garbage}"
        );
    }
    // Saving replaces the file whole and leaves no temporary file behind.
    app_with_settings_saved(dir.path());
    assert!(!dir.path().join("desktop-settings.json.tmp").exists());
    let saved: Value = serde_json::from_slice(&std::fs::read(&file).unwrap()).unwrap();
    assert_eq!(saved["auto_lock_minutes"], 7);
}

fn app_with_settings_saved(dir: &Path) {
    let app = TestApp::new(dir);
    app.ok(
        "update_settings",
        json!({"settings": {"language": "ru", "caseworker": "Айгерім", "auto_lock_minutes": 7}}),
    );
}

#[test]
fn the_capability_grants_exactly_the_declared_commands() {
    let text = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("capabilities/main.json"),
    )
    .unwrap();
    let capability: Value = serde_json::from_str(&text).unwrap();
    let mut granted: Vec<String> = capability["permissions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p.as_str().unwrap().to_string())
        .filter(|p| !p.starts_with("core:event:"))
        .collect();
    let mut declared: Vec<String> = qorgau_desktop::COMMANDS
        .iter()
        .map(|c| format!("allow-{}", c.replace('_', "-")))
        .collect();
    granted.sort();
    declared.sort();
    assert_eq!(granted, declared);
    // No plugin but event listening is granted: no fs, shell, sql, dialog or opener from JS.
    assert!(
        capability["permissions"]
            .as_array()
            .unwrap()
            .iter()
            .all(|p| p.as_str().unwrap().starts_with("allow-")
                || p.as_str().unwrap().starts_with("core:event:allow-"))
    );
}

#[test]
fn the_window_config_is_locked_down() {
    let conf: Value = serde_json::from_str(
        &std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("tauri.conf.json"))
            .unwrap(),
    )
    .unwrap();
    assert_eq!(conf["app"]["withGlobalTauri"], false);
    let csp = conf["app"]["security"]["csp"].as_object().unwrap();
    for (directive, sources) in csp {
        let sources = sources.as_str().unwrap();
        assert!(!sources.contains("unsafe-eval"), "{directive}");
        assert!(
            !sources.contains("https:") && !sources.contains("http://*"),
            "{directive}: remote content"
        );
        assert!(!sources.contains('*'), "{directive}: wildcard");
    }
    assert_eq!(csp["default-src"], "'self'");
    assert_eq!(csp["script-src"], "'self'");
    assert_eq!(csp["object-src"], "'none'");
}

#[test]
fn the_workspace_directory_comes_from_the_argument_then_the_environment() {
    use qorgau_desktop::session::workspace_dir_from;
    let args = |a: &[&str]| a.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    let env = |k: &str| match k {
        "QORGAU_WORKSPACE" => Some("/from/env".to_string()),
        "HOME" => Some("/home/a".to_string()),
        _ => None,
    };
    assert_eq!(
        workspace_dir_from(&args(&["app", "--workspace", "/w"]), env),
        Path::new("/w")
    );
    assert_eq!(
        workspace_dir_from(&args(&["app", "--workspace=/x"]), env),
        Path::new("/x")
    );
    assert_eq!(
        workspace_dir_from(&args(&["app"]), env),
        Path::new("/from/env")
    );
    assert_eq!(
        workspace_dir_from(&args(&["app"]), |k| (k == "HOME")
            .then(|| "/home/a".to_string())),
        Path::new("/home/a/.local/share/qorgau/workspace")
    );
}

#[test]
fn a_laptop_joins_a_team_with_a_code_syncs_and_reviews_conflicts() {
    // The team's first laptop, made with the core API, with a worker to share.
    let server_dir = tempfile::tempdir().unwrap();
    let addr = qorgau_server::serve_on_loopback_thread(server_dir.path()).unwrap();
    let first_dir = tempfile::tempdir().unwrap();
    let mut first = qorgau_core::Workspace::create(
        first_dir.path(),
        &qorgau_core::Passphrase::new(PASSPHRASE),
        &qorgau_core::WorkspaceOptions {
            kdf: qorgau_core::KdfParams::FAST_INSECURE_FOR_TESTS,
            actor: "first".into(),
        },
    )
    .unwrap();
    first
        .add_worker_json(json!({"surname": "Сейтқали", "given_name": "Айгерім"}))
        .unwrap();
    let operator_token = qorgau_server::operator_token(server_dir.path()).unwrap();
    first
        .create_team(&format!("http://{addr}"), None, &operator_token)
        .unwrap();
    first.sync().unwrap();
    let code = first.invite_device(3600).unwrap();

    let dir = tempfile::tempdir().unwrap();
    let app = created(dir.path());
    let state = app.window.state::<AppState>();
    assert!(
        state.sync_if_in_team().is_none(),
        "not in a team: no background round"
    );
    assert_eq!(app.ok("sync_status", json!({}))["in_team"], false);
    let bad = app.err("enroll_device", json!({"code": "QRG1-nonsense"}));
    assert_eq!(bad["code"], "invalid");
    let status = app.ok("enroll_device", json!({"code": format!("  {code}\n")}));
    assert_eq!(status["in_team"], true);
    // Until the admin compares the short authentication string and approves, the laptop
    // shows that string and nothing syncs.
    let sas = status["pending_approval"]
        .as_str()
        .unwrap_or_else(|| panic!("no string to read to the admin: {status}"))
        .to_string();
    assert_eq!(sas.len(), 6, "{sas}");
    app.err("sync_now", json!({}));
    let device = status["device"].as_str().unwrap();
    first.approve_device(device, &sas, "caseworker").unwrap();
    let report = app.ok("sync_now", json!({}));
    assert!(
        app.ok("sync_status", json!({}))["pending_approval"].is_null(),
        "joined"
    );
    assert!(report["applied"].as_u64().unwrap() >= 1, "{report}");
    assert_eq!(
        app.ok("search", json!({"query": "Айгерім"}))[0]["kind"],
        "worker"
    );
    assert!(
        matches!(state.sync_if_in_team(), Some(Ok(_))),
        "the background round runs"
    );
    assert_eq!(app.ok("conflicts", json!({"all": false})), json!([]));
}

/// Issue 14 on the case page: the calculator (saved to the case), its PDF enclosure, the
/// deadlines, and the safeguard the letter composer shows.
#[test]
fn the_case_page_computes_a_wage_claim_and_shows_deadlines_and_the_letter_safeguard() {
    let dir = tempfile::tempdir().unwrap();
    let app = created(dir.path());
    let worker = app.ok(
        "add_worker",
        json!({"worker": {"surname": "Ахметов", "given_name": "Нұрлан", "hangul_name": "아흐메토프 누를란"}}),
    )["id"]
        .clone();
    let case = app.ok(
        "add_case",
        json!({"case": {"workers": [worker], "case_type": "unpaid_wages"}}),
    );
    let case = case.as_str().unwrap();
    let input = json!({"start_date": "2024-03-04", "last_day": "2025-09-30", "weekly_hours": 40,
        "hourly_wage": 12000, "monthly_pay": null, "payday": 10, "as_of": "2026-03-31",
        "months": [{"month": "2025-08", "earned": 3500000, "paid": 0}], "severance_paid": 0});
    let bad = app.err(
        "calc_case_wages",
        json!({"caseId": case, "input": {"start_date": "2024-03-04", "last_day": "2024-01-01",
            "weekly_hours": 40, "hourly_wage": 12000, "monthly_pay": null, "payday": 10,
            "as_of": "2026-03-31", "months": [], "severance_paid": 0}, "save": false}),
    );
    assert_eq!(bad["issues"][0]["field"], "last_day");
    let calc = app.ok(
        "calc_case_wages",
        json!({"caseId": case, "input": input, "save": true}),
    );
    assert_eq!(calc["claim"]["total_krw"], 9_309_631);
    assert!(calc["calc_id"].is_string());
    let detail = app.ok("case_detail", json!({"id": case}));
    assert_eq!(detail["case"]["amount_claimed_krw"], 9_309_631);
    let pdf = app.bytes(
        "wage_breakdown_pdf",
        json!({"caseId": case, "input": input, "lang": "en"}),
    );
    assert!(pdf.starts_with(b"%PDF-"));
    let deadlines = app.ok("case_deadlines", json!({"caseId": case}));
    assert!(
        deadlines
            .as_array()
            .unwrap()
            .iter()
            .any(|d| d["key"] == "final_pay" && d["due_on"] == "2025-10-14")
    );
    // Overdue on the test machine's clock (long after 2025-10-14), until marked done.
    let overdue = |app: &TestApp| {
        app.ok("dashboard", json!({}))["overdue_tasks"]
            .as_array()
            .unwrap()
            .iter()
            .any(|t| t["deadline"] == "final_pay")
    };
    assert!(overdue(&app));
    app.ok(
        "set_deadline_done",
        json!({"caseId": case, "key": "final_pay", "done": true}),
    );
    assert!(!overdue(&app));
    let safeguard = app.ok(
        "letter_safeguard",
        json!({"request": {"case_id": case, "template": "wage_arrears", "agency_id": null,
            "worker_id": null, "letter_date": null}}),
    );
    assert_eq!(safeguard["channel"], "labour_office");
    assert_eq!(safeguard["reporting_duty"], "exempt_for_wage_victims");
    assert_eq!(safeguard["stay_status"], "withheld");

    // Checklists and logs: a next-of-kin contact sets the family's next update.
    app.ok(
        "add_case_log",
        json!({"caseId": case, "entry": {"kind": "kin_contact", "on": "2026-01-12",
            "contact": "brother", "summary": "told of the claim", "next_update_on": "2026-01-20"}}),
    );
    let refused = app.err(
        "add_case_log",
        json!({"caseId": case, "entry": {"kind": "detention_visit", "on": "2026-01-12",
            "place": "", "who": "consul"}}),
    );
    assert_eq!(refused["issues"][0]["field"], "place");
    let logs = app.ok("case_logs", json!({"caseId": case}));
    assert_eq!(logs[0]["kind"], "kin_contact");
    assert_eq!(logs[0]["next_update_on"], "2026-01-20");
    let checklist = app.ok("repatriation_checklist", json!({"caseId": case}));
    assert_eq!(checklist[0]["status"], "pending");
    let deadlines = app.ok("case_deadlines", json!({"caseId": case}));
    assert!(
        deadlines
            .as_array()
            .unwrap()
            .iter()
            .any(|d| d["key"] == "kin_update" && d["due_on"] == "2026-01-20")
    );
}

/// A loopback TCP relay to the sync server that can hold back what it relays, as a server
/// that stops answering mid-round does.
struct StallingRelay {
    addr: std::net::SocketAddr,
    stalled: std::sync::Arc<std::sync::atomic::AtomicBool>,
}

impl StallingRelay {
    fn to(upstream: std::net::SocketAddr) -> Self {
        use std::net::{TcpListener, TcpStream};
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let stalled = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let held = stalled.clone();
        std::thread::spawn(move || {
            for client in listener.incoming() {
                let (Ok(client), Ok(server)) = (client, TcpStream::connect(upstream)) else {
                    continue;
                };
                let pairs = [
                    (client.try_clone().unwrap(), server.try_clone().unwrap()),
                    (server, client),
                ];
                for (from, to) in pairs {
                    let held = held.clone();
                    std::thread::spawn(move || relay(from, to, &held));
                }
            }
        });
        Self { addr, stalled }
    }

    fn stall(&self, on: bool) {
        self.stalled.store(on, std::sync::atomic::Ordering::SeqCst);
    }
}

fn relay(
    mut from: std::net::TcpStream,
    mut to: std::net::TcpStream,
    held: &std::sync::atomic::AtomicBool,
) {
    use std::io::{Read, Write};
    let mut buf = [0u8; 16 * 1024];
    while let Ok(n @ 1..) = from.read(&mut buf) {
        while held.load(std::sync::atomic::Ordering::SeqCst) {
            std::thread::sleep(Duration::from_millis(10));
        }
        if to.write_all(&buf[..n]).is_err() {
            break;
        }
    }
    let _ = to.shutdown(std::net::Shutdown::Write);
}

/// Issue 13, item 11: a sync round holds the session while it waits on the network. A lock
/// asked for then answers at once and refuses every command at once; the round stops at its
/// next request instead of running to its end, and the workspace (with its key) is dropped as
/// soon as the request under way returns, with nobody asking again.
#[test]
fn a_lock_during_a_stalled_sync_round_answers_at_once_and_ends_the_round() {
    let server_dir = tempfile::tempdir().unwrap();
    let server = qorgau_server::serve_on_loopback_thread(server_dir.path()).unwrap();
    let relay = StallingRelay::to(server);
    let dir = tempfile::tempdir().unwrap();
    let app = created(dir.path());
    let state = app.window.state::<AppState>().inner().clone();
    let operator_token = qorgau_server::operator_token(server_dir.path()).unwrap();
    state
        .with(|ws| ws.create_team(&format!("http://{}", relay.addr), None, &operator_token))
        .unwrap();
    app.ok(
        "add_worker",
        json!({"worker": {"surname": "Сейтқали", "given_name": "Айгерім"}}),
    );

    relay.stall(true);
    let round = {
        let state = state.clone();
        std::thread::spawn(move || state.sync_if_in_team())
    };
    std::thread::sleep(Duration::from_millis(300));
    let asked = std::time::Instant::now();
    let info = app.ok("lock", json!({}));
    assert_eq!(info["unlocked"], false);
    assert_eq!(app.err("sync_status", json!({}))["code"], "locked");
    state.touch();
    assert!(
        asked.elapsed() < Duration::from_secs(2),
        "the lock, a command and a keystroke wait for nothing: {:?}",
        asked.elapsed()
    );
    assert!(
        !round.is_finished(),
        "the round is still waiting on the server"
    );
    assert!(
        state.workspace_open(),
        "its key goes when the request returns"
    );

    relay.stall(false);
    let outcome = round.join().unwrap().expect("the workspace was in a team");
    let error = outcome.expect_err("the round was cut short");
    assert!(error.message.contains("being locked"), "{error:?}");
    let resumed = std::time::Instant::now();
    while state.workspace_open() {
        assert!(
            resumed.elapsed() < Duration::from_secs(5),
            "the workspace was not dropped after the round"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    assert_eq!(app.err("sync_status", json!({}))["code"], "locked");

    // Unlocked again, the next round does what the cut-short one left.
    app.ok("unlock", json!({"passphrase": PASSPHRASE}));
    let report = app.ok("sync_now", json!({}));
    assert!(
        report["pushed_envelopes"].as_u64().unwrap() >= 1,
        "{report}"
    );
}

#[test]
fn the_backup_reminder_is_due_until_a_backup_is_made_and_again_once_it_is_old() {
    use qorgau_core::{ErrorCode, Passphrase};
    use qorgau_desktop::commands::backup::{backup_status_at, check_backup, write_backup};
    let dir = tempfile::tempdir().unwrap();
    let app = created(dir.path());
    let status = app.ok("backup_status", json!({}));
    assert_eq!(status["due"], true, "no backup yet");
    assert_eq!(status["last_backup_at"], Value::Null);
    assert_eq!(status["days_since"], Value::Null);
    assert_eq!(status["reminder_days"], 7, "the default");

    app.ok(
        "add_worker",
        json!({"worker": {"surname": "Жұмабаев", "given_name": "Ерлан"}}),
    );
    // What `create_backup` does once the save dialog has answered.
    let out = tempfile::tempdir().unwrap();
    let file = out.path().join("qorgau.qorgau-backup");
    let state = app._app.state::<AppState>();
    let made = write_backup(&state, &file).unwrap();
    assert_eq!(made.workers, 1);
    let status = app.ok("backup_status", json!({}));
    assert_eq!(status["due"], false, "{status}");
    assert_eq!(status["days_since"], 0);
    assert!(status["last_backup_at"].is_string());
    let in_a_week = chrono::Utc::now() + chrono::Duration::days(7);
    let later = backup_status_at(&state, in_a_week).unwrap();
    assert!(later.due, "seven days later, with a reminder every 7 days");
    assert_eq!(later.days_since, Some(7));
    assert!(
        !backup_status_at(&state, in_a_week - chrono::Duration::hours(1))
            .unwrap()
            .due
    );

    // The file chosen is never overwritten.
    let again = write_backup(&state, &file).unwrap_err();
    assert!(matches!(again.code, ErrorCode::AlreadyExists), "{again}");

    // What `verify_backup` does once the open dialog has answered: the backup's own
    // passphrase opens it in a temporary folder; the open workspace goes on as it was.
    let checked = check_backup(&file, &Passphrase::new(PASSPHRASE)).unwrap();
    assert_eq!(checked.workers, 1);
    assert_eq!(checked.sha256, made.sha256);
    let wrong = check_backup(&file, &Passphrase::new("not the passphrase of it")).unwrap_err();
    assert!(matches!(wrong.code, ErrorCode::WrongPassphrase), "{wrong}");
    assert_eq!(
        app.ok("list_workers", json!({"filter": {}}))
            .as_array()
            .unwrap()
            .len(),
        1
    );

    app.ok("lock", json!({}));
    assert_eq!(app.err("backup_status", json!({}))["code"], "locked");
    let locked = write_backup(&state, &out.path().join("second.qorgau-backup")).unwrap_err();
    assert!(matches!(locked.code, ErrorCode::Locked));
}

#[test]
fn the_backup_reminder_interval_is_validated_and_old_settings_files_get_the_default() {
    let dir = tempfile::tempdir().unwrap();
    let app = created(dir.path());
    assert_eq!(
        app.ok("app_info", json!({}))["settings"]["backup_reminder_days"],
        7
    );
    for days in [0, 1000] {
        let bad = app.err(
            "update_settings",
            json!({"settings": {"language": "ru", "caseworker": "Айгерім",
                                "auto_lock_minutes": 10, "backup_reminder_days": days}}),
        );
        assert_eq!(bad["code"], "invalid", "{days}");
        assert_eq!(bad["issues"][0]["field"], "backup_reminder_days", "{days}");
        assert_eq!(bad["issues"][0]["code"], "out_of_range", "{days}");
    }
    app.ok(
        "update_settings",
        json!({"settings": {"language": "ru", "caseworker": "Айгерім",
                            "auto_lock_minutes": 10, "backup_reminder_days": 30}}),
    );
    assert_eq!(app.ok("backup_status", json!({}))["reminder_days"], 30);
    drop(app);

    // A settings file written before the reminder existed, and one edited by hand.
    let file = dir.path().join("desktop-settings.json");
    for (text, days) in [
        (
            r#"{"language": "ru", "caseworker": "Айгерім", "auto_lock_minutes": 10}"#,
            7,
        ),
        (
            r#"{"language": "ru", "caseworker": "Айгерім", "auto_lock_minutes": 10, "backup_reminder_days": 1000}"#,
            7,
        ),
        (
            r#"{"language": "ru", "caseworker": "Айгерім", "auto_lock_minutes": 10, "backup_reminder_days": 90}"#,
            90,
        ),
    ] {
        std::fs::write(&file, text).unwrap();
        let app = TestApp::new(dir.path());
        let settings = app.ok("app_info", json!({}))["settings"].clone();
        assert_eq!(settings["backup_reminder_days"], days, "{text}");
        assert_eq!(settings["caseworker"], "Айгерім", "{text}");
    }
    // The settings as an older UI sends them, without the field.
    let old: qorgau_desktop::session::DesktopSettings = serde_json::from_value(
        json!({"language": "kk", "caseworker": "A", "auto_lock_minutes": 5}),
    )
    .unwrap();
    assert_eq!(old.backup_reminder_days, 7);
}
