//! The team log and the approved enrollment as the server keeps them, one scenario run
//! against the SQLite and the PostgreSQL backends alike: the log only grows at its next
//! number and only admins append to it; a redeemed code waits for an admin's approval, its
//! token works only after it, and nothing wrapped is ever kept for a code.

mod support;

use qorgau_sync::SyncError;
use qorgau_sync::remote::Remote;
use sha2::{Digest, Sha256};
use support::Server;
use support::postgres::Postgres;

fn status(result: Result<impl std::fmt::Debug, SyncError>) -> (u16, String) {
    match result {
        Err(SyncError::Server { status, code, .. }) => (status, code),
        other => panic!("expected a refusal, got {other:?}"),
    }
}

fn scenario(server: &Server) {
    let url = server.url();
    let operator = Remote::new(&url, None, Some(&server.operator_token)).unwrap();
    let team = [1u8; 16];
    let admin_id = [2u8; 16];
    let admin = Remote::new(
        &url,
        None,
        Some(&operator.create_team(&team, &admin_id).unwrap()),
    )
    .unwrap();

    // The log grows only at its next number.
    assert_eq!(admin.append_log(1, vec!["genesis".into()]).unwrap(), 1);
    assert_eq!(
        status(admin.append_log(1, vec!["another genesis".into()])),
        (409, "log_conflict".into())
    );
    assert_eq!(
        status(admin.append_log(3, vec!["a gap".into()])),
        (409, "log_conflict".into())
    );
    assert_eq!(
        admin
            .append_log(2, vec!["second".into(), "third".into()])
            .unwrap(),
        3
    );
    let (entries, head) = admin.log(1).unwrap();
    assert_eq!(head, 3);
    assert_eq!(
        entries,
        vec![(2, "second".to_string()), (3, "third".to_string())]
    );

    // A code: redeemed once, waiting for approval, its token good only after it.
    let enrollment = [3u8; 16];
    let proof = [4u8; 32];
    let auth_hash: [u8; 32] = Sha256::digest(proof).into();
    admin
        .create_enrollment(&enrollment, &auth_hash, 3600)
        .unwrap();
    let anonymous = Remote::new(&url, None, None).unwrap();
    let member_id = [5u8; 16];
    assert_eq!(
        status(anonymous.redeem_enrollment(&enrollment, &[9u8; 32], &member_id, b"request")),
        (404, "not_found".into())
    );
    let (token, team_hex) = anonymous
        .redeem_enrollment(&enrollment, &proof, &member_id, b"sealed request")
        .unwrap();
    assert_eq!(team_hex, hex::encode(team));
    assert_eq!(
        status(anonymous.redeem_enrollment(&enrollment, &proof, &[6u8; 16], b"again")),
        (410, "enrollment_spent".into())
    );
    let member = Remote::new(&url, None, Some(&token)).unwrap();
    assert_eq!(status(member.log(0)), (401, "unauthorized".into()));
    let pending = admin.pending_enrollments().unwrap();
    assert_eq!(
        pending,
        vec![(enrollment, member_id, b"sealed request".to_vec())]
    );
    assert_eq!(
        status(member.pending_enrollments()),
        (401, "unauthorized".into())
    );
    admin.approve_enrollment(&enrollment).unwrap();
    assert_eq!(member.log(0).unwrap().1, 3);
    assert!(admin.pending_enrollments().unwrap().is_empty());
    assert_eq!(
        status(admin.approve_enrollment(&enrollment)),
        (404, "not_found".into())
    );

    // Only admins append; an admin can make another.
    assert_eq!(
        status(member.append_log(4, vec!["from a caseworker".into()])),
        (403, "not_admin".into())
    );
    admin.set_admin(&member_id, true).unwrap();
    assert_eq!(
        member
            .append_log(4, vec!["from a new admin".into()])
            .unwrap(),
        4
    );
}

#[test]
fn the_team_log_and_approved_enrollments_on_sqlite() {
    let data = tempfile::tempdir().unwrap();
    let server = Server::start(data.path());
    scenario(&server);
    let conn = rusqlite::Connection::open(server.database()).unwrap();
    let wrapped: i64 = conn
        .query_row(
            "SELECT count(*) FROM enrollments WHERE length(wrapped) > 0",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(wrapped, 0, "nothing is wrapped for a code");
    let requests: i64 = conn
        .query_row("SELECT count(*) FROM enrollment_requests", [], |r| r.get(0))
        .unwrap();
    assert_eq!(requests, 0, "an approved request is forgotten");
}

#[test]
fn the_team_log_and_approved_enrollments_on_postgresql() {
    let postgres = Postgres::start();
    postgres.psql("CREATE DATABASE team_log");
    let server = Server::start_postgres(&postgres.url_of("team_log"));
    scenario(&server);
    let wrapped = postgres.psql_in(
        "team_log",
        "SELECT count(*) FROM enrollments WHERE length(wrapped) > 0",
    );
    assert_eq!(wrapped, "0", "nothing is wrapped for a code");
    let requests = postgres.psql_in("team_log", "SELECT count(*) FROM enrollment_requests");
    assert_eq!(requests, "0", "an approved request is forgotten");
}
