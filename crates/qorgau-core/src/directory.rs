//! The starter directory of Korean agencies shipped in `assets/agencies/directory.toml`:
//! only entries with a public source, each with its source and a verified flag.

use crate::error::{CoreError, ErrorCode};
use crate::workspace::Workspace;
use qorgau_domain::{Agency, AgencyId};
use serde::Deserialize;

const DIRECTORY: &str = include_str!("../../../assets/agencies/directory.toml");

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DirectoryFile {
    agency: Vec<Agency>,
}

/// The shipped directory's entries, in file order.
pub fn shipped_agencies() -> Result<Vec<Agency>, CoreError> {
    parse_directory(DIRECTORY)
}

/// Parses a directory file (the shipped one, or a mission's own in the same format).
pub fn parse_directory(text: &str) -> Result<Vec<Agency>, CoreError> {
    toml::from_str::<DirectoryFile>(text)
        .map(|f| f.agency)
        .map_err(|e| CoreError::new(ErrorCode::Invalid, format!("agency directory: {e}")))
}

/// What an import did.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct DirectoryImport {
    pub added: Vec<AgencyId>,
    /// Entries skipped because an agency with the same Korean name exists.
    pub skipped: Vec<String>,
}

impl Workspace {
    /// Adds the directory's agencies that the workspace does not have yet (matched by Korean
    /// name); existing entries, which the mission may have corrected, are left alone.
    pub fn import_agencies(&mut self, agencies: &[Agency]) -> Result<DirectoryImport, CoreError> {
        let mut existing: std::collections::HashSet<String> = self
            .list_agencies()?
            .into_iter()
            .map(|a| a.agency.name_ko)
            .collect();
        let mut report = DirectoryImport::default();
        for agency in agencies {
            if existing.insert(agency.name_ko.trim().to_owned()) {
                report.added.push(self.add_agency(agency)?);
            } else {
                report.skipped.push(agency.name_ko.clone());
            }
        }
        Ok(report)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use qorgau_domain::AgencyKind;

    #[test]
    fn shipped_directory_parses_and_every_entry_has_a_source() {
        let agencies = shipped_agencies().unwrap();
        assert!(agencies.len() >= 10);
        for a in &agencies {
            assert!(
                a.source.as_deref().is_some_and(|s| !s.trim().is_empty()),
                "{} has no source",
                a.name_ko
            );
        }
        assert!(agencies.iter().any(|a| a.verified));
        assert!(agencies.iter().any(|a| !a.verified));
    }

    #[test]
    fn every_entry_says_when_it_was_checked_and_names_are_unique() {
        let agencies = shipped_agencies().unwrap();
        let mut names = std::collections::HashSet::new();
        for a in &agencies {
            let checked = a.checked.as_deref().unwrap_or_default();
            assert!(
                chrono::NaiveDate::parse_from_str(checked, "%Y-%m-%d").is_ok(),
                "{}: checked {checked:?} is not YYYY-MM-DD",
                a.name_ko
            );
            assert!(names.insert(a.name_ko.as_str()), "{} twice", a.name_ko);
            assert!(
                a.name_en.is_some() && a.recipient_ko.is_some() || a.kind == AgencyKind::LegalAid,
                "{} lacks an English name or a 수신 title",
                a.name_ko
            );
        }
    }

    #[test]
    fn the_directory_has_every_kind_a_caseworker_writes_to() {
        let agencies = shipped_agencies().unwrap();
        let count = |k: AgencyKind| agencies.iter().filter(|a| a.kind == k).count();
        assert!(count(AgencyKind::LabourOffice) >= 20);
        assert!(count(AgencyKind::WorkersCompensation) >= 5);
        assert!(count(AgencyKind::Immigration) >= 15);
        assert!(count(AgencyKind::Police) >= 8);
        assert!(count(AgencyKind::Hospital) >= 4);
        assert!(count(AgencyKind::SupportCentre) >= 5);
        assert!(count(AgencyKind::LegalAid) >= 3);
        assert!(count(AgencyKind::HumanRights) >= 1);
        assert_eq!(count(AgencyKind::ForeignMinistry), 1);
        let named = |n: &str| agencies.iter().find(|a| a.name_ko == n);
        let gyeonggi = named("경기지방고용노동청").expect("the Gyeonggi regional office");
        assert_eq!(
            gyeonggi.recipient_ko.as_deref(),
            Some("경기지방고용노동청장")
        );
        let ansan = named("경기지방고용노동청 안산지청").expect("its Ansan branch");
        assert_eq!(ansan.recipient_ko.as_deref(), Some("안산지청장"));
        assert!(named("화성외국인보호소").is_some_and(|a| a.address_ko.is_some()));
        assert!(named("청주외국인보호소").is_some());
    }

    #[test]
    fn a_bad_directory_names_the_problem() {
        let err = parse_directory("[[agency]]\nname_ko = \"x\"\nkind = \"embassy\"\n").unwrap_err();
        assert!(
            err.message.contains("kind") || err.message.contains("embassy"),
            "{}",
            err.message
        );
    }
}
