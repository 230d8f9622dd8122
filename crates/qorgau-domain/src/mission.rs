//! The mission profile: who the letters are from (letterhead, address, consul) and how the
//! outgoing registry numbers them. Set once per workspace.

use crate::issues::{IssueCode, ValidationIssue, ValidationReport};
use serde::{Deserialize, Serialize};

/// The sending mission. Every field is optional so that facts no public source confirms
/// (the consul's name, the Busan address) are left for the mission to fill, never invented.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct MissionProfile {
    /// The short code registry numbers carry (`{mission}` in the pattern), e.g. `SEL`.
    pub code: String,
    /// How registry numbers are written; see [`RegistryPattern`].
    pub registry_pattern: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name_kk: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name_ru: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name_ko: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name_en: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address_ko: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address_en: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fax: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub consul_name_ko: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub consul_name_en: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub consul_title_ko: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub consul_title_en: Option<String>,
    /// The consul's name and title as Kazakh and Russian letters sign them (`Н. Серікбаев`,
    /// `Консул`): a confirmation in Kazakh and Russian is not signed in Latin letters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub consul_name_kk: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub consul_name_ru: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub consul_title_kk: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub consul_title_ru: Option<String>,
    /// The unit that sends letters, as 공문 name it (영사과).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub section_ko: Option<String>,
}

/// The default registry pattern: `SEL-2026/0042`.
pub const DEFAULT_REGISTRY_PATTERN: &str = "{mission}-{year}/{seq:04}";

impl MissionProfile {
    /// The Embassy in Seoul. Names are the mission's official names; address, phones and
    /// e-mail are from MOFA's list of foreign missions as republished (shared domain
    /// reference 1.1, tag [P]: recheck). The consul's name and title are not public and are
    /// left for the mission.
    pub fn embassy_seoul() -> Self {
        MissionProfile {
            code: "SEL".into(),
            registry_pattern: DEFAULT_REGISTRY_PATTERN.into(),
            name_kk: Some("Қазақстан Республикасының Корея Республикасындағы Елшілігі".into()),
            name_ru: Some("Посольство Республики Казахстан в Республике Корея".into()),
            name_ko: Some("주대한민국 카자흐스탄공화국 대사관".into()),
            name_en: Some("Embassy of the Republic of Kazakhstan in the Republic of Korea".into()),
            address_ko: Some("(04392) 서울특별시 용산구 장문로 53".into()),
            address_en: Some("53, Jangmun-ro, Yongsan-gu, Seoul 04392".into()),
            phone: Some("02-379-9714".into()),
            fax: Some("02-395-9766".into()),
            email: Some("seoul@mfa.kz".into()),
            section_ko: Some("영사과".into()),
            ..Default::default()
        }
    }

    /// The Consulate General in Busan (opened May 2022). Its address is not found in public
    /// sources, so it and the phones are left for the mission.
    pub fn consulate_general_busan() -> Self {
        MissionProfile {
            code: "PUS".into(),
            registry_pattern: DEFAULT_REGISTRY_PATTERN.into(),
            name_kk: Some("Қазақстан Республикасының Пусан қаласындағы Бас консулдығы".into()),
            name_ru: Some("Генеральное консульство Республики Казахстан в г. Пусан".into()),
            name_ko: Some("주부산 카자흐스탄공화국 총영사관".into()),
            name_en: Some("Consulate General of the Republic of Kazakhstan in Busan".into()),
            section_ko: Some("영사과".into()),
            ..Default::default()
        }
    }

    /// A preset by name: `seoul` or `busan`.
    pub fn preset(name: &str) -> Option<Self> {
        match name {
            "seoul" => Some(Self::embassy_seoul()),
            "busan" => Some(Self::consulate_general_busan()),
            _ => None,
        }
    }

    /// Errors in the profile: an empty code, a pattern that could repeat a number.
    pub fn validate(&self) -> ValidationReport {
        let mut report = ValidationReport::default();
        if self.code.trim().is_empty() {
            report.push(ValidationIssue::error(
                "code",
                IssueCode::Required,
                "code (the mission's short code in registry numbers) is required",
            ));
        }
        if let Err(message) = RegistryPattern::parse(&self.registry_pattern) {
            report.push(ValidationIssue::error(
                "registry_pattern",
                IssueCode::RegistryPattern,
                message,
            ));
        }
        report
    }

    /// Fields that are empty, by name (for `qorgau mission show`).
    pub fn empty_fields(&self) -> Vec<&'static str> {
        let fields: [(&str, &Option<String>); 18] = [
            ("name_kk", &self.name_kk),
            ("name_ru", &self.name_ru),
            ("name_ko", &self.name_ko),
            ("name_en", &self.name_en),
            ("address_ko", &self.address_ko),
            ("address_en", &self.address_en),
            ("phone", &self.phone),
            ("fax", &self.fax),
            ("email", &self.email),
            ("consul_name_ko", &self.consul_name_ko),
            ("consul_name_en", &self.consul_name_en),
            ("consul_title_ko", &self.consul_title_ko),
            ("consul_title_en", &self.consul_title_en),
            ("consul_name_kk", &self.consul_name_kk),
            ("consul_name_ru", &self.consul_name_ru),
            ("consul_title_kk", &self.consul_title_kk),
            ("consul_title_ru", &self.consul_title_ru),
            ("section_ko", &self.section_ko),
        ];
        fields
            .into_iter()
            .filter(|(_, v)| v.as_deref().is_none_or(|v| v.trim().is_empty()))
            .map(|(k, _)| k)
            .collect()
    }
}

