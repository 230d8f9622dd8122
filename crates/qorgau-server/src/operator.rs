//! The operator's credential: creating a team needs it, so that someone who merely reaches the
//! port cannot open teams and fill the disk. The server keeps it in a file only its user can
//! read (`DATA_DIR/operator-token` by default), created with a random value on the first start;
//! the operator hands it to whoever creates a team (`qorgau team create --operator-token`).

use sha2::{Digest, Sha256};
use std::io;
use std::path::{Path, PathBuf};

/// The operator token's file in a data directory.
pub const OPERATOR_TOKEN_FILE: &str = "operator-token";

/// The default place of the operator token for a server over `data`.
pub fn default_path(data: &Path) -> PathBuf {
    data.join(OPERATOR_TOKEN_FILE)
}

/// What the server needs to check the operator token: its SHA-256, not the token itself.
#[derive(Clone, PartialEq, Eq)]
pub struct OperatorCredential {
    hash: [u8; 32],
}

impl std::fmt::Debug for OperatorCredential {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("OperatorCredential(***)")
    }
}

impl OperatorCredential {
    pub fn new(token: &str) -> Self {
        OperatorCredential {
            hash: Sha256::digest(token.trim().as_bytes()).into(),
        }
    }

    /// Whether `presented` is the operator token. Compares hashes, so the time taken says
    /// nothing about the token.
    pub fn accepts(&self, presented: &str) -> bool {
        let presented: [u8; 32] = Sha256::digest(presented.trim().as_bytes()).into();
        presented
            .iter()
            .zip(self.hash.iter())
            .fold(0u8, |acc, (a, b)| acc | (a ^ b))
            == 0
    }
}

/// The operator token kept in `path`, created there (mode 0600, 256 random bits as hex) when
/// the file does not exist. A file that exists but holds too short a token is refused.
pub fn load_or_create(path: &Path) -> io::Result<String> {
    match std::fs::read_to_string(path) {
        Ok(text) => {
            let token = text.trim().to_string();
            if token.len() < 32 {
                return Err(io::Error::other(format!(
                    "{}: an operator token has at least 32 characters",
                    path.display()
                )));
            }
            Ok(token)
        }
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            if let Some(dir) = path.parent() {
                std::fs::create_dir_all(dir)?;
            }
            let mut bytes = [0u8; 32];
            getrandom::fill(&mut bytes).map_err(|e| io::Error::other(e.to_string()))?;
            let token = hex::encode(bytes);
            crate::tls::write_private(path, format!("{token}\n").as_bytes())?;
            Ok(token)
        }
        Err(e) => Err(e),
    }
}
