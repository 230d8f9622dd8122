//! A worker: one Kazakh citizen the mission keeps contact with.

use crate::ids::WorkerId;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum Sex {
    Male,
    Female,
}

impl Sex {
    pub const ALL: [Sex; 2] = [Sex::Male, Sex::Female];
}

/// Korean stay (sojourn) status as written on the alien registration card.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum StayStatus {
    #[serde(rename = "B-1")]
    B1,
    #[serde(rename = "C-3")]
    C3,
    #[serde(rename = "D-2")]
    D2,
    #[serde(rename = "E-9")]
    E9,
    #[serde(rename = "F-4")]
    F4,
    #[serde(rename = "F-5")]
    F5,
    #[serde(rename = "F-6")]
    F6,
    #[serde(rename = "G-1")]
    G1,
    /// Working visit for ethnic Koreans; no new issuance since 12 Feb 2026.
    #[serde(rename = "H-2")]
    H2Legacy,
    /// Overstayed or never registered.
    #[serde(rename = "undocumented")]
    Undocumented,
    #[default]
    #[serde(rename = "unknown")]
    Unknown,
}

impl StayStatus {
    pub const ALL: [StayStatus; 11] = [
        Self::B1,
        Self::C3,
        Self::D2,
        Self::E9,
        Self::F4,
        Self::F5,
        Self::F6,
        Self::G1,
        Self::H2Legacy,
        Self::Undocumented,
        Self::Unknown,
    ];
}

/// The 17 first-level administrative divisions of the Republic of Korea.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum Province {
    Seoul,
    Busan,
    Daegu,
    Incheon,
    Gwangju,
    Daejeon,
    Ulsan,
    Sejong,
    Gyeonggi,
    Gangwon,
    Chungbuk,
    Chungnam,
    Jeonbuk,
    Jeonnam,
    Gyeongbuk,
    Gyeongnam,
    Jeju,
}

impl Province {
    pub const ALL: [Province; 17] = [
        Self::Seoul,
        Self::Busan,
        Self::Daegu,
        Self::Incheon,
        Self::Gwangju,
        Self::Daejeon,
        Self::Ulsan,
        Self::Sejong,
        Self::Gyeonggi,
        Self::Gangwon,
        Self::Chungbuk,
        Self::Chungnam,
        Self::Jeonbuk,
        Self::Jeonnam,
        Self::Gyeongbuk,
        Self::Gyeongnam,
        Self::Jeju,
    ];

