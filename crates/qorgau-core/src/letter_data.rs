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
    /// The 붙임: what is enclosed, one enclosure per line.
    pub attachments_ko: Option<String>,
    pub attachments_en: Option<String>,
    /// State the worker's immigration status in the letter. Off unless the caseworker
    /// decides the letter needs it, and refused where the template may not print it to
    /// the recipient (always for an employer); for the police and immigration the
    /// caseworker is shown what that channel must report ([`stay_status_warning`]).
    pub state_stay_status: bool,
    /// Quote the case summary. Off by default: the summary is the caseworker's own note and
    /// may say things (a raid, a fear of being reported) that must not reach an employer or
    /// the police unless the caseworker decides so. Refused where the template may not
    /// print it to the recipient.
    pub include_summary: bool,
    /// Print the paragraph on the labour inspectors' exemption from the duty to notify
    /// immigration (and that claims do not depend on status). Off by default: printed for
    /// every worker, it reads as "this worker is undocumented".
    pub exemption_notice: bool,
    /// The worker's consent (or the family's power of attorney) is NOT enclosed: the
    /// letter then neither lists it in 붙임 nor says the agency may report to the mission
    /// on its strength.
    pub without_consent: bool,
    /// The 담당 line: the caseworker's name as Korean and English letters write it, and a
    /// direct phone line.
    pub officer_ko: Option<String>,
    pub officer_en: Option<String>,
    pub officer_phone: Option<String>,
    /// For a case of type "other": what the matter is, as a noun phrase (임금체불,
    /// "unpaid wages"); letters never print "기타".
    pub matter_ko: Option<String>,
    pub matter_en: Option<String>,
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

/// The case type as a noun phrase for a letter's label slots ("사안: 임금체불", "in a matter
/// of unpaid wages"), Korean and English; `None` for [`CaseType::Other`], whose phrase the
/// caseworker gives ([`LetterExtras::matter_ko`]).
pub fn case_type_words(t: CaseType) -> Option<(&'static str, &'static str)> {
    Some(match t {
        CaseType::UnpaidWages => ("임금체불", "unpaid wages"),
        CaseType::WorkplaceInjury => ("산업재해", "an industrial accident"),
        CaseType::OccupationalDisease => ("업무상 질병", "an occupational disease"),
        CaseType::DeathRepatriation => (
            "사망 및 시신(유해) 송환",
            "a death and the repatriation of the remains",
        ),
        CaseType::DetentionDeportation => ("구금(보호) 및 강제퇴거", "detention and removal"),
        CaseType::CrimeVictim => ("범죄 피해", "being the victim of a crime"),
        CaseType::DiscriminationAbuse => ("차별 및 가혹행위", "discrimination and ill-treatment"),
        CaseType::MedicalEmergency => ("응급 치료", "emergency medical treatment"),
        CaseType::LostDocuments => (
            "여권 등 신분증 분실",
            "the loss of a passport or identity documents",
        ),
        CaseType::TraffickingForcedLabour => {
            ("인신매매 및 강제노동", "trafficking and forced labour")
        }
        CaseType::Other => return None,
    })
}

/// The status as a Korean and an English page state it, when the caseworker chose to
/// state it: `미등록` / `undocumented`, `F-4(재외동포)` / `F-4 (overseas Korean)`.
pub fn stay_status_words(s: StayStatus) -> Option<(String, String)> {
    let code = || {
        serde_json::to_value(s)
            .ok()
            .and_then(|v| v.as_str().map(str::to_owned))
    };
    let (ko, en) = match s {
        StayStatus::Unknown => return None,
        StayStatus::Undocumented => return Some(("미등록".into(), "undocumented".into())),
        _ => {
            let c = code()?;
            let (ko, en) = match c.as_str() {
                "B-1" => ("사증면제", "visa exemption"),
                "C-3" => ("단기방문", "short-term visit"),
                "D-2" => ("유학", "study"),
                "E-9" => ("비전문취업", "non-professional employment"),
                "F-4" => ("재외동포", "overseas Korean"),
                "F-5" => ("영주", "permanent residence"),
                "F-6" => ("결혼이민", "marriage migrant"),
                "G-1" => ("기타", "miscellaneous"),
                "H-2" => ("방문취업", "working visit"),
                _ => return Some((c.clone(), c)),
            };
            (format!("{c}({ko})"), format!("{c} ({en})"))
        }
    };
    Some((ko, en))
}

/// What the caseworker should know before stating a worker's stay status to `recipient`
/// (a [`qorgau_letters::RECIPIENT_KINDS`] kind): who must report what to immigration
/// (shared domain reference 1.9 [V]: 출입국관리법 제84조제1항, 시행령 제92조의2, the MOJ
/// guideline of 1 March 2013 for crime victims, the labour-inspector exemption of
/// 6 November 2025).
pub fn stay_status_warning(recipient: &str) -> Option<&'static str> {
    Some(match recipient {
        "police" => {
            "Police officers must notify immigration of a foreigner liable to removal \
             (Immigration Act Art. 84(1)). Since 1 March 2013 they are exempt only for victims \
             who report a listed crime (Enforcement Decree Art. 92-2); not for wage disputes or \
             witnesses. State the status to the police only if the worker's case needs it and \
             the worker agrees."
        }
        "immigration" => {
            "Immigration officers act on the status themselves: stating it confirms to the \
             authority that decides removal what it may not yet know. State it only when the \
             letter asks for something that depends on it (G-1 status, release from \
             detention)."
        }
        "labour_office" => {
            "Labour inspectors have been exempt since 6 November 2025 from notifying \
             immigration about foreign victims of unpaid wages (amended Enforcement Rules of \
             the Immigration Act); the exemption names labour inspectors only. State the \
             status only when it helps the case (for example a G-1 request)."
        }
        "workers_compensation" | "human_rights" | "foreign_ministry" | "legal_aid" => {
            "Whoever reads this letter may pass the status on; a note to the Ministry of \
             Foreign Affairs reaches the Ministry of Justice. State it only when the case \
             needs it."
        }
        _ => return None,
    })
}

