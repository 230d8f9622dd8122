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
use crate::identity::{DeviceSecrets, seal_to};
use crate::keys::TeamKey;
use crate::remote::{KeyBoxOut, Remote};
use crate::settings::{PendingJoin, SyncSettings, parse_16, parse_32};
use crate::team_log::{self, LogBody, Member, Role, SignedEntry, TeamState};
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

use crate::identity::random;

/// Creates a team on the server with this workspace as its admin device: the team log's
/// genesis, signed with this device's new key, names it and commits to the first team key.
/// The server's operator gives `operator_token` (the server keeps it in `operator-token` in
/// its data directory); without it the server refuses.
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
    let team_id = TeamId(team);
    let me = store.device_id();
    let remote = Remote::new(server, fingerprint, Some(operator_token.trim()))?;
    let token = remote.create_team(&team, me.as_bytes())?;
    let key = TeamKey::generate().map_err(|_| SyncError::Random)?;
    let secrets = DeviceSecrets::generate()?;
    let genesis = team_log::genesis_entry(&team_id, me, &default_name(me), &secrets, &key)?;
    let genesis_hash = team_log::entry_hash(&team_id, &genesis);
    let (signing_key, agreement_key) = secrets.to_hex();
    let settings = SyncSettings {
        server: server.trim_end_matches('/').to_string(),
        fingerprint: fingerprint.map(str::to_string),
        team: hex::encode(team),
        token,
        admin: true,
        keys: BTreeMap::from([(0, hex::encode(key.as_bytes()))]),
        signing_key: signing_key.to_string(),
        agreement_key: agreement_key.to_string(),
        genesis: hex::encode(genesis_hash),
        pending: None,
        invited: BTreeMap::new(),
    };
    let json = entry_json(&genesis)?;
    let remote = remote_of(&settings)?;
    remote.append_log(1, vec![json.clone()])?;
    store.append_team_log(&[(1, json)])?;
    settings.save(store, "team created")?;
    store.use_leased_registry_numbers()?;
    crate::engine::stock_registry_numbers(store, &remote)?;
    Ok(settings)
}

/// A device's name in the log until someone names it (the end of its id: ids begin with
/// their creation time, so their starts look alike).
pub(crate) fn default_name(device: DeviceId) -> String {
    let hex = hex::encode(device.as_bytes());
    format!("device …{}", &hex[hex.len() - 8..])
}

pub(crate) fn entry_json(entry: &SignedEntry) -> Result<String, SyncError> {
    serde_json::to_string(entry).map_err(|e| SyncError::Settings(e.to_string()))
}

/// The team log as this device verified and kept it, verified again from the pinned genesis.
pub fn local_state(store: &Store, settings: &SyncSettings) -> Result<TeamState, SyncError> {
    let entries = store
        .team_log_entries()?
        .iter()
        .map(|e| {
            serde_json::from_str::<SignedEntry>(e)
                .map_err(|e| SyncError::TeamLog(format!("a kept entry is unreadable: {e}")))
        })
        .collect::<Result<Vec<_>, _>>()?;
    TeamState::verify(settings.team_id()?, &settings.genesis()?, &entries)
}

/// Fetches the team log's new entries, verifies each and keeps them; returns the team as the
/// log now describes it. A server that shows fewer entries than this device already verified
/// went back (or hides some).
pub fn refresh_log(
    store: &mut Store,
    settings: &SyncSettings,
    remote: &Remote,
) -> Result<TeamState, SyncError> {
    let kept = store.team_log_entries()?;
    let mut state = if kept.is_empty() {
        None
    } else {
        Some(local_state(store, settings)?)
    };
    let after = state.as_ref().map_or(0, |s| s.seq);
    let (entries, head) = remote.log(after)?;
    if head < after {
        if let Some(state) = &state
            && restore_log(store, remote, &kept, head, state)?
        {
            return Ok(state.clone());
        }
        return Err(SyncError::ServerWentBack {
            what: format!(
                "its team log ends at entry {head}, but this device verified {after} entries"
            ),
        });
    }
    let mut fresh = Vec::new();
    for (seq, json) in entries {
        let entry: SignedEntry = serde_json::from_str(&json)
            .map_err(|e| SyncError::TeamLog(format!("entry {seq} is unreadable: {e}")))?;
        if entry.seq != seq {
            return Err(SyncError::TeamLog(format!(
                "the server filed entry {} under number {seq}",
                entry.seq
            )));
        }
        match &mut state {
            Some(s) => s.apply(&entry)?,
            None => {
                state = Some(TeamState::verify(
                    settings.team_id()?,
                    &settings.genesis()?,
                    std::slice::from_ref(&entry),
                )?)
            }
        }
        fresh.push((seq, json));
    }
    let state = state.ok_or_else(|| SyncError::TeamLog("the server holds no team log".into()))?;
    if state.seq < head {
        return Err(SyncError::ServerWentBack {
            what: format!(
                "it says its team log has {head} entries but handed out {}",
                state.seq
            ),
        });
    }
    if !fresh.is_empty() {
        store.append_team_log(&fresh)?;
    }
    Ok(state)
}

