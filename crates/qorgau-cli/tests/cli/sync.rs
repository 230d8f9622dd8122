//! `qorgau team|device|sync|state-hash|conflicts` and `worker duplicates|merge`: two
//! workspaces (two laptops) syncing through a server on loopback.

use super::*;

/// A sync server on a loopback port for this test, with its operator token.
fn server() -> (tempfile::TempDir, String, String) {
    let dir = tempfile::tempdir().unwrap();
    let addr = qorgau_server::serve_on_loopback_thread(dir.path()).unwrap();
    let token = qorgau_server::operator_token(dir.path()).unwrap();
    (dir, format!("http://{addr}"), token)
}

/// Two workspaces in one team: `a` the admin, `b` enrolled with a code.
pub(super) fn team() -> (tempfile::TempDir, Ws, Ws) {
    let (server_dir, url, operator_token) = server();
    let a = Ws::new();
    let b = Ws::new();
    let status = a.json(&[
        "team",
        "create",
        "--server",
        &url,
        "--operator-token",
        &operator_token,
    ]);
    assert_eq!(status["in_team"], json!(true));
    assert_eq!(status["admin"], json!(true));
    let code = a.json(&["device", "invite"])["code"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(code.starts_with("QRG1-"), "{code}");
    let pending = b.json(&["device", "enroll", &code, "--name", "Laptop B"]);
    assert_eq!(pending["status"], json!("pending_approval"), "{pending}");
    let device = pending["device_id"].as_str().unwrap().to_string();
    let sas = pending["sas"].as_str().unwrap().to_string();
    assert_eq!(sas.len(), 6, "{sas}");
    // Until the admin approves, the new laptop says what to do, and nothing syncs.
    let early = b.run(&["sync"]);
    assert_ne!(early.status.code(), Some(0));
    assert!(
        text(&early.stderr).contains(&sas),
        "{}",
        text(&early.stderr)
    );
    let listed = a.json(&["device", "pending"]);
    assert_eq!(listed[0]["device_id"], json!(device), "{listed}");
    assert_eq!(listed[0]["verifiable"], json!(true), "{listed}");
    assert_eq!(listed[0]["name"], json!("Laptop B"), "{listed}");
    // A wrong string approves nothing.
    let wrong = if sas == "000000" { "111111" } else { "000000" };
    let refused = a.run(&["device", "approve", &device, "--sas", wrong]);
    assert_ne!(refused.status.code(), Some(0));
    assert!(
        text(&refused.stderr).contains("does not match"),
        "{}",
        text(&refused.stderr)
    );
    let approved = a.json(&["device", "approve", &device, "--sas", &sas]);
    assert_eq!(approved["role"], json!("caseworker"), "{approved}");
    b.json(&["sync"]);
    let status = b.json(&["sync", "--status"]);
    assert_eq!(status["admin"], json!(false));
    assert_eq!(status["in_team"], json!(true));
    assert!(status.get("pending_approval").is_none(), "{status}");
    let roles = a.json(&["device", "list"]);
    let roles: Vec<&str> = roles
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["role"].as_str().unwrap())
        .collect();
    assert_eq!(roles.len(), 2);
    assert!(
        roles.contains(&"admin") && roles.contains(&"caseworker"),
        "{roles:?}"
    );
    // The code is single-use.
    let c = Ws::new();
    let again = c.run(&["device", "enroll", &code]);
    assert_eq!(again.status.code(), Some(6), "{}", text(&again.stderr));
    assert!(
        text(&again.stderr).contains("already used"),
        "{}",
        text(&again.stderr)
    );
    (server_dir, a, b)
}

pub(super) fn hash(ws: &Ws) -> String {
    ws.json(&["state-hash"])["state_hash"]
        .as_str()
        .unwrap()
        .to_string()
}

