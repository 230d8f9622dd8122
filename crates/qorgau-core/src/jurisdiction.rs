//! Which office is competent for a place: the jurisdiction table shipped in
//! `assets/agencies/jurisdiction.toml` (the 시/군/구 each office of the starter directory
//! covers, with its source), a reader for Korean addresses, and the ranking behind
//! `qorgau agency propose` and the letter screen's suggested addressee.
//!
//! Ranking, best first: an office whose `areas` name the address's district (구 of a 시), then
//! its city or county, then one that covers the city only in part, then the whole province
//! named in `areas`; then a regional office whose wider `region` holds the place; then offices
//! of the place's province that the table does not describe (jurisdiction unknown); national
//! bodies last. Ties go to the office that covers fewer areas (the more local one), then by name.

use crate::error::{CoreError, ErrorCode};
use crate::workspace::Workspace;
use qorgau_domain::agency::AgencyRecord;
use qorgau_domain::{AgencyKind, CaseId, Province};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

const TABLE: &str = include_str!("../../../assets/agencies/jurisdiction.toml");

/// One office's row of the jurisdiction table, as written in the TOML file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OfficeAreas {
    /// The directory entry's Korean name.
    pub name_ko: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub areas: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub partly: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub region: Vec<String>,
    #[serde(default, rename = "except", skip_serializing_if = "Vec::is_empty")]
    pub except: Vec<String>,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub nationwide: bool,
    pub source: String,
    pub checked: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TableFile {
    office: Vec<OfficeAreas>,
}

/// The shipped jurisdiction table, in file order (its areas are checked to parse).
pub fn shipped_jurisdictions() -> Result<Vec<OfficeAreas>, CoreError> {
    parse_jurisdictions(TABLE)
}

/// Parses a jurisdiction table (the shipped one or a mission's own in the same format); every
/// area must name a known province.
pub fn parse_jurisdictions(text: &str) -> Result<Vec<OfficeAreas>, CoreError> {
    let file: TableFile = toml::from_str(text)
        .map_err(|e| CoreError::new(ErrorCode::Invalid, format!("jurisdiction table: {e}")))?;
    for office in &file.office {
        for area in office
            .areas
            .iter()
            .chain(&office.partly)
            .chain(&office.region)
            .chain(&office.except)
        {
            Area::parse(area).ok_or_else(|| {
                CoreError::new(
                    ErrorCode::Invalid,
                    format!(
                        "jurisdiction table: {}: area \"{area}\" does not start with a province key",
                        office.name_ko
                    ),
                )
            })?;
        }
    }
    Ok(file.office)
}

/// An area of the table: a province, optionally narrowed to a 시/군/구 and a 구 within a 시.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Area {
    province: Province,
    unit: Option<String>,
    sub: Option<String>,
}

impl Area {
    fn parse(text: &str) -> Option<Area> {
        let mut words = text.split_whitespace();
        let province = province_from_key(words.next()?)?;
        Some(Area {
            province,
            unit: words.next().map(str::to_owned),
            sub: words.next().map(str::to_owned),
        })
    }

    /// How closely the area holds the place: 3 district, 2 city, 1 the area is the province
    /// (or the area is a district and the place names only its city: a likely, not sure,
    /// match), 0 not at all.
    fn holds(&self, place: &Place) -> u8 {
        if place.province != Some(self.province) {
            return 0;
        }
        match (&self.unit, &place.unit) {
            (None, _) => 1,
            (Some(_), None) => 0,
            (Some(u), Some(pu)) if u != pu => 0,
            (Some(_), Some(_)) => match (&self.sub, &place.sub) {
                (None, _) => 2,
                (Some(s), Some(ps)) if s == ps => 3,
                (Some(_), Some(_)) => 0,
                (Some(_), None) => 1,
            },
        }
    }
}

fn province_from_key(key: &str) -> Option<Province> {
    serde_json::from_value(serde_json::Value::String(key.to_owned())).ok()
}

