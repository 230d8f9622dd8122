//! A Korean agency in the directory: where letters go.

use crate::ids::AgencyId;
use crate::worker::Province;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum AgencyKind {
    /// 지방고용노동청 / 지청
    LabourOffice,
    /// 근로복지공단 and its branches
    WorkersCompensation,
    /// 출입국·외국인청 / 사무소 / 출장소, detention centres
    Immigration,
    Police,
    Hospital,
    /// 외국인노동자지원센터
    SupportCentre,
    /// 국가인권위원회
    HumanRights,
    /// 대한법률구조공단
    LegalAid,
    /// 외교부
    ForeignMinistry,
    Employer,
    /// An insurer of a foreign worker (출국만기보험, 귀국비용보험, 상해보험, 임금체불 보증보험)
    Insurer,
    Other,
}

impl AgencyKind {
    /// In the order the directory's forms offer them.
    pub const ALL: [AgencyKind; 12] = [
        AgencyKind::LabourOffice,
        AgencyKind::WorkersCompensation,
        AgencyKind::Immigration,
        AgencyKind::Police,
        AgencyKind::Hospital,
        AgencyKind::SupportCentre,
        AgencyKind::HumanRights,
        AgencyKind::LegalAid,
        AgencyKind::ForeignMinistry,
        AgencyKind::Employer,
        AgencyKind::Insurer,
        AgencyKind::Other,
    ];
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Agency {
    pub name_ko: String,
    #[serde(default)]
    pub name_en: Option<String>,
    /// The 수신 line of a Korean official letter: the head of the organisation by title
    /// (서울지방고용노동청장, 국가인권위원회 위원장). Letters fall back to the Korean name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recipient_ko: Option<String>,
    pub kind: AgencyKind,
    #[serde(default)]
    pub province: Option<Province>,
    #[serde(default)]
    pub address_ko: Option<String>,
    #[serde(default)]
    pub address_en: Option<String>,
    #[serde(default)]
    pub phone: Option<String>,
    #[serde(default)]
    pub fax: Option<String>,
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub jurisdiction: Option<String>,
    /// Where the facts come from (a public page), so they can be rechecked.
    #[serde(default)]
    pub source: Option<String>,
    /// The day the facts were last read in the source (`YYYY-MM-DD`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub checked: Option<String>,
    #[serde(default)]
    pub verified: bool,
}

impl Agency {
    /// An agency known only by its Korean name and kind; the other facts are unset.
    pub fn named(name_ko: impl Into<String>, kind: AgencyKind) -> Self {
        Agency {
            name_ko: name_ko.into(),
            name_en: None,
            recipient_ko: None,
            kind,
            province: None,
            address_ko: None,
            address_en: None,
            phone: None,
            fax: None,
            email: None,
            jurisdiction: None,
            source: None,
            checked: None,
            verified: false,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct AgencyRecord {
    pub id: AgencyId,
    #[serde(flatten)]
    pub agency: Agency,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_agency_kind_is_listed_once() {
        // An exhaustive match: a new variant does not compile until it is placed here too.
        let rank = |k: AgencyKind| match k {
            AgencyKind::LabourOffice => 0,
            AgencyKind::WorkersCompensation => 1,
            AgencyKind::Immigration => 2,
            AgencyKind::Police => 3,
            AgencyKind::Hospital => 4,
            AgencyKind::SupportCentre => 5,
            AgencyKind::HumanRights => 6,
            AgencyKind::LegalAid => 7,
            AgencyKind::ForeignMinistry => 8,
            AgencyKind::Employer => 9,
            AgencyKind::Insurer => 10,
            AgencyKind::Other => 11,
        };
        let ranks: Vec<usize> = AgencyKind::ALL.iter().map(|k| rank(*k)).collect();
        assert_eq!(ranks, (0..12).collect::<Vec<_>>());
    }
}
