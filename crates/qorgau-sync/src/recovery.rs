//! The recovery kit: an offline admin of the team, written to a file at team creation for the
//! admin to print and lock away. It is a member of the team log like a device (an admin with
//! its own signing and key-agreement keys, and a server token) that never syncs: team keys
//! are sealed to it at every rotation, so it can always make a new laptop an admin. With it,
//! a lost or stolen admin laptop does not strand the team: `qorgau team recover --kit FILE`
//! on a new, empty workspace signs that workspace into the log as an admin, and the new admin
//! then revokes the lost laptop.

use crate::error::SyncError;
use crate::identity::{DeviceSecrets, random};
use crate::keys::TeamKey;
use crate::remote::Remote;
use crate::settings::{SyncSettings, parse_16, parse_32};
use crate::team::{
    append_entries, append_entries_as, entry_json, key_box_aad, key_boxes_for, refresh_log,
    remote_of, upload_boxes,
};
use crate::team_log::{LogBody, Member, Role, SignedEntry, TeamState};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as BASE64URL;
use qorgau_domain::DeviceId;
use qorgau_store::Store;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use zeroize::Zeroizing;

/// What a recovery kit's text starts with.
pub const KIT_PREFIX: &str = "QRK1-";

/// The contents of a kit. Secret: it is an admin of the team.
#[derive(Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Kit {
    server: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    fingerprint: Option<String>,
    team: String,
    genesis: String,
    device: String,
    token: String,
    signing_key: String,
    agreement_key: String,
}

impl Kit {
    fn encode(&self) -> Result<Zeroizing<String>, SyncError> {
        let json = Zeroizing::new(
            serde_json::to_vec(self).map_err(|e| SyncError::Settings(e.to_string()))?,
        );
        Ok(Zeroizing::new(format!(
            "{KIT_PREFIX}{}",
            BASE64URL.encode(&*json)
        )))
    }

    fn parse(text: &str) -> Result<Kit, SyncError> {
        let bad = |what: &str| SyncError::BadCode(format!("recovery kit: {what}"));
        let body = text
            .trim()
            .strip_prefix(KIT_PREFIX)
            .ok_or_else(|| bad(&format!("it does not start with {KIT_PREFIX}")))?;
        let json = Zeroizing::new(
            BASE64URL
                .decode(body.trim())
                .map_err(|_| bad("it is damaged (not base64url)"))?,
        );
        serde_json::from_slice(&json).map_err(|_| bad("it is damaged (unreadable contents)"))
    }

    fn secrets(&self) -> Result<DeviceSecrets, SyncError> {
        Ok(DeviceSecrets::from_bytes(
            parse_32("signing_key", &self.signing_key)?,
            parse_32("agreement_key", &self.agreement_key)?,
        ))
    }
}

/// The text of the kit as printed, with how to use it.
pub fn kit_document(kit: &str, team: &str, server: &str) -> String {
    format!(
        "QORGAU RECOVERY KIT — keep offline, locked away; whoever holds it is an admin of the team\n\
         team {team} on {server}\n\n\
         {kit}\n\n\
         If the admin laptop is lost or stolen: on a new laptop, create a new workspace and run\n\
         `qorgau team recover --kit FILE` (FILE holding the line above); that workspace becomes\n\
         an admin. Then revoke the lost laptop: `qorgau device revoke ID` (`qorgau device list`\n\
         shows its id). Then make a new kit and destroy this one.\n"
    )
}

/// Admin: makes a recovery kit, an offline admin of the team, and returns its text (one
/// line, secret). The kit is signed into the team log as an admin named "recovery kit", the
/// server gets a token for it, and every team key is sealed to it.
pub fn make_kit(store: &mut Store) -> Result<Zeroizing<String>, SyncError> {
    let settings = SyncSettings::load(store)?;
    let remote = remote_of(&settings)?;
    let state = refresh_log(store, &settings, &remote)?;
    if !state.is_admin(store.device_id()) {
        return Err(SyncError::NotAdmin("make a recovery kit"));
    }
    let device = DeviceId::from_bytes(random()?);
    let secrets = DeviceSecrets::generate()?;
    let public = secrets.public();
    let token = remote.add_device(device.as_bytes())?;
    let state = append_entries(
        store,
        &settings,
        &remote,
        &[LogBody::DeviceAdded {
            device: hex::encode(device.as_bytes()),
            name: "recovery kit".into(),
            role: Role::Admin,
            sign_key: hex::encode(public.sign),
            agree_key: hex::encode(public.agree),
        }],
    )?;
    remote.set_admin(device.as_bytes(), true)?;
    let member: &Member = state
        .members
        .get(&device)
        .ok_or_else(|| SyncError::TeamLog("the kit is not in the log".into()))?;
    let epochs: Vec<u32> = state.epochs.keys().copied().collect();
    upload_boxes(
        &remote,
        &key_boxes_for(&state.team, &settings, &[member], &epochs)?,
    )?;
    let (signing_key, agreement_key) = secrets.to_hex();
    Kit {
        server: settings.server.clone(),
        fingerprint: settings.fingerprint.clone(),
        team: settings.team.clone(),
        genesis: settings.genesis.clone(),
        device: hex::encode(device.as_bytes()),
        token,
        signing_key: signing_key.to_string(),
        agreement_key: agreement_key.to_string(),
    }
    .encode()
}

