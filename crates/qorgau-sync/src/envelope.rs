//! Envelopes: one device's change set, encrypted with the team key.
//!
//! XChaCha20-Poly1305 with a random 192-bit nonce. The associated data binds the envelope to
//! its team, its device, the device's sequence number and the key epoch, so the server (which
//! stores envelopes and sees exactly those fields) cannot read a change set, alter it, move it
//! to another device or team, or swap two of a device's envelopes without the receiving
//! device noticing. [`SequenceCheck`] then refuses replays and gaps.

use crate::keys::{KeyRing, TeamKey};
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use qorgau_domain::DeviceId;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// A sync team (the devices of one mission).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct TeamId(pub [u8; 16]);

/// What the server sees of an envelope, and what the encryption binds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct EnvelopeHeader {
    pub team: TeamId,
    pub device: DeviceId,
    /// 1 for a device's first envelope, then one more for each.
    pub device_seq: u64,
    /// Which team key sealed it.
    pub key_epoch: u32,
}

/// A sealed change set.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Envelope {
    pub header: EnvelopeHeader,
    pub nonce: [u8; 24],
    pub ciphertext: Vec<u8>,
}

/// Why an envelope was refused. Nothing from a refused envelope is ever applied.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EnvelopeError {
    #[error("envelope {seq} of device {device} belongs to another team")]
    WrongTeam { device: DeviceId, seq: u64 },
    #[error(
        "envelope {seq} of device {device} uses key epoch {epoch}, which this device does not hold"
    )]
    UnknownKeyEpoch {
        device: DeviceId,
        seq: u64,
        epoch: u32,
    },
    #[error(
        "envelope {seq} of device {device} failed authentication: it was altered, or its header was changed"
    )]
    Tampered { device: DeviceId, seq: u64 },
    #[error("envelope {seq} of device {device} was already applied (replay)")]
    Replay { device: DeviceId, seq: u64 },
    #[error("envelope {seq} of device {device} is out of order: expected {expected}")]
    OutOfOrder {
        device: DeviceId,
        seq: u64,
        expected: u64,
    },
    #[error("the system random generator failed: {0}")]
    Random(String),
    #[error("encryption failed")]
    Seal,
}

const AAD_TAG: &[u8] = b"qorgau/envelope/v1";

fn associated_data(h: &EnvelopeHeader) -> Vec<u8> {
    let mut aad = Vec::with_capacity(AAD_TAG.len() + 44);
    aad.extend_from_slice(AAD_TAG);
    aad.extend_from_slice(&h.team.0);
    aad.extend_from_slice(h.device.as_bytes());
    aad.extend_from_slice(&h.device_seq.to_be_bytes());
    aad.extend_from_slice(&h.key_epoch.to_be_bytes());
    aad
}

impl Envelope {
    /// Seals `plaintext` under `key`, the key of `header.key_epoch`.
    pub fn seal(
        key: &TeamKey,
        header: EnvelopeHeader,
        plaintext: &[u8],
    ) -> Result<Envelope, EnvelopeError> {
        let mut nonce = [0u8; 24];
        getrandom::fill(&mut nonce).map_err(|e| EnvelopeError::Random(e.to_string()))?;
        let cipher = XChaCha20Poly1305::new(key.as_bytes().into());
        let aad = associated_data(&header);
        let ciphertext = cipher
            .encrypt(
                XNonce::from_slice(&nonce),
                Payload {
                    msg: plaintext,
                    aad: &aad,
                },
            )
            .map_err(|_| EnvelopeError::Seal)?;
        Ok(Envelope {
            header,
            nonce,
            ciphertext,
        })
    }

    /// Opens an envelope of `team` with the matching key from `ring`.
    pub fn open(&self, ring: &KeyRing, team: TeamId) -> Result<Vec<u8>, EnvelopeError> {
        let h = &self.header;
        if h.team != team {
            return Err(EnvelopeError::WrongTeam {
                device: h.device,
                seq: h.device_seq,
            });
        }
        let key = ring
            .get(h.key_epoch)
            .ok_or(EnvelopeError::UnknownKeyEpoch {
                device: h.device,
                seq: h.device_seq,
                epoch: h.key_epoch,
            })?;
        let cipher = XChaCha20Poly1305::new(key.as_bytes().into());
        let aad = associated_data(h);
        cipher
            .decrypt(
                XNonce::from_slice(&self.nonce),
                Payload {
                    msg: &self.ciphertext,
                    aad: &aad,
                },
            )
            .map_err(|_| EnvelopeError::Tampered {
                device: h.device,
                seq: h.device_seq,
            })
    }
}

/// The last applied sequence number of each device: an envelope is accepted only as the next
/// one of its device, so a replayed, reordered or skipped envelope is refused.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SequenceCheck {
    last: HashMap<DeviceId, u64>,
}

impl SequenceCheck {
    pub fn new() -> Self {
        Self::default()
    }

    /// Resumes from stored positions (after a restart).
    pub fn from_positions(positions: impl IntoIterator<Item = (DeviceId, u64)>) -> Self {
        SequenceCheck {
            last: positions.into_iter().collect(),
        }
    }