/// A server restored from an older backup lost the log entries after `head` that this device
/// verified. An admin puts them back: they are signed, so the server could not have made
/// them up, nor can it change them; and the devices they removed are revoked on the server
/// again. Returns whether it did (only an admin, and only when the server's entries are the
/// start of this device's).
fn restore_log(
    store: &Store,
    remote: &Remote,
    kept: &[String],
    head: u64,
    state: &TeamState,
) -> Result<bool, SyncError> {
    if !state.is_admin(store.device_id()) {
        return Ok(false);
    }
    let (theirs, _) = remote.log(0)?;
    let same_start = theirs.len() as u64 == head
        && theirs
            .iter()
            .all(|(seq, json)| kept.get(*seq as usize - 1) == Some(json));
    if !same_start {
        return Ok(false);
    }
    let missing = kept[head as usize..].to_vec();
    for json in &missing {
        let entry: SignedEntry = serde_json::from_str(json)
            .map_err(|e| SyncError::TeamLog(format!("a kept entry is unreadable: {e}")))?;
        if let Ok(LogBody::DeviceRemoved { device, .. }) = serde_json::from_str(&entry.body) {
            let id = parse_16("device", &device)?;
            match remote.revoke(&id) {
                Ok(()) | Err(SyncError::Server { status: 404, .. }) => {}
                Err(e) => return Err(e),
            }
        }
    }
    remote.append_log(head + 1, missing)?;
    Ok(true)
}

/// Signs `bodies` as the log's next entries with this (admin) device's key, appends them on
/// the server and keeps them; retries once when another admin appended first.
pub(crate) fn append_entries(
    store: &mut Store,
    settings: &SyncSettings,
    remote: &Remote,
    bodies: &[LogBody],
) -> Result<TeamState, SyncError> {
    let me = store.device_id();
    let secrets = settings.secrets()?;
    append_entries_as(store, settings, remote, me, &secrets, bodies)
}

/// [`append_entries`] signed by `me` with `secrets` (the recovery kit signs as itself).
pub(crate) fn append_entries_as(
    store: &mut Store,
    settings: &SyncSettings,
    remote: &Remote,
    me: DeviceId,
    secrets: &DeviceSecrets,
    bodies: &[LogBody],
) -> Result<TeamState, SyncError> {
    for attempt in 0..2 {
        let mut state = refresh_log(store, settings, remote)?;
        let first = state.seq + 1;
        let mut signed = Vec::new();
        for body in bodies {
            let entry = state.next_entry(me, secrets, body)?;
            state.apply(&entry)?;
            signed.push((entry.seq, entry_json(&entry)?));
        }
        match remote.append_log(first, signed.iter().map(|(_, j)| j.clone()).collect()) {
            Ok(_) => {
                store.append_team_log(&signed)?;
                return Ok(state);
            }
            Err(SyncError::Server { code, .. }) if code == "log_conflict" && attempt == 0 => {}
            Err(e) => return Err(e),
        }
    }
    Err(SyncError::TeamLog(
        "another admin keeps appending to the team log: try again".into(),
    ))
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
    /// The hash of the team log's genesis, which the new device pins.
    #[serde(rename = "g", default, skip_serializing_if = "Option::is_none")]
    pub genesis: Option<String>,
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
            .field("genesis", &self.genesis)
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
/// `seconds`). Nothing is wrapped for the code: the new device's keys reach it only after
/// this admin approved it (see [`approve`]).
pub fn invite(store: &mut Store, seconds: i64) -> Result<String, SyncError> {
    let mut settings = SyncSettings::load(store)?;
    let remote = remote_of(&settings)?;
    let state = refresh_log(store, &settings, &remote)?;
    if !state.is_admin(store.device_id()) {
        return Err(SyncError::NotAdmin("invite devices"));
    }
    let enrollment: [u8; 16] = random()?;
    let secret: [u8; 32] = random()?;
    let auth = derive(&secret, "auth");
    let auth_hash: [u8; 32] = Sha256::digest(auth).into();
    remote.create_enrollment(&enrollment, &auth_hash, seconds)?;
    settings
        .invited
        .insert(hex::encode(enrollment), hex::encode(secret));
    settings.save(store, "device invited")?;
    Ok(EnrollmentCode {
        server: settings.server.clone(),
        fingerprint: settings.fingerprint.clone(),
        team: Some(settings.team.clone()),
        genesis: Some(settings.genesis.clone()),
        enrollment: hex::encode(enrollment),
        secret: hex::encode(secret),
    }
    .encode())
}

/// What a new device asks for, sealed under a key from the code's secret.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct JoinRequest {
    team: String,
    device: String,
    name: String,
    sign_key: String,
    agree_key: String,
}