/// Joins this new, empty workspace to the kit's team as an admin: the kit signs it into the
/// team log, the server gets a token for it, and the team keys come from the boxes sealed to
/// the kit (each checked against the log's commitment).
pub fn recover(store: &mut Store, kit_text: &str) -> Result<SyncSettings, SyncError> {
    if store.sync_settings()?.is_some() {
        return Err(SyncError::AlreadyInTeam);
    }
    if !store.case_records()?.is_empty() || store.numbered_letters()? > 0 {
        return Err(SyncError::Settings(
            "recover into a new, empty workspace: it receives the team's records".into(),
        ));
    }
    let kit = Kit::parse(kit_text)?;
    let kit_id = DeviceId::from_bytes(parse_16("device", &kit.device)?);
    let kit_secrets = kit.secrets()?;
    let as_kit = Remote::new(&kit.server, kit.fingerprint.as_deref(), Some(&kit.token))?;
    // The kit's view of the team, verified from the genesis it carries.
    let mut kit_settings = SyncSettings {
        server: kit.server.clone(),
        fingerprint: kit.fingerprint.clone(),
        team: kit.team.clone(),
        token: kit.token.clone(),
        admin: true,
        keys: BTreeMap::new(),
        signing_key: kit.signing_key.clone(),
        agreement_key: kit.agreement_key.clone(),
        genesis: kit.genesis.clone(),
        pending: None,
        invited: BTreeMap::new(),
    };
    let (entries, _) = as_kit.log(0)?;
    let entries: Vec<SignedEntry> = entries
        .iter()
        .map(|(seq, json)| {
            serde_json::from_str(json)
                .map_err(|e| SyncError::TeamLog(format!("entry {seq} is unreadable: {e}")))
        })
        .collect::<Result<_, _>>()?;
    let state = TeamState::verify(kit_settings.team_id()?, &kit_settings.genesis()?, &entries)?;
    if !state.is_admin(kit_id) {
        return Err(SyncError::TeamLog(
            "the team log no longer lists this recovery kit as an admin".into(),
        ));
    }
    let team = state.team;
    for (epoch, blob) in as_kit.key_boxes()? {
        let Some(key) = kit_secrets
            .open_sealed(&key_box_aad(&team, kit_id.as_bytes(), epoch), &blob)
            .and_then(|k| <[u8; 32]>::try_from(k).ok())
            .map(TeamKey::from_bytes)
        else {
            continue;
        };
        if state.key_matches(epoch, &key) {
            kit_settings.keys.insert(epoch, hex::encode(key.as_bytes()));
        }
    }
    let newest = state.epochs.keys().next_back().copied().unwrap_or(0);
    if !kit_settings.keys.contains_key(&newest) {
        return Err(SyncError::MissingTeamKey { epoch: newest });
    }
    let me = store.device_id();
    let secrets = DeviceSecrets::generate()?;
    let public = secrets.public();
    let token = as_kit.add_device(me.as_bytes())?;
    let json: Vec<(u64, String)> = entries
        .iter()
        .map(|e| Ok((e.seq, entry_json(e)?)))
        .collect::<Result<_, SyncError>>()?;
    store.append_team_log(&json)?;
    let state = append_entries_as(
        store,
        &kit_settings,
        &as_kit,
        kit_id,
        &kit_secrets,
        &[LogBody::DeviceAdded {
            device: hex::encode(me.as_bytes()),
            name: format!("{} (recovered admin)", crate::team::default_name(me)),
            role: Role::Admin,
            sign_key: hex::encode(public.sign),
            agree_key: hex::encode(public.agree),
        }],
    )?;
    as_kit.set_admin(me.as_bytes(), true)?;
    debug_assert!(state.is_admin(me));
    let (signing_key, agreement_key) = secrets.to_hex();
    let settings = SyncSettings {
        token,
        keys: kit_settings.keys.clone(),
        signing_key: signing_key.to_string(),
        agreement_key: agreement_key.to_string(),
        ..kit_settings
    };
    settings.save(store, "admin recovered from the recovery kit")?;
    store.use_leased_registry_numbers()?;
    crate::engine::stock_registry_numbers(store, &remote_of(&settings)?)?;
    Ok(settings)
}