#[test]
fn two_laptops_sync_and_review_a_conflict() {
    let (_server, a, b) = team();
    let id = add_worker(&a, &nurlan());
    let pushed = a.json(&["sync"]);
    assert!(pushed["sealed_changes"].as_u64().unwrap() >= 1, "{pushed}");
    let pulled = b.json(&["sync"]);
    assert!(pulled["applied"].as_u64().unwrap() >= 1, "{pulled}");
    assert_eq!(hash(&a), hash(&b));
    assert_eq!(
        b.json(&["worker", "show", &id])["worker"]["given_name"],
        json!("Нұрлан")
    );

    // Both edit the address offline.
    let out = a.with_file(
        &["worker", "update", &id],
        &json!({"address_kr": "안산시 원곡동"}),
    );
    assert_ok(&out);
    let out = b.with_file(
        &["worker", "update", &id],
        &json!({"address_kr": "화성시 향남읍"}),
    );
    assert_ok(&out);
    for ws in [&a, &b, &a] {
        ws.json(&["sync"]);
    }
    assert_eq!(hash(&a), hash(&b));
    let open = a.json(&["conflicts", "list"]);
    assert_eq!(open.as_array().unwrap().len(), 1, "{open}");
    assert_eq!(open[0]["field"], json!("address_kr"));
    assert_eq!(open[0]["kept"], json!("화성시 향남읍"));

    // The caseworker on A takes the other value; both laptops close the conflict.
    let conflict = open[0]["id"].to_string();
    assert_ok(&a.run(&["conflicts", "resolve", &conflict, "--other"]));
    a.json(&["sync"]);
    b.json(&["sync"]);
    assert_eq!(
        b.json(&["worker", "show", &id])["worker"]["address_kr"],
        json!("안산시 원곡동")
    );
    assert!(
        b.json(&["conflicts", "list"])
            .as_array()
            .unwrap()
            .is_empty()
    );
    assert_eq!(hash(&a), hash(&b));
    let status = b.json(&["sync", "--status"]);
    assert_eq!(status["unsynced_changes"], json!(0));
    assert_eq!(status["open_conflicts"], json!(0));
}

#[test]
fn the_same_worker_registered_on_both_laptops_is_flagged_and_merged() {
    let (_server, a, b) = team();
    let first = add_worker(&a, &nurlan());
    let mut other = nurlan();
    other["address_kr"] = json!("김해시 진영읍");
    other["phones"] = json!(["010-5555-0101"]);
    let second = add_worker(&b, &other);
    for ws in [&a, &b, &a] {
        ws.json(&["sync"]);
    }
    let pairs = a.json(&["worker", "duplicates"]);
    assert_eq!(pairs.as_array().unwrap().len(), 1, "{pairs}");
    let merged = a.json(&["worker", "merge", &second, &first]);
    assert_eq!(merged["kept"], pairs[0]["keep"]);
    a.json(&["sync"]);
    b.json(&["sync"]);
    assert!(
        b.json(&["worker", "duplicates"])
            .as_array()
            .unwrap()
            .is_empty()
    );
    assert_eq!(b.json(&["worker", "list"]).as_array().unwrap().len(), 1);
    let kept = b.json(&["worker", "show", merged["kept"].as_str().unwrap()]);
    assert_eq!(
        kept["worker"]["phones"].as_array().unwrap().len(),
        3,
        "{kept}"
    );
    assert_eq!(hash(&a), hash(&b));
}

#[test]
fn sync_failures_exit_6_and_say_why() {
    let ws = Ws::new();
    let out = ws.run(&["sync"]);
    assert_eq!(out.status.code(), Some(6));
    assert!(
        text(&out.stderr).contains("not in a sync team"),
        "{}",
        text(&out.stderr)
    );

    let out = ws.run(&["device", "enroll", "not-a-code"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("enrollment code"),
        "{}",
        text(&out.stderr)
    );

    // A server that is not there.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let out = ws.run(&[
        "team",
        "create",
        "--server",
        &format!("http://127.0.0.1:{port}"),
        "--operator-token",
        "0123456789abcdef0123456789abcdef",
    ]);
    assert_eq!(out.status.code(), Some(6));
    assert!(
        text(&out.stderr).contains("cannot reach"),
        "{}",
        text(&out.stderr)
    );
    // Plain http to another machine is refused before connecting.
    let out = ws.run(&[
        "team",
        "create",
        "--server",
        "http://192.0.2.7:8787",
        "--operator-token",
        "0123456789abcdef0123456789abcdef",
    ]);
    assert_eq!(out.status.code(), Some(6));
    assert!(
        text(&out.stderr).contains("loopback"),
        "{}",
        text(&out.stderr)
    );
    assert_eq!(ws.json(&["sync", "--status"])["in_team"], json!(false));
}

#[test]
fn team_create_needs_the_server_operators_token() {
    let (_server_dir, url, operator_token) = server();
    let ws = Ws::new();
    // Without the option clap refuses (usage).
    let out = ws.run(&["team", "create", "--server", &url]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains("--operator-token"),
        "{}",
        text(&out.stderr)
    );
    // A wrong token is refused by the server, and the workspace stays out of a team.
    let wrong = "f".repeat(64);
    let out = ws.run(&[
        "team",
        "create",
        "--server",
        &url,
        "--operator-token",
        &wrong,
    ]);
    assert_eq!(out.status.code(), Some(6), "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains("operator token"),
        "{}",
        text(&out.stderr)
    );
    assert_eq!(ws.json(&["sync", "--status"])["in_team"], json!(false));
    // The right one works.
    let status = ws.json(&[
        "team",
        "create",
        "--server",
        &url,
        "--operator-token",
        &operator_token,
    ]);
    assert_eq!(status["admin"], json!(true));
}

