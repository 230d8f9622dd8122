//! The sync server as a real process on loopback, driven over HTTP with sealed envelopes
//! from `qorgau-sync`.

use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use qorgau_domain::DeviceId;
use qorgau_sync::{Envelope, EnvelopeHeader, KeyRing, SequenceCheck, TeamId, TeamKey};
use serde_json::{Value, json};

mod support;
use std::process::Command;
use support::Server;

/// Status and JSON body of a request, whatever the status.
fn call(req: ureq::Request, body: Option<Value>) -> (u16, Value) {
    let result = match body {
        Some(b) => req.send_json(b),
        None => req.call(),
    };
    let response = match result {
        Ok(r) => r,
        Err(ureq::Error::Status(_, r)) => r,
        Err(e) => panic!("request failed: {e}"),
    };
    let status = response.status();
    // Read whole (a pull reply is larger than `into_string` allows).
    let mut text = String::new();
    std::io::Read::read_to_string(
        &mut std::io::Read::take(response.into_reader(), 64 << 20),
        &mut text,
    )
    .unwrap();
    (
        status,
        serde_json::from_str(&text).unwrap_or(Value::String(text)),
    )
}

fn post(server: &Server, path: &str, token: Option<&str>, body: Value) -> (u16, Value) {
    let mut req = ureq::post(&format!("{}{path}", server.api()));
    if let Some(t) = token {
        req = req.set("Authorization", &format!("Bearer {t}"));
    }
    call(req, Some(body))
}

fn get(server: &Server, path: &str, token: &str) -> (u16, Value) {
    call(
        ureq::get(&format!("{}{path}", server.api()))
            .set("Authorization", &format!("Bearer {token}")),
        None,
    )
}

fn hex_id(id: &[u8; 16]) -> String {
    id.iter().map(|b| format!("{b:02x}")).collect()
}

struct Team {
    id: TeamId,
    ring: KeyRing,
    admin: (DeviceId, String),
}

fn create_team(server: &Server) -> Team {
    let id = TeamId(*DeviceId::new().as_bytes());
    let device = DeviceId::new();
    let (status, body) = post(
        server,
        "/teams",
        Some(&server.operator_token),
        json!({"team_id": hex_id(&id.0), "device_id": hex_id(device.as_bytes())}),
    );
    assert_eq!(status, 201, "{body}");
    Team {
        id,
        ring: KeyRing::new(TeamKey::generate().unwrap()),
        admin: (device, body["token"].as_str().unwrap().to_string()),
    }
}

fn add_device(server: &Server, team: &Team) -> (DeviceId, String) {
    let device = DeviceId::new();
    let (status, body) = post(
        server,
        "/devices",
        Some(&team.admin.1),
        json!({"device_id": hex_id(device.as_bytes())}),
    );
    assert_eq!(status, 201, "{body}");
    (device, body["token"].as_str().unwrap().to_string())
}

fn sealed(team: &Team, device: DeviceId, seq: u64, text: &str) -> Value {
    let header = EnvelopeHeader {
        team: team.id,
        device,
        device_seq: seq,
        key_epoch: 0,
    };
    let env = Envelope::seal(team.ring.get(0).unwrap(), header, text.as_bytes()).unwrap();
    json!({
        "device_seq": seq,
        "key_epoch": 0,
        "blob": BASE64.encode(serde_json::to_vec(&env).unwrap()),
    })
}

fn push(server: &Server, token: &str, envelopes: Vec<Value>) -> (u16, Value) {
    post(
        server,
        "/envelopes",
        Some(token),
        json!({ "envelopes": envelopes }),
    )
}

