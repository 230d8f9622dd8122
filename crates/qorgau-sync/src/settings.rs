//! A device's sync settings: the server, the team, this device's token and the team keys.
//! They are secret and live only inside the encrypted workspace (`Store::sync_settings`).

use crate::envelope::TeamId;
use crate::error::SyncError;
use crate::keys::{KeyRing, TeamKey};
use qorgau_store::Store;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SyncSettings {
    /// The server's base URL, e.g. `https://10.0.0.5:8787`.
    pub server: String,
    /// SHA-256 of the server's certificate (hex) when it is pinned rather than trusted
    /// through the system's roots.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fingerprint: Option<String>,
    /// The team id (hex).
    pub team: String,
    /// This device's bearer token.
    pub token: String,
    /// Whether this is the team's admin device (invites, revokes, rotates keys).
    pub admin: bool,
    /// The team keys by epoch (hex).
    pub keys: BTreeMap<u32, String>,
    /// This device's own key: later team keys reach it wrapped under this one.
    pub device_key: String,
    /// Admin only: the key of each invited device, by enrollment id (hex).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub invited: BTreeMap<String, String>,
}

impl std::fmt::Debug for SyncSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SyncSettings")
            .field("server", &self.server)
            .field("team", &self.team)
            .field("admin", &self.admin)
            .field("epochs", &self.keys.keys().collect::<Vec<_>>())
            .finish_non_exhaustive()
    }
}

impl SyncSettings {
    pub fn load(store: &Store) -> Result<SyncSettings, SyncError> {
        let text = store.sync_settings()?.ok_or(SyncError::NotInTeam)?;
        serde_json::from_str(&text).map_err(|e| SyncError::Settings(e.to_string()))
    }

    pub fn save(&self, store: &mut Store, what: &str) -> Result<(), SyncError> {
        let text = serde_json::to_string(self).map_err(|e| SyncError::Settings(e.to_string()))?;
        store.set_sync_settings(&text, what)?;
        Ok(())
    }

    pub fn team_id(&self) -> Result<TeamId, SyncError> {
        Ok(TeamId(parse_16("team", &self.team)?))
    }

    pub fn ring(&self) -> Result<KeyRing, SyncError> {
        let mut ring = KeyRing::default();
        for (epoch, key) in &self.keys {
            ring.insert(*epoch, TeamKey::from_bytes(parse_32("keys", key)?));
        }
        Ok(ring)
    }

    pub fn device_key(&self) -> Result<TeamKey, SyncError> {
        Ok(TeamKey::from_bytes(parse_32(
            "device_key",
            &self.device_key,
        )?))
    }
}

pub(crate) fn parse_16(field: &str, text: &str) -> Result<[u8; 16], SyncError> {
    hex::decode(text.replace('-', ""))
        .ok()
        .and_then(|b| b.try_into().ok())
        .ok_or_else(|| SyncError::Settings(format!("{field}: not 16 bytes of hex")))
}

pub(crate) fn parse_32(field: &str, text: &str) -> Result<[u8; 32], SyncError> {
    hex::decode(text)
        .ok()
        .and_then(|b| b.try_into().ok())
        .ok_or_else(|| SyncError::Settings(format!("{field}: not 32 bytes of hex")))
}
