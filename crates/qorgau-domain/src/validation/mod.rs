//! Validation of whole records. Identifier rules live in their own modules; this module
//! composes them, normalises what can be normalised, and reports every finding at once with the
//! field it concerns.

pub mod arn;
pub mod documents;
pub mod iin;
pub mod phone;

use crate::case::CaseRecord;
use crate::issues::{IssueCode, ValidationIssue, ValidationReport};
use crate::worker::Worker;
use chrono::NaiveDate;

/// Longest free-text value accepted in one field (a summary or notes).
pub const MAX_TEXT_LEN: usize = 20_000;
/// Longest name or short field.
pub const MAX_SHORT_LEN: usize = 200;

/// Checks a worker and returns it normalised (trimmed text, empty strings dropped, phones in
/// E.164, ARN and passport in canonical form) together with every finding. The normalised
/// worker is only meant to be stored when the report has no errors.
pub fn validate_worker(input: &Worker, today: NaiveDate) -> (Worker, ValidationReport) {
    let mut w = input.clone();
    let mut report = ValidationReport::default();

    for (field, value) in [
        ("surname", &mut w.surname),
        ("given_name", &mut w.given_name),
        ("patronymic", &mut w.patronymic),
        ("latin_name", &mut w.latin_name),
        ("hangul_name", &mut w.hangul_name),
        ("occupation", &mut w.occupation),
    ] {
        tidy(value);
        check_len(&mut report, field, value.as_deref(), MAX_SHORT_LEN);
    }
    for (field, value) in [("address_kr", &mut w.address_kr), ("notes", &mut w.notes)] {
        tidy(value);
        check_len(&mut report, field, value.as_deref(), MAX_TEXT_LEN);
    }
    if w.name_forms().is_empty() {
        report.push(ValidationIssue::error(
            "surname",
            IssueCode::Required,
            "a worker needs at least one name: surname, given_name, latin_name or hangul_name",
        ));
    }
    if let Some(latin) = &mut w.latin_name {
        // Passports print the Latin name in capitals; keep exactly what is there otherwise.
        *latin = latin.to_uppercase();
    }

    check_not_future(&mut report, "birth_date", w.birth_date, today);
    check_not_future(&mut report, "entry_date", w.entry_date, today);
    if let Some(consent) = &w.consent {
        check_not_future(&mut report, "consent.date", Some(consent.date), today);
    }
    if let (Some(birth), Some(entry)) = (w.birth_date, w.entry_date)
        && entry < birth
    {
        report.push(ValidationIssue::error(
            "entry_date",
            IssueCode::DateOrder,
            "entry_date is before birth_date",
        ));
    }

    tidy(&mut w.iin);
    if let Some(iin) = &w.iin {
        report.extend(iin::check_iin(iin, w.birth_date, w.sex));
    }
    tidy(&mut w.arn);
    if let Some(arn) = &mut w.arn {
        *arn = arn::normalise_arn(arn);
        report.extend(arn::check_arn(arn, w.birth_date, w.sex));
    }
    tidy(&mut w.passport_no);
    if let Some(passport) = &mut w.passport_no {
        *passport = documents::normalise_kz_passport(passport);
        report.extend(documents::check_kz_passport(passport));
    }
    tidy(&mut w.id_card_no);
    if let Some(card) = &w.id_card_no {
        report.extend(documents::check_kz_id_card(card));
    }

    let mut phones = Vec::with_capacity(w.phones.len());
    for (i, raw) in w.phones.iter().enumerate() {
        match phone::normalise_phone(raw) {
            Ok(e164) if !phones.contains(&e164) => phones.push(e164),
            Ok(_) => {}
            Err(issue) => report.push(issue.in_field(format!("phones[{i}]"))),
        }
    }
    w.phones = phones;

    if let Some(employer) = &mut w.employer {
        tidy(&mut employer.name);
        tidy(&mut employer.address);
        tidy(&mut employer.contact_person);
        tidy(&mut employer.business_reg_no);
        if let Some(brn) = &mut employer.business_reg_no {
            *brn = documents::normalise_business_reg_no(brn);
            report.extend(
                documents::check_business_reg_no(brn)
                    .into_iter()
                    .map(|i| i.in_field("employer.business_reg_no")),
            );
        }
        normalise_optional_phone(&mut report, "employer.phone", &mut employer.phone);
    }
    if let Some(kin) = &mut w.next_of_kin {
        tidy(&mut kin.name);
        tidy(&mut kin.address);
        normalise_optional_phone(&mut report, "next_of_kin.phone", &mut kin.phone);
    }
    for (i, m) in w.messengers.iter_mut().enumerate() {
        m.handle = m.handle.trim().to_string();
        if m.handle.is_empty() {
            report.push(ValidationIssue::error(
                format!("messengers[{i}].handle"),
                IssueCode::Required,
                "messenger handle is empty",
            ));
        }
    }
    (w, report)
}