/// A join waiting for an admin's approval, as `device enroll` reports it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct JoinPending {
    pub device_id: String,
    /// The short authentication string the caseworker reads to the admin.
    pub sas: String,
    /// Always `pending_approval`.
    pub status: String,
}

/// The short authentication string of a join request: six digits from the code's secret and
/// the keys the device sent. The server knows neither the secret nor can it change the keys
/// without the string changing, and whoever else used the code shows another string.
fn sas(secret: &[u8; 32], team: &str, device: &str, sign_key: &str, agree_key: &str) -> String {
    let mut h = Sha256::new();
    h.update(b"qorgau/sas/v1");
    h.update(secret);
    for part in [team, device, sign_key, agree_key] {
        h.update((part.len() as u32).to_be_bytes());
        h.update(part.as_bytes());
    }
    let d: [u8; 32] = h.finalize().into();
    let n = u32::from_be_bytes([d[0], d[1], d[2], d[3]]) % 1_000_000;
    format!("{n:06}")
}

fn normalize_sas(text: &str) -> String {
    text.chars().filter(char::is_ascii_digit).collect()
}

/// Asks to join the team of an enrollment code with this workspace: generates this device's
/// signing and key-agreement keys, sends their public halves (sealed under the code) and
/// returns the short authentication string for the caseworker to read to the admin. The
/// device joins at its first sync after the admin approved it.
///
/// A workspace that already holds workers, cases or letters is refused unless
/// `merge_existing`: joining sends every record it holds, and all its history, to whoever
/// made the code, so the refusal names the server, its certificate and the team for the
/// caseworker to check first. It is refused before the code is used, so the code stays good
/// for a second, deliberate attempt.
pub fn enroll(
    store: &mut Store,
    code: &str,
    merge_existing: bool,
) -> Result<JoinPending, SyncError> {
    enroll_named(store, code, merge_existing, None)
}