    /// Whether `header` is the next envelope of its device; does not record it.
    pub fn check(&self, header: &EnvelopeHeader) -> Result<(), EnvelopeError> {
        let last = self.last.get(&header.device).copied().unwrap_or(0);
        let (device, seq) = (header.device, header.device_seq);
        if seq <= last {
            Err(EnvelopeError::Replay { device, seq })
        } else if seq != last + 1 {
            Err(EnvelopeError::OutOfOrder {
                device,
                seq,
                expected: last + 1,
            })
        } else {
            Ok(())
        }
    }

    /// Records `header` as applied; call in the transaction that applies it.
    pub fn record(&mut self, header: &EnvelopeHeader) {
        self.last.insert(header.device, header.device_seq);
    }

    /// The last applied sequence number of `device`.
    pub fn position(&self, device: DeviceId) -> u64 {
        self.last.get(&device).copied().unwrap_or(0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn setup() -> (KeyRing, TeamId, EnvelopeHeader) {
        let ring = KeyRing::new(TeamKey::generate().unwrap());
        let team = TeamId([7; 16]);
        let header = EnvelopeHeader {
            team,
            device: DeviceId::new(),
            device_seq: 1,
            key_epoch: 0,
        };
        (ring, team, header)
    }

    fn seal(ring: &KeyRing, header: EnvelopeHeader, text: &str) -> Envelope {
        Envelope::seal(ring.get(header.key_epoch).unwrap(), header, text.as_bytes()).unwrap()
    }

    #[test]
    fn an_envelope_opens_with_the_team_key_and_hides_its_content() {
        let (ring, team, header) = setup();
        let env = seal(
            &ring,
            header,
            r#"{"surname":"Жұмабеков","iin":"940315300123"}"#,
        );
        assert!(!String::from_utf8_lossy(&env.ciphertext).contains("940315300123"));
        assert_eq!(
            env.open(&ring, team).unwrap(),
            r#"{"surname":"Жұмабеков","iin":"940315300123"}"#.as_bytes()
        );
        let other = KeyRing::new(TeamKey::generate().unwrap());
        assert!(matches!(
            env.open(&other, team),
            Err(EnvelopeError::Tampered { .. })
        ));
    }

    #[test]
    fn any_change_to_the_ciphertext_or_the_header_is_detected() {
        let (ring, team, header) = setup();
        let env = seal(&ring, header, "change set");
        let mut flipped = env.clone();
        flipped.ciphertext[3] ^= 1;
        let mut moved = env.clone();
        moved.header.device = DeviceId::new();
        let mut renumbered = env.clone();
        renumbered.header.device_seq = 2;
        let mut nonce = env.clone();
        nonce.nonce[0] ^= 1;
        for bad in [flipped, moved, renumbered, nonce] {
            assert!(
                matches!(bad.open(&ring, team), Err(EnvelopeError::Tampered { .. })),
                "{bad:?}"
            );
        }
        let mut foreign = env.clone();
        foreign.header.team = TeamId([8; 16]);
        assert!(matches!(
            foreign.open(&ring, team),
            Err(EnvelopeError::WrongTeam { .. })
        ));
        let mut epoch = env;
        epoch.header.key_epoch = 5;
        assert!(matches!(
            epoch.open(&ring, team),
            Err(EnvelopeError::UnknownKeyEpoch { epoch: 5, .. })
        ));
    }

    #[test]
    fn old_envelopes_stay_readable_after_a_key_rotation() {
        let (mut ring, team, header) = setup();
        let old = seal(&ring, header, "before");
        let epoch = ring.rotate().unwrap();
        let new = seal(
            &ring,
            EnvelopeHeader {
                device_seq: 2,
                key_epoch: epoch,
                ..header
            },
            "after",
        );
        assert_eq!(old.open(&ring, team).unwrap(), b"before");
        assert_eq!(new.open(&ring, team).unwrap(), b"after");
        // A device that was revoked before the rotation does not get the new key.
        let revoked = KeyRing::new(ring.get(0).unwrap().clone());
        assert!(matches!(
            new.open(&revoked, team),
            Err(EnvelopeError::UnknownKeyEpoch { .. })
        ));
    }

    #[test]
    fn replays_gaps_and_reordering_are_refused() {
        let (_, _, header) = setup();
        let mut seq = SequenceCheck::new();
        let at = |n: u64| EnvelopeHeader {
            device_seq: n,
            ..header
        };
        assert!(matches!(
            seq.check(&at(2)),
            Err(EnvelopeError::OutOfOrder { expected: 1, .. })
        ));
        seq.check(&at(1)).unwrap();
        seq.record(&at(1));
        assert!(matches!(
            seq.check(&at(1)),
            Err(EnvelopeError::Replay { .. })
        ));
        seq.check(&at(2)).unwrap();
        seq.record(&at(2));
        let resumed = SequenceCheck::from_positions([(header.device, seq.position(header.device))]);
        assert!(matches!(
            resumed.check(&at(2)),
            Err(EnvelopeError::Replay { .. })
        ));
        resumed.check(&at(3)).unwrap();
    }
}