#[test]
fn envelopes_pushed_by_one_device_are_pulled_and_opened_by_another() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(dir.path());
    let team = create_team(&server);
    let (b, b_token) = add_device(&server, &team);
    let (a, a_token) = (team.admin.0, team.admin.1.clone());

    let changes = ["first change set", "second", "third"];
    let batch = changes
        .iter()
        .enumerate()
        .map(|(i, t)| sealed(&team, a, i as u64 + 1, t))
        .collect();
    let (status, body) = push(&server, &a_token, batch);
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["high_water"], json!(3));
    let (status, _) = push(&server, &b_token, vec![sealed(&team, b, 1, "from b")]);
    assert_eq!(status, 200);

    let (status, body) = get(&server, "/envelopes?after=0", &b_token);
    assert_eq!(status, 200, "{body}");
    let pulled = body["envelopes"].as_array().unwrap();
    assert_eq!(pulled.len(), 4);
    let mut check = SequenceCheck::new();
    let mut texts = Vec::new();
    for (i, e) in pulled.iter().enumerate() {
        assert_eq!(e["global_seq"], json!(i as u64 + 1));
        if e["device_id"] == json!(hex_id(b.as_bytes())) {
            // B's own envelope comes back to B as its position only.
            assert_eq!(e["blob"], json!(""));
            continue;
        }
        let bytes = BASE64.decode(e["blob"].as_str().unwrap()).unwrap();
        let env: Envelope = serde_json::from_slice(&bytes).unwrap();
        check.check(&env.header).unwrap();
        check.record(&env.header);
        texts.push(String::from_utf8(env.open(&team.ring, team.id).unwrap()).unwrap());
    }
    assert_eq!(texts, ["first change set", "second", "third"]);
    let (_, body) = get(&server, "/envelopes?after=3", &a_token);
    let from_b = BASE64
        .decode(body["envelopes"][0]["blob"].as_str().unwrap())
        .unwrap();
    let env: Envelope = serde_json::from_slice(&from_b).unwrap();
    assert_eq!(env.open(&team.ring, team.id).unwrap(), b"from b");
    let (_, body) = get(&server, "/envelopes?after=4", &a_token);
    assert!(body["envelopes"].as_array().unwrap().is_empty());
    let (_, body) = get(&server, "/envelopes?after=1&limit=2", &a_token);
    assert_eq!(body["envelopes"].as_array().unwrap().len(), 2);
}

#[test]
fn the_server_database_holds_no_name_or_iin() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(dir.path());
    let team = create_team(&server);
    let (a, token) = (team.admin.0, team.admin.1.clone());
    let names = [
        "Жұмабеков Әлихан",
        "ZHUMABEKOV ALIKHAN",
        "주마베코프",
        "940315300123",
    ];
    let text = json!({"surname": names[0], "latin_name": names[1], "hangul_name": names[2], "iin": names[3]})
        .to_string();
    assert_eq!(
        push(&server, &token, vec![sealed(&team, a, 1, &text)]).0,
        200
    );
    drop(server);
    let mut dump = Vec::new();
    for entry in std::fs::read_dir(dir.path()).unwrap() {
        dump.extend(std::fs::read(entry.unwrap().path()).unwrap());
    }
    assert!(dump.len() > 1000);
    for name in names {
        let needle = name.as_bytes();
        assert!(
            !dump.windows(needle.len()).any(|w| w == needle),
            "{name} is readable in the server's files"
        );
    }
}

#[test]
fn a_revoked_device_is_refused_and_only_the_admin_manages_devices() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(dir.path());
    let team = create_team(&server);
    let (b, b_token) = add_device(&server, &team);
    let (status, body) = post(
        &server,
        "/devices",
        Some(&b_token),
        json!({"device_id": hex_id(DeviceId::new().as_bytes())}),
    );
    assert_eq!(
        (status, body["error"]["code"].clone()),
        (403, json!("not_admin"))
    );

    let (status, _) = post(
        &server,
        &format!("/devices/{}/revoke", hex_id(b.as_bytes())),
        Some(&team.admin.1),
        json!({}),
    );
    assert_eq!(status, 204);
    let (status, body) = push(&server, &b_token, vec![sealed(&team, b, 1, "late")]);
    assert_eq!(
        (status, body["error"]["code"].clone()),
        (403, json!("revoked"))
    );
    let (status, _) = get(&server, "/envelopes", &b_token);
    assert_eq!(status, 403);
    let (status, body) = get(&server, "/envelopes", "not-a-token");
    assert_eq!(
        (status, body["error"]["code"].clone()),
        (401, json!("unauthorized"))
    );
}