/// Where a place is, as far as the office tables need it: province, 시/군/구 and the 구 of a
/// 시 that has them. Read from a Korean road-name or lot address (`경기도 안산시 단원구 …`,
/// `경남 김해시 …`, `서울 구로구 …`); a 시/군 written without its province is placed when the
/// table knows it in one province only.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Place {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub province: Option<Province>,
    /// 시, 군 or (in a metropolitan city) 구.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit: Option<String>,
    /// The 구 of a 시 that is divided into 구 (안산시 단원구).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sub: Option<String>,
}

impl Place {
    pub fn is_empty(&self) -> bool {
        self.province.is_none() && self.unit.is_none()
    }

    /// The place in Korean, e.g. "경기도 안산시 단원구".
    pub fn korean(&self) -> String {
        let mut parts: Vec<&str> = Vec::new();
        if let Some(p) = self.province {
            parts.push(p.korean());
        }
        parts.extend(self.unit.as_deref());
        parts.extend(self.sub.as_deref());
        parts.join(" ")
    }
}

/// The names a province goes by at the start of an address.
fn province_from_word(word: &str) -> Option<Province> {
    use Province::*;
    let p = match word {
        "서울" | "서울시" | "서울특별시" => Seoul,
        "부산" | "부산시" | "부산광역시" => Busan,
        "대구" | "대구시" | "대구광역시" => Daegu,
        "인천" | "인천시" | "인천광역시" => Incheon,
        "광주광역시" => Gwangju,
        "대전" | "대전시" | "대전광역시" => Daejeon,
        "울산" | "울산시" | "울산광역시" => Ulsan,
        "세종" | "세종시" | "세종특별자치시" => Sejong,
        "경기" | "경기도" => Gyeonggi,
        "강원" | "강원도" | "강원특별자치도" => Gangwon,
        "충북" | "충청북도" => Chungbuk,
        "충남" | "충청남도" => Chungnam,
        "전북" | "전라북도" | "전북특별자치도" => Jeonbuk,
        "전남" | "전라남도" => Jeonnam,
        "경북" | "경상북도" => Gyeongbuk,
        "경남" | "경상남도" => Gyeongnam,
        "제주" | "제주도" | "제주특별자치도" => Jeju,
        _ => return None,
    };
    Some(p)
}

const METROPOLITAN: [Province; 7] = [
    Province::Seoul,
    Province::Busan,
    Province::Daegu,
    Province::Incheon,
    Province::Gwangju,
    Province::Daejeon,
    Province::Ulsan,
];

/// Reads the province, 시/군/구 and 구 from a Korean address. `table` places a 시/군 written
/// without its province (pass the shipped table, or an empty slice to skip that).
pub fn parse_place(address: &str, table: &[OfficeAreas]) -> Place {
    let words: Vec<String> = address
        .split(|c: char| c.is_whitespace() || c == ',' || c == '(' || c == ')')
        .filter(|w| !w.is_empty())
        .map(str::to_owned)
        .collect();
    let mut place = Place::default();
    let mut rest = &words[..];
    // "광주" alone is the metropolitan city only when no 시/군 of Gyeonggi's 광주시 follows.
    if let Some((first, tail)) = words.split_first() {
        if let Some(p) = province_from_word(first) {
            place.province = Some(p);
            rest = tail;
        } else if first == "광주" {
            place.province = Some(Province::Gwangju);
            rest = tail;
        }
    }
    let is_unit = |w: &str| {
        w.chars().count() >= 2 && (w.ends_with('시') || w.ends_with('군') || w.ends_with('구'))
    };
    let mut iter = rest.iter();
    for w in iter.by_ref() {
        if is_unit(w) {
            place.unit = Some(w.clone());
            break;
        }
        // A road name or number before any 시/군/구: the address has none.
        if w.ends_with('로') || w.ends_with('길') || w.chars().any(|c| c.is_ascii_digit()) {
            break;
        }
    }
    if let Some(unit) = place.unit.as_deref()
        && unit.ends_with('시')
        && let Some(next) = iter.next()
        && next.ends_with('구')
        && next.chars().count() >= 2
    {
        place.sub = Some(next.clone());
    }
    // Seoul and the metropolitan cities are divided into 구 and 군 directly.
    if place.province.is_none()
        && let Some(unit) = place.unit.as_deref()
    {
        let mut provinces: Vec<Province> = table
            .iter()
            .flat_map(|o| o.areas.iter().chain(&o.partly).chain(&o.region))
            .filter_map(|a| Area::parse(a))
            .filter(|a| a.unit.as_deref() == Some(unit))
            .map(|a| a.province)
            .filter(|p| !METROPOLITAN.contains(p) || !unit.ends_with('구'))
            .collect();
        provinces.sort_by_key(|p| *p as u8);
        provinces.dedup();
        if let [only] = provinces[..] {
            place.province = Some(only);
        }
    }
    place
}