#[test]
fn enrolling_a_workspace_with_workers_needs_merge_existing_and_names_the_server() {
    let (_server_dir, url, operator_token) = server();
    let a = Ws::new();
    a.json(&[
        "team",
        "create",
        "--server",
        &url,
        "--operator-token",
        &operator_token,
    ]);
    let code = a.json(&["device", "invite"])["code"]
        .as_str()
        .unwrap()
        .to_string();
    let b = Ws::new();
    add_worker(&b, &nurlan());
    let out = b.run(&["device", "enroll", &code]);
    assert_eq!(out.status.code(), Some(6), "{}", text(&out.stderr));
    let host = url.trim_start_matches("http://");
    assert!(text(&out.stderr).contains(host), "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains("--merge-existing"),
        "{}",
        text(&out.stderr)
    );
    assert_eq!(b.json(&["sync", "--status"])["in_team"], json!(false));
    let pending = b.json(&["device", "enroll", &code, "--merge-existing"]);
    assert_eq!(pending["status"], json!("pending_approval"));
    a.json(&[
        "device",
        "approve",
        pending["device_id"].as_str().unwrap(),
        "--sas",
        pending["sas"].as_str().unwrap(),
    ]);
    let status = b.json(&["sync", "--status"]);
    assert_eq!(status["in_team"], json!(true));
    assert_eq!(status["quarantined"], json!([]), "{status}");
    assert_eq!(status["held_changes"], json!(0), "{status}");
    assert_eq!(status["clock_offset_ms"], Value::Null, "no round yet");
    b.json(&["sync"]);
    let status = b.json(&["sync", "--status"]);
    let offset = status["clock_offset_ms"].as_i64().unwrap();
    assert!(offset.abs() < 5_000, "one machine, one clock: {offset}");
}

#[test]
fn a_second_admin_and_a_recovery_kit_replace_a_lost_admin_laptop() {
    let (server_dir, url, operator_token) = server();
    let a = Ws::new();
    let kit = server_dir.path().join("recovery-kit.txt");
    a.json(&[
        "team",
        "create",
        "--server",
        &url,
        "--operator-token",
        &operator_token,
        "--recovery-kit",
        kit.to_str().unwrap(),
    ]);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&kit).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    let document = std::fs::read_to_string(&kit).unwrap();
    assert!(document.contains("QRK1-"), "{document}");
    assert!(document.contains("team recover"), "{document}");
    // A second laptop joins and becomes an admin, then a caseworker again.
    let b = Ws::new();
    let code = a.json(&["device", "invite"])["code"]
        .as_str()
        .unwrap()
        .to_string();
    let pending = b.json(&["device", "enroll", &code]);
    let b_id = pending["device_id"].as_str().unwrap().to_string();
    a.json(&[
        "device",
        "approve",
        &b_id,
        "--sas",
        pending["sas"].as_str().unwrap(),
    ]);
    b.json(&["sync"]);
    let promoted = a.json(&["team", "admins", "add", &b_id]);
    assert_eq!(promoted["role"], json!("admin"), "{promoted}");
    b.json(&["sync"]);
    assert_eq!(b.json(&["sync", "--status"])["admin"], json!(true));
    let demoted = b.json(&["team", "admins", "remove", &b_id]);
    assert_eq!(demoted["role"], json!("caseworker"), "{demoted}");
    // The admin laptop is lost: a new workspace recovers with the kit and revokes it.
    let c = Ws::new();
    let status = c.json(&["team", "recover", "--kit", kit.to_str().unwrap()]);
    assert_eq!(status["admin"], json!(true), "{status}");
    let a_id = a.json(&["sync", "--status"])["device"]
        .as_str()
        .unwrap()
        .to_string();
    let revoked = c.json(&["device", "revoke", &a_id]);
    assert_eq!(revoked["key_epoch"], json!(1), "{revoked}");
    let listed = c.json(&["device", "list"]);
    let a_row = listed
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["device_id"].as_str().unwrap().replace('-', "") == a_id.replace('-', ""))
        .unwrap()
        .clone();
    assert!(a_row["removed_after"].is_u64(), "{a_row}");
    let refused = a.run(&["sync"]);
    assert_eq!(refused.status.code(), Some(6), "{}", text(&refused.stderr));
}
