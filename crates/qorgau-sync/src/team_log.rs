//! The team log: the team's membership as an append-only, hash-chained list of entries, each
//! signed by an admin of the team as it stood before the entry. The server stores the log and
//! hands it out, but cannot forge an entry (it holds no admin's signing key), cannot change
//! one (the chain and the signatures break) and cannot swap the whole log for another (every
//! member pinned the genesis entry's hash when it joined; the enrollment code carries it).
//!
//! Every member rebuilds [`TeamState`] from the genesis at each round and trusts nothing
//! else about membership: who may sign envelopes (and up to which of its envelopes, for a
//! removed device), which X25519 keys team keys are sealed to, which key epochs exist and a
//! commitment to each epoch's key (so a key box the server made up is refused).

use crate::envelope::TeamId;
use crate::error::SyncError;
use crate::identity::{DeviceSecrets, PublicKeys, verify};
use crate::keys::TeamKey;
use qorgau_domain::DeviceId;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;

/// A member's role: admins sign the log; consuls and caseworkers are for the letters'
/// sign-off rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Admin,
    Consul,
    Caseworker,
}

impl std::str::FromStr for Role {
    type Err = SyncError;
    fn from_str(s: &str) -> Result<Role, SyncError> {
        match s {
            "admin" => Ok(Role::Admin),
            "consul" => Ok(Role::Consul),
            "caseworker" => Ok(Role::Caseworker),
            other => Err(SyncError::Settings(format!(
                "role: {other:?} is not admin, consul or caseworker"
            ))),
        }
    }
}

impl std::fmt::Display for Role {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Role::Admin => "admin",
            Role::Consul => "consul",
            Role::Caseworker => "caseworker",
        })
    }
}

/// What an entry says. Keys and hashes are hex.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum LogBody {
    /// The first entry, signed by the team's first device (its first admin) with its own key.
    Genesis {
        team: String,
        device: String,
        name: String,
        sign_key: String,
        agree_key: String,
        /// Commitment to the key of epoch 0 ([`epoch_commitment`]).
        epoch0: String,
    },
    DeviceAdded {
        device: String,
        name: String,
        role: Role,
        sign_key: String,
        agree_key: String,
    },
    /// The device's envelopes after `last_seq` are refused by every member.
    DeviceRemoved {
        device: String,
        last_seq: u64,
    },
    AdminAdded {
        device: String,
    },
    /// The admin goes back to `role`.
    AdminRemoved {
        device: String,
        role: Role,
    },
    KeyEpochStarted {
        epoch: u32,
        commitment: String,
    },
}

/// One entry as the server stores it: its place in the chain, the body as the exact bytes
/// signed, the signer and the Ed25519 signature.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SignedEntry {
    pub seq: u64,
    /// Hash of the entry before (zeros for the genesis).
    pub prev: String,
    /// The body's JSON, as signed.
    pub body: String,
    pub signer: String,
    pub signature: String,
}

/// A member of the team as the log has it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Member {
    pub device_id: String,
    pub name: String,
    pub role: Role,
    /// When the log removed it: its last envelope that members accept.
    pub removed_after: Option<u64>,
    #[serde(skip)]
    pub device: DeviceId,
    #[serde(skip)]
    pub keys: PublicKeys,
}

impl Member {
    pub fn is_current(&self) -> bool {
        self.removed_after.is_none()
    }

    pub fn is_admin(&self) -> bool {
        self.is_current() && self.role == Role::Admin
    }
}

/// The team as its verified log describes it.
#[derive(Debug, Clone)]
pub struct TeamState {
    pub team: TeamId,
    pub genesis: [u8; 32],
    pub head: [u8; 32],
    pub seq: u64,
    pub members: BTreeMap<DeviceId, Member>,
    /// Each started key epoch's commitment.
    pub epochs: BTreeMap<u32, [u8; 32]>,
}

fn bad(seq: u64, what: impl std::fmt::Display) -> SyncError {
    SyncError::TeamLog(format!("entry {seq}: {what}"))
}