/// [`enroll`] with the name the team log shows for this device (e.g. the caseworker's and the
/// laptop's), at most 80 characters; by default the end of its id.
pub fn enroll_named(
    store: &mut Store,
    code: &str,
    merge_existing: bool,
    name: Option<&str>,
) -> Result<JoinPending, SyncError> {
    let name = match name.map(str::trim) {
        Some(n) if n.is_empty() || n.chars().count() > 80 || n.chars().any(char::is_control) => {
            return Err(SyncError::Settings(
                "name: 1 to 80 characters, no control characters".into(),
            ));
        }
        Some(n) => n.to_string(),
        None => default_name(store.device_id()),
    };
    // A join still waiting for approval may start over with a new code (the first was used
    // by someone else, or expired); a workspace in a team may not.
    if store.sync_settings()?.is_some() {
        if SyncSettings::load(store)?.pending.is_none() {
            return Err(SyncError::AlreadyInTeam);
        }
        store.forget_team_log()?;
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
    let (Some(team), Some(genesis)) = (code.team.clone(), code.genesis.clone()) else {
        return Err(SyncError::BadCode(
            "it was made by an older build (it names no team log): ask for a new code".into(),
        ));
    };
    parse_32("genesis", &genesis).map_err(|_| SyncError::BadCode("damaged team log".into()))?;
    let secret = code.secret()?;
    let enrollment = parse_16("enrollment", &code.enrollment)
        .map_err(|_| SyncError::BadCode("damaged enrollment id".into()))?;
    let me = store.device_id();
    let secrets = DeviceSecrets::generate()?;
    let public = secrets.public();
    let request = JoinRequest {
        team: team.clone(),
        device: hex::encode(me.as_bytes()),
        name,
        sign_key: hex::encode(public.sign),
        agree_key: hex::encode(public.agree),
    };
    let shown = sas(
        &secret,
        &request.team,
        &request.device,
        &request.sign_key,
        &request.agree_key,
    );
    let sealed = wrap(
        &derive(&secret, "request"),
        &enrollment,
        &serde_json::to_vec(&request).map_err(|e| SyncError::Settings(e.to_string()))?,
    )?;
    let remote = Remote::new(&code.server, code.fingerprint.as_deref(), None)?;
    let (token, named) = remote.redeem_enrollment(
        &enrollment,
        &derive(&secret, "auth"),
        me.as_bytes(),
        &sealed,
    )?;
    if named != team {
        return Err(SyncError::BadCode(
            "the server named another team than the one this code belongs to".into(),
        ));
    }
    let (signing_key, agreement_key) = secrets.to_hex();
    let settings = SyncSettings {
        server: code.server.clone(),
        fingerprint: code.fingerprint.clone(),
        team,
        token,
        admin: false,
        keys: BTreeMap::new(),
        signing_key: signing_key.to_string(),
        agreement_key: agreement_key.to_string(),
        genesis,
        pending: Some(PendingJoin {
            enrollment: code.enrollment.clone(),
            sas: shown.clone(),
        }),
        invited: BTreeMap::new(),
    };
    settings.team_id()?;
    settings.save(store, "device asked to join; awaiting approval")?;
    store.use_leased_registry_numbers()?;
    Ok(JoinPending {
        device_id: me.to_string(),
        sas: shown,
        status: "pending_approval".into(),
    })
}

/// A join request as an admin sees it before approving.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PendingDevice {
    pub device_id: String,
    pub name: String,
    pub enrollment_id: String,
    /// Whether this admin can check it: the request opens with the secret of an invitation
    /// this workspace made, and names the device the server says sent it.
    pub verifiable: bool,
}

/// An opened join request: the enrollment, the secret of its invitation and what it asks.
struct OpenedRequest {
    enrollment: [u8; 16],
    secret: [u8; 32],
    request: JoinRequest,
}

fn open_requests(
    settings: &SyncSettings,
    remote: &Remote,
) -> Result<Vec<(PendingDevice, Option<OpenedRequest>)>, SyncError> {
    let mut out = Vec::new();
    for (enrollment, device, sealed) in remote.pending_enrollments()? {
        let device_hex = hex::encode(device);
        let opened = settings
            .invited
            .get(&hex::encode(enrollment))
            .and_then(|s| parse_32("secret", s).ok())
            .and_then(|secret| {
                let plain = unwrap(&derive(&secret, "request"), &enrollment, &sealed)?;
                let request: JoinRequest = serde_json::from_slice(&plain).ok()?;
                (request.device == device_hex && request.team == settings.team).then_some(
                    OpenedRequest {
                        enrollment,
                        secret,
                        request,
                    },
                )
            });
        out.push((
            PendingDevice {
                device_id: DeviceId::from_bytes(device).to_string(),
                name: opened
                    .as_ref()
                    .map_or_else(String::new, |o| o.request.name.clone()),
                enrollment_id: hex::encode(enrollment),
                verifiable: opened.is_some(),
            },
            opened,
        ));
    }
    Ok(out)
}

/// Admin: the devices that asked to join and wait for approval.
pub fn pending(store: &mut Store) -> Result<Vec<PendingDevice>, SyncError> {
    let settings = SyncSettings::load(store)?;
    let remote = remote_of(&settings)?;
    let state = refresh_log(store, &settings, &remote)?;
    if !state.is_admin(store.device_id()) {
        return Err(SyncError::NotAdmin("list devices waiting for approval"));
    }
    Ok(open_requests(&settings, &remote)?
        .into_iter()
        .map(|(p, _)| p)
        .collect())
}

pub(crate) fn key_box_aad(team: &TeamId, device: &[u8; 16], epoch: u32) -> Vec<u8> {
    let mut aad = b"qorgau/keybox/v2".to_vec();
    aad.extend_from_slice(&team.0);
    aad.extend_from_slice(device);
    aad.extend_from_slice(&epoch.to_be_bytes());
    aad
}