/// Checks a case's own fields. Whether the linked workers and agencies exist is the store's
/// business.
pub fn validate_case(input: &CaseRecord, today: NaiveDate) -> (CaseRecord, ValidationReport) {
    let mut c = input.clone();
    let mut report = ValidationReport::default();
    tidy(&mut c.place);
    tidy(&mut c.summary);
    tidy(&mut c.assignee);
    check_len(&mut report, "place", c.place.as_deref(), MAX_SHORT_LEN);
    check_len(
        &mut report,
        "assignee",
        c.assignee.as_deref(),
        MAX_SHORT_LEN,
    );
    check_len(&mut report, "summary", c.summary.as_deref(), MAX_TEXT_LEN);
    if c.workers.is_empty() {
        report.push(ValidationIssue::error(
            "workers",
            IssueCode::NoWorkers,
            "a case concerns at least one worker",
        ));
    }
    c.workers.dedup();
    c.agencies.dedup();
    if c.case_type.is_none() {
        report.push(ValidationIssue::error(
            "case_type",
            IssueCode::Required,
            "case_type is required",
        ));
    }
    check_not_future(&mut report, "occurred_on", c.occurred_on, today);
    check_not_future(&mut report, "reported_on", c.reported_on, today);
    check_not_future(&mut report, "closed_on", c.closed_on, today);
    for (field, date) in [
        ("last_day_worked", c.last_day_worked),
        ("insolvency_decided_on", c.insolvency_decided_on),
        ("judgment_on", c.judgment_on),
        ("moel_confirmed_on", c.moel_confirmed_on),
        ("detained_on", c.detained_on),
        ("consular_notified_on", c.consular_notified_on),
    ] {
        check_not_future(&mut report, field, date, today);
    }
    if let (Some(detained), Some(notified)) = (c.detained_on, c.consular_notified_on)
        && notified < detained
    {
        report.push(ValidationIssue::error(
            "consular_notified_on",
            IssueCode::DateOrder,
            "consular_notified_on is before detained_on",
        ));
    }
    c.deadlines_done.sort();
    c.deadlines_done.dedup();
    if let (Some(occurred), Some(reported)) = (c.occurred_on, c.reported_on)
        && reported < occurred
    {
        report.push(ValidationIssue::error(
            "reported_on",
            IssueCode::DateOrder,
            "reported_on is before occurred_on",
        ));
    }
    for (field, amount) in [
        ("amount_claimed_krw", c.amount_claimed_krw),
        ("amount_recovered_krw", c.amount_recovered_krw),
    ] {
        if amount.is_some_and(|a| a < 0) {
            report.push(ValidationIssue::error(
                field,
                IssueCode::NegativeAmount,
                format!("{field} cannot be negative"),
            ));
        }
    }
    (c, report)
}

/// Reports a date after today.
pub fn check_not_future(
    report: &mut ValidationReport,
    field: &str,
    date: Option<NaiveDate>,
    today: NaiveDate,
) {
    if let Some(d) = date
        && d > today
    {
        report.push(ValidationIssue::error(
            field,
            IssueCode::DateInFuture,
            format!("{field} {d} is in the future"),
        ));
    }
}

