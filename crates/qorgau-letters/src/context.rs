//! The values a template is filled from: a fixed vocabulary of keys, each mapped to a
//! string the caller has already formatted (dates, amounts, names).

use std::collections::BTreeMap;

/// Every key a template may use as a `{placeholder}`, grouped by what it describes.
///
/// The caller formats the values: Korean dates as `2026. 11. 21.`, English dates as
/// `21 November 2026`, amounts as `7,860,000`. `worker.stay_status` is set only when the
/// caseworker chose to state the worker's immigration status; templates must declare it
/// optional and guard it with `if`, so a letter never states the status otherwise.
/// `letter.number` is absent on drafts.
pub const CONTEXT_KEYS: &[&str] = &[
    "mission.name_kk",
    "mission.name_ru",
    "mission.name_ko",
    "mission.name_en",
    "mission.address_ko",
    "mission.address_en",
    "mission.phone",
    "mission.fax",
    "mission.email",
    "mission.consul_name_ko",
    "mission.consul_name_en",
    "mission.consul_title_ko",
    "mission.consul_title_en",
    "mission.consul_name_kk",
    "mission.consul_name_ru",
    "mission.consul_title_kk",
    "mission.consul_title_ru",
    "mission.section_ko",
    "agency.name_ko",
    "agency.name_en",
    "agency.recipient_ko",
    "agency.address_ko",
    "agency.address_en",
    "worker.name_cyrillic",
    "worker.latin_name",
    "worker.hangul_name",
    "worker.birth_date_ko",
    "worker.birth_date_en",
    "worker.sex_ko",
    "worker.sex_en",
    "worker.passport_no",
    "worker.iin",
    "worker.arn",
    "worker.phone",
    "worker.address_kr",
    "worker.address_en",
    "worker.citizen_ru",
    "worker.occupation",
    "worker.stay_status",
    "worker.stay_status_en",
    "worker.next_of_kin_name",
    "worker.next_of_kin_relation",
    "worker.next_of_kin_relation_en",
    "worker.next_of_kin_phone",
    "employer.name",
    "employer.name_en",
    "employer.address",
    "employer.address_en",
    "employer.phone",
    "employer.business_reg_no",
    "employer.contact_person",
    "case.type_ko",
    "case.type_en",
    "case.agency_ref",
    "case.occurred_on_ko",
    "case.occurred_on_en",
    "case.reported_on_ko",
    "case.place",
    "case.place_en",
    "case.summary",
    "case.amount_claimed_krw",
    "case.amount_recovered_krw",
    "letter.number",
    "letter.date_ko",
    "letter.date_en",
    "letter.details_ko",
    "letter.details_en",
    "letter.attachments_ko",
    "letter.attachments_en",
    "letter.officer_ko",
    "letter.officer_en",
    "letter.officer_phone",
    "letter.exemption_notice",
    "letter.consent_enclosed",
    "letter.wage_case",
];

/// Keys the engine fills itself; callers need not (and cannot usefully) set them.
/// `letter.date_numeric` is the letter's date as `21.11.2026`, the form Kazakh and Russian
/// letters use (from [`FillOptions`](crate::FillOptions)). `worker.names_ko` and
/// `worker.names_en` are the worker's names as Korean and English text write them —
/// `Жұмабеков Әлихан(ZHUMABEKOV ALIKHAN)` and `ZHUMABEKOV ALIKHAN (Жұмабеков Әлихан)` — or
/// the one name known when only the Cyrillic or only the passport Latin name is recorded;
/// unset when neither is.
/// `case.amount_claimed_ko` and `case.amount_recovered_ko` are the amounts as Korean 공문
/// write them, `금7,860,000원(금칠백팔십육만원)`.
///
/// `mission.self_ko` / `mission.self_en` / `mission.self_en_start` are how a letter names its
/// sender: `우리 대사관`, `the Embassy`, `The Embassy`, or `우리 총영사관`, `the Consulate
/// General`, `The Consulate General` when the mission's name says it is a consulate general.
pub const COMPUTED_KEYS: &[&str] = &[
    "mission.self_ko",
    "mission.self_en",
    "mission.self_en_start",
    "letter.date_numeric",
    "worker.names_ko",
    "worker.names_en",
    "case.amount_claimed_ko",
    "case.amount_recovered_ko",
];