/// Seals each of `epochs`' keys to each member's key-agreement key (from the log).
pub(crate) fn key_boxes_for(
    team: &TeamId,
    settings: &SyncSettings,
    members: &[&Member],
    epochs: &[u32],
) -> Result<Vec<KeyBoxOut>, SyncError> {
    let ring = settings.ring()?;
    let mut boxes = Vec::new();
    for member in members {
        for &epoch in epochs {
            let key = ring.get(epoch).ok_or_else(|| {
                SyncError::Settings(format!("this device does not hold team key epoch {epoch}"))
            })?;
            let device = *member.device.as_bytes();
            let blob = seal_to(
                &member.keys.agree,
                &key_box_aad(team, &device, epoch),
                key.as_bytes(),
            )?;
            boxes.push((device, epoch, blob));
        }
    }
    Ok(boxes)
}

/// Uploads key boxes; a box for a device the server does not know (a log member it lost or
/// never had) is skipped rather than failing the others.
pub(crate) fn upload_boxes(
    remote: &Remote,
    boxes: &[([u8; 16], u32, Vec<u8>)],
) -> Result<(), SyncError> {
    match remote.put_key_boxes(boxes) {
        Err(SyncError::Server { status: 404, .. }) => {
            for one in boxes {
                match remote.put_key_boxes(std::slice::from_ref(one)) {
                    Ok(()) | Err(SyncError::Server { status: 404, .. }) => {}
                    Err(e) => return Err(e),
                }
            }
            Ok(())
        }
        other => other,
    }
}

/// Admin: approves a device that asked to join, after comparing the short authentication
/// string the device shows (`sas`, read by its caseworker) with the one its request yields
/// here. A wrong string approves nothing. Signs the device into the team log with `role`,
/// lets the server accept its token and seals every team key to the key-agreement key the
/// request carried.
pub fn approve(
    store: &mut Store,
    device: DeviceId,
    sas_given: &str,
    role: Role,
) -> Result<Member, SyncError> {
    let mut settings = SyncSettings::load(store)?;
    let remote = remote_of(&settings)?;
    let state = refresh_log(store, &settings, &remote)?;
    if !state.is_admin(store.device_id()) {
        return Err(SyncError::NotAdmin("approve devices"));
    }
    let wanted = device.to_string();
    let requests: Vec<(PendingDevice, Option<OpenedRequest>)> = open_requests(&settings, &remote)?
        .into_iter()
        .filter(|(p, _)| p.device_id == wanted)
        .collect();
    if requests.is_empty() {
        return Err(SyncError::Settings(format!(
            "device {device} has not asked to join (or its request expired)"
        )));
    }
    if requests.iter().all(|(_, o)| o.is_none()) {
        return Err(SyncError::Settings(format!(
            "the join request of device {device} does not open with an invitation of this \
             workspace (enrollment {}): the admin who made its code approves it",
            requests[0].0.enrollment_id
        )));
    }
    // A device that started over has several requests; the string picks the one it shows.
    let opened = requests
        .into_iter()
        .filter_map(|(_, o)| o)
        .find(|o| {
            let r = &o.request;
            normalize_sas(sas_given)
                == sas(&o.secret, &r.team, &r.device, &r.sign_key, &r.agree_key)
        })
        .ok_or_else(|| SyncError::SasMismatch(format!("device {device}")))?;
    let r = &opened.request;
    // An approval cut short after its log entry (say, the network dropped) is completed, not
    // signed twice.
    let listed_already = state.members.get(&device).is_some_and(|m| {
        m.is_current()
            && hex::encode(m.keys.sign) == r.sign_key
            && hex::encode(m.keys.agree) == r.agree_key
    });
    let state = if listed_already {
        state
    } else {
        let body = LogBody::DeviceAdded {
            device: r.device.clone(),
            name: r.name.clone(),
            role,
            sign_key: r.sign_key.clone(),
            agree_key: r.agree_key.clone(),
        };
        append_entries(store, &settings, &remote, &[body])?
    };
    remote.approve_enrollment(&opened.enrollment)?;
    if role == Role::Admin {
        remote.set_admin(device.as_bytes(), true)?;
    }
    let member = state
        .members
        .get(&device)
        .cloned()
        .ok_or_else(|| SyncError::TeamLog("the approved device is not in the log".into()))?;
    let epochs: Vec<u32> = state
        .epochs
        .keys()
        .copied()
        .filter(|e| settings.keys.contains_key(e))
        .collect();
    let boxes = key_boxes_for(&state.team, &settings, &[&member], &epochs)?;
    upload_boxes(&remote, &boxes)?;
    settings.invited.remove(&hex::encode(opened.enrollment));
    settings.save(store, "device approved")?;
    Ok(member)
}

