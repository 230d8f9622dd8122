//! One sheet row into a domain record (a worker, or a case and the worker it concerns), with
//! every finding named by field and the domain's code.

use super::ImportError;
use super::cells::{self, Script};
use super::columns::ColumnUse;
use super::sheet::Cell;
use chrono::NaiveDate;
use qorgau_domain::Worker;
use qorgau_domain::case::CaseRecord;
use qorgau_domain::issues::IssueCode;
use qorgau_domain::validation::{documents, validate_case, validate_worker};
use qorgau_domain::worker::Employer;

/// The cells of one row by field.
pub(crate) struct RowCells<'a> {
    pub(crate) row: u32,
    pairs: Vec<(&'a str, &'a Cell)>,
}

impl<'a> RowCells<'a> {
    pub(crate) fn new(row: u32, cells: &'a [Cell], columns: &'a [ColumnUse]) -> Self {
        let pairs = columns
            .iter()
            .zip(cells)
            .filter_map(|(c, cell)| Some((c.field.as_deref()?, cell)))
            .filter(|(_, cell)| !cell.is_empty())
            .collect();
        Self { row, pairs }
    }

    fn get(&self, field: &str) -> Option<&'a Cell> {
        self.pairs
            .iter()
            .find(|(f, _)| *f == field)
            .map(|(_, c)| *c)
    }

    fn all(&self, field: &'a str) -> impl Iterator<Item = &'a Cell> + '_ {
        self.pairs
            .iter()
            .filter(move |(f, _)| *f == field)
            .map(|(_, c)| *c)
    }

    fn text(&self, field: &str) -> Option<String> {
        self.get(field).map(Cell::text).filter(|t| !t.is_empty())
    }

    fn error(&self, errors: &mut Vec<ImportError>, field: &str, code: IssueCode, message: String) {
        errors.push(ImportError {
            row: self.row,
            field: field.to_string(),
            code: code.name(),
            message,
        });
    }

    fn date(
        &self,
        field: &str,
        today: NaiveDate,
        errors: &mut Vec<ImportError>,
    ) -> Option<NaiveDate> {
        let cell = self.get(field)?;
        match cells::parse_date(cell, today) {
            Ok(d) => Some(d),
            Err(message) => {
                self.error(
                    errors,
                    field,
                    IssueCode::InvalidDate,
                    format!("{field}: {message}"),
                );
                None
            }
        }
    }

    fn choice<T>(
        &self,
        field: &str,
        read: impl Fn(&str) -> Option<T>,
        allowed: &str,
        errors: &mut Vec<ImportError>,
    ) -> Option<T> {
        let text = self.text(field)?;
        let value = read(&text);
        if value.is_none() {
            self.error(
                errors,
                field,
                IssueCode::OutOfRange,
                format!("{field}: {text:?} is not one of {allowed}"),
            );
        }
        value
    }
}

/// Puts the name cells where their script belongs, whichever column they are in: Cyrillic in
/// surname / given name / patronymic, Latin into the passport name (`SURNAME GIVEN`), Hangul
/// into the Korean name (`최 누를란`). A full-name cell in Cyrillic is read surname first, as
/// Russian and Kazakh lists write it.
fn place_names(cells: &RowCells<'_>, w: &mut Worker) {
    let mut latin: [Option<String>; 3] = Default::default();
    let mut hangul: [Option<String>; 3] = Default::default();
    let mut latin_full = None;
    let mut hangul_full = None;
    for (slot, field) in ["surname", "given_name", "patronymic"]
        .into_iter()
        .enumerate()
    {
        let Some(text) = cells.text(field) else {
            continue;
        };
        match cells::script_of(&text) {
            Some(Script::Latin) => latin[slot] = Some(text),
            Some(Script::Hangul) => hangul[slot] = Some(text),
            _ => {
                let target = match slot {
                    0 => &mut w.surname,
                    1 => &mut w.given_name,
                    _ => &mut w.patronymic,
                };
                *target = Some(text);
            }
        }
    }
    for field in ["full_name", "latin_name", "hangul_name"] {
        let Some(text) = cells.text(field) else {
            continue;
        };
        match cells::script_of(&text) {
            Some(Script::Latin) => latin_full = latin_full.or(Some(text)),
            Some(Script::Hangul) => hangul_full = hangul_full.or(Some(text)),
            _ => {
                let mut words = text.split_whitespace();
                if w.surname.is_none() && w.given_name.is_none() {
                    w.surname = words.next().map(str::to_string);
                    w.given_name = words.next().map(str::to_string);
                    let rest: Vec<&str> = words.collect();
                    if !rest.is_empty() && w.patronymic.is_none() {
                        w.patronymic = Some(rest.join(" "));
                    }
                }
            }
        }
    }
    let join = |parts: [Option<String>; 3]| {
        let parts: Vec<String> = parts.into_iter().flatten().collect();
        (!parts.is_empty()).then(|| parts.join(" "))
    };
    w.latin_name = latin_full.or_else(|| join(latin));
    w.hangul_name = hangul_full.or_else(|| join(hangul));
}