/// `гражданин` / `гражданка` for a Russian sentence that keeps the name in the nominative.
fn citizen_ru(sex: Option<Sex>) -> &'static str {
    match sex {
        Some(Sex::Male) => "гражданин",
        Some(Sex::Female) => "гражданка",
        None => "гражданин (гражданка)",
    }
}

/// An English page's form of a Korean name: the romanised name with the Korean original
/// in parentheses, or the name as it is when it has no Hangul.
fn romanised_with_original(name: &str) -> String {
    if name.chars().any(qorgau_letters::is_hangul) {
        format!("{} ({name})", qorgau_letters::romanize_name(name))
    } else {
        name.to_owned()
    }
}

/// An address for an English page: romanised in English order when it is Korean.
fn english_address(address: &str) -> String {
    if address.chars().any(qorgau_letters::is_hangul) {
        qorgau_letters::romanize_address(address)
    } else {
        address.to_owned()
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
        set("mission.name_ru", m.name_ru.clone());
        set("mission.consul_name_kk", m.consul_name_kk.clone());
        set("mission.consul_name_ru", m.consul_name_ru.clone());
        set("mission.consul_title_kk", m.consul_title_kk.clone());
        set("mission.consul_title_ru", m.consul_title_ru.clone());
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
        set("worker.citizen_ru", Some(citizen_ru(w.sex).to_owned()));
        set("worker.sex_ko", sex.map(|s| s.0.to_owned()));
        set("worker.sex_en", sex.map(|s| s.1.to_owned()));
        set("worker.passport_no", w.passport_no.clone());
        set("worker.iin", w.iin.clone());
        set("worker.arn", w.arn.clone());
        let phone = |p: &String| phone_for_korean_letter(p);
        set("worker.phone", w.phones.first().map(phone));
        set("worker.address_kr", w.address_kr.clone());
        set(
            "worker.address_en",
            w.address_kr.as_deref().map(english_address),
        );
        set("worker.occupation", w.occupation.clone());
        if extras.state_stay_status
            && let Some((ko, en)) = w.stay_status.and_then(stay_status_words)
        {
            set("worker.stay_status", Some(ko));
            set("worker.stay_status_en", Some(en));
        }
        if let Some(kin) = &w.next_of_kin {
            set("worker.next_of_kin_name", kin.name.clone());
            let words = kin.relation.map(|r| r.words());
            set(
                "worker.next_of_kin_relation",
                words.map(|w| w.ko.to_owned()),
            );
            set(
                "worker.next_of_kin_relation_en",
                words.map(|w| w.en.to_owned()),
            );
            set("worker.next_of_kin_phone", kin.phone.as_ref().map(phone));
        }
        if let Some(e) = &w.employer {
            set("employer.name", e.name.clone());
            let name_en = match (&e.name_en, &e.name) {
                (Some(en), Some(ko)) if ko.chars().any(qorgau_letters::is_hangul) => {
                    Some(format!("{en} ({ko})"))
                }
                (Some(en), _) => Some(en.clone()),
                (None, Some(ko)) => Some(romanised_with_original(ko)),
                (None, None) => None,
            };
            set("employer.name_en", name_en);
            set("employer.address", e.address.clone());
            set(
                "employer.address_en",
                e.address.as_deref().map(english_address),
            );
            set("employer.phone", e.phone.as_ref().map(phone));
            set("employer.business_reg_no", e.business_reg_no.clone());
            set("employer.contact_person", e.contact_person.clone());
        }
    }
    let words = case.case_type.and_then(case_type_words);
    set(
        "case.type_ko",
        extras
            .matter_ko
            .clone()
            .or_else(|| words.map(|w| w.0.to_owned())),
    );
    set(
        "case.type_en",
        extras
            .matter_en
            .clone()
            .or_else(|| words.map(|w| w.1.to_owned())),
    );
    if case.case_type == Some(CaseType::UnpaidWages) {
        set("letter.wage_case", Some("yes".into()));
    }
    set("case.occurred_on_ko", case.occurred_on.map(korean_date));
    set("case.occurred_on_en", case.occurred_on.map(english_date));
    set("case.reported_on_ko", case.reported_on.map(korean_date));
    set("case.place", case.place.clone());
    set("case.agency_ref", case.agency_ref.clone());
    set("case.place_en", case.place.as_deref().map(english_address));
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
    set("letter.officer_ko", extras.officer_ko.clone());
    set("letter.officer_en", extras.officer_en.clone());
    set("letter.officer_phone", extras.officer_phone.clone());
    if extras.exemption_notice {
        set("letter.exemption_notice", Some("yes".into()));
    }
    if !extras.without_consent {
        set("letter.consent_enclosed", Some("yes".into()));
    }
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
        assert_eq!(stated.get("worker.stay_status"), Some("미등록"));
        assert_eq!(stated.get("worker.stay_status_en"), Some("undocumented"));
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
