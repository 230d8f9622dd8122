use qorgau_domain::ValidationIssue;
use qorgau_store::StoreError;
use serde::Serialize;
use thiserror::Error;

/// Stable error codes. Shells switch on these (and map them to exit codes or screens), never
/// on the message text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum ErrorCode {
    WrongPassphrase,
    NotAWorkspace,
    AlreadyExists,
    Invalid,
    Duplicate,
    NotFound,
    Storage,
    Unsupported,
    /// Sync failed: the server is unreachable or refused, or data from it cannot be applied.
    Sync,
    /// The desktop app's workspace is locked: unlock it first.
    Locked,
}

/// An error as it crosses into a shell: `{code, message, issues}`.
#[derive(Debug, Clone, Error, Serialize)]
#[error("{message}")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct CoreError {
    pub code: ErrorCode,
    pub message: String,
    /// Field-level findings for `invalid` and `duplicate`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub issues: Vec<ValidationIssue>,
    /// The existing record's id for `duplicate`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub existing_id: Option<String>,
}

impl CoreError {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
            issues: Vec::new(),
            existing_id: None,
        }
    }

    pub fn invalid(issues: Vec<ValidationIssue>) -> Self {
        let message = issues
            .iter()
            .map(|i| format!("{}: {}", i.field, i.message))
            .collect::<Vec<_>>()
            .join("; ");
        Self {
            code: ErrorCode::Invalid,
            message,
            issues,
            existing_id: None,
        }
    }
}

impl From<StoreError> for CoreError {
    fn from(e: StoreError) -> Self {
        let message = e.to_string();
        match e {
            StoreError::WrongPassphrase => Self::new(ErrorCode::WrongPassphrase, message),
            StoreError::NotAWorkspace(_) => Self::new(ErrorCode::NotAWorkspace, message),
            StoreError::AlreadyExists(_) => Self::new(ErrorCode::AlreadyExists, message),
            StoreError::Invalid(report) => Self::invalid(report.issues),
            StoreError::DuplicateWorker { existing, .. } => Self {
                existing_id: Some(existing.to_string()),
                ..Self::new(ErrorCode::Duplicate, message)
            },
            StoreError::NotFound { .. } => Self::new(ErrorCode::NotFound, message),
            StoreError::Decode(_) => Self::new(ErrorCode::Invalid, message),
            StoreError::NotSqlCipher
            | StoreError::SchemaTooNew { .. }
            | StoreError::NewerBuild(_) => Self::new(ErrorCode::Unsupported, message),
            _ => Self::new(ErrorCode::Storage, message),
        }
    }
}

impl From<qorgau_sync::SyncError> for CoreError {
    fn from(e: qorgau_sync::SyncError) -> Self {
        use qorgau_sync::SyncError as S;
        let message = e.to_string();
        match e {
            S::Store(store) => store.into(),
            S::BadCode(_) | S::SasMismatch(_) => Self::new(ErrorCode::Invalid, message),
            S::AlreadyInTeam => Self::new(ErrorCode::AlreadyExists, message),
            _ => Self::new(ErrorCode::Sync, message),
        }
    }
}

impl From<serde_json::Error> for CoreError {
    fn from(e: serde_json::Error) -> Self {
        Self::new(ErrorCode::Invalid, format!("invalid JSON: {e}"))
    }
}
