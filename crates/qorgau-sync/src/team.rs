//! Teams and devices: creating a team on its first device, inviting another device with a
//! one-time enrollment code, enrolling with that code, listing and revoking devices, and
//! rotating the team key after a revocation.
//!
//! An enrollment code carries the server's address, its certificate fingerprint, the
//! enrollment id and a 256-bit secret. From the secret come two independent keys: one wraps
//! the team keys (and the new device's own key), the other proves possession to the server,
//! which stores only its hash. The server holds the wrapped keys until the code is used once,
//! and cannot unwrap them.

use crate::envelope::TeamId;
use crate::error::SyncError;
use crate::keys::TeamKey;
use crate::remote::{Remote, RemoteDevice};
use crate::settings::{SyncSettings, parse_16, parse_32};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as BASE64URL;
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use qorgau_domain::DeviceId;
use qorgau_store::Store;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;

/// What an enrollment code starts with.
pub const CODE_PREFIX: &str = "QRG1-";
/// How long an invitation stays valid by default.
pub const DEFAULT_INVITE_SECONDS: i64 = 24 * 3600;

fn random<const N: usize>() -> Result<[u8; N], SyncError> {
    let mut bytes = [0u8; N];
    getrandom::fill(&mut bytes).map_err(|_| SyncError::Random)?;
    Ok(bytes)
}

/// Creates a team on the server with this workspace as its admin device. The server's
/// operator gives `operator_token` (the server keeps it in `operator-token` in its data
/// directory); without it the server refuses.
pub fn create_team(
    store: &mut Store,
    server: &str,
    fingerprint: Option<&str>,
    operator_token: &str,
) -> Result<SyncSettings, SyncError> {
    if store.sync_settings()?.is_some() {
        return Err(SyncError::AlreadyInTeam);
    }
    let team: [u8; 16] = random()?;
    let remote = Remote::new(server, fingerprint, Some(operator_token.trim()))?;
    let token = remote.create_team(&team, store.device_id().as_bytes())?;
    let key = TeamKey::generate().map_err(|_| SyncError::Random)?;
    let device_key = TeamKey::generate().map_err(|_| SyncError::Random)?;
    let settings = SyncSettings {
        server: server.trim_end_matches('/').to_string(),
        fingerprint: fingerprint.map(str::to_string),
        team: hex::encode(team),
        token,
        admin: true,
        keys: BTreeMap::from([(0, hex::encode(key.as_bytes()))]),
        device_key: hex::encode(device_key.as_bytes()),
        invited: BTreeMap::new(),
    };
    settings.save(store, "team created")?;
    store.use_leased_registry_numbers()?;
    crate::engine::stock_registry_numbers(
        store,
        &Remote::new(server, fingerprint, Some(&settings.token))?,
    )?;
    Ok(settings)
}

/// What the code's secret unlocks on the server.
#[derive(Serialize, Deserialize)]
struct Enrollment {
    /// The team, inside the encryption: the server cannot send a device to another team.
    team: String,
    keys: BTreeMap<u32, String>,
    device_key: String,
}

/// The parts of an enrollment code.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EnrollmentCode {
    #[serde(rename = "u")]
    pub server: String,
    #[serde(rename = "f", default, skip_serializing_if = "Option::is_none")]
    pub fingerprint: Option<String>,
    /// The team the code joins (codes made before it was carried have none); checked against
    /// the team inside the wrapped payload.
    #[serde(rename = "t", default, skip_serializing_if = "Option::is_none")]
    pub team: Option<String>,
    #[serde(rename = "e")]
    pub enrollment: String,
    #[serde(rename = "s")]
    secret: String,
}

/// The secret stays out of logs and error messages.
impl std::fmt::Debug for EnrollmentCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EnrollmentCode")
            .field("server", &self.server)
            .field("fingerprint", &self.fingerprint)
            .field("team", &self.team)
            .field("enrollment", &self.enrollment)
            .field("secret", &"***")
            .finish()
    }
}

/// The host (and port) of a server URL, as a person recognises it.
pub fn server_host(url: &str) -> &str {
    let rest = url.split_once("://").map_or(url, |(_, rest)| rest);
    rest.split(['/', '?', '#']).next().unwrap_or(rest)
}

impl EnrollmentCode {
    pub fn encode(&self) -> String {
        let json = serde_json::to_vec(self).unwrap_or_default();
        format!("{CODE_PREFIX}{}", BASE64URL.encode(json))
    }

    pub fn parse(code: &str) -> Result<EnrollmentCode, SyncError> {
        let body = code
            .trim()
            .strip_prefix(CODE_PREFIX)
            .ok_or_else(|| SyncError::BadCode(format!("it does not start with {CODE_PREFIX}")))?;
        let json = BASE64URL
            .decode(body.trim())
            .map_err(|_| SyncError::BadCode("it is damaged (not base64url)".into()))?;
        serde_json::from_slice(&json)
            .map_err(|_| SyncError::BadCode("it is damaged (unreadable contents)".into()))
    }

    fn secret(&self) -> Result<[u8; 32], SyncError> {
        parse_32("secret", &self.secret).map_err(|_| SyncError::BadCode("damaged secret".into()))
    }
}