fn normalise_optional_phone(
    report: &mut ValidationReport,
    field: &str,
    value: &mut Option<String>,
) {
    tidy(value);
    if let Some(raw) = value {
        match phone::normalise_phone(raw) {
            Ok(e164) => *raw = e164,
            Err(issue) => report.push(issue.in_field(field)),
        }
    }
}

fn check_len(report: &mut ValidationReport, field: &str, value: Option<&str>, max: usize) {
    if let Some(v) = value
        && v.chars().count() > max
    {
        report.push(ValidationIssue::error(
            field,
            IssueCode::TooLong,
            format!("{field} is longer than {max} characters"),
        ));
    }
}

/// Trims a text field and turns an empty one into `None`.
fn tidy(value: &mut Option<String>) {
    if let Some(v) = value {
        let trimmed = v.trim();
        if trimmed.is_empty() {
            *value = None;
        } else if trimmed.len() != v.len() {
            *v = trimmed.to_string();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::WorkerId;
    use crate::worker::Sex;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 21).unwrap()
    }

    #[test]
    fn a_valid_worker_is_normalised_without_findings() {
        let w = Worker {
            surname: Some("  Цой ".into()),
            given_name: Some("Нұрлан".into()),
            latin_name: Some("tsoy nurlan".into()),
            sex: Some(Sex::Male),
            birth_date: NaiveDate::from_ymd_opt(1979, 10, 28),
            iin: Some("791028302728".into()),
            passport_no: Some("n12345678".into()),
            phones: vec!["010-1234-5678".into(), "+82 10 1234 5678".into()],
            ..Worker::default()
        };
        let (clean, report) = validate_worker(&w, today());
        assert!(!report.has_errors(), "{:?}", report.issues);
        assert_eq!(clean.surname.as_deref(), Some("Цой"));
        assert_eq!(clean.latin_name.as_deref(), Some("TSOY NURLAN"));
        assert_eq!(clean.passport_no.as_deref(), Some("N12345678"));
        assert_eq!(clean.phones, vec!["+821012345678".to_string()]);
    }

    #[test]
    fn every_problem_is_reported_with_its_field() {
        let w = Worker {
            given_name: Some("Айгерим".into()),
            sex: Some(Sex::Female),
            birth_date: NaiveDate::from_ymd_opt(2030, 1, 1),
            iin: Some("990430300011".into()),
            phones: vec!["12".into()],
            ..Worker::default()
        };
        let (_, report) = validate_worker(&w, today());
        let fields: Vec<&str> = report.errors().map(|i| i.field.as_str()).collect();
        assert!(fields.contains(&"birth_date"));
        assert!(fields.contains(&"iin"));
        assert!(fields.contains(&"phones[0]"));
    }

    #[test]
    fn a_worker_without_any_name_is_refused() {
        let (_, report) = validate_worker(&Worker::default(), today());
        assert!(report.errors().any(|i| i.code == IssueCode::Required));
    }

    #[test]
    fn a_case_needs_a_worker_a_type_and_sane_dates() {
        let c = CaseRecord {
            occurred_on: NaiveDate::from_ymd_opt(2026, 5, 1),
            reported_on: NaiveDate::from_ymd_opt(2026, 4, 1),
            amount_claimed_krw: Some(-1),
            ..CaseRecord::default()
        };
        let (_, report) = validate_case(&c, today());
        let codes: Vec<IssueCode> = report.errors().map(|i| i.code).collect();
        assert!(codes.contains(&IssueCode::NoWorkers));
        assert!(codes.contains(&IssueCode::Required));
        assert!(codes.contains(&IssueCode::DateOrder));
        assert!(codes.contains(&IssueCode::NegativeAmount));
        let ok = CaseRecord {
            workers: vec![WorkerId::new()],
            case_type: Some(crate::case::CaseType::UnpaidWages),
            ..CaseRecord::default()
        };
        assert!(!validate_case(&ok, today()).1.has_errors());
    }
}
