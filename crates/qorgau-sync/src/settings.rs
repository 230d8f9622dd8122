//! A device's sync settings: the server, the team, this device's token and the team keys.
//! They are secret and live only inside the encrypted workspace (`Store::sync_settings`).

use crate::envelope::TeamId;
use crate::error::SyncError;
use crate::identity::DeviceSecrets;
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
    /// Whether the team log lists this device as an admin (as of the last round).
    pub admin: bool,
    /// The team keys by epoch (hex).
    pub keys: BTreeMap<u32, String>,
    /// This device's Ed25519 signing key (hex, secret).
    #[serde(default)]
    pub signing_key: String,
    /// This device's X25519 key-agreement key (hex, secret): team keys reach it sealed to
    /// its public half.
    #[serde(default)]
    pub agreement_key: String,
    /// The hash of the team log's genesis, pinned when this device created or joined the
    /// team (hex); the log is verified from it.
    #[serde(default)]
    pub genesis: String,
    /// Set between `device enroll` and the round that finds this device approved.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pending: Option<PendingJoin>,
    /// Admin only: the secret of each outstanding invitation, by enrollment id (hex), to
    /// open the join request and check its short authentication string.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub invited: BTreeMap<String, String>,
}

/// A join that waits for an admin's approval.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PendingJoin {
    pub enrollment: String,
    /// The short authentication string the admin compares before approving.
    pub sas: String,
}

impl std::fmt::Debug for SyncSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SyncSettings")
            .field("server", &self.server)
            .field("team", &self.team)
            .field("admin", &self.admin)
            .field("pending", &self.pending.is_some())
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

    /// This device's secret keys.
    pub fn secrets(&self) -> Result<DeviceSecrets, SyncError> {
        if self.signing_key.is_empty() {
            return Err(SyncError::Settings(
                "this workspace joined its team before devices had signing keys and the team \
                 log: create a new team (or enroll this workspace again into one)"
                    .into(),
            ));
        }
        Ok(DeviceSecrets::from_bytes(
            parse_32("signing_key", &self.signing_key)?,
            parse_32("agreement_key", &self.agreement_key)?,
        ))
    }

    /// The pinned genesis hash.
    pub fn genesis(&self) -> Result<[u8; 32], SyncError> {
        parse_32("genesis", &self.genesis)
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