/// Why an office is proposed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum ProposalBasis {
    /// The table lists the place's district (구 of a 시).
    District,
    /// The table lists the place's 시/군/구.
    City,
    /// The office covers part of the city (e.g. a police station for some dong).
    PartOfCity,
    /// The table lists the district, and the address names only the city.
    DistrictOfCity,
    /// The table lists the whole province.
    Province,
    /// A regional office whose wider region holds the place.
    Region,
    /// An office in the place's province whose jurisdiction the table does not give, or any
    /// office of the province when the address names no city.
    SameProvince,
    /// A national body.
    Nationwide,
}

impl ProposalBasis {
    fn score(self) -> u8 {
        match self {
            Self::District => 100,
            Self::City => 90,
            Self::PartOfCity => 75,
            Self::DistrictOfCity => 70,
            Self::Province => 60,
            Self::Region => 40,
            Self::SameProvince => 20,
            Self::Nationwide => 10,
        }
    }

    fn describe(self) -> &'static str {
        match self {
            Self::District => "its jurisdiction lists the district",
            Self::City => "its jurisdiction lists the city or county",
            Self::PartOfCity => "it covers part of the city: check the dong",
            Self::DistrictOfCity => {
                "it covers one district of the city: check the address's district"
            }
            Self::Province => "its jurisdiction lists the whole province",
            Self::Region => "regional office over the place's area",
            Self::SameProvince => {
                "in the same province: the address names no city, or the office's areas are not in the table"
            }
            Self::Nationwide => "national body",
        }
    }
}

/// An agency proposed as addressee, with the basis and the table's source for it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct AgencyProposal {
    pub agency: AgencyRecord,
    pub basis: ProposalBasis,
    /// 0-100, higher is more likely the competent office.
    pub score: u8,
    /// The basis in words, for the screen.
    pub reason: String,
    /// The jurisdiction table's source for the match (none for same-province guesses).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
}

/// Ranks `agencies` (optionally of one kind) as addressees for a place. Agencies the table
/// describes are proposed only where their areas hold the place; the others only when they
/// are in the place's province (or have no province and are national bodies).
pub fn propose_agencies(
    agencies: &[AgencyRecord],
    table: &[OfficeAreas],
    place: &Place,
    kind: Option<AgencyKind>,
) -> Vec<AgencyProposal> {
    let rows: HashMap<&str, &OfficeAreas> = table.iter().map(|o| (o.name_ko.as_str(), o)).collect();
    let mut out: Vec<(AgencyProposal, usize)> = Vec::new();
    for record in agencies {
        let agency = &record.agency;
        if kind.is_some_and(|k| agency.kind != k) {
            continue;
        }
        let row = rows.get(agency.name_ko.trim()).copied();
        let basis = match row {
            Some(row) => basis_from_row(row, place),
            None if place.province.is_some() && agency.province == place.province => {
                Some(ProposalBasis::SameProvince)
            }
            None => None,
        };
        let Some(basis) = basis else { continue };
        let breadth = row.map_or(usize::MAX, |r| {
            if r.nationwide {
                usize::MAX
            } else {
                r.areas.len() + r.partly.len() + 10 * r.region.len()
            }
        });
        out.push((
            AgencyProposal {
                agency: record.clone(),
                basis,
                score: basis.score(),
                reason: basis.describe().to_owned(),
                source: (basis != ProposalBasis::SameProvince)
                    .then(|| row.map(|r| format!("{} (checked {})", r.source, r.checked)))
                    .flatten(),
            },
            breadth,
        ));
    }
    out.sort_by(|(a, ab), (b, bb)| {
        b.score
            .cmp(&a.score)
            .then(ab.cmp(bb))
            .then_with(|| a.agency.agency.name_ko.cmp(&b.agency.agency.name_ko))
    });
    out.into_iter().map(|(p, _)| p).collect()
}

