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
    let text = response.into_string().unwrap();
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
        None,
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