#[test]
fn pushes_are_in_order_idempotent_and_never_rewritten() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(dir.path());
    let team = create_team(&server);
    let (a, token) = (team.admin.0, team.admin.1.clone());
    let (status, body) = push(&server, &token, vec![sealed(&team, a, 2, "two")]);
    assert_eq!(
        (status, body["error"]["code"].clone()),
        (409, json!("out_of_order"))
    );
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("expected 1")
    );

    let first = sealed(&team, a, 1, "one");
    assert_eq!(push(&server, &token, vec![first.clone()]).0, 200);
    // An interrupted push retried: accepted, not duplicated.
    assert_eq!(
        push(&server, &token, vec![first, sealed(&team, a, 2, "two")]).0,
        200
    );
    let (_, body) = get(&server, "/envelopes", &token);
    assert_eq!(body["envelopes"].as_array().unwrap().len(), 2);
    // The same sequence number with other bytes is refused.
    let (status, body) = push(&server, &token, vec![sealed(&team, a, 1, "forged")]);
    assert_eq!(
        (status, body["error"]["code"].clone()),
        (409, json!("conflicting_envelope"))
    );
    // Limits are clear errors.
    let many: Vec<Value> = (3..1005).map(|n| sealed(&team, a, n, "x")).collect();
    let (status, body) = push(&server, &token, many);
    assert_eq!(
        (status, body["error"]["code"].clone()),
        (413, json!("batch_too_large"))
    );
    let (status, body) = post(
        &server,
        "/envelopes",
        Some(&token),
        json!({"envelopes": [{"device_seq": 3, "key_epoch": 0, "blob": "%%%"}]}),
    );
    assert_eq!(status, 400);
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("envelopes[0].blob")
    );
}

#[test]
fn registry_blocks_never_overlap_across_devices_or_restarts() {
    let dir = tempfile::tempdir().unwrap();
    let team;
    let b_token;
    let mut ranges: Vec<(u64, u64)> = Vec::new();
    {
        let server = Server::start(dir.path());
        team = create_team(&server);
        b_token = add_device(&server, &team).1;
        for _ in 0..5 {
            for token in [&team.admin.1, &b_token] {
                let (status, body) = post(
                    &server,
                    "/registry/blocks",
                    Some(token),
                    json!({"year": 2026, "size": 50}),
                );
                assert_eq!(status, 200, "{body}");
                ranges.push((
                    body["first_seq"].as_u64().unwrap(),
                    body["last_seq"].as_u64().unwrap(),
                ));
            }
        }
        let (status, _) = post(
            &server,
            "/registry/blocks",
            Some(&b_token),
            json!({"year": 2026, "size": 0}),
        );
        assert_eq!(status, 400);
        let (status, _) = post(
            &server,
            "/registry/blocks",
            Some(&b_token),
            json!({"year": 2026, "size": 10, "at_least": 4_000_000_000u32}),
        );
        assert_eq!(status, 400, "a start beyond any registry number is refused");
    }
    // After a restart the counter continues.
    let server = Server::start(dir.path());
    let (_, body) = post(
        &server,
        "/registry/blocks",
        Some(&b_token),
        json!({"year": 2026, "size": 10}),
    );
    ranges.push((
        body["first_seq"].as_u64().unwrap(),
        body["last_seq"].as_u64().unwrap(),
    ));
    let (_, body) = post(
        &server,
        "/registry/blocks",
        Some(&b_token),
        json!({"year": 2027, "size": 10}),
    );
    assert_eq!(body["first_seq"], json!(1));
    ranges.sort();
    assert_eq!(ranges[0].0, 1);
    for pair in ranges.windows(2) {
        assert_eq!(pair[1].0, pair[0].1 + 1, "{ranges:?}");
    }
}

#[test]
fn only_loopback_is_served_without_tls() {
    let dir = tempfile::tempdir().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_qorgau-server"))
        .args([
            "--data",
            dir.path().to_str().unwrap(),
            "--listen",
            "0.0.0.0:0",
        ])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("TLS"));
}

#[test]
fn creating_a_team_needs_the_operator_token_from_the_data_directory() {
    let dir = tempfile::tempdir().unwrap();
    let mut server = Server::start(dir.path());
    let token_file = dir.path().join("operator-token");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&token_file).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600, "the operator token is private");
    }
    let token = server.operator_token.clone();
    assert_eq!(token.len(), 64, "256 random bits as hex");
    let new_team = || {
        json!({
            "team_id": hex_id(DeviceId::new().as_bytes()),
            "device_id": hex_id(DeviceId::new().as_bytes()),
        })
    };
    let (status, body) = post(&server, "/teams", None, new_team());
    assert_eq!(
        (status, body["error"]["code"].clone()),
        (401, json!("operator_token_required")),
        "{body}"
    );
    let (status, body) = post(&server, "/teams", Some(&"0".repeat(64)), new_team());
    assert_eq!(
        (status, body["error"]["code"].clone()),
        (403, json!("operator_token_wrong")),
        "{body}"
    );
    // A device's token is not the operator's.
    let team = create_team(&server);
    let (status, _) = post(&server, "/teams", Some(&team.admin.1), new_team());
    assert_eq!(status, 403);
    // A restart keeps the token.
    server.restart();
    assert_eq!(std::fs::read_to_string(&token_file).unwrap().trim(), token);
    let (status, body) = post(&server, "/teams", Some(&token), new_team());
    assert_eq!(status, 201, "{body}");
}