fn basis_from_row(row: &OfficeAreas, place: &Place) -> Option<ProposalBasis> {
    let best = |list: &[String]| {
        list.iter()
            .filter_map(|a| Area::parse(a))
            .map(|a| (a.holds(place), a.sub.is_some()))
            .max()
            .unwrap_or((0, false))
    };
    if best(&row.except).0 >= 1
        && row
            .except
            .iter()
            .filter_map(|a| Area::parse(a))
            .any(|a| a.holds(place) >= 2 || a.unit.is_none())
    {
        return None;
    }
    let direct = best(&row.areas);
    let basis = match direct {
        (3, _) => Some(ProposalBasis::District),
        (2, _) => Some(ProposalBasis::City),
        (1, true) => Some(ProposalBasis::DistrictOfCity),
        _ => None,
    };
    if basis.is_some() {
        return basis;
    }
    if best(&row.partly).0 >= 2 {
        return Some(ProposalBasis::PartOfCity);
    }
    if direct.0 == 1 {
        return Some(ProposalBasis::Province);
    }
    if best(&row.region).0 >= 1 {
        return Some(ProposalBasis::Region);
    }
    // An address that names only the province: every office with areas there is a candidate.
    if place.unit.is_none()
        && place.province.is_some()
        && row
            .areas
            .iter()
            .chain(&row.partly)
            .filter_map(|a| Area::parse(a))
            .any(|a| Some(a.province) == place.province)
    {
        return Some(ProposalBasis::SameProvince);
    }
    row.nationwide.then_some(ProposalBasis::Nationwide)
}

/// The proposals for a case, with the address they were read from.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct CaseProposals {
    /// What the place was read from: `employer_address`, `case_place`, `worker_address` or
    /// `worker_province`; none when the case gives no place.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address: Option<String>,
    pub place: Place,
    pub proposals: Vec<AgencyProposal>,
}

impl Workspace {
    /// Ranks the workspace's agencies (optionally of one kind) for an address.
    pub fn propose_agencies(
        &self,
        address: &str,
        kind: Option<AgencyKind>,
    ) -> Result<Vec<AgencyProposal>, CoreError> {
        let table = shipped_jurisdictions()?;
        let place = parse_place(address, &table);
        Ok(propose_agencies(
            &self.list_agencies()?,
            &table,
            &place,
            kind,
        ))
    }