fn hex32(seq: u64, field: &str, text: &str) -> Result<[u8; 32], SyncError> {
    hex::decode(text)
        .ok()
        .and_then(|b| b.try_into().ok())
        .ok_or_else(|| bad(seq, format!("{field} is not 32 bytes of hex")))
}

fn device_of(seq: u64, text: &str) -> Result<DeviceId, SyncError> {
    hex::decode(text)
        .ok()
        .and_then(|b| <[u8; 16]>::try_from(b).ok())
        .map(DeviceId::from_bytes)
        .ok_or_else(|| bad(seq, format!("device {text:?} is not a device id")))
}

/// Commitment to an epoch's team key, as the log carries it: the key itself stays secret,
/// and a key box whose key does not match is refused.
pub fn epoch_commitment(team: &TeamId, epoch: u32, key: &TeamKey) -> [u8; 32] {
    let mut h = Sha256::new();
    h.update(b"qorgau/epoch/v1");
    h.update(team.0);
    h.update(epoch.to_be_bytes());
    h.update(key.as_bytes());
    h.finalize().into()
}

fn signed_message(
    team: &TeamId,
    seq: u64,
    prev: &[u8; 32],
    signer: &DeviceId,
    body: &str,
) -> Vec<u8> {
    let mut m = b"qorgau/teamlog/v1/sign".to_vec();
    m.extend_from_slice(&team.0);
    m.extend_from_slice(&seq.to_be_bytes());
    m.extend_from_slice(prev);
    m.extend_from_slice(signer.as_bytes());
    m.extend_from_slice(body.as_bytes());
    m
}

/// The hash that chains an entry to the next (and that a new member pins for the genesis).
pub fn entry_hash(team: &TeamId, entry: &SignedEntry) -> [u8; 32] {
    let mut h = Sha256::new();
    h.update(b"qorgau/teamlog/v1/entry");
    h.update(team.0);
    h.update(entry.seq.to_be_bytes());
    h.update(entry.prev.as_bytes());
    h.update((entry.body.len() as u64).to_be_bytes());
    h.update(entry.body.as_bytes());
    h.update(entry.signer.as_bytes());
    h.update(entry.signature.as_bytes());
    h.finalize().into()
}

fn sign_entry(
    team: &TeamId,
    seq: u64,
    prev: &[u8; 32],
    signer: DeviceId,
    secrets: &DeviceSecrets,
    body: &LogBody,
) -> Result<SignedEntry, SyncError> {
    let body = serde_json::to_string(body).map_err(|e| SyncError::Settings(e.to_string()))?;
    let signature = secrets.sign(&signed_message(team, seq, prev, &signer, &body));
    Ok(SignedEntry {
        seq,
        prev: hex::encode(prev),
        body,
        signer: hex::encode(signer.as_bytes()),
        signature: hex::encode(signature),
    })
}

/// The genesis entry of a new team, signed by its first device.
pub fn genesis_entry(
    team: &TeamId,
    device: DeviceId,
    name: &str,
    secrets: &DeviceSecrets,
    key0: &TeamKey,
) -> Result<SignedEntry, SyncError> {
    let public = secrets.public();
    let body = LogBody::Genesis {
        team: hex::encode(team.0),
        device: hex::encode(device.as_bytes()),
        name: name.to_string(),
        sign_key: hex::encode(public.sign),
        agree_key: hex::encode(public.agree),
        epoch0: hex::encode(epoch_commitment(team, 0, key0)),
    };
    sign_entry(team, 1, &[0; 32], device, secrets, &body)
}

