//! The values a letter is filled from, taken from the mission profile, the agency, the
//! worker and the case and formatted as letters write them. Pure: no store, no clock.

use chrono::{Datelike, NaiveDate};
use qorgau_domain::case::CaseRecord;
use qorgau_domain::validation::phone::phone_for_korean_letter;
use qorgau_domain::{Agency, CaseType, MissionProfile, Sex, StayStatus, Worker};
use qorgau_letters::LetterContext;

/// What the caseworker adds to a letter beyond the records.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Deserialize)]
#[serde(default, deny_unknown_fields)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "ts", ts(optional_fields))]
pub struct LetterExtras {
    /// A further request or remark, in Korean and in English.
    pub details_ko: Option<String>,
    pub details_en: Option<String>,
    /// The 붙임 line: what is enclosed.
    pub attachments_ko: Option<String>,
    pub attachments_en: Option<String>,
    /// State the worker's immigration status in the letter. Off unless the caseworker
    /// decides the letter needs it: a letter never states it otherwise.
    pub state_stay_status: bool,
    /// Quote the case summary. Off by default: the summary is the caseworker's own note and
    /// may say things (a raid, a fear of being reported) that must not reach an employer or
    /// the police unless the caseworker decides so.
    pub include_summary: bool,
}

/// `2026. 11. 21.`, as Korean official documents write dates.
pub fn korean_date(d: NaiveDate) -> String {
    format!("{}. {}. {}.", d.year(), d.month(), d.day())
}

/// `21 November 2026`.
pub fn english_date(d: NaiveDate) -> String {
    d.format("%-d %B %Y").to_string()
}

/// `7,860,000`.
pub fn krw(amount: i64) -> String {
    let digits = amount.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    if amount < 0 {
        out.insert(0, '-');
    }
    out
}

/// The case type as a Korean and an English phrase.
pub fn case_type_words(t: CaseType) -> (&'static str, &'static str) {
    match t {
        CaseType::UnpaidWages => ("임금체불", "unpaid wages"),
        CaseType::WorkplaceInjury => ("산업재해", "workplace injury"),
        CaseType::OccupationalDisease => ("직업성 질병", "occupational disease"),
        CaseType::DeathRepatriation => ("사망 및 유해 송환", "death and repatriation"),
        CaseType::DetentionDeportation => ("구금 및 강제퇴거", "detention and deportation"),
        CaseType::CrimeVictim => ("범죄 피해", "crime victim"),
        CaseType::DiscriminationAbuse => ("차별 및 학대", "discrimination and abuse"),
        CaseType::MedicalEmergency => ("응급 의료", "medical emergency"),
        CaseType::LostDocuments => ("신분증 분실", "lost documents"),
        CaseType::TraffickingForcedLabour => {
            ("인신매매 및 강제노동", "trafficking and forced labour")
        }
        CaseType::Other => ("기타", "other"),
    }
}

/// The status as a letter states it, when the caseworker chose to state it.
fn stay_status_words(s: StayStatus) -> Option<String> {
    match s {
        StayStatus::Unknown => None,
        StayStatus::Undocumented => Some("미등록 (undocumented)".into()),
        other => serde_json::to_value(other)
            .ok()
            .and_then(|v| v.as_str().map(str::to_owned)),
    }
}