    /// The official Korean name.
    pub fn korean(self) -> &'static str {
        match self {
            Self::Seoul => "서울특별시",
            Self::Busan => "부산광역시",
            Self::Daegu => "대구광역시",
            Self::Incheon => "인천광역시",
            Self::Gwangju => "광주광역시",
            Self::Daejeon => "대전광역시",
            Self::Ulsan => "울산광역시",
            Self::Sejong => "세종특별자치시",
            Self::Gyeonggi => "경기도",
            Self::Gangwon => "강원특별자치도",
            Self::Chungbuk => "충청북도",
            Self::Chungnam => "충청남도",
            Self::Jeonbuk => "전북특별자치도",
            Self::Jeonnam => "전라남도",
            Self::Gyeongbuk => "경상북도",
            Self::Gyeongnam => "경상남도",
            Self::Jeju => "제주특별자치도",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum Messenger {
    Kakaotalk,
    Whatsapp,
    Telegram,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct MessengerHandle {
    pub kind: Messenger,
    pub handle: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Employer {
    pub name: Option<String>,
    /// The company's own English name, when it has one (letters' English pages use it
    /// rather than a romanisation of the Korean name). Omitted when unset, so records
    /// written before it existed keep their exact form.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name_en: Option<String>,
    /// 사업자등록번호, ten digits written `123-45-67890`.
    pub business_reg_no: Option<String>,
    pub address: Option<String>,
    pub phone: Option<String>,
    pub contact_person: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct NextOfKin {
    pub name: Option<String>,
    pub relation: Option<Relation>,
    pub phone: Option<String>,
    pub address: Option<String>,
}

/// How the next of kin is related to the worker. Letters name it in each page's language
/// ([`Relation::words`]), so an English page never says "배우자".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum Relation {
    Spouse,
    Mother,
    Father,
    Son,
    Daughter,
    Brother,
    Sister,
    Other,
}

/// A relation's name in Kazakh, Russian, English and Korean.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RelationWords {
    pub kk: &'static str,
    pub ru: &'static str,
    pub en: &'static str,
    pub ko: &'static str,
}

impl Relation {
    pub const ALL: [Relation; 8] = [
        Relation::Spouse,
        Relation::Mother,
        Relation::Father,
        Relation::Son,
        Relation::Daughter,
        Relation::Brother,
        Relation::Sister,
        Relation::Other,
    ];

    /// The relation in each language letters are written in.
    pub fn words(self) -> RelationWords {
        let (kk, ru, en, ko) = match self {
            Relation::Spouse => ("жұбайы", "супруг(а)", "spouse", "배우자"),
            Relation::Mother => ("анасы", "мать", "mother", "어머니"),
            Relation::Father => ("әкесі", "отец", "father", "아버지"),
            Relation::Son => ("ұлы", "сын", "son", "아들"),
            Relation::Daughter => ("қызы", "дочь", "daughter", "딸"),
            Relation::Brother => ("ағасы (інісі)", "брат", "brother", "형제"),
            Relation::Sister => ("әпкесі (сіңлісі)", "сестра", "sister", "자매"),
            Relation::Other => ("туысы", "родственник", "relative", "친족"),
        };
        RelationWords { kk, ru, en, ko }
    }

    /// The relation a word names, in any of the four languages or as its code (`spouse`,
    /// `배우자`, `жена`, `мать`); records written before the relation was an enum held such
    /// words. Anything else is [`Relation::Other`].
    pub fn from_word(word: &str) -> Relation {
        let w = word.trim().to_lowercase();
        let known: &[(&[&str], Relation)] = &[
            (
                &[
                    "spouse",
                    "wife",
                    "husband",
                    "배우자",
                    "아내",
                    "남편",
                    "жена",
                    "муж",
                    "супруг",
                    "супруга",
                    "супруг(а)",
                    "жұбайы",
                    "әйелі",
                    "күйеуі",
                ],
                Relation::Spouse,
            ),
            (
                &["mother", "어머니", "모", "мать", "анасы"],
                Relation::Mother,
            ),
            (
                &["father", "아버지", "부", "отец", "әкесі"],
                Relation::Father,
            ),
            (&["son", "아들", "сын", "ұлы"], Relation::Son),
            (&["daughter", "딸", "дочь", "қызы"], Relation::Daughter),
            (
                &[
                    "brother",
                    "형제",
                    "형",
                    "오빠",
                    "남동생",
                    "брат",
                    "ағасы",
                    "інісі",
                ],
                Relation::Brother,
            ),
            (
                &[
                    "sister",
                    "자매",
                    "누나",
                    "언니",
                    "여동생",
                    "сестра",
                    "әпкесі",
                    "сіңлісі",
                ],
                Relation::Sister,
            ),
        ];
        known
            .iter()
            .find(|(words, _)| words.contains(&w.as_str()))
            .map_or(Relation::Other, |(_, r)| *r)
    }
}

impl<'de> Deserialize<'de> for Relation {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let word = String::deserialize(deserializer)?;
        Ok(Relation::from_word(&word))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum ConsentMethod {
    Written,
    Oral,
    Electronic,
}

/// Consent to the processing of personal data.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Consent {
    pub date: NaiveDate,
    /// What the worker agreed to, in the caseworker's words.
    pub scope: String,
    pub method: ConsentMethod,
}

/// A worker (a contact). Every field but the id is optional, because a caseworker often learns
/// a name and a phone number first and the rest later. Unset fields are left out of the JSON. Field names are the snake_case names
/// used on the command line, in JSON and in change records.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Worker {
    /// Cyrillic (Kazakh or Russian) surname.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub surname: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub given_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub patronymic: Option<String>,
    /// The Latin name exactly as in the passport, e.g. `TSOY NURLAN`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub latin_name: Option<String>,
    /// The name as Korean documents write it, e.g. `최누를란`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hangul_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sex: Option<Sex>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub birth_date: Option<NaiveDate>,
    /// Kazakh individual identification number (ИИН / ЖСН).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub iin: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub passport_no: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub passport_expiry: Option<NaiveDate>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id_card_no: Option<String>,
    /// Korean alien registration number (외국인등록번호).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub arn: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stay_status: Option<StayStatus>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub entry_date: Option<NaiveDate>,
    /// Phone numbers, stored in E.164.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub phones: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub messengers: Vec<MessengerHandle>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address_kr: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub province: Option<Province>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub employer: Option<Employer>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub occupation: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_of_kin: Option<NextOfKin>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub consent: Option<Consent>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notes: Option<String>,
}

/// A stored worker with its id.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct WorkerRecord {
    pub id: WorkerId,
    #[serde(flatten)]
    pub worker: Worker,
}

impl Worker {
    /// A display name: Cyrillic full name, else the passport Latin name, else the Hangul name.
    pub fn display_name(&self) -> String {
        let cyrillic: Vec<&str> = [&self.surname, &self.given_name, &self.patronymic]
            .into_iter()
            .filter_map(|p| p.as_deref())
            .filter(|p| !p.trim().is_empty())
            .collect();
        if !cyrillic.is_empty() {
            return cyrillic.join(" ");
        }
        self.latin_name
            .clone()
            .or_else(|| self.hangul_name.clone())
            .unwrap_or_else(|| "(no name)".to_string())
    }

    /// Every name form, for search and duplicate detection.
    pub fn name_forms(&self) -> Vec<&str> {
        [
            &self.surname,
            &self.given_name,
            &self.patronymic,
            &self.latin_name,
            &self.hangul_name,
        ]
        .into_iter()
        .filter_map(|p| p.as_deref())
        .filter(|p| !p.trim().is_empty())
        .collect()
    }
}

#[cfg(test)]
mod relation_tests {
    use super::*;

    #[test]
    fn relations_read_old_free_text_and_name_themselves_in_four_languages() {
        let kin: NextOfKin = serde_json::from_value(serde_json::json!({
            "name": "Жұмабекова Гүлнар",
            "relation": "배우자",
        }))
        .unwrap();
        assert_eq!(kin.relation, Some(Relation::Spouse));
        assert_eq!(Relation::from_word("wife"), Relation::Spouse);
        assert_eq!(Relation::from_word("Мать"), Relation::Mother);
        assert_eq!(Relation::from_word("cousin"), Relation::Other);
        assert_eq!(
            serde_json::to_value(Relation::Daughter).unwrap(),
            serde_json::json!("daughter")
        );
        for r in Relation::ALL {
            let w = r.words();
            assert!(!w.kk.is_empty() && !w.ru.is_empty() && !w.en.is_empty() && !w.ko.is_empty());
            // Its own code and each of its words read back as the same relation.
            let code = serde_json::to_value(r).unwrap();
            assert_eq!(Relation::from_word(code.as_str().unwrap()), r);
            if r != Relation::Other {
                assert_eq!(Relation::from_word(w.ko), r, "{w:?}");
                assert_eq!(Relation::from_word(w.en), r, "{w:?}");
            }
        }
    }
}