impl TeamState {
    /// Verifies `entries` (in order, starting with the genesis) against the pinned genesis
    /// hash, and returns the team they describe. Any entry that is not chained, not signed
    /// by a current admin, or not a valid step is refused with its number and the reason.
    pub fn verify(
        team: TeamId,
        pinned_genesis: &[u8; 32],
        entries: &[SignedEntry],
    ) -> Result<TeamState, SyncError> {
        let first = entries
            .first()
            .ok_or_else(|| SyncError::TeamLog("the server holds no team log".into()))?;
        let mut state = TeamState::from_genesis(team, first)?;
        if &state.genesis != pinned_genesis {
            return Err(SyncError::TeamLog(
                "the team log's first entry is not the one this device pinned when it joined: \
                 the server shows another team's log, or a forged one"
                    .into(),
            ));
        }
        for entry in &entries[1..] {
            state.apply(entry)?;
        }
        Ok(state)
    }

    fn from_genesis(team: TeamId, entry: &SignedEntry) -> Result<TeamState, SyncError> {
        let seq = entry.seq;
        if seq != 1 || entry.prev != hex::encode([0u8; 32]) {
            return Err(bad(
                seq,
                "the first entry must be number 1 with no previous entry",
            ));
        }
        let body: LogBody =
            serde_json::from_str(&entry.body).map_err(|e| bad(seq, format!("unreadable: {e}")))?;
        let LogBody::Genesis {
            team: named,
            device,
            name,
            sign_key,
            agree_key,
            epoch0,
        } = body
        else {
            return Err(bad(seq, "the first entry is not a genesis"));
        };
        if named != hex::encode(team.0) {
            return Err(bad(seq, "the genesis names another team"));
        }
        let device = device_of(seq, &device)?;
        if entry.signer != hex::encode(device.as_bytes()) {
            return Err(bad(seq, "the genesis is not signed by its own device"));
        }
        let keys = PublicKeys {
            sign: hex32(seq, "sign_key", &sign_key)?,
            agree: hex32(seq, "agree_key", &agree_key)?,
        };
        check_signature(&team, entry, &[0; 32], device, &keys.sign)?;
        let hash = entry_hash(&team, entry);
        Ok(TeamState {
            team,
            genesis: hash,
            head: hash,
            seq: 1,
            members: BTreeMap::from([(
                device,
                Member {
                    device_id: device.to_string(),
                    name,
                    role: Role::Admin,
                    removed_after: None,
                    device,
                    keys,
                },
            )]),
            epochs: BTreeMap::from([(0, hex32(seq, "epoch0", &epoch0)?)]),
        })
    }

    /// Verifies and applies the next entry.
    pub fn apply(&mut self, entry: &SignedEntry) -> Result<(), SyncError> {
        let seq = entry.seq;
        if seq != self.seq + 1 {
            return Err(bad(seq, format!("expected entry {}", self.seq + 1)));
        }
        if hex32(seq, "prev", &entry.prev)? != self.head {
            return Err(bad(
                seq,
                "it does not follow the entry before it (the log was forked or altered)",
            ));
        }
        let signer = device_of(seq, &entry.signer)?;
        let admin = self
            .members
            .get(&signer)
            .filter(|m| m.is_admin())
            .ok_or_else(|| bad(seq, format!("signer {signer} is not a current admin")))?;
        let sign_key = admin.keys.sign;
        check_signature(&self.team, entry, &self.head, signer, &sign_key)?;
        let body: LogBody =
            serde_json::from_str(&entry.body).map_err(|e| bad(seq, format!("unreadable: {e}")))?;
        match body {
            LogBody::Genesis { .. } => return Err(bad(seq, "a second genesis")),
            LogBody::DeviceAdded {
                device,
                name,
                role,
                sign_key,
                agree_key,
            } => {
                let device = device_of(seq, &device)?;
                if self.members.contains_key(&device) {
                    return Err(bad(seq, format!("device {device} was already in the log")));
                }
                let keys = PublicKeys {
                    sign: hex32(seq, "sign_key", &sign_key)?,
                    agree: hex32(seq, "agree_key", &agree_key)?,
                };
                self.members.insert(
                    device,
                    Member {
                        device_id: device.to_string(),
                        name,
                        role,
                        removed_after: None,
                        device,
                        keys,
                    },
                );
            }
            LogBody::DeviceRemoved { device, last_seq } => {
                let device = device_of(seq, &device)?;
                let member = self.current(seq, device)?;
                if member.is_admin() && self.admins().count() == 1 {
                    return Err(bad(seq, "it removes the last admin"));
                }
                if let Some(m) = self.members.get_mut(&device) {
                    m.removed_after = Some(last_seq);
                }
            }
            LogBody::AdminAdded { device } => {
                let device = device_of(seq, &device)?;
                let member = self.current(seq, device)?;
                if member.role == Role::Admin {
                    return Err(bad(seq, format!("device {device} is already an admin")));
                }
                if let Some(m) = self.members.get_mut(&device) {
                    m.role = Role::Admin;
                }
            }
            LogBody::AdminRemoved { device, role } => {
                let device = device_of(seq, &device)?;
                let member = self.current(seq, device)?;
                if member.role != Role::Admin || role == Role::Admin {
                    return Err(bad(
                        seq,
                        format!("device {device} is not an admin to demote"),
                    ));
                }
                if self.admins().count() == 1 {
                    return Err(bad(seq, "it demotes the last admin"));
                }
                if let Some(m) = self.members.get_mut(&device) {
                    m.role = role;
                }
            }
            LogBody::KeyEpochStarted { epoch, commitment } => {
                let next = self.epochs.keys().next_back().map_or(0, |e| e + 1);
                if epoch != next {
                    return Err(bad(
                        seq,
                        format!("key epoch {epoch} where {next} comes next"),
                    ));
                }
                self.epochs
                    .insert(epoch, hex32(seq, "commitment", &commitment)?);
            }
        }
        self.seq = seq;
        self.head = entry_hash(&self.team, entry);
        Ok(())
    }

