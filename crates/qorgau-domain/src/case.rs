//! A case: one incident (unpaid wages, an injury, a death, a detention …) concerning one or
//! more workers, with its status workflow, append-only timeline and tasks.

use crate::hlc::Hlc;
use crate::ids::{AgencyId, CaseId, TaskId, TimelineEntryId, WorkerId};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum CaseType {
    UnpaidWages,
    WorkplaceInjury,
    OccupationalDisease,
    DeathRepatriation,
    DetentionDeportation,
    CrimeVictim,
    DiscriminationAbuse,
    MedicalEmergency,
    LostDocuments,
    TraffickingForcedLabour,
    Other,
}

impl CaseType {
    pub const ALL: [CaseType; 11] = [
        Self::UnpaidWages,
        Self::WorkplaceInjury,
        Self::OccupationalDisease,
        Self::DeathRepatriation,
        Self::DetentionDeportation,
        Self::CrimeVictim,
        Self::DiscriminationAbuse,
        Self::MedicalEmergency,
        Self::LostDocuments,
        Self::TraffickingForcedLabour,
        Self::Other,
    ];
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum CaseStatus {
    #[default]
    New,
    InProgress,
    WaitingOnAgency,
    Resolved,
    Closed,
}

impl CaseStatus {
    pub const ALL: [CaseStatus; 5] = [
        Self::New,
        Self::InProgress,
        Self::WaitingOnAgency,
        Self::Resolved,
        Self::Closed,
    ];

    /// The workflow: new → in progress → waiting on agency → resolved → closed. Work can go back
    /// from waiting to in progress, an open case can be resolved directly, and a resolved or
    /// closed case can be reopened (back to in progress).
    pub fn can_move_to(self, to: CaseStatus) -> bool {
        use CaseStatus::*;
        matches!(
            (self, to),
            (New, InProgress)
                | (New, WaitingOnAgency)
                | (New, Resolved)
                | (InProgress, WaitingOnAgency)
                | (InProgress, Resolved)
                | (WaitingOnAgency, InProgress)
                | (WaitingOnAgency, Resolved)
                | (Resolved, Closed)
                | (Resolved, InProgress)
                | (Closed, InProgress)
        )
    }

    pub fn is_open(self) -> bool {
        !matches!(self, Self::Resolved | Self::Closed)
    }

    pub fn name(self) -> &'static str {
        match self {
            Self::New => "new",
            Self::InProgress => "in_progress",
            Self::WaitingOnAgency => "waiting_on_agency",
            Self::Resolved => "resolved",
            Self::Closed => "closed",
        }
    }
}

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, Default,
)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum Priority {
    Low,
    #[default]
    Normal,
    High,
    Urgent,
}

impl Priority {
    /// Lowest first, as forms offer them.
    pub const ALL: [Priority; 4] = [
        Priority::Low,
        Priority::Normal,
        Priority::High,
        Priority::Urgent,
    ];
}

/// The editable fields of a case. Timeline entries, tasks and status transitions are separate
/// records, so they stay append-only and merge cleanly across devices. Unset fields (and empty
/// lists) are left out of the JSON, as for a worker.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct CaseRecord {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub workers: Vec<WorkerId>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub case_type: Option<CaseType>,
    pub status: CaseStatus,
    pub priority: Priority,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub occurred_on: Option<NaiveDate>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reported_on: Option<NaiveDate>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub closed_on: Option<NaiveDate>,
    /// Where it happened (workplace, hospital, detention centre …).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub place: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub summary: Option<String>,
    /// The receiving agency's own number for the matter (진정 사건번호, COMWEL 접수번호,
    /// police 사건번호, NHRCK 진정번호): letters quote it once the agency has a file.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agency_ref: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assignee: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub agencies: Vec<AgencyId>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub amount_claimed_krw: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub amount_recovered_krw: Option<i64>,
    // Facts the deadline engine (`crate::deadlines`) turns into dated tasks. Each is its own
    // field so that sync merges them one by one.
    /// The worker's last day of work (final pay and severance fall due 14 days later).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_day_worked: Option<NaiveDate>,
    /// Bankruptcy or rehabilitation decision, or recognition of de-facto insolvency
    /// (도산 대지급금: claim within 2 years).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub insolvency_decided_on: Option<NaiveDate>,
    /// Judgment or payment order on the wages (간이 대지급금: claim within 1 year).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub judgment_on: Option<NaiveDate>,
    /// MOEL's confirmation of the arrears (체불임금등 사업주 확인서; 간이 대지급금: 1 year).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub moel_confirmed_on: Option<NaiveDate>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detained_on: Option<NaiveDate>,
    /// When the detaining authority notified the mission (VCCR Art. 36).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub consular_notified_on: Option<NaiveDate>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hearing_on: Option<NaiveDate>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub removal_order_on: Option<NaiveDate>,
    /// Keys of the computed deadlines the caseworker has marked done.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub deadlines_done: Vec<String>,
}

