//! A letter in the outgoing-correspondence registry.

use crate::hlc::Hlc;
use crate::ids::{AgencyId, CaseId, LetterId};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Where a letter is in its life. A registered letter keeps its number for ever: voiding
/// it marks the number as void, it never frees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum LetterStatus {
    /// Saved but not numbered; may still change.
    Draft,
    /// Numbered in the registry; the rendered bytes are fixed.
    Registered,
    /// Handed over (post, fax, in person).
    Sent,
    /// Withdrawn; keeps its number.
    Void,
}

impl LetterStatus {
    /// Whether a letter may move from `self` to `to` by marking it (registration is its
    /// own step, from draft).
    pub fn can_mark(self, to: LetterStatus) -> bool {
        use LetterStatus::*;
        matches!(
            (self, to),
            (Registered, Sent) | (Registered, Void) | (Sent, Void) | (Draft, Void)
        )
    }
}

/// A number drawn from the registry: the year, the sequence within it and the text the
/// mission's pattern makes of them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct RegistryNumber {
    pub year: i32,
    pub seq: u32,
    pub text: String,
}

/// A letter as the registry holds it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct LetterRecord {
    pub id: LetterId,
    pub case_id: CaseId,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agency_id: Option<AgencyId>,
    /// The template it was filled from.
    pub template: String,
    /// The subject line, for lists.
    pub subject: String,
    pub status: LetterStatus,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub number: Option<RegistryNumber>,
    /// The date the letter carries.
    pub letter_date: NaiveDate,
    /// The values it was filled from (the letter's data), by template key.
    pub data: BTreeMap<String, String>,
    /// SHA-256 of the rendered PDF, lowercase hex (registered letters).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pdf_sha256: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pdf_size: Option<u64>,
    pub created_by: String,
    pub created_at: Hlc,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status_note: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn void_is_final_and_sent_cannot_go_back() {
        use LetterStatus::*;
        assert!(Registered.can_mark(Sent));
        assert!(Sent.can_mark(Void));
        assert!(!Void.can_mark(Registered));
        assert!(!Void.can_mark(Sent));
        assert!(!Sent.can_mark(Registered));
        assert!(!Draft.can_mark(Registered));
    }
}