fn derive(secret: &[u8; 32], purpose: &str) -> [u8; 32] {
    let mut h = Sha256::new();
    h.update(b"qorgau/enroll/v1/");
    h.update(purpose.as_bytes());
    h.update(secret);
    h.finalize().into()
}

fn wrap(key: &[u8; 32], aad: &[u8], plaintext: &[u8]) -> Result<Vec<u8>, SyncError> {
    let nonce: [u8; 24] = random()?;
    let cipher = XChaCha20Poly1305::new(key.into());
    let mut out = nonce.to_vec();
    out.extend(
        cipher
            .encrypt(
                XNonce::from_slice(&nonce),
                Payload {
                    msg: plaintext,
                    aad,
                },
            )
            .map_err(|_| SyncError::Random)?,
    );
    Ok(out)
}

fn unwrap(key: &[u8; 32], aad: &[u8], blob: &[u8]) -> Option<Vec<u8>> {
    if blob.len() < 24 {
        return None;
    }
    let cipher = XChaCha20Poly1305::new(key.into());
    cipher
        .decrypt(
            XNonce::from_slice(&blob[..24]),
            Payload {
                msg: &blob[24..],
                aad,
            },
        )
        .ok()
}

/// Admin: invites a device. Returns the one-time code to give to its caseworker (valid for
/// `seconds`).
pub fn invite(store: &mut Store, seconds: i64) -> Result<String, SyncError> {
    let mut settings = SyncSettings::load(store)?;
    if !settings.admin {
        return Err(SyncError::NotAdmin("invite devices"));
    }
    let enrollment: [u8; 16] = random()?;
    let secret: [u8; 32] = random()?;
    let device_key: [u8; 32] = random()?;
    let payload = serde_json::to_vec(&Enrollment {
        team: settings.team.clone(),
        keys: settings.keys.clone(),
        device_key: hex::encode(device_key),
    })
    .map_err(|e| SyncError::Settings(e.to_string()))?;
    let wrapped = wrap(&derive(&secret, "wrap"), &enrollment, &payload)?;
    let auth = derive(&secret, "auth");
    let auth_hash: [u8; 32] = Sha256::digest(auth).into();
    let remote = Remote::new(
        &settings.server,
        settings.fingerprint.as_deref(),
        Some(&settings.token),
    )?;
    remote.create_enrollment(&enrollment, &auth_hash, &wrapped, seconds)?;
    settings
        .invited
        .insert(hex::encode(enrollment), hex::encode(device_key));
    settings.save(store, "device invited")?;
    Ok(EnrollmentCode {
        server: settings.server.clone(),
        fingerprint: settings.fingerprint.clone(),
        team: Some(settings.team.clone()),
        enrollment: hex::encode(enrollment),
        secret: hex::encode(secret),
    }
    .encode())
}

/// Joins the team of an enrollment code with this workspace. A workspace that already holds
/// workers, cases or letters is refused unless `merge_existing`: joining sends every record it
/// holds, and all its history, to whoever made the code, so the refusal names the server, its
/// certificate and the team for the caseworker to check first. It is refused before the code
/// is used, so the code stays good for a second, deliberate attempt.
pub fn enroll(
    store: &mut Store,
    code: &str,
    merge_existing: bool,
) -> Result<SyncSettings, SyncError> {
    if store.sync_settings()?.is_some() {
        return Err(SyncError::AlreadyInTeam);
    }
    let parsed = EnrollmentCode::parse(code)?;
    let held = store.case_records()?;
    if !held.is_empty() && !merge_existing {
        return Err(SyncError::NotEmpty {
            host: server_host(&parsed.server).to_string(),
            fingerprint: parsed
                .fingerprint
                .clone()
                .unwrap_or_else(|| "none pinned".into()),
            team: parsed
                .team
                .clone()
                .unwrap_or_else(|| "not named in the code".into()),
            workers: held.workers,
            cases: held.cases,
            letters: held.letters,
        });
    }
    if store.numbered_letters()? > 0 {
        return Err(SyncError::Settings(
            "this workspace has registered letters of its own: a device joins a team with an \
             empty letter registry, so that no two letters share a number (use a new workspace)"
                .into(),
        ));
    }
    let code = parsed;
    let secret = code.secret()?;
    let enrollment = parse_16("enrollment", &code.enrollment)
        .map_err(|_| SyncError::BadCode("damaged enrollment id".into()))?;
    let remote = Remote::new(&code.server, code.fingerprint.as_deref(), None)?;
    let (token, team, wrapped) = remote.redeem_enrollment(
        &enrollment,
        &derive(&secret, "auth"),
        store.device_id().as_bytes(),
    )?;
    let payload = unwrap(&derive(&secret, "wrap"), &enrollment, &wrapped).ok_or_else(|| {
        SyncError::BadCode("the server's copy does not open with this code".into())
    })?;
    let payload: Enrollment =
        serde_json::from_slice(&payload).map_err(|e| SyncError::BadCode(e.to_string()))?;
    if payload.team != team || code.team.as_ref().is_some_and(|t| *t != team) {
        return Err(SyncError::BadCode(
            "the server named another team than the one this code belongs to".into(),
        ));
    }
    let settings = SyncSettings {
        server: code.server.clone(),
        fingerprint: code.fingerprint.clone(),
        team,
        token,
        admin: false,
        keys: payload.keys,
        device_key: payload.device_key,
        invited: BTreeMap::new(),
    };
    settings.team_id()?;
    settings.ring()?;
    settings.save(store, "device enrolled")?;
    store.use_leased_registry_numbers()?;
    Ok(settings)
}

