use qorgau_domain::{ValidationReport, WorkerId};
use thiserror::Error;

pub type StoreResult<T> = Result<T, StoreError>;

#[derive(Debug, Error)]
pub enum StoreError {
    #[error("wrong passphrase for this workspace")]
    WrongPassphrase,
    #[error("{0} is not a Qorgau workspace (no {file})", file = crate::HEADER_FILE)]
    NotAWorkspace(String),
    #[error("{0} already holds a Qorgau workspace")]
    AlreadyExists(String),
    #[error("this build's SQLite has no SQLCipher: refusing to write unencrypted data")]
    NotSqlCipher,
    #[error("the workspace header is damaged: {0}")]
    BadHeader(String),
    /// Stored bytes no longer match their recorded SHA-256.
    #[error("stored data is damaged: {0}")]
    Corrupt(String),
    #[error(
        "the workspace was written by a newer Qorgau (schema {found}, this build knows {known})"
    )]
    SchemaTooNew { found: i64, known: i64 },
    #[error("invalid input: {}", summary(.0))]
    Invalid(ValidationReport),
    #[error("a worker with the same {field} already exists: {existing}")]
    DuplicateWorker {
        field: &'static str,
        existing: WorkerId,
    },
    #[error("{entity} {id} not found")]
    NotFound { entity: &'static str, id: String },
    #[error("database error: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("file error: {0}")]
    Io(#[from] std::io::Error),
    #[error("stored data could not be decoded: {0}")]
    Decode(#[from] serde_json::Error),
    /// Sync data that cannot be applied (out of order, malformed).
    #[error("sync: {0}")]
    Sync(String),
    /// Sync data of a kind this build does not know (a newer build wrote it): updating
    /// Qorgau applies it, so it stops the pull rather than being set aside.
    #[error("sync: {0} (update Qorgau on this device)")]
    NewerBuild(String),
    #[error("key derivation failed: {0}")]
    Kdf(String),
}

fn summary(report: &ValidationReport) -> String {
    report
        .errors()
        .map(|i| format!("{}: {}", i.field, i.message))
        .collect::<Vec<_>>()
        .join("; ")
}