/// The worker a row describes, normalised by the domain's validation, and every error in it.
/// Only the name, identifier and birth-date fields are read for `reference_only` (a case
/// sheet's columns naming the case's worker).
pub(crate) fn worker_of(
    cells: &RowCells<'_>,
    today: NaiveDate,
    reference_only: bool,
    errors: &mut Vec<ImportError>,
) -> Worker {
    let mut w = Worker::default();
    place_names(cells, &mut w);
    w.birth_date = cells.date("birth_date", today, errors);
    w.iin = cells.get("iin").map(|c| cells::digits_id(c, 12));
    w.passport_no = cells.text("passport_no");
    if reference_only {
        if let Some(p) = &mut w.passport_no {
            *p = documents::normalise_kz_passport(p);
        }
        return w;
    }
    w.sex = cells.choice(
        "sex",
        cells::sex,
        "male, female (м/ж, ер/әйел, 남/여)",
        errors,
    );
    w.passport_expiry = cells.date("passport_expiry", today, errors);
    w.id_card_no = cells.get("id_card_no").map(|c| cells::digits_id(c, 9));
    w.arn = cells.text("arn");
    w.stay_status = cells.choice(
        "stay_status",
        cells::stay_status,
        "B-1, C-3, D-2, E-9, F-4, F-5, F-6, G-1, H-2, undocumented, unknown",
        errors,
    );
    w.entry_date = cells.date("entry_date", today, errors);
    w.phones = cells.all("phones").flat_map(cells::phones).collect();
    w.address_kr = cells.text("address_kr");
    w.province = cells.choice(
        "province",
        cells::province,
        "the 17 provinces and cities (서울, 경기도, Busan …)",
        errors,
    );
    let employer_name = cells.text("employer");
    let employer_phone = cells
        .get("employer_phone")
        .and_then(|c| cells::phones(c).into_iter().next());
    if employer_name.is_some() || employer_phone.is_some() {
        w.employer = Some(Employer {
            name: employer_name,
            phone: employer_phone,
            ..Employer::default()
        });
    }
    w.occupation = cells.text("occupation");
    let notes: Vec<String> = cells.all("notes").map(Cell::text).collect();
    w.notes = (!notes.is_empty()).then(|| notes.join("\n"));

    let (normal, report) = validate_worker(&w, today);
    for issue in report.errors() {
        cells.error(errors, &issue.field, issue.code, issue.message.clone());
    }
    normal
}

/// The case a row describes (its workers are filled in by matching) and its errors.
pub(crate) fn case_of(
    cells: &RowCells<'_>,
    today: NaiveDate,
    errors: &mut Vec<ImportError>,
) -> CaseRecord {
    let mut c = CaseRecord {
        case_type: cells.choice(
            "case_type",
            cells::case_type,
            "unpaid_wages, workplace_injury, occupational_disease, death_repatriation, \
             detention_deportation, crime_victim, discrimination_abuse, medical_emergency, \
             lost_documents, trafficking_forced_labour, other",
            errors,
        ),
        status: cells
            .choice(
                "status",
                cells::case_status,
                "new, in_progress, waiting_on_agency, resolved, closed",
                errors,
            )
            .unwrap_or_default(),
        priority: cells
            .choice(
                "priority",
                cells::priority,
                "low, normal, high, urgent",
                errors,
            )
            .unwrap_or_default(),
        occurred_on: cells.date("occurred_on", today, errors),
        reported_on: cells.date("reported_on", today, errors),
        closed_on: cells.date("closed_on", today, errors),
        place: cells.text("place"),
        summary: cells.text("summary"),
        agency_ref: cells.text("agency_ref"),
        assignee: cells.text("assignee"),
        ..CaseRecord::default()
    };
    for (field, target) in [
        ("amount_claimed_krw", &mut c.amount_claimed_krw),
        ("amount_recovered_krw", &mut c.amount_recovered_krw),
    ] {
        if let Some(cell) = cells.get(field) {
            match cells::amount(cell) {
                Ok(n) => *target = Some(n),
                Err(message) => cells.error(
                    errors,
                    field,
                    IssueCode::NotDigits,
                    format!("{field}: {message}"),
                ),
            }
        }
    }
    c
}

/// The domain's checks of a case whose workers are known.
pub(crate) fn check_case(
    cells: &RowCells<'_>,
    case: &CaseRecord,
    today: NaiveDate,
    errors: &mut Vec<ImportError>,
) -> CaseRecord {
    let (normal, report) = validate_case(case, today);
    // A case without its worker was reported as unknown_worker already, and a field whose
    // cell could not be read has its error.
    let reported: Vec<String> = errors
        .iter()
        .filter(|e| e.row == cells.row)
        .map(|e| e.field.clone())
        .collect();
    for issue in report
        .errors()
        .filter(|i| i.code != IssueCode::NoWorkers && !reported.contains(&i.field))
    {
        cells.error(errors, &issue.field, issue.code, issue.message.clone());
    }
    normal
}
