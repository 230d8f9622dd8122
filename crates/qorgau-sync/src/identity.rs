//! A device's identity: an Ed25519 signing key (it signs its envelopes and, on an admin, the
//! team log) and an X25519 key-agreement key (team keys reach it sealed to that key). Both are
//! generated on the device and never leave it: they live in the sync settings inside the
//! encrypted workspace. Only the public halves travel, inside the admin-signed team log.

use crate::error::SyncError;
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use ed25519_dalek::{Signer, Verifier};
use sha2::{Digest, Sha256};
use zeroize::{Zeroize, ZeroizeOnDrop, Zeroizing};

pub(crate) fn random<const N: usize>() -> Result<[u8; N], SyncError> {
    let mut bytes = [0u8; N];
    getrandom::fill(&mut bytes).map_err(|_| SyncError::Random)?;
    Ok(bytes)
}

/// The secret halves of a device's keys. Never printed; zeroised when dropped.
#[derive(Clone, Zeroize, ZeroizeOnDrop)]
pub struct DeviceSecrets {
    sign: [u8; 32],
    agree: [u8; 32],
}

impl std::fmt::Debug for DeviceSecrets {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("DeviceSecrets(..)")
    }
}

/// The public halves, as the team log lists them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PublicKeys {
    pub sign: [u8; 32],
    pub agree: [u8; 32],
}

impl DeviceSecrets {
    /// Fresh keys from the operating system's generator.
    pub fn generate() -> Result<Self, SyncError> {
        Ok(DeviceSecrets {
            sign: random()?,
            agree: random()?,
        })
    }

    pub fn from_bytes(sign: [u8; 32], agree: [u8; 32]) -> Self {
        DeviceSecrets { sign, agree }
    }

    /// Hex of the two secret keys, for the encrypted settings (and the recovery kit).
    pub fn to_hex(&self) -> (Zeroizing<String>, Zeroizing<String>) {
        (
            Zeroizing::new(hex::encode(self.sign)),
            Zeroizing::new(hex::encode(self.agree)),
        )
    }

    pub fn public(&self) -> PublicKeys {
        let sign = ed25519_dalek::SigningKey::from_bytes(&self.sign);
        let agree = x25519_dalek::StaticSecret::from(self.agree);
        PublicKeys {
            sign: sign.verifying_key().to_bytes(),
            agree: x25519_dalek::PublicKey::from(&agree).to_bytes(),
        }
    }

    pub fn sign(&self, message: &[u8]) -> [u8; 64] {
        ed25519_dalek::SigningKey::from_bytes(&self.sign)
            .sign(message)
            .to_bytes()
    }

    /// Opens a box sealed to this device's key-agreement key by [`seal_to`].
    pub fn open_sealed(&self, aad: &[u8], blob: &[u8]) -> Option<Vec<u8>> {
        if blob.len() < 32 + 24 {
            return None;
        }
        let ephemeral: [u8; 32] = blob[..32].try_into().ok()?;
        let secret = x25519_dalek::StaticSecret::from(self.agree);
        let mine = x25519_dalek::PublicKey::from(&secret).to_bytes();
        let shared = secret.diffie_hellman(&x25519_dalek::PublicKey::from(ephemeral));
        let key = box_key(shared.as_bytes(), &ephemeral, &mine);
        XChaCha20Poly1305::new((&*key).into())
            .decrypt(
                XNonce::from_slice(&blob[32..56]),
                Payload {
                    msg: &blob[56..],
                    aad,
                },
            )
            .ok()
    }
}

/// Checks an Ed25519 signature of `message` by `public`.
pub fn verify(public: &[u8; 32], message: &[u8], signature: &[u8; 64]) -> bool {
    let Ok(key) = ed25519_dalek::VerifyingKey::from_bytes(public) else {
        return false;
    };
    key.verify(message, &ed25519_dalek::Signature::from_bytes(signature))
        .is_ok()
}

fn box_key(shared: &[u8; 32], ephemeral: &[u8; 32], recipient: &[u8; 32]) -> Zeroizing<[u8; 32]> {
    let mut h = Sha256::new();
    h.update(b"qorgau/sealed-box/v1");
    h.update(shared);
    h.update(ephemeral);
    h.update(recipient);
    Zeroizing::new(h.finalize().into())
}

/// Seals `plaintext` to an X25519 public key (an ephemeral key agreement, then
/// XChaCha20-Poly1305 under `aad`): only the holder of the matching secret opens it.
pub fn seal_to(recipient: &[u8; 32], aad: &[u8], plaintext: &[u8]) -> Result<Vec<u8>, SyncError> {
    let ephemeral = x25519_dalek::StaticSecret::from(random::<32>()?);
    let ephemeral_public = x25519_dalek::PublicKey::from(&ephemeral).to_bytes();
    let shared = ephemeral.diffie_hellman(&x25519_dalek::PublicKey::from(*recipient));
    let key = box_key(shared.as_bytes(), &ephemeral_public, recipient);
    let nonce: [u8; 24] = random()?;
    let sealed = XChaCha20Poly1305::new((&*key).into())
        .encrypt(
            XNonce::from_slice(&nonce),
            Payload {
                msg: plaintext,
                aad,
            },
        )
        .map_err(|_| SyncError::Random)?;
    let mut out = ephemeral_public.to_vec();
    out.extend_from_slice(&nonce);
    out.extend(sealed);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sealed_box_opens_only_for_its_recipient_and_its_associated_data() {
        let alice = DeviceSecrets::generate().unwrap();
        let mallory = DeviceSecrets::generate().unwrap();
        let blob = seal_to(&alice.public().agree, b"team|device|1", b"key").unwrap();
        assert_eq!(
            alice.open_sealed(b"team|device|1", &blob).as_deref(),
            Some(&b"key"[..])
        );
        assert_eq!(alice.open_sealed(b"team|device|2", &blob), None);
        assert_eq!(mallory.open_sealed(b"team|device|1", &blob), None);
    }

    #[test]
    fn signatures_verify_only_with_the_signers_key_and_message() {
        let a = DeviceSecrets::generate().unwrap();
        let b = DeviceSecrets::generate().unwrap();
        let sig = a.sign(b"hello");
        assert!(verify(&a.public().sign, b"hello", &sig));
        assert!(!verify(&a.public().sign, b"hellp", &sig));
        assert!(!verify(&b.public().sign, b"hello", &sig));
        assert_eq!(format!("{a:?}"), "DeviceSecrets(..)");
    }
}