pub(crate) fn remote_of(settings: &SyncSettings) -> Result<Remote, SyncError> {
    Remote::new(
        &settings.server,
        settings.fingerprint.as_deref(),
        Some(&settings.token),
    )
}

/// The team's members as the verified team log lists them (roles, and removals).
pub fn devices(store: &mut Store) -> Result<Vec<Member>, SyncError> {
    let settings = SyncSettings::load(store)?;
    if settings.pending.is_some() {
        return Err(awaiting(store, &settings));
    }
    let remote = remote_of(&settings)?;
    Ok(refresh_log(store, &settings, &remote)?
        .members
        .into_values()
        .collect())
}

fn awaiting(store: &Store, settings: &SyncSettings) -> SyncError {
    SyncError::AwaitingApproval {
        device: store.device_id().to_string(),
        sas: settings
            .pending
            .as_ref()
            .map(|p| p.sas.clone())
            .unwrap_or_default(),
    }
}

/// Admin: removes a device from the team log and rotates the team key, so the revoked device
/// can read none of the changes made from now on, and its envelopes after the last one this
/// admin applied (after pulling what the server holds) are refused by every member. The new key is sealed to every remaining
/// member's key-agreement key as the log lists it — never to the server's list of devices.
/// Any admin can remove another admin (a lost or stolen admin laptop), not the last one.
/// Repeating a revocation whose key boxes did not all reach the server re-seals them under
/// the same epoch. Returns the new key epoch.
pub fn revoke(store: &mut Store, device: DeviceId) -> Result<u32, SyncError> {
    // Apply what the server holds first: the device's envelopes this admin has applied are
    // the last ones members accept from it.
    {
        let (link, _) = crate::engine::TeamLink::connect(store)?;
        crate::engine::pull(store, &link, &mut crate::engine::SyncReport::default())?;
    }
    let mut settings = SyncSettings::load(store)?;
    let me = store.device_id();
    let remote = remote_of(&settings)?;
    let mut state = refresh_log(store, &settings, &remote)?;
    if !state.is_admin(me) {
        return Err(SyncError::NotAdmin("revoke devices"));
    }
    if device == me {
        return Err(SyncError::Settings(
            "an admin device cannot revoke itself: another admin revokes it".into(),
        ));
    }
    let member =
        state.members.get(&device).cloned().ok_or_else(|| {
            SyncError::Settings(format!("device {device} is not in the team log"))
        })?;
    let epoch = if member.is_current() {
        let epoch = state.epochs.keys().next_back().map_or(0, |e| e + 1);
        // The key is kept before anyone gets it; a revocation that failed before its log
        // entries reached the server takes the same key again.
        let key = match settings.keys.get(&epoch) {
            Some(hex) => TeamKey::from_bytes(parse_32("keys", hex)?),
            None => {
                let key = TeamKey::generate().map_err(|_| SyncError::Random)?;
                settings.keys.insert(epoch, hex::encode(key.as_bytes()));
                settings.save(store, "team key rotated")?;
                key
            }
        };
        let last_seq = store.peer_position(device)?;
        state = append_entries(
            store,
            &settings,
            &remote,
            &[
                LogBody::DeviceRemoved {
                    device: hex::encode(device.as_bytes()),
                    last_seq,
                },
                LogBody::KeyEpochStarted {
                    epoch,
                    commitment: hex::encode(team_log::epoch_commitment(&state.team, epoch, &key)),
                },
            ],
        )?;
        epoch
    } else {
        *state.epochs.keys().next_back().unwrap_or(&0)
    };
    match remote.revoke(device.as_bytes()) {
        Ok(()) | Err(SyncError::Server { status: 404, .. }) => {}
        Err(e) => return Err(e),
    }
    let recipients: Vec<&Member> = state.current_members().filter(|m| m.device != me).collect();
    let boxes = key_boxes_for(&state.team, &settings, &recipients, &[epoch])?;
    upload_boxes(&remote, &boxes)?;
    settings.admin = state.is_admin(me);
    settings.save(store, "device revoked; team key rotated")?;
    Ok(epoch)
}