/// Reads from `stream` until the server closes it; returns how long that took, or panics
/// after `limit`.
fn closed_within(
    mut stream: std::net::TcpStream,
    limit: std::time::Duration,
) -> std::time::Duration {
    use std::io::Read;
    let start = std::time::Instant::now();
    stream.set_read_timeout(Some(limit)).unwrap();
    let mut buf = [0u8; 64];
    loop {
        match stream.read(&mut buf) {
            Ok(0) => return start.elapsed(),
            Ok(_) => continue,
            Err(e) if e.kind() == std::io::ErrorKind::ConnectionReset => return start.elapsed(),
            Err(e) => panic!(
                "the connection was still open after {:?}: {e}",
                start.elapsed()
            ),
        }
    }
}

#[test]
fn idle_connections_and_stalled_handshakes_are_closed() {
    use std::io::Write;
    use std::time::Duration;
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start_with(dir.path(), &["--idle-timeout-secs", "1"]);
    // Nothing sent at all.
    let idle = std::net::TcpStream::connect(&server.addr).unwrap();
    let took = closed_within(idle, Duration::from_secs(10));
    assert!(took >= Duration::from_millis(900), "{took:?}");
    // Half a request's headers.
    let mut slow = std::net::TcpStream::connect(&server.addr).unwrap();
    slow.write_all(b"GET /v1/health HTTP/1.1\r\nHost: x\r\n")
        .unwrap();
    closed_within(slow, Duration::from_secs(10));
    // A kept-alive connection left idle after a reply.
    let mut kept = std::net::TcpStream::connect(&server.addr).unwrap();
    kept.write_all(b"GET /v1/health HTTP/1.1\r\nHost: x\r\n\r\n")
        .unwrap();
    closed_within(kept, Duration::from_secs(10));

    // Over TLS, a client that never starts the handshake.
    let tls_dir = tempfile::tempdir().unwrap();
    let tls = Server::start_with(
        tls_dir.path(),
        &["--tls-self-signed", "--handshake-timeout-secs", "1"],
    );
    let silent = std::net::TcpStream::connect(&tls.addr).unwrap();
    closed_within(silent, Duration::from_secs(10));
}

#[test]
fn three_hundred_idle_connections_under_ulimit_256_do_not_stop_the_server() {
    let dir = tempfile::tempdir().unwrap();
    let mut server = Server::start_with_fd_limit(
        dir.path(),
        &["--tls-self-signed", "--idle-timeout-secs", "2"],
        256,
    );
    let idle: Vec<std::net::TcpStream> = (0..300)
        .map(|_| std::net::TcpStream::connect(&server.addr).unwrap())
        .collect();
    // Long enough for the server to run out of descriptors and see accept errors.
    std::thread::sleep(std::time::Duration::from_millis(1500));
    assert!(server.is_running(), "the server exited on accept errors");
    // A pinned client still gets through (the idle ones are closed after 2 s).
    let (_dir, mut store) = support::new_store();
    qorgau_sync::team::create_team(
        &mut store,
        &server.url(),
        server.fingerprint.as_deref(),
        &server.operator_token,
    )
    .unwrap();
    store
        .add_worker(&qorgau_domain::Worker {
            surname: Some("Жұмабеков".into()),
            ..Default::default()
        })
        .unwrap();
    let report = qorgau_sync::sync_once(&mut store).unwrap();
    assert!(report.sealed_changes >= 1, "{report:?}");
    assert!(server.is_running());
    drop(idle);
}

/// The server process's peak resident memory since the last reset, in KiB.
fn peak_kib(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    let line = status.lines().find(|l| l.starts_with("VmHWM:")).unwrap();
    line.split_whitespace().nth(1).unwrap().parse().unwrap()
}

fn rss_kib(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    let line = status.lines().find(|l| l.starts_with("VmRSS:")).unwrap();
    line.split_whitespace().nth(1).unwrap().parse().unwrap()
}

