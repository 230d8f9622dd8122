//! Exports of a filtered worker or case list as XLSX (rust_xlsxwriter) or CSV (UTF-8 with a
//! byte-order mark, so Excel opens Cyrillic and Hangul right), logged in the audit log.
//!
//! Columns are headed with the domain's field names, which the import reads back, so an
//! export imports again without a mapping file. A worker's stay status (whether they are
//! undocumented) is only exported when the caseworker asks for it. Case rows carry their first
//! worker's names, birth date, IIN and passport, which is how an import of cases finds them.

use crate::error::{CoreError, ErrorCode};
use crate::workspace::Workspace;
use chrono::NaiveDate;
use qorgau_domain::{CaseRecord, Worker};
use qorgau_store::{CaseFilter, WorkerFilter};
use rust_xlsxwriter::{Format, Workbook};
use serde::Serialize;
use std::path::Path;

type Result<T> = std::result::Result<T, CoreError>;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum ExportFormat {
    Xlsx,
    Csv,
}

impl ExportFormat {
    /// The format a file name's extension asks for.
    pub fn of_path(path: &Path) -> Result<Self> {
        match path
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase)
            .as_deref()
        {
            Some("xlsx") => Ok(Self::Xlsx),
            Some("csv") => Ok(Self::Csv),
            _ => Err(CoreError::new(
                ErrorCode::Invalid,
                format!("out: {} must end in .xlsx or .csv", path.display()),
            )),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ExportSummary {
    pub rows: usize,
    pub format: ExportFormat,
    pub with_stay_status: bool,
}

/// One exported value.
enum Value {
    Text(String),
    Date(NaiveDate),
    Number(i64),
    Empty,
}

fn text(v: &Option<String>) -> Value {
    v.clone().map(Value::Text).unwrap_or(Value::Empty)
}

fn date(v: Option<NaiveDate>) -> Value {
    v.map(Value::Date).unwrap_or(Value::Empty)
}

fn code<T: Serialize>(v: &Option<T>) -> Value {
    v.as_ref()
        .and_then(|v| serde_json::to_value(v).ok())
        .and_then(|j| j.as_str().map(|s| Value::Text(s.to_string())))
        .unwrap_or(Value::Empty)
}

const WORKER_COLUMNS: &[&str] = &[
    "surname",
    "given_name",
    "patronymic",
    "latin_name",
    "hangul_name",
    "sex",
    "birth_date",
    "iin",
    "passport_no",
    "passport_expiry",
    "id_card_no",
    "arn",
    "entry_date",
    "phones",
    "address_kr",
    "province",
    "employer",
    "employer_phone",
    "occupation",
    "notes",
];

fn worker_row(w: &Worker, with_stay_status: bool) -> Vec<Value> {
    let employer = w.employer.as_ref();
    let mut row = vec![
        text(&w.surname),
        text(&w.given_name),
        text(&w.patronymic),
        text(&w.latin_name),
        text(&w.hangul_name),
        code(&w.sex),
        date(w.birth_date),
        text(&w.iin),
        text(&w.passport_no),
        date(w.passport_expiry),
        text(&w.id_card_no),
        text(&w.arn),
        date(w.entry_date),
        if w.phones.is_empty() {
            Value::Empty
        } else {
            Value::Text(w.phones.join("; "))
        },
        text(&w.address_kr),
        code(&w.province),
        text(&employer.and_then(|e| e.name.clone())),
        text(&employer.and_then(|e| e.phone.clone())),
        text(&w.occupation),
        text(&w.notes),
    ];
    if with_stay_status {
        row.push(code(&w.stay_status));
    }
    row
}

const CASE_COLUMNS: &[&str] = &[
    "case_type",
    "status",
    "priority",
    "occurred_on",
    "reported_on",
    "closed_on",
    "place",
    "summary",
    "agency_ref",
    "assignee",
    "amount_claimed_krw",
    "amount_recovered_krw",
    // The first worker, as an import of cases finds them.
    "surname",
    "given_name",
    "latin_name",
    "hangul_name",
    "birth_date",
    "iin",
    "passport_no",
];

fn case_row(c: &CaseRecord, w: Option<&Worker>) -> Vec<Value> {
    let from = |f: fn(&Worker) -> &Option<String>| w.map(|w| text(f(w))).unwrap_or(Value::Empty);
    vec![
        code(&c.case_type),
        code(&Some(c.status)),
        code(&Some(c.priority)),
        date(c.occurred_on),
        date(c.reported_on),
        date(c.closed_on),
        text(&c.place),
        text(&c.summary),
        text(&c.agency_ref),
        text(&c.assignee),
        c.amount_claimed_krw
            .map(Value::Number)
            .unwrap_or(Value::Empty),
        c.amount_recovered_krw
            .map(Value::Number)
            .unwrap_or(Value::Empty),
        from(|w| &w.surname),
        from(|w| &w.given_name),
        from(|w| &w.latin_name),
        from(|w| &w.hangul_name),
        w.map(|w| date(w.birth_date)).unwrap_or(Value::Empty),
        from(|w| &w.iin),
        from(|w| &w.passport_no),
    ]
}

/// Excel's serial day number of a date (1900 date system, counted from 1899-12-30).
fn excel_serial(d: NaiveDate) -> f64 {
    let base = NaiveDate::from_ymd_opt(1899, 12, 30).unwrap_or_default();
    (d - base).num_days() as f64
}

fn write_table(
    out: &Path,
    format: ExportFormat,
    header: &[&str],
    rows: &[Vec<Value>],
) -> Result<()> {
    let fail = |e: String| {
        CoreError::new(
            ErrorCode::Storage,
            format!("cannot write {}: {e}", out.display()),
        )
    };
    match format {
        ExportFormat::Xlsx => {
            let mut book = Workbook::new();
            let sheet = book.add_worksheet();
            let bold = Format::new().set_bold();
            let day = Format::new().set_num_format("yyyy-mm-dd");
            let xl = |e: rust_xlsxwriter::XlsxError| fail(e.to_string());
            for (c, h) in header.iter().enumerate() {
                sheet
                    .write_string_with_format(0, c as u16, *h, &bold)
                    .map_err(xl)?;
            }
            for (r, row) in rows.iter().enumerate() {
                let r = r as u32 + 1;
                for (c, v) in row.iter().enumerate() {
                    let c = c as u16;
                    match v {
                        Value::Text(t) => {
                            sheet.write_string(r, c, t).map_err(xl)?;
                        }
                        Value::Date(d) => {
                            sheet
                                .write_number_with_format(r, c, excel_serial(*d), &day)
                                .map_err(xl)?;
                        }
                        Value::Number(n) => {
                            sheet.write_number(r, c, *n as f64).map_err(xl)?;
                        }
                        Value::Empty => {}
                    }
                }
            }
            sheet.set_freeze_panes(1, 0).map_err(xl)?;
            book.save(out).map_err(xl)?;
        }
        ExportFormat::Csv => {
            let mut bytes = b"\xEF\xBB\xBF".to_vec();
            {
                let mut w = csv::Writer::from_writer(&mut bytes);
                let c = |e: csv::Error| fail(e.to_string());
                w.write_record(header).map_err(c)?;
                for row in rows {
                    w.write_record(row.iter().map(|v| match v {
                        Value::Text(t) => t.clone(),
                        Value::Date(d) => d.to_string(),
                        Value::Number(n) => n.to_string(),
                        Value::Empty => String::new(),
                    }))
                    .map_err(c)?;
                }
                w.flush().map_err(|e| fail(e.to_string()))?;
            }
            std::fs::write(out, bytes).map_err(|e| fail(e.to_string()))?;
        }
    }
    Ok(())
}

/// Pages through a list whose store query returns at most 10,000 rows a call.
const PAGE: i64 = 10_000;

impl Workspace {
    /// Writes the workers `filter` selects (all of them: its limit and offset are ignored) to
    /// `out`, XLSX or CSV by its extension.
    pub fn export_workers(
        &mut self,
        filter: &WorkerFilter,
        with_stay_status: bool,
        out: &Path,
    ) -> Result<ExportSummary> {
        let format = ExportFormat::of_path(out)?;
        let mut rows = Vec::new();
        let mut page = WorkerFilter {
            limit: Some(PAGE),
            offset: Some(0),
            ..filter.clone()
        };
        loop {
            let list = self.list_workers(&page)?;
            for summary in &list {
                rows.push(worker_row(
                    &self.worker(summary.id)?.worker,
                    with_stay_status,
                ));
            }
            if (list.len() as i64) < PAGE {
                break;
            }
            page.offset = Some(page.offset.unwrap_or(0) + PAGE);
        }
        let mut header = WORKER_COLUMNS.to_vec();
        if with_stay_status {
            header.push("stay_status");
        }
        write_table(out, format, &header, &rows)?;
        self.log_export("worker", rows.len(), format, with_stay_status, out)?;
        Ok(ExportSummary {
            rows: rows.len(),
            format,
            with_stay_status,
        })
    }

    /// Writes the cases `filter` selects (all of them) to `out`, XLSX or CSV by its extension.
    pub fn export_cases(&mut self, filter: &CaseFilter, out: &Path) -> Result<ExportSummary> {
        let format = ExportFormat::of_path(out)?;
        let mut rows = Vec::new();
        let mut page = CaseFilter {
            limit: Some(PAGE),
            offset: Some(0),
            ..filter.clone()
        };
        loop {
            let list = self.list_cases(&page)?;
            for summary in &list {
                let case = self.case(summary.id)?.record;
                let worker = match case.workers.first() {
                    Some(id) => Some(self.worker(*id)?.worker),
                    None => None,
                };
                rows.push(case_row(&case, worker.as_ref()));
            }
            if (list.len() as i64) < PAGE {
                break;
            }
            page.offset = Some(page.offset.unwrap_or(0) + PAGE);
        }
        write_table(out, format, CASE_COLUMNS, &rows)?;
        self.log_export("case", rows.len(), format, false, out)?;
        Ok(ExportSummary {
            rows: rows.len(),
            format,
            with_stay_status: false,
        })
    }

    fn log_export(
        &mut self,
        entity: &str,
        rows: usize,
        format: ExportFormat,
        with_stay_status: bool,
        out: &Path,
    ) -> Result<()> {
        let name = out
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let detail = format!(
            "{rows} rows to {name} ({}){}",
            if format == ExportFormat::Xlsx {
                "xlsx"
            } else {
                "csv"
            },
            if with_stay_status {
                ", with stay status"
            } else {
                ""
            }
        );
        self.record_event("export", entity, None, Some(&detail))
    }
}
