//! TLS between devices and the server: a self-signed certificate pinned by its fingerprint,
//! which the enrollment code carries; the wrong pin, or no pin for an unknown issuer, is
//! refused before any data moves.

mod support;

use qorgau_sync::team::EnrollmentCode;
use qorgau_sync::{SyncError, sync_once, team};
use support::{Server, new_store};

#[test]
fn devices_sync_over_tls_pinned_through_the_enrollment_code() {
    let data = tempfile::tempdir().unwrap();
    let mut server = Server::start_with(data.path(), &["--tls-self-signed"]);
    let fingerprint = server.fingerprint.clone().unwrap();
    assert_eq!(fingerprint.len(), 64);
    let (_a_dir, mut a) = new_store();
    team::create_team(
        &mut a,
        &server.url(),
        Some(&fingerprint),
        &server.operator_token,
    )
    .unwrap();
    let code = team::invite(&mut a, 3600).unwrap();
    let parsed = EnrollmentCode::parse(&code).unwrap();
    assert_eq!(parsed.fingerprint.as_deref(), Some(fingerprint.as_str()));
    assert!(parsed.server.starts_with("https://"));

    let (_b_dir, mut b) = new_store();
    let pending = team::enroll(&mut b, &code, false).unwrap();
    team::approve(
        &mut a,
        b.device_id(),
        &pending.sas,
        qorgau_sync::Role::Caseworker,
    )
    .unwrap();
    a.add_worker(&qorgau_domain::Worker {
        surname: Some("Сейітов".into()),
        given_name: Some("Нұрлан".into()),
        ..Default::default()
    })
    .unwrap();
    sync_once(&mut a).unwrap();
    sync_once(&mut b).unwrap();
    assert_eq!(a.state_hash().unwrap(), b.state_hash().unwrap());
    assert_eq!(b.stats().unwrap().workers, 1);

    // The certificate is kept: after a restart the pin still holds.
    server.restart();
    sync_once(&mut b).unwrap();
}

#[test]
fn a_wrong_pin_or_an_untrusted_certificate_is_refused() {
    let data = tempfile::tempdir().unwrap();
    let server = Server::start_with(data.path(), &["--tls-self-signed"]);
    let (_dir, mut a) = new_store();
    let wrong = "00".repeat(32);
    let err =
        team::create_team(&mut a, &server.url(), Some(&wrong), &server.operator_token).unwrap_err();
    assert!(matches!(err, SyncError::CertificateMismatch), "{err}");
    // Without a pin the self-signed certificate is not trusted.
    let err = team::create_team(&mut a, &server.url(), None, &server.operator_token).unwrap_err();
    assert!(err.is_unreachable(), "{err}");
    assert!(
        err.to_string().to_lowercase().contains("certificate"),
        "{err}"
    );
    // Plain http to a non-loopback address is refused before connecting.
    let err = team::create_team(&mut a, "http://192.0.2.1:8787", None, "token").unwrap_err();
    assert!(err.to_string().contains("loopback"), "{err}");
    assert!(a.sync_settings().unwrap().is_none());
}

#[test]
fn a_server_url_with_a_user_part_is_refused() {
    let (_dir, mut a) = new_store();
    let err =
        team::create_team(&mut a, "http://127.0.0.1:1@192.0.2.1:8787", None, "token").unwrap_err();
    assert!(err.to_string().contains("user name"), "{err}");
}