fn remote_of(settings: &SyncSettings) -> Result<Remote, SyncError> {
    Remote::new(
        &settings.server,
        settings.fingerprint.as_deref(),
        Some(&settings.token),
    )
}

/// Admin: the team's devices.
pub fn devices(store: &Store) -> Result<Vec<RemoteDevice>, SyncError> {
    let settings = SyncSettings::load(store)?;
    if !settings.admin {
        return Err(SyncError::NotAdmin("list devices"));
    }
    remote_of(&settings)?.devices()
}

fn key_box_aad(team: &TeamId, device: &[u8; 16], epoch: u32) -> Vec<u8> {
    let mut aad = b"qorgau/keybox/v1".to_vec();
    aad.extend_from_slice(&team.0);
    aad.extend_from_slice(device);
    aad.extend_from_slice(&epoch.to_be_bytes());
    aad
}

/// Admin: revokes a device and rotates the team key, so the revoked device can read none of
/// the changes made from now on. Every remaining invited device receives the new key wrapped
/// under its own key. Returns the new key epoch.
pub fn revoke(store: &mut Store, device: DeviceId) -> Result<u32, SyncError> {
    let mut settings = SyncSettings::load(store)?;
    if !settings.admin {
        return Err(SyncError::NotAdmin("revoke devices"));
    }
    if device == store.device_id() {
        return Err(SyncError::Settings(
            "the admin device cannot revoke itself".into(),
        ));
    }
    let remote = remote_of(&settings)?;
    let team = settings.team_id()?;
    let revoked_hex = hex::encode(device.as_bytes());
    // Who receives the new key is decided here, not by the server's word: never the device
    // being revoked, and every other member must have a key this admin gave it.
    let members = remote.devices()?;
    let target = members
        .iter()
        .find(|d| d.device_id == revoked_hex)
        .ok_or_else(|| SyncError::Settings(format!("device {device} is not in this team")))?;
    let revoked_enrollment = target.enrollment_id.clone();
    let mut recipients = Vec::new();
    for d in &members {
        if d.revoked || d.admin || d.device_id == revoked_hex {
            continue;
        }
        let key = d
            .enrollment_id
            .as_ref()
            .filter(|e| Some(*e) != revoked_enrollment.as_ref())
            .and_then(|e| settings.invited.get(e))
            .ok_or_else(|| {
                SyncError::Settings(format!(
                    "device {} was not invited from this workspace, so it could not receive \
                     the new team key; nothing was revoked",
                    d.device_id
                ))
            })?;
        recipients.push((
            parse_16("device_id", &d.device_id)?,
            parse_32("device key", key)?,
        ));
    }
    remote.revoke(device.as_bytes())?;
    let epoch = settings.keys.keys().next_back().map_or(0, |e| e + 1);
    let key = TeamKey::generate().map_err(|_| SyncError::Random)?;
    // The new key is kept before anyone gets it, so a failure below can be repeated with
    // the same key rather than a second one under the same epoch.
    settings.keys.insert(epoch, hex::encode(key.as_bytes()));
    if let Some(e) = &revoked_enrollment {
        settings.invited.remove(e);
    }
    settings.save(store, "device revoked; team key rotated")?;
    let mut boxes = Vec::new();
    for (id, device_key) in recipients {
        let blob = wrap(&device_key, &key_box_aad(&team, &id, epoch), key.as_bytes())?;
        boxes.push((id, epoch, blob));
    }
    remote.put_key_boxes(&boxes)?;
    Ok(epoch)
}

/// Fetches team keys rotated since this device last looked; returns how many were new.
pub(crate) fn receive_keys(
    store: &mut Store,
    settings: &mut SyncSettings,
    remote: &Remote,
) -> Result<usize, SyncError> {
    if settings.admin {
        return Ok(0);
    }
    let team = settings.team_id()?;
    let device_key = settings.device_key()?;
    let own = *store.device_id().as_bytes();
    let mut new = 0;
    for (epoch, blob) in remote.key_boxes()? {
        if settings.keys.contains_key(&epoch) {
            continue;
        }
        let key = unwrap(
            device_key.as_bytes(),
            &key_box_aad(&team, &own, epoch),
            &blob,
        )
        .filter(|k| k.len() == 32)
        .ok_or_else(|| SyncError::Payload {
            device: "admin".into(),
            reason: format!("the team key of epoch {epoch} does not open with this device's key"),
        })?;
        settings.keys.insert(epoch, hex::encode(key));
        new += 1;
    }
    if new > 0 {
        settings.save(store, "team key received")?;
    }
    Ok(new)
}