    fn current(&self, seq: u64, device: DeviceId) -> Result<&Member, SyncError> {
        self.members
            .get(&device)
            .filter(|m| m.is_current())
            .ok_or_else(|| bad(seq, format!("device {device} is not a current member")))
    }

    /// The current admins.
    pub fn admins(&self) -> impl Iterator<Item = &Member> {
        self.members.values().filter(|m| m.is_admin())
    }

    /// The current (not removed) members.
    pub fn current_members(&self) -> impl Iterator<Item = &Member> {
        self.members.values().filter(|m| m.is_current())
    }

    pub fn is_admin(&self, device: DeviceId) -> bool {
        self.members.get(&device).is_some_and(Member::is_admin)
    }

    /// The next entry, signed by `signer` (an admin), checked by applying it to a copy.
    pub fn next_entry(
        &self,
        signer: DeviceId,
        secrets: &DeviceSecrets,
        body: &LogBody,
    ) -> Result<SignedEntry, SyncError> {
        let entry = sign_entry(&self.team, self.seq + 1, &self.head, signer, secrets, body)?;
        self.clone().apply(&entry)?;
        Ok(entry)
    }

    /// Whether `key` is the key the log committed to for `epoch`.
    pub fn key_matches(&self, epoch: u32, key: &TeamKey) -> bool {
        self.epochs
            .get(&epoch)
            .is_some_and(|c| *c == epoch_commitment(&self.team, epoch, key))
    }
}