/// Admin: makes a current member an admin (`add`) or takes it back to caseworker; signed
/// into the team log, and the server lets it call the admin routes (or no longer).
pub fn set_admin(store: &mut Store, device: DeviceId, add: bool) -> Result<Member, SyncError> {
    let settings = SyncSettings::load(store)?;
    let remote = remote_of(&settings)?;
    let state = refresh_log(store, &settings, &remote)?;
    if !state.is_admin(store.device_id()) {
        return Err(SyncError::NotAdmin("change who is an admin"));
    }
    let body = if add {
        LogBody::AdminAdded {
            device: hex::encode(device.as_bytes()),
        }
    } else {
        LogBody::AdminRemoved {
            device: hex::encode(device.as_bytes()),
            role: Role::Caseworker,
        }
    };
    let state = append_entries(store, &settings, &remote, &[body])?;
    remote.set_admin(device.as_bytes(), add)?;
    state
        .members
        .get(&device)
        .cloned()
        .ok_or_else(|| SyncError::TeamLog("the device is not in the log".into()))
}

/// Completes a join once an admin approved it: the team log, verified from the genesis the
/// code pinned, lists this device with the keys it generated, and the team keys sealed to
/// it open and match the log's commitments.
fn complete_join(
    store: &mut Store,
    settings: &mut SyncSettings,
    remote: &Remote,
) -> Result<TeamState, SyncError> {
    let state = match refresh_log(store, settings, remote) {
        Err(SyncError::Server { status: 401, .. }) => return Err(awaiting(store, settings)),
        other => other?,
    };
    let me = store.device_id();
    let mine = settings.secrets()?.public();
    match state.members.get(&me) {
        Some(m) if m.keys == mine && m.is_current() => {}
        Some(_) => {
            return Err(SyncError::TeamLog(
                "the team log lists this device with other keys than it generated: someone \
                 else used its code; ask the admin for a new one"
                    .into(),
            ));
        }
        None => return Err(awaiting(store, settings)),
    }
    receive_keys(store, settings, remote, &state)?;
    let newest = state.epochs.keys().next_back().copied().unwrap_or(0);
    if !settings.keys.contains_key(&newest) {
        return Err(awaiting(store, settings));
    }
    settings.pending = None;
    settings.admin = state.is_admin(me);
    settings.save(store, "device enrolled")?;
    Ok(state)
}

/// Fetches the team keys sealed to this device that it does not hold yet, and keeps those
/// whose key matches the team log's commitment for their epoch (a box the server made up is
/// ignored); returns how many were new.
pub(crate) fn receive_keys(
    store: &mut Store,
    settings: &mut SyncSettings,
    remote: &Remote,
    state: &TeamState,
) -> Result<usize, SyncError> {
    let team = settings.team_id()?;
    let secrets = settings.secrets()?;
    let own = *store.device_id().as_bytes();
    let mut new = 0;
    for (epoch, blob) in remote.key_boxes()? {
        if settings.keys.contains_key(&epoch) {
            continue;
        }
        let Some(key) = secrets
            .open_sealed(&key_box_aad(&team, &own, epoch), &blob)
            .and_then(|k| <[u8; 32]>::try_from(k).ok())
            .map(TeamKey::from_bytes)
        else {
            continue;
        };
        if !state.key_matches(epoch, &key) {
            continue;
        }
        settings.keys.insert(epoch, hex::encode(key.as_bytes()));
        new += 1;
    }
    if new > 0 {
        settings.save(store, "team key received")?;
    }
    Ok(new)
}

/// The link of a round: the verified team, after completing a pending join and fetching
/// keys. Returns the state and how many keys were new.
pub(crate) fn connect_team(
    store: &mut Store,
    settings: &mut SyncSettings,
    remote: &Remote,
) -> Result<(TeamState, usize), SyncError> {
    // A team joined before the team log has no device keys: say so first.
    settings.secrets()?;
    let before = settings.keys.len();
    let state = if settings.pending.is_some() {
        complete_join(store, settings, remote)?
    } else {
        refresh_log(store, settings, remote)?
    };
    let me = store.device_id();
    if !state.members.get(&me).is_some_and(Member::is_current) {
        return Err(SyncError::RemovedFromTeam);
    }
    receive_keys(store, settings, remote, &state)?;
    if settings.admin != state.is_admin(me) {
        settings.admin = state.is_admin(me);
        settings.save(store, "admin role changed in the team log")?;
    }
    Ok((state, settings.keys.len() - before))
}