    /// Ranks the workspace's agencies for a case: the place is the workplace (the employer's
    /// address of the case's first worker who has one), else the case's place, else the
    /// worker's address or province. For police and hospitals the case's place (where it
    /// happened) comes first.
    pub fn propose_agencies_for_case(
        &self,
        case: CaseId,
        kind: Option<AgencyKind>,
    ) -> Result<CaseProposals, CoreError> {
        let table = shipped_jurisdictions()?;
        let case = self.case(case)?;
        let mut employer = None;
        let mut home = None;
        let mut province = None;
        for id in &case.record.workers {
            let w = self.worker(*id)?.worker;
            if employer.is_none() {
                employer = w.employer.and_then(|e| e.address);
            }
            if home.is_none() {
                home = w.address_kr;
            }
            if province.is_none() {
                province = w.province;
            }
        }
        let incident_first = matches!(kind, Some(AgencyKind::Police | AgencyKind::Hospital));
        let mut candidates = vec![
            ("employer_address", employer),
            ("case_place", case.record.place.clone()),
        ];
        if incident_first {
            candidates.swap(0, 1);
        }
        candidates.push(("worker_address", home));
        let mut chosen = None;
        for (from, text) in candidates {
            if let Some(text) = text {
                let place = parse_place(&text, &table);
                if !place.is_empty() {
                    chosen = Some((from, Some(text), place));
                    break;
                }
            }
        }
        let (from, address, place) = match (chosen, province) {
            (Some((from, address, place)), _) => (Some(from.to_owned()), address, place),
            (None, Some(p)) => (
                Some("worker_province".to_owned()),
                None,
                Place {
                    province: Some(p),
                    ..Place::default()
                },
            ),
            (None, None) => (None, None, Place::default()),
        };
        let proposals = propose_agencies(&self.list_agencies()?, &table, &place, kind);
        Ok(CaseProposals {
            from,
            address,
            place,
            proposals,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::directory::shipped_agencies;
    use qorgau_domain::AgencyId;

    fn directory() -> Vec<AgencyRecord> {
        shipped_agencies()
            .unwrap()
            .into_iter()
            .map(|agency| AgencyRecord {
                id: AgencyId::new(),
                agency,
            })
            .collect()
    }

    fn first(address: &str, kind: AgencyKind) -> Vec<String> {
        let table = shipped_jurisdictions().unwrap();
        let place = parse_place(address, &table);
        propose_agencies(&directory(), &table, &place, Some(kind))
            .into_iter()
            .map(|p| p.agency.agency.name_ko)
            .collect()
    }

    #[test]
    fn every_row_names_a_directory_entry_and_has_a_source() {
        let names: Vec<String> = shipped_agencies()
            .unwrap()
            .into_iter()
            .map(|a| a.name_ko)
            .collect();
        let table = shipped_jurisdictions().unwrap();
        assert!(table.len() >= 40);
        for row in &table {
            assert!(
                names.contains(&row.name_ko),
                "{} is not in the directory",
                row.name_ko
            );
            assert!(
                !row.source.trim().is_empty(),
                "{} has no source",
                row.name_ko
            );
            assert_eq!(
                row.checked.len(),
                10,
                "{}: checked is YYYY-MM-DD",
                row.name_ko
            );
        }
        let mut seen = std::collections::HashSet::new();
        assert!(
            table.iter().all(|r| seen.insert(&r.name_ko)),
            "a row is repeated"
        );
    }

    #[test]
    fn reads_korean_addresses() {
        let table = shipped_jurisdictions().unwrap();
        let p = parse_place("경기도 안산시 단원구 원곡로 45, 3층", &table);
        assert_eq!(p.province, Some(Province::Gyeonggi));
        assert_eq!(p.unit.as_deref(), Some("안산시"));
        assert_eq!(p.sub.as_deref(), Some("단원구"));
        assert_eq!(p.korean(), "경기도 안산시 단원구");
        let p = parse_place("경남 김해시 주촌면 골든루트로 80-16", &table);
        assert_eq!(
            (p.province, p.unit.as_deref(), p.sub),
            (Some(Province::Gyeongnam), Some("김해시"), None)
        );
        let p = parse_place("서울특별시 구로구 디지털로 300", &table);
        assert_eq!(
            (p.province, p.unit.as_deref()),
            (Some(Province::Seoul), Some("구로구"))
        );
        // A city without its province, placed by the table.
        let p = parse_place("김해시 김해대로 2324번길 48-15", &table);
        assert_eq!(p.province, Some(Province::Gyeongnam));
        // Gwangju the metropolitan city, and Gwangju the city of Gyeonggi.
        assert_eq!(
            parse_place("광주광역시 광산구 하남산단", &table)
                .unit
                .as_deref(),
            Some("광산구")
        );
        let p = parse_place("경기도 광주시 오포읍", &table);
        assert_eq!(
            (p.province, p.unit.as_deref()),
            (Some(Province::Gyeonggi), Some("광주시"))
        );
        assert!(parse_place("dormitory", &table).is_empty());
        assert_eq!(
            parse_place("경기도 산업단지로 12", &table),
            Place {
                province: Some(Province::Gyeonggi),
                ..Place::default()
            }
        );
    }

    #[test]
    fn an_ansan_workplace_goes_to_the_ansan_branch_of_the_gyeonggi_office() {
        let labour = first("경기도 안산시 단원구 원곡로 45", AgencyKind::LabourOffice);
        assert_eq!(labour[0], "경기지방고용노동청 안산지청");
        assert_eq!(
            labour[1], "경기지방고용노동청",
            "the regional office comes next"
        );
        assert!(!labour.iter().any(|n| n.contains("평택")));
        assert!(!labour.contains(&"중부지방고용노동청".to_owned()));
        let immigration = first("경기도 안산시 단원구 원곡로 45", AgencyKind::Immigration);
        assert_eq!(immigration[0], "안산출입국·외국인사무소");
        let police = first("경기도 안산시 단원구 원곡로 45", AgencyKind::Police);
        assert_eq!(police[0], "안산단원경찰서");
        assert!(!police.contains(&"안산상록경찰서".to_owned()));
        // Without the district both Ansan stations are proposed, below a sure match.
        let police = first("경기도 안산시", AgencyKind::Police);
        assert_eq!(police[..2], ["안산단원경찰서", "안산상록경찰서"]);
    }

    #[test]
    fn a_gimhae_workplace_goes_to_the_gimhae_site_of_the_yangsan_branch() {
        let labour = first(
            "경상남도 김해시 주촌면 골든루트로 80-16",
            AgencyKind::LabourOffice,
        );
        assert_eq!(
            labour[..3],
            [
                "양산지청 근로개선지도2과",
                "부산지방고용노동청 양산지청",
                "부산지방고용노동청"
            ]
        );
        let comwel = first("경상남도 김해시 주촌면", AgencyKind::WorkersCompensation);
        assert_eq!(comwel[0], "근로복지공단 김해지사");
        assert_eq!(comwel.last().unwrap(), "근로복지공단", "headquarters last");
        let support = first("경남 김해시 가락로", AgencyKind::SupportCentre);
        assert_eq!(support[0], "김해외국인근로자지원센터");
        assert_eq!(support.last().unwrap(), "외국인력상담센터");
        assert_eq!(
            first("경남 김해시", AgencyKind::Immigration)[..2],
            ["부산출입국·외국인청 김해출장소", "부산출입국·외국인청"]
        );
        assert_eq!(
            first("경남 김해시", AgencyKind::LegalAid)[0],
            "대한법률구조공단 김해지소"
        );
        assert_eq!(
            first("경남 김해시", AgencyKind::HumanRights),
            ["국가인권위원회 부산인권사무소", "국가인권위원회"]
        );
    }

    #[test]
    fn other_industrial_areas() {
        for (address, office) in [
            ("충청남도 아산시 둔포면", "대전지방고용노동청 천안지청"),
            ("충북 음성군 대소면", "대전지방고용노동청 충주지청"),
            ("경기도 화성시 향남읍", "경기지방고용노동청"),
            ("경기도 시흥시 정왕동", "경기지방고용노동청 안산지청"),
            ("경기도 평택시 포승읍", "경기지방고용노동청 평택지청"),
            ("경상남도 창원시 성산구", "부산지방고용노동청 창원지청"),
            ("충청남도 서산시 대산읍", "대전지방고용노동청 서산지청"),
            (
                "강원특별자치도 철원군 갈말읍",
                "경기지방고용노동청 의정부지청",
            ),
        ] {
            assert_eq!(
                first(address, AgencyKind::LabourOffice)[0],
                office,
                "{address}"
            );
        }
        // 부천 stayed with the Central office when the Gyeonggi office opened.
        let bucheon = first("경기도 부천시 원미구", AgencyKind::LabourOffice);
        assert_eq!(
            bucheon[..2],
            ["중부지방고용노동청 부천지청", "중부지방고용노동청"]
        );
        assert!(!bucheon.contains(&"경기지방고용노동청".to_owned()));
        assert_eq!(
            first("인천광역시 남동구", AgencyKind::LabourOffice)[0],
            "중부지방고용노동청"
        );
        assert_eq!(
            first("인천 부평구 부평대로", AgencyKind::LabourOffice)[0],
            "중부지방고용노동청 인천북부지청"
        );
        assert_eq!(
            first("경기도 화성시 향남읍", AgencyKind::Immigration)[0],
            "수원출입국·외국인청"
        );
        assert_eq!(
            first("경기도 화성시 향남읍", AgencyKind::Police)[0],
            "화성서부경찰서"
        );
        assert_eq!(
            first("충남 천안시 서북구 성거읍", AgencyKind::Police)[0],
            "천안서북경찰서"
        );
        // Asan: the Cheonan branch for stay matters, then the Daejeon office itself.
        assert_eq!(
            first("충청남도 아산시 둔포면", AgencyKind::Immigration)[..2],
            [
                "대전출입국·외국인사무소 천안출장소",
                "대전출입국·외국인사무소"
            ]
        );
    }

    #[test]
    fn an_address_without_a_city_gets_the_offices_of_its_province() {
        let labour = first("경기도 산업단지로 12", AgencyKind::LabourOffice);
        assert_eq!(labour[0], "경기지방고용노동청", "the regional office first");
        assert!(labour.contains(&"경기지방고용노동청 안산지청".to_owned()));
        assert!(!labour.iter().any(|n| n.starts_with("부산")));
    }

    #[test]
    fn national_bodies_come_last_and_unknown_places_only_get_them() {
        let any = first("경기도 안산시 단원구", AgencyKind::HumanRights);
        assert_eq!(any, ["국가인권위원회"]);
        let table = shipped_jurisdictions().unwrap();
        let nowhere = propose_agencies(&directory(), &table, &Place::default(), None);
        assert!(nowhere.iter().all(|p| p.basis == ProposalBasis::Nationwide));
        assert!(!nowhere.is_empty());
    }

    #[test]
    fn an_agency_the_table_does_not_know_is_proposed_for_its_province() {
        let mut agencies = directory();
        agencies.push(AgencyRecord {
            id: AgencyId::new(),
            agency: qorgau_domain::Agency {
                province: Some(Province::Gyeonggi),
                ..qorgau_domain::Agency::named("가상병원 (test)", AgencyKind::Hospital)
            },
        });
        let table = shipped_jurisdictions().unwrap();
        let place = parse_place("경기도 안산시 단원구", &table);
        let hospitals = propose_agencies(&agencies, &table, &place, Some(AgencyKind::Hospital));
        let names: Vec<&str> = hospitals
            .iter()
            .map(|p| p.agency.agency.name_ko.as_str())
            .collect();
        assert!(names.contains(&"가상병원 (test)"));
        assert!(names.contains(&"근로복지공단 안산병원"));
        assert!(!names.contains(&"근로복지공단 창원병원"));
        assert!(
            hospitals
                .iter()
                .all(|p| p.basis == ProposalBasis::SameProvince && p.source.is_none())
        );
    }

    #[test]
    fn a_bad_table_names_the_problem() {
        let err = parse_jurisdictions(
            "[[office]]\nname_ko = \"x\"\nareas = [\"경기 안산시\"]\nsource = \"s\"\nchecked = \"2026-12-04\"\n",
        )
        .unwrap_err();
        assert!(err.message.contains("경기 안산시"), "{}", err.message);
    }
}