/// The caller's keys a computed key is made from.
pub fn computed_from(key: &str) -> &'static [&'static str] {
    match key {
        "worker.names_ko" | "worker.names_en" => &[
            "worker.name_cyrillic",
            "worker.latin_name",
            "worker.hangul_name",
        ],
        "mission.self_ko" | "mission.self_en" | "mission.self_en_start" => {
            &["mission.name_ko", "mission.name_en"]
        }
        "case.amount_claimed_ko" => &["case.amount_claimed_krw"],
        "case.amount_recovered_ko" => &["case.amount_recovered_krw"],
        _ => &[],
    }
}

/// Keys whose values are Korean dates (`2026. 11. 21.`): their spaces become no-break
/// spaces so a date never breaks across lines.
pub(crate) const KOREAN_DATE_KEYS: &[&str] = &[
    "worker.birth_date_ko",
    "case.occurred_on_ko",
    "case.reported_on_ko",
    "letter.date_ko",
];

/// Whether `key` may appear in a template.
pub fn is_known_key(key: &str) -> bool {
    CONTEXT_KEYS.contains(&key) || COMPUTED_KEYS.contains(&key)
}

/// The values of one letter, by [`CONTEXT_KEYS`] key. An empty (or all-whitespace) value
/// counts as missing.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LetterContext {
    values: BTreeMap<String, String>,
}

impl LetterContext {
    /// An empty context.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets `key` to `value` (an empty value removes the key). Keys outside the vocabulary
    /// are kept but never used by a template.
    pub fn set(&mut self, key: impl Into<String>, value: impl Into<String>) -> &mut Self {
        let key = key.into();
        let value = value.into();
        if value.trim().is_empty() {
            self.values.remove(&key);
        } else {
            self.values.insert(key, value);
        }
        self
    }

    /// The same context with `key` set; for building a context in one expression.
    pub fn with(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.set(key, value);
        self
    }

    /// Removes `key`.
    pub fn remove(&mut self, key: &str) -> Option<String> {
        self.values.remove(key)
    }

    /// The value of `key`, `None` when unset or empty.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.values
            .get(key)
            .map(String::as_str)
            .filter(|v| !v.trim().is_empty())
    }

    /// Whether `key` has a non-empty value.
    pub fn has(&self, key: &str) -> bool {
        self.get(key).is_some()
    }

    /// All keys and values, in key order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.values.iter().map(|(k, v)| (k.as_str(), v.as_str()))
    }

    /// Keys set here that no template can use (typos in the caller's mapping).
    pub fn unknown_keys(&self) -> Vec<&str> {
        self.values
            .keys()
            .map(String::as_str)
            .filter(|k| !CONTEXT_KEYS.contains(k))
            .collect()
    }
}

impl FromIterator<(String, String)> for LetterContext {
    fn from_iter<I: IntoIterator<Item = (String, String)>>(iter: I) -> Self {
        let mut ctx = Self::new();
        for (k, v) in iter {
            ctx.set(k, v);
        }
        ctx
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_values_count_as_missing() {
        let mut ctx = LetterContext::new();
        ctx.set("worker.iin", "940315300123")
            .set("worker.arn", "  ");
        assert_eq!(ctx.get("worker.iin"), Some("940315300123"));
        assert!(!ctx.has("worker.arn"));
        ctx.set("worker.iin", "");
        assert!(ctx.get("worker.iin").is_none());
        ctx.set("worker.nickname", "x");
        assert_eq!(ctx.unknown_keys(), ["worker.nickname"]);
    }

    #[test]
    fn vocabulary_has_no_duplicates() {
        let mut keys: Vec<&str> = CONTEXT_KEYS.iter().chain(COMPUTED_KEYS).copied().collect();
        let n = keys.len();
        keys.sort_unstable();
        keys.dedup();
        assert_eq!(keys.len(), n);
        assert!(KOREAN_DATE_KEYS.iter().all(|k| CONTEXT_KEYS.contains(k)));
    }
}
