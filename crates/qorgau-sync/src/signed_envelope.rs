//! The bytes of an envelope on the wire: the sealed envelope, signed by its device and chained
//! to that device's previous envelope.
//!
//! `"QE2\0" | prev (32) | nonce (24) | ciphertext | Ed25519 signature (64)`
//!
//! The signature covers the header the server sees (team, device, sequence, key epoch), the
//! previous envelope's hash and the SHA-256 of nonce and ciphertext. The team key alone
//! (which every member, and a revoked device, holds for the epochs it saw) therefore no longer
//! lets anyone write in another device's name: only the device's signing key does, and the
//! team log says whose key that is and up to which envelope it counts.

use crate::envelope::EnvelopeHeader;
use crate::identity::{DeviceSecrets, verify};
use sha2::{Digest, Sha256};

const MAGIC: &[u8; 4] = b"QE2\0";
const FIXED: usize = 4 + 32 + 24 + 64;

/// An envelope's hash, which the next envelope of its device names.
pub type ChainHash = [u8; 32];

/// Why the signed layer refused an envelope.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SignedError {
    /// Not this format (too short, or no marker).
    Malformed,
    BadSignature,
}

/// The digest the device signs; it is also the envelope's chain hash.
fn digest(header: &EnvelopeHeader, prev: &ChainHash, nonce: &[u8], ciphertext: &[u8]) -> ChainHash {
    let body: [u8; 32] = Sha256::new()
        .chain_update(nonce)
        .chain_update(ciphertext)
        .finalize()
        .into();
    let mut h = Sha256::new();
    h.update(b"qorgau/envelope/v2/sign");
    h.update(header.team.0);
    h.update(header.device.as_bytes());
    h.update(header.device_seq.to_be_bytes());
    h.update(header.key_epoch.to_be_bytes());
    h.update(prev);
    h.update(body);
    h.finalize().into()
}

/// Signs a sealed envelope (`nonce`, `ciphertext`); returns the wire bytes and its hash.
pub fn sign(
    secrets: &DeviceSecrets,
    header: &EnvelopeHeader,
    prev: &ChainHash,
    nonce: &[u8; 24],
    ciphertext: &[u8],
) -> (Vec<u8>, ChainHash) {
    let hash = digest(header, prev, nonce, ciphertext);
    let signature = secrets.sign(&hash);
    let mut out = Vec::with_capacity(FIXED + ciphertext.len());
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(prev);
    out.extend_from_slice(nonce);
    out.extend_from_slice(ciphertext);
    out.extend_from_slice(&signature);
    (out, hash)
}

/// An envelope whose signature checked out.
#[derive(Debug)]
pub struct Verified<'a> {
    pub prev: ChainHash,
    pub hash: ChainHash,
    pub nonce: [u8; 24],
    pub ciphertext: &'a [u8],
}

/// Checks the signature of `blob` under `header` with the device's public signing key.
pub fn verify_blob<'a>(
    sign_key: &[u8; 32],
    header: &EnvelopeHeader,
    blob: &'a [u8],
) -> Result<Verified<'a>, SignedError> {
    if blob.len() < FIXED || &blob[..4] != MAGIC {
        return Err(SignedError::Malformed);
    }
    let prev: ChainHash = blob[4..36].try_into().map_err(|_| SignedError::Malformed)?;
    let nonce: [u8; 24] = blob[36..60]
        .try_into()
        .map_err(|_| SignedError::Malformed)?;
    let ciphertext = &blob[60..blob.len() - 64];
    let signature: [u8; 64] = blob[blob.len() - 64..]
        .try_into()
        .map_err(|_| SignedError::Malformed)?;
    let hash = digest(header, &prev, &nonce, ciphertext);
    if !verify(sign_key, &hash, &signature) {
        return Err(SignedError::BadSignature);
    }
    Ok(Verified {
        prev,
        hash,
        nonce,
        ciphertext,
    })
}

/// The hash of wire bytes this device signed itself (for its own chain).
pub fn hash_of_own(header: &EnvelopeHeader, blob: &[u8]) -> Option<ChainHash> {
    if blob.len() < FIXED || &blob[..4] != MAGIC {
        return None;
    }
    let prev: ChainHash = blob[4..36].try_into().ok()?;
    Some(digest(
        header,
        &prev,
        &blob[36..60],
        &blob[60..blob.len() - 64],
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::envelope::TeamId;
    use qorgau_domain::DeviceId;

    #[test]
    fn a_signed_envelope_verifies_only_under_its_header_and_key() {
        let keys = DeviceSecrets::generate().unwrap();
        let header = EnvelopeHeader {
            team: TeamId([1; 16]),
            device: DeviceId::new(),
            device_seq: 4,
            key_epoch: 0,
        };
        let (blob, hash) = sign(&keys, &header, &[7; 32], &[2; 24], b"sealed");
        let ok = verify_blob(&keys.public().sign, &header, &blob).unwrap();
        assert_eq!(
            (ok.prev, ok.hash, ok.ciphertext),
            ([7; 32], hash, &b"sealed"[..])
        );
        assert_eq!(hash_of_own(&header, &blob), Some(hash));
        let renumbered = EnvelopeHeader {
            device_seq: 5,
            ..header
        };
        assert_eq!(
            verify_blob(&keys.public().sign, &renumbered, &blob).unwrap_err(),
            SignedError::BadSignature
        );
        let other = DeviceSecrets::generate().unwrap();
        assert!(verify_blob(&other.public().sign, &header, &blob).is_err());
        let mut flipped = blob.clone();
        flipped[62] ^= 1;
        assert!(verify_blob(&keys.public().sign, &header, &flipped).is_err());
        assert_eq!(
            verify_blob(&keys.public().sign, &header, b"garbage").unwrap_err(),
            SignedError::Malformed
        );
    }
}