/// A stored case with its id.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Case {
    pub id: CaseId,
    #[serde(flatten)]
    pub record: CaseRecord,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum TimelineKind {
    Note,
    Call,
    Visit,
    /// A letter got its registry number.
    LetterRegistered,
    LetterSent,
    /// A registered letter was withdrawn (it keeps its number).
    LetterVoided,
    AgencyReply,
    DocumentReceived,
    StatusChange,
}

impl TimelineKind {
    /// The kinds a caseworker records by hand; the app writes the others itself (letters,
    /// status changes).
    pub const RECORDED_BY_HAND: [TimelineKind; 5] = [
        TimelineKind::Note,
        TimelineKind::Call,
        TimelineKind::Visit,
        TimelineKind::AgencyReply,
        TimelineKind::DocumentReceived,
    ];

    /// Whether a caseworker records this kind by hand.
    pub fn is_recorded_by_hand(self) -> bool {
        match self {
            TimelineKind::Note
            | TimelineKind::Call
            | TimelineKind::Visit
            | TimelineKind::AgencyReply
            | TimelineKind::DocumentReceived => true,
            TimelineKind::LetterRegistered
            | TimelineKind::LetterSent
            | TimelineKind::LetterVoided
            | TimelineKind::StatusChange => false,
        }
    }
}

/// One entry of a case's timeline. Entries are never edited or deleted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct TimelineEntry {
    pub id: TimelineEntryId,
    pub case_id: CaseId,
    pub kind: TimelineKind,
    /// When it happened (may be earlier than when it was recorded).
    pub occurred_on: NaiveDate,
    pub text: String,
    pub author: String,
    pub recorded_at: Hlc,
}

/// One recorded move through the status workflow.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct StatusTransition {
    pub case_id: CaseId,
    pub from: CaseStatus,
    pub to: CaseStatus,
    pub author: String,
    pub reason: Option<String>,
    pub at: Hlc,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Task {
    pub id: TaskId,
    pub case_id: CaseId,
    pub title: String,
    pub due_on: Option<NaiveDate>,
    pub done: bool,
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_priority_is_listed_once_in_order() {
        // An exhaustive match: a new variant does not compile until it is placed here too.
        let rank = |p: Priority| match p {
            Priority::Low => 0,
            Priority::Normal => 1,
            Priority::High => 2,
            Priority::Urgent => 3,
        };
        assert_eq!(Priority::ALL.map(rank), [0, 1, 2, 3]);
    }

    #[test]
    fn the_kinds_recorded_by_hand_are_those_the_app_does_not_write() {
        assert!(
            TimelineKind::RECORDED_BY_HAND
                .iter()
                .all(|k| k.is_recorded_by_hand())
        );
        for written_by_the_app in [
            TimelineKind::LetterRegistered,
            TimelineKind::LetterSent,
            TimelineKind::LetterVoided,
            TimelineKind::StatusChange,
        ] {
            assert!(!written_by_the_app.is_recorded_by_hand());
            assert!(!TimelineKind::RECORDED_BY_HAND.contains(&written_by_the_app));
        }
    }

    use super::*;

    #[test]
    fn workflow_allows_the_forward_path_and_reopen_only() {
        use CaseStatus::*;
        assert!(New.can_move_to(InProgress));
        assert!(InProgress.can_move_to(WaitingOnAgency));
        assert!(WaitingOnAgency.can_move_to(Resolved));
        assert!(Resolved.can_move_to(Closed));
        assert!(Closed.can_move_to(InProgress));
        assert!(!Closed.can_move_to(New));
        assert!(!New.can_move_to(Closed));
        assert!(!InProgress.can_move_to(InProgress));
    }
}
