//! Attachments: photos of injuries, contracts, payslips. The bytes live encrypted in the store.

use crate::ids::{AttachmentId, CaseId, WorkerId};
use serde::{Deserialize, Serialize};

/// What an attachment belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "id", rename_all = "snake_case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum AttachmentOwner {
    Worker(WorkerId),
    Case(CaseId),
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct AttachmentMeta {
    pub id: AttachmentId,
    pub owner: AttachmentOwner,
    pub file_name: String,
    pub mime_type: String,
    pub size: u64,
    /// Lowercase hex SHA-256 of the bytes.
    pub sha256: String,
    pub caption: Option<String>,
}