/// A parsed registry number pattern. Placeholders: `{mission}` (the mission code),
/// `{year}` (four digits) and `{seq}` or `{seq:0N}` (the number within the year, zero-padded
/// to N digits). Sequences restart every year, so a pattern must contain both `{year}` and
/// `{seq}`, or two letters could get the same number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegistryPattern {
    parts: Vec<Part>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Part {
    Literal(String),
    Mission,
    Year,
    Seq { width: usize },
}

impl RegistryPattern {
    /// Parses `pattern`; the error says what is wrong in words a user can act on.
    pub fn parse(pattern: &str) -> Result<Self, String> {
        let mut parts = Vec::new();
        let mut rest = pattern;
        let (mut years, mut seqs) = (0, 0);
        let literal = |text: &str| -> Result<Part, String> {
            if text.contains('}') {
                Err(format!("`}}` without an opening `{{` in {pattern:?}"))
            } else {
                Ok(Part::Literal(text.to_owned()))
            }
        };
        while let Some(open) = rest.find('{') {
            if open > 0 {
                parts.push(literal(&rest[..open])?);
            }
            let after = &rest[open + 1..];
            let close = after
                .find('}')
                .ok_or_else(|| format!("`{{` without a closing `}}` in {pattern:?}"))?;
            let name = &after[..close];
            parts.push(match name {
                "mission" => Part::Mission,
                "year" => {
                    years += 1;
                    Part::Year
                }
                "seq" => {
                    seqs += 1;
                    Part::Seq { width: 0 }
                }
                _ => match name.strip_prefix("seq:0") {
                    Some(digit)
                        if digit.len() == 1 && matches!(digit.as_bytes()[0], b'1'..=b'9') =>
                    {
                        seqs += 1;
                        Part::Seq {
                            width: usize::from(digit.as_bytes()[0] - b'0'),
                        }
                    }
                    _ => {
                        return Err(format!(
                            "unknown placeholder {{{name}}}: use {{mission}}, {{year}}, {{seq}} or {{seq:04}}"
                        ));
                    }
                },
            });
            rest = &after[close + 1..];
        }
        if !rest.is_empty() {
            parts.push(literal(rest)?);
        }
        if seqs != 1 || years != 1 {
            return Err(format!(
                "the pattern must contain {{year}} and {{seq}} exactly once each (numbers restart every year), got {pattern:?}"
            ));
        }
        Ok(RegistryPattern { parts })
    }

    /// The number for sequence `seq` of `year`.
    pub fn format(&self, mission_code: &str, year: i32, seq: u32) -> String {
        let mut out = String::new();
        for part in &self.parts {
            match part {
                Part::Literal(text) => out.push_str(text),
                Part::Mission => out.push_str(mission_code),
                Part::Year => out.push_str(&format!("{year:04}")),
                Part::Seq { width } => out.push_str(&format!("{seq:0width$}")),
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_pattern_formats_numbers() {
        let p = RegistryPattern::parse(DEFAULT_REGISTRY_PATTERN).unwrap();
        assert_eq!(p.format("SEL", 2026, 42), "SEL-2026/0042");
        assert_eq!(p.format("SEL", 2026, 12345), "SEL-2026/12345");
        let p = RegistryPattern::parse("№ {seq}/{year}").unwrap();
        assert_eq!(p.format("X", 2027, 7), "№ 7/2027");
    }

    #[test]
    fn patterns_that_could_repeat_numbers_are_refused() {
        for bad in [
            "{mission}/{seq}",
            "{year}",
            "{year}-{seq}-{seq}",
            "{year}/{sequence}",
            "{year}/{seq",
            "{year}}{seq}",
        ] {
            assert!(RegistryPattern::parse(bad).is_err(), "{bad}");
        }
        let mut m = MissionProfile::embassy_seoul();
        m.registry_pattern = "{mission}/{seq}".into();
        let report = m.validate();
        assert_eq!(report.issues[0].field, "registry_pattern");
    }

    #[test]
    fn presets_leave_unsourced_facts_empty() {
        let seoul = MissionProfile::embassy_seoul();
        assert!(seoul.validate().issues.is_empty());
        assert!(seoul.empty_fields().contains(&"consul_name_ko"));
        let busan = MissionProfile::consulate_general_busan();
        assert!(busan.empty_fields().contains(&"address_ko"));
        assert!(MissionProfile::preset("almaty").is_none());
    }
}