/// Fills a [`LetterContext`] from the records. Unset facts stay unset, so a template that
/// needs them refuses to render and names them; nothing is guessed (a Latin name is the
/// passport's, never a transliteration).
pub fn letter_context(
    mission: Option<&MissionProfile>,
    agency: Option<&Agency>,
    worker: Option<&Worker>,
    case: &CaseRecord,
    letter_date: NaiveDate,
    extras: &LetterExtras,
) -> LetterContext {
    let mut ctx = LetterContext::new();
    let mut set = |key: &str, value: Option<String>| {
        if let Some(v) = value {
            ctx.set(key, v);
        }
    };
    if let Some(m) = mission {
        set("mission.name_kk", m.name_kk.clone());
        set("mission.name_ko", m.name_ko.clone());
        set("mission.name_en", m.name_en.clone());
        set("mission.address_ko", m.address_ko.clone());
        set("mission.address_en", m.address_en.clone());
        set("mission.phone", m.phone.clone());
        set("mission.fax", m.fax.clone());
        set("mission.email", m.email.clone());
        set("mission.consul_name_ko", m.consul_name_ko.clone());
        set("mission.consul_name_en", m.consul_name_en.clone());
        set("mission.consul_title_ko", m.consul_title_ko.clone());
        set("mission.consul_title_en", m.consul_title_en.clone());
        set("mission.section_ko", m.section_ko.clone());
    }
    if let Some(a) = agency {
        set("agency.name_ko", Some(a.name_ko.clone()));
        set("agency.name_en", a.name_en.clone());
        set(
            "agency.recipient_ko",
            a.recipient_ko.clone().or_else(|| Some(a.name_ko.clone())),
        );
        set("agency.address_ko", a.address_ko.clone());
        set("agency.address_en", a.address_en.clone());
    }
    if let Some(w) = worker {
        let cyrillic: Vec<&str> = [&w.surname, &w.given_name, &w.patronymic]
            .into_iter()
            .filter_map(|p| p.as_deref())
            .filter(|p| !p.trim().is_empty())
            .collect();
        set(
            "worker.name_cyrillic",
            (!cyrillic.is_empty()).then(|| cyrillic.join(" ")),
        );
        set("worker.latin_name", w.latin_name.clone());
        set("worker.hangul_name", w.hangul_name.clone());
        set("worker.birth_date_ko", w.birth_date.map(korean_date));
        set("worker.birth_date_en", w.birth_date.map(english_date));
        let sex = w.sex.map(|s| match s {
            Sex::Male => ("남", "male"),
            Sex::Female => ("여", "female"),
        });
        set("worker.sex_ko", sex.map(|s| s.0.to_owned()));
        set("worker.sex_en", sex.map(|s| s.1.to_owned()));
        set("worker.passport_no", w.passport_no.clone());
        set("worker.iin", w.iin.clone());
        set("worker.arn", w.arn.clone());
        let phone = |p: &String| phone_for_korean_letter(p);
        set("worker.phone", w.phones.first().map(phone));
        set("worker.address_kr", w.address_kr.clone());
        set("worker.occupation", w.occupation.clone());
        if extras.state_stay_status {
            set(
                "worker.stay_status",
                w.stay_status.and_then(stay_status_words),
            );
        }
        if let Some(kin) = &w.next_of_kin {
            set("worker.next_of_kin_name", kin.name.clone());
            set("worker.next_of_kin_relation", kin.relation.clone());
            set("worker.next_of_kin_phone", kin.phone.as_ref().map(phone));
        }
        if let Some(e) = &w.employer {
            set("employer.name", e.name.clone());
            set("employer.address", e.address.clone());
            set("employer.phone", e.phone.as_ref().map(phone));
            set("employer.business_reg_no", e.business_reg_no.clone());
            set("employer.contact_person", e.contact_person.clone());
        }
    }
    if let Some(t) = case.case_type {
        let (ko, en) = case_type_words(t);
        set("case.type_ko", Some(ko.into()));
        set("case.type_en", Some(en.into()));
    }
    set("case.occurred_on_ko", case.occurred_on.map(korean_date));
    set("case.occurred_on_en", case.occurred_on.map(english_date));
    set("case.reported_on_ko", case.reported_on.map(korean_date));
    set("case.place", case.place.clone());
    if extras.include_summary {
        set("case.summary", case.summary.clone());
    }
    set("case.amount_claimed_krw", case.amount_claimed_krw.map(krw));
    set(
        "case.amount_recovered_krw",
        case.amount_recovered_krw.map(krw),
    );
    set("letter.date_ko", Some(korean_date(letter_date)));
    set("letter.date_en", Some(english_date(letter_date)));
    set("letter.details_ko", extras.details_ko.clone());
    set("letter.details_en", extras.details_en.clone());
    set("letter.attachments_ko", extras.attachments_ko.clone());
    set("letter.attachments_en", extras.attachments_en.clone());
    ctx
}

#[cfg(test)]
mod tests {
    use super::*;
    use qorgau_domain::worker::Employer;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn dates_and_amounts_are_written_as_letters_write_them() {
        assert_eq!(korean_date(date(2026, 11, 21)), "2026. 11. 21.");
        assert_eq!(korean_date(date(2026, 3, 5)), "2026. 3. 5.");
        assert_eq!(english_date(date(2026, 3, 5)), "5 March 2026");
        assert_eq!(krw(7_860_000), "7,860,000");
        assert_eq!(krw(999), "999");
        assert_eq!(krw(1000), "1,000");
        assert_eq!(krw(-12_345), "-12,345");
    }

    #[test]
    fn stay_status_is_stated_only_when_the_caseworker_chooses() {
        let worker = Worker {
            surname: Some("Жұмабеков".into()),
            given_name: Some("Әлихан".into()),
            stay_status: Some(StayStatus::Undocumented),
            employer: Some(Employer {
                name: Some("(주)한빛정밀".into()),
                ..Default::default()
            }),
            ..Default::default()
        };
        let case = CaseRecord::default();
        let d = date(2026, 11, 21);
        let quiet = letter_context(
            None,
            None,
            Some(&worker),
            &case,
            d,
            &LetterExtras::default(),
        );
        assert!(!quiet.has("worker.stay_status"));
        assert_eq!(quiet.get("worker.name_cyrillic"), Some("Жұмабеков Әлихан"));
        assert_eq!(quiet.get("employer.name"), Some("(주)한빛정밀"));
        assert!(
            !quiet.has("worker.latin_name"),
            "no invented transliteration"
        );
        let stated = letter_context(
            None,
            None,
            Some(&worker),
            &case,
            d,
            &LetterExtras {
                state_stay_status: true,
                ..Default::default()
            },
        );
        assert!(stated.get("worker.stay_status").unwrap().contains("미등록"));
    }

    #[test]
    fn the_case_summary_is_quoted_only_when_the_caseworker_chooses() {
        let case = CaseRecord {
            summary: Some("Detained in an immigration raid".into()),
            ..CaseRecord::default()
        };
        let d = date(2026, 11, 21);
        let quiet = letter_context(None, None, None, &case, d, &LetterExtras::default());
        assert!(!quiet.has("case.summary"));
        let quoted = letter_context(
            None,
            None,
            None,
            &case,
            d,
            &LetterExtras {
                include_summary: true,
                ..Default::default()
            },
        );
        assert_eq!(
            quoted.get("case.summary"),
            Some("Detained in an immigration raid")
        );
    }

    #[test]
    fn recipient_falls_back_to_the_agency_name() {
        let agency = Agency::named(
            "서울지방고용노동청",
            qorgau_domain::AgencyKind::LabourOffice,
        );
        let ctx = letter_context(
            None,
            Some(&agency),
            None,
            &CaseRecord::default(),
            date(2026, 1, 2),
            &LetterExtras::default(),
        );
        assert_eq!(ctx.get("agency.recipient_ko"), Some("서울지방고용노동청"));
    }
}
