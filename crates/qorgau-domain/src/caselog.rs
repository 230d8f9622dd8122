//! Checklists and logs for the hard cases: the documents and costs of a repatriation with a
//! status per item, detention visits, and contacts with the next of kin with the next update
//! due. Each entry is written once (entity `case_log`, append-only like the timeline); the
//! current state of a checklist item is its newest entry, so devices never conflict.

use crate::issues::{IssueCode, ValidationIssue, ValidationReport};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// A document or step of a repatriation of remains (issue 14's list).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum RepatriationItem {
    DeathCertificate,
    /// The police or prosecutor's release of the body.
    ReleaseOfBody,
    EmbalmingCertificate,
    TransportCertificate,
    ConsularCertificate,
    FuneralFirm,
    TransportCosts,
}

impl RepatriationItem {
    pub const ALL: [RepatriationItem; 7] = [
        Self::DeathCertificate,
        Self::ReleaseOfBody,
        Self::EmbalmingCertificate,
        Self::TransportCertificate,
        Self::ConsularCertificate,
        Self::FuneralFirm,
        Self::TransportCosts,
    ];

    /// The matching step of the deadline engine (`death:<key>`), if any.
    pub fn deadline_key(self) -> Option<&'static str> {
        Some(match self {
            Self::DeathCertificate => "death:death_certificate",
            Self::ReleaseOfBody => "death:release_of_body",
            Self::EmbalmingCertificate => "death:embalming_certificate",
            Self::TransportCertificate => "death:transport_certificate",
            Self::ConsularCertificate => "death:consular_certificate",
            Self::TransportCosts => "death:costs",
            Self::FuneralFirm => return None,
        })
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum ItemStatus {
    #[default]
    Pending,
    Requested,
    Received,
    NotNeeded,
}

impl ItemStatus {
    pub fn is_settled(self) -> bool {
        matches!(self, Self::Received | Self::NotNeeded)
    }
}

/// Who pays a cost.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum Payer {
    Employer,
    Insurer,
    /// COMWEL survivor and funeral benefits.
    Comwel,
    Family,
    Mission,
    Other,
}

/// One entry of a case's checklists and logs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum CaseLogEntry {
    /// The state of one repatriation item, as of `on`.
    RepatriationItem {
        item: RepatriationItem,
        status: ItemStatus,
        on: NaiveDate,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        cost_krw: Option<i64>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        payer: Option<Payer>,
        /// The funeral firm's name and phone, a document's number …
        #[serde(default, skip_serializing_if = "Option::is_none")]
        note: Option<String>,
    },
    DetentionVisit {
        on: NaiveDate,
        place: String,
        /// Who visited and whom they met.
        who: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        asked: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        promised: Option<String>,
        /// The worker's wishes (stay and claim, leave soon, contact the family …).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        wishes: Option<String>,
        /// Pending claims that argue for release (unpaid wages, an injury claim, a lawsuit).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pending_claims: Option<String>,
    },
    KinContact {
        on: NaiveDate,
        /// Whom the caseworker spoke to.
        contact: String,
        /// Phone, messenger, visit, letter.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        channel: Option<String>,
        summary: String,
        /// When the family should next hear from the mission (a deadline on the case).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        next_update_on: Option<NaiveDate>,
    },
}

const MAX_TEXT: usize = 4000;

impl CaseLogEntry {
    pub fn kind(&self) -> &'static str {
        match self {
            Self::RepatriationItem { .. } => "repatriation_item",
            Self::DetentionVisit { .. } => "detention_visit",
            Self::KinContact { .. } => "kin_contact",
        }
    }

    pub fn on(&self) -> NaiveDate {
        match self {
            Self::RepatriationItem { on, .. }
            | Self::DetentionVisit { on, .. }
            | Self::KinContact { on, .. } => *on,
        }
    }

    /// Checks the entry; every problem at once, by field.
    pub fn validate(&self, today: NaiveDate) -> ValidationReport {
        let mut report = ValidationReport::default();
        if self.on() > today {
            report.push(ValidationIssue::error(
                "on",
                IssueCode::DateInFuture,
                format!("{} is in the future", self.on()),
            ));
        }
        let mut texts: Vec<(&str, Option<&str>, bool)> = Vec::new();
        match self {
            Self::RepatriationItem { cost_krw, note, .. } => {
                if cost_krw.is_some_and(|c| c < 0) {
                    report.push(ValidationIssue::error(
                        "cost_krw",
                        IssueCode::NegativeAmount,
                        "cost_krw cannot be negative",
                    ));
                }
                texts.push(("note", note.as_deref(), false));
            }
            Self::DetentionVisit {
                place,
                who,
                asked,
                promised,
                wishes,
                pending_claims,
                ..
            } => {
                texts.extend([
                    ("place", Some(place.as_str()), true),
                    ("who", Some(who.as_str()), true),
                    ("asked", asked.as_deref(), false),
                    ("promised", promised.as_deref(), false),
                    ("wishes", wishes.as_deref(), false),
                    ("pending_claims", pending_claims.as_deref(), false),
                ]);
            }
            Self::KinContact {
                on,
                contact,
                channel,
                summary,
                next_update_on,
            } => {
                texts.extend([
                    ("contact", Some(contact.as_str()), true),
                    ("channel", channel.as_deref(), false),
                    ("summary", Some(summary.as_str()), true),
                ]);
                if next_update_on.is_some_and(|n| n < *on) {
                    report.push(ValidationIssue::error(
                        "next_update_on",
                        IssueCode::DateOrder,
                        "next_update_on is before the contact",
                    ));
                }
            }
        }
        for (field, text, required) in texts {
            match text.map(str::trim) {
                Some(t) if t.chars().count() > MAX_TEXT => report.push(ValidationIssue::error(
                    field,
                    IssueCode::TooLong,
                    format!("{field} is longer than {MAX_TEXT} characters"),
                )),
                Some("") | None if required => report.push(ValidationIssue::error(
                    field,
                    IssueCode::EmptyText,
                    format!("{field} is empty"),
                )),
                _ => {}
            }
        }
        report
    }
}