#[test]
fn a_pull_reads_only_the_envelopes_that_fit_its_reply() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(dir.path());
    let team = create_team(&server);
    let token = team.admin.1.clone();
    // 150 envelopes of 1 MiB (the most one may be), pushed 10 at a time.
    let big = BASE64.encode(vec![7u8; 1024 * 1024]);
    for first in (1..=150u64).step_by(10) {
        let batch: Vec<Value> = (first..first + 10)
            .map(|seq| json!({"device_seq": seq, "key_epoch": 0, "blob": big}))
            .collect();
        let (status, body) = push(&server, &token, batch);
        assert_eq!(status, 200, "{body}");
    }
    let pid = server.pid();
    let reset = std::fs::write(format!("/proc/{pid}/clear_refs"), "5").is_ok();
    let before = rss_kib(pid);
    // Another device pulls (its own envelopes would come back without bytes).
    let (_, b_token) = add_device(&server, &team);
    let (status, body) = get(&server, "/envelopes?limit=1000", &b_token);
    assert_eq!(status, 200);
    let got = body["envelopes"].as_array().unwrap();
    assert_eq!(got.len(), 8, "8 MiB of envelopes per reply");
    assert_eq!(got[0]["global_seq"], json!(1));
    // The next page starts where this one stopped.
    let (_, body) = get(&server, "/envelopes?after=8&limit=1000", &b_token);
    assert_eq!(body["envelopes"][0]["global_seq"], json!(9));
    if reset {
        let grew_mib = peak_kib(pid).saturating_sub(before) / 1024;
        // The reply is ~11 MiB of base64 (held a few times over while it is built); reading
        // all 150 MiB and trimming afterwards would show here.
        assert!(
            grew_mib < 80,
            "a pull raised the server's memory by {grew_mib} MiB"
        );
    } else {
        eprintln!("cannot reset the server's peak memory here: memory not measured");
    }
}

#[test]
fn a_team_cannot_store_more_than_its_quota() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start_with(dir.path(), &["--team-quota-mib", "1"]);
    let team = create_team(&server);
    let token = team.admin.1.clone();
    let blob = BASE64.encode(vec![1u8; 600 * 1024]);
    let envelope = |seq: u64| json!({"device_seq": seq, "key_epoch": 0, "blob": blob});
    let (status, body) = push(&server, &token, vec![envelope(1)]);
    assert_eq!(status, 200, "{body}");
    let (status, body) = push(&server, &token, vec![envelope(2)]);
    assert_eq!(
        (status, body["error"]["code"].clone()),
        (413, json!("quota_exceeded")),
        "{body}"
    );
    // Nothing of it was stored; another team has its own quota.
    let (_, body) = get(&server, "/envelopes", &token);
    assert_eq!(body["envelopes"].as_array().unwrap().len(), 1);
    let other = create_team(&server);
    let (status, body) = push(&server, &other.admin.1, vec![envelope(1)]);
    assert_eq!(status, 200, "{body}");
}

#[test]
fn malformed_requests_get_the_documented_error_body() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(dir.path());
    let team = create_team(&server);
    let token = team.admin.1.clone();
    let (status, body) = post(&server, "/envelopes", Some(&token), json!({"envelopes": 5}));
    assert!(status == 400 || status == 422, "{status} {body}");
    assert_eq!(body["error"]["code"], json!("bad_request"), "{body}");
    assert!(body["error"]["message"].is_string(), "{body}");
    let (status, body) = post(&server, "/devices", Some(&token), json!({"device": "x"}));
    assert!(status == 400 || status == 422, "{status} {body}");
    assert_eq!(body["error"]["code"], json!("bad_request"), "{body}");
    let (status, body) = get(&server, "/envelopes?after=minus-one", &token);
    assert_eq!(status, 400, "{body}");
    assert_eq!(body["error"]["code"], json!("bad_request"), "{body}");
}

#[test]
fn a_request_whose_body_never_arrives_gets_a_timeout() {
    use std::io::{Read, Write};
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start_with(dir.path(), &["--request-timeout-secs", "1"]);
    let team = create_team(&server);
    let mut slow = std::net::TcpStream::connect(&server.addr).unwrap();
    write!(
        slow,
        "POST /v1/envelopes HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {}\r\n\
         Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{{\"envel",
        team.admin.1
    )
    .unwrap();
    slow.set_read_timeout(Some(std::time::Duration::from_secs(10)))
        .unwrap();
    let start = std::time::Instant::now();
    let mut reply = String::new();
    let mut buf = [0u8; 512];
    while !reply.contains("timeout") {
        let n = slow.read(&mut buf).expect("a reply within 10 s");
        assert!(n > 0, "closed without a reply: {reply:?}");
        reply.push_str(&String::from_utf8_lossy(&buf[..n]));
    }
    assert!(reply.starts_with("HTTP/1.1 408"), "{reply}");
    assert!(start.elapsed() < std::time::Duration::from_secs(5));
}