fn check_signature(
    team: &TeamId,
    entry: &SignedEntry,
    prev: &[u8; 32],
    signer: DeviceId,
    key: &[u8; 32],
) -> Result<(), SyncError> {
    let signature: [u8; 64] = hex::decode(&entry.signature)
        .ok()
        .and_then(|b| b.try_into().ok())
        .ok_or_else(|| bad(entry.seq, "the signature is not 64 bytes of hex"))?;
    if !verify(
        key,
        &signed_message(team, entry.seq, prev, &signer, &entry.body),
        &signature,
    ) {
        return Err(bad(entry.seq, format!("bad signature of {signer}")));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn team() -> (TeamId, DeviceId, DeviceSecrets, TeamKey, TeamState) {
        let team = TeamId([3; 16]);
        let admin = DeviceId::new();
        let secrets = DeviceSecrets::generate().unwrap();
        let key = TeamKey::generate().unwrap();
        let genesis = genesis_entry(&team, admin, "admin", &secrets, &key).unwrap();
        let pinned = entry_hash(&team, &genesis);
        let state = TeamState::verify(team, &pinned, &[genesis]).unwrap();
        (team, admin, secrets, key, state)
    }

    fn added(device: DeviceId, keys: &DeviceSecrets, role: Role) -> LogBody {
        let p = keys.public();
        LogBody::DeviceAdded {
            device: hex::encode(device.as_bytes()),
            name: "laptop".into(),
            role,
            sign_key: hex::encode(p.sign),
            agree_key: hex::encode(p.agree),
        }
    }

    #[test]
    fn a_log_verifies_from_its_pinned_genesis_and_refuses_another() {
        let (team, admin, secrets, key, state) = team();
        assert!(state.is_admin(admin));
        assert!(state.key_matches(0, &key));
        assert!(!state.key_matches(0, &TeamKey::generate().unwrap()));
        let other = genesis_entry(&team, DeviceId::new(), "x", &secrets, &key).unwrap();
        let err = TeamState::verify(team, &state.genesis, &[other]).unwrap_err();
        assert!(err.to_string().contains("pinned"), "{err}");
    }

    #[test]
    fn only_a_current_admin_signs_and_the_chain_cannot_be_altered() {
        let (team, admin, secrets, _, mut state) = team();
        let genesis = state.clone();
        let member = DeviceId::new();
        let member_keys = DeviceSecrets::generate().unwrap();
        let entry = state
            .next_entry(
                admin,
                &secrets,
                &added(member, &member_keys, Role::Caseworker),
            )
            .unwrap();
        state.apply(&entry).unwrap();
        // A caseworker cannot add a device, even with a valid signature of its own.
        let intruder = DeviceId::new();
        let forged = sign_entry(
            &team,
            state.seq + 1,
            &state.head,
            member,
            &member_keys,
            &added(intruder, &DeviceSecrets::generate().unwrap(), Role::Admin),
        )
        .unwrap();
        let err = state.clone().apply(&forged).unwrap_err();
        assert!(err.to_string().contains("not a current admin"), "{err}");
        // A body changed after signing fails the signature.
        let mut altered = entry.clone();
        altered.body = altered.body.replace("caseworker", "admin");
        let err = genesis.clone().apply(&altered).unwrap_err();
        assert!(err.to_string().contains("bad signature"), "{err}");
        // An entry that does not name its predecessor is refused.
        let mut unchained = entry;
        unchained.prev = hex::encode([9u8; 32]);
        assert!(genesis.clone().apply(&unchained).is_err());
    }

    #[test]
    fn a_removed_admin_signs_nothing_more_and_the_last_admin_stays() {
        let (_, admin, secrets, _, mut state) = team();
        let second = DeviceId::new();
        let second_keys = DeviceSecrets::generate().unwrap();
        let e = state
            .next_entry(admin, &secrets, &added(second, &second_keys, Role::Admin))
            .unwrap();
        state.apply(&e).unwrap();
        let e = state
            .next_entry(
                second,
                &second_keys,
                &LogBody::DeviceRemoved {
                    device: hex::encode(admin.as_bytes()),
                    last_seq: 7,
                },
            )
            .unwrap();
        state.apply(&e).unwrap();
        assert_eq!(state.members[&admin].removed_after, Some(7));
        let err = state
            .next_entry(
                admin,
                &secrets,
                &LogBody::KeyEpochStarted {
                    epoch: 1,
                    commitment: hex::encode([0u8; 32]),
                },
            )
            .unwrap_err();
        assert!(err.to_string().contains("not a current admin"), "{err}");
        let err = state
            .next_entry(
                second,
                &second_keys,
                &LogBody::DeviceRemoved {
                    device: hex::encode(second.as_bytes()),
                    last_seq: 0,
                },
            )
            .unwrap_err();
        assert!(err.to_string().contains("last admin"), "{err}");
    }
}