/// One item of the repatriation checklist as it stands: its newest entry, or pending.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ChecklistItem {
    pub item: RepatriationItem,
    pub status: ItemStatus,
    pub on: Option<NaiveDate>,
    pub cost_krw: Option<i64>,
    pub payer: Option<Payer>,
    pub note: Option<String>,
}

/// The checklist from a case's entries, oldest first (each newer entry replaces the item's
/// state).
pub fn checklist<'a>(entries: impl IntoIterator<Item = &'a CaseLogEntry>) -> Vec<ChecklistItem> {
    let mut items: Vec<ChecklistItem> = RepatriationItem::ALL
        .iter()
        .map(|&item| ChecklistItem {
            item,
            status: ItemStatus::Pending,
            on: None,
            cost_krw: None,
            payer: None,
            note: None,
        })
        .collect();
    for e in entries {
        if let CaseLogEntry::RepatriationItem {
            item,
            status,
            on,
            cost_krw,
            payer,
            note,
        } = e
            && let Some(slot) = items.iter_mut().find(|i| i.item == *item)
        {
            *slot = ChecklistItem {
                item: *item,
                status: *status,
                on: Some(*on),
                cost_krw: *cost_krw,
                payer: *payer,
                note: note.clone(),
            };
        }
    }
    items
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(t: &str) -> NaiveDate {
        t.parse().unwrap()
    }

    #[test]
    fn the_newest_entry_of_an_item_is_its_state() {
        let entries = [
            CaseLogEntry::RepatriationItem {
                item: RepatriationItem::DeathCertificate,
                status: ItemStatus::Requested,
                on: d("2026-01-10"),
                cost_krw: None,
                payer: None,
                note: None,
            },
            CaseLogEntry::RepatriationItem {
                item: RepatriationItem::DeathCertificate,
                status: ItemStatus::Received,
                on: d("2026-01-12"),
                cost_krw: Some(0),
                payer: None,
                note: Some("시체검안서".into()),
            },
            CaseLogEntry::RepatriationItem {
                item: RepatriationItem::TransportCosts,
                status: ItemStatus::Requested,
                on: d("2026-01-12"),
                cost_krw: Some(4_500_000),
                payer: Some(Payer::Employer),
                note: None,
            },
        ];
        let list = checklist(&entries);
        assert_eq!(list.len(), RepatriationItem::ALL.len());
        let death = &list[0];
        assert_eq!(death.status, ItemStatus::Received);
        assert_eq!(death.note.as_deref(), Some("시체검안서"));
        let costs = list
            .iter()
            .find(|i| i.item == RepatriationItem::TransportCosts)
            .unwrap();
        assert_eq!(
            (costs.cost_krw, costs.payer),
            (Some(4_500_000), Some(Payer::Employer))
        );
        assert!(
            list.iter()
                .filter(|i| i.status == ItemStatus::Pending)
                .count()
                == 5
        );
    }

    #[test]
    fn entries_are_checked_by_field() {
        let today = d("2026-01-20");
        let visit = CaseLogEntry::DetentionVisit {
            on: d("2026-02-01"),
            place: " ".into(),
            who: "consul".into(),
            asked: None,
            promised: None,
            wishes: None,
            pending_claims: None,
        };
        let fields: Vec<_> = visit
            .validate(today)
            .issues
            .into_iter()
            .map(|i| i.field)
            .collect();
        assert_eq!(fields, ["on", "place"]);
        let contact = CaseLogEntry::KinContact {
            on: d("2026-01-15"),
            contact: "brother".into(),
            channel: None,
            summary: "told of the hearing".into(),
            next_update_on: Some(d("2026-01-14")),
        };
        assert_eq!(contact.validate(today).issues[0].field, "next_update_on");
        let json = r#"{"kind": "kin_contact", "on": "2026-01-15", "contact": "brother", "summary": "x", "colour": 1}"#;
        assert!(serde_json::from_str::<CaseLogEntry>(json).is_err());
    }
}
