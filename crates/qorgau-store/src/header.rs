//! The workspace header: the Argon2id parameters and salt that turn a passphrase into the
//! database key. It holds nothing secret, so it sits in the clear beside the database.

use crate::error::{StoreError, StoreResult};
use crate::secret::{DbKey, Passphrase};
use serde::{Deserialize, Serialize};
use std::fs;
use std::io::Write;
use std::path::Path;

/// Argon2id cost parameters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct KdfParams {
    /// Memory in KiB.
    pub memory_kib: u32,
    pub iterations: u32,
    pub parallelism: u32,
}

impl KdfParams {
    /// What new workspaces use: 64 MiB, 3 passes (OWASP's second Argon2id option is 19 MiB × 2;
    /// a consulate laptop affords more, and an unlock happens a few times a day).
    pub const DEFAULT: KdfParams = KdfParams {
        memory_kib: 64 * 1024,
        iterations: 3,
        parallelism: 1,
    };

    /// Cheap parameters for tests that open many workspaces. Never used by the shells.
    pub const FAST_INSECURE_FOR_TESTS: KdfParams = KdfParams {
        memory_kib: 1024,
        iterations: 1,
        parallelism: 1,
    };
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WorkspaceHeader {
    pub format: String,
    pub version: u32,
    pub kdf: String,
    pub kdf_params: KdfParams,
    /// Hex-encoded 16-byte salt.
    pub salt: String,
}

impl WorkspaceHeader {
    pub const FORMAT: &'static str = "qorgau-workspace";
    pub const VERSION: u32 = 1;

    pub fn new(kdf_params: KdfParams) -> StoreResult<Self> {
        let mut salt = [0u8; 16];
        getrandom::fill(&mut salt).map_err(|e| StoreError::Kdf(e.to_string()))?;
        Ok(Self {
            format: Self::FORMAT.into(),
            version: Self::VERSION,
            kdf: "argon2id".into(),
            kdf_params,
            salt: hex::encode(salt),
        })
    }

    pub fn read(path: &Path) -> StoreResult<Self> {
        let text = fs::read_to_string(path)?;
        let header: Self =
            serde_json::from_str(&text).map_err(|e| StoreError::BadHeader(e.to_string()))?;
        if header.format != Self::FORMAT || header.kdf != "argon2id" {
            return Err(StoreError::BadHeader(format!(
                "unknown format {:?} / kdf {:?}",
                header.format, header.kdf
            )));
        }
        if header.version > Self::VERSION {
            return Err(StoreError::BadHeader(format!(
                "header version {} is newer than this build knows ({})",
                header.version,
                Self::VERSION
            )));
        }
        Ok(header)
    }

    /// Writes the header durably: a temporary file, fsync, rename, fsync of the directory.
    pub fn write(&self, path: &Path) -> StoreResult<()> {
        let tmp = path.with_extension("json.tmp");
        {
            let mut f = fs::File::create(&tmp)?;
            f.write_all(serde_json::to_string_pretty(self)?.as_bytes())?;
            f.write_all(b"\n")?;
            f.sync_all()?;
        }
        fs::rename(&tmp, path)?;
        if let Some(dir) = path.parent() {
            fs::File::open(dir)?.sync_all()?;
        }
        Ok(())
    }

    pub(crate) fn derive_key(&self, passphrase: &Passphrase) -> StoreResult<DbKey> {
        let salt = hex::decode(&self.salt).map_err(|e| StoreError::BadHeader(e.to_string()))?;
        let p = self.kdf_params;
        let params = argon2::Params::new(p.memory_kib, p.iterations, p.parallelism, Some(32))
            .map_err(|e| StoreError::BadHeader(format!("argon2 parameters: {e}")))?;
        let argon =
            argon2::Argon2::new(argon2::Algorithm::Argon2id, argon2::Version::V0x13, params);
        let mut key = DbKey([0u8; 32]);
        argon
            .hash_password_into(passphrase.expose(), &salt, &mut key.0)
            .map_err(|e| StoreError::Kdf(e.to_string()))?;
        Ok(key)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_passphrase_and_salt_give_the_same_key_and_others_differ() {
        let h = WorkspaceHeader::new(KdfParams::FAST_INSECURE_FOR_TESTS).unwrap();
        let a = h.derive_key(&Passphrase::new("один два три")).unwrap();
        let b = h.derive_key(&Passphrase::new("один два три")).unwrap();
        let c = h.derive_key(&Passphrase::new("один два четыре")).unwrap();
        assert_eq!(a.0, b.0);
        assert_ne!(a.0, c.0);
        let other_salt = WorkspaceHeader::new(KdfParams::FAST_INSECURE_FOR_TESTS).unwrap();
        assert_ne!(
            other_salt
                .derive_key(&Passphrase::new("один два три"))
                .unwrap()
                .0,
            a.0
        );
    }

    #[test]
    fn header_round_trips_and_rejects_garbage() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("workspace.json");
        let h = WorkspaceHeader::new(KdfParams::DEFAULT).unwrap();
        h.write(&path).unwrap();
        assert_eq!(WorkspaceHeader::read(&path).unwrap(), h);
        fs::write(&path, "{\"format\":\"other\"}").unwrap();
        assert!(matches!(
            WorkspaceHeader::read(&path),
            Err(StoreError::BadHeader(_))
        ));
    }
}
