//! The ministry's quarterly report: cases by type, status, province and month, amounts claimed
//! and recovered, time to close, deaths and detentions; as a PDF in Kazakh and Russian (the
//! letter engine's tables and vector bar charts) and as XLSX figures.
//!
//! A case belongs to the quarter in which it was reported (`reported_on`, else `occurred_on`);
//! time to close counts the cases closed in the quarter (`closed_on`), from that date.
//! Case types, statuses and provinces are named with the desktop app's own translations
//! (`ui/src/lib/locales/{kk,ru}.json`), so the report and the screens say the same.

use crate::error::{CoreError, ErrorCode};
use crate::workspace::Workspace;
use chrono::{Datelike, NaiveDate};
use qorgau_domain::{CaseStatus, CaseType, Province};
use qorgau_letters::{
    Align, BarChart, Block, DocMeta, Document, LetterDate, Paragraph, Run, Table, Text,
};
use qorgau_store::CaseFilter;
use serde::Serialize;
use serde_json::Value;
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::path::Path;
use std::sync::LazyLock;

type Result<T> = std::result::Result<T, CoreError>;

static KK: LazyLock<Value> = LazyLock::new(|| {
    serde_json::from_str(include_str!("../../../ui/src/lib/locales/kk.json")).unwrap_or_default()
});
static RU: LazyLock<Value> = LazyLock::new(|| {
    serde_json::from_str(include_str!("../../../ui/src/lib/locales/ru.json")).unwrap_or_default()
});

/// A report language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ReportLanguage {
    Kk,
    Ru,
}

impl ReportLanguage {
    fn locale(self) -> &'static Value {
        match self {
            Self::Kk => &KK,
            Self::Ru => &RU,
        }
    }

    /// The interface's word for `prefix.code` (`case_type.unpaid_wages`), else the code.
    fn term(self, prefix: &str, code: &str) -> String {
        self.locale()
            .get(format!("{prefix}.{code}"))
            .and_then(Value::as_str)
            .map(str::to_string)
            .unwrap_or_else(|| code.to_string())
    }

    fn words(self) -> &'static Words {
        match self {
            Self::Kk => &KK_WORDS,
            Self::Ru => &RU_WORDS,
        }
    }
}

/// The report's own sentences.
struct Words {
    title: &'static str,
    period: fn(i32, u32) -> String,
    total: &'static str,
    by_type: &'static str,
    by_status: &'static str,
    by_province: &'static str,
    by_month: &'static str,
    kind: &'static str,
    count: &'static str,
    unknown_province: &'static str,
    amounts: &'static str,
    claimed: &'static str,
    recovered: &'static str,
    closed: &'static str,
    close_median: &'static str,
    close_mean: &'static str,
    deaths: &'static str,
    detentions: &'static str,
    months: [&'static str; 12],
}

const RU_WORDS: Words = Words {
    title: "Квартальный отчёт о консульской защите граждан Республики Казахстан в Республике Корея",
    period: |y, q| format!("{q}-й квартал {y} года"),
    total: "Всего обращений",
    by_type: "Обращения по видам",
    by_status: "Обращения по статусу",
    by_province: "Обращения по провинциям Кореи",
    by_month: "Обращения по месяцам",
    kind: "Показатель",
    count: "Количество",
    unknown_province: "Провинция не указана",
    amounts: "Суммы по делам о невыплате и ущербе, вон",
    claimed: "Заявлено",
    recovered: "Взыскано",
    closed: "Закрыто дел за квартал",
    close_median: "Срок до закрытия, дней (медиана)",
    close_mean: "Срок до закрытия, дней (среднее)",
    deaths: "Случаи смерти и репатриации",
    detentions: "Задержания и депортации",
    months: [
        "Январь",
        "Февраль",
        "Март",
        "Апрель",
        "Май",
        "Июнь",
        "Июль",
        "Август",
        "Сентябрь",
        "Октябрь",
        "Ноябрь",
        "Декабрь",
    ],
};

const KK_WORDS: Words = Words {
    title: "Корея Республикасындағы Қазақстан Республикасы азаматтарын консулдық қорғау туралы тоқсандық есеп",
    period: |y, q| format!("{y} жылғы {q}-тоқсан"),
    total: "Барлық өтініштер",
    by_type: "Өтініштер түрлері бойынша",
    by_status: "Өтініштер мәртебесі бойынша",
    by_province: "Өтініштер Корея провинциялары бойынша",
    by_month: "Өтініштер айлар бойынша",
    kind: "Көрсеткіш",
    count: "Саны",
    unknown_province: "Провинция көрсетілмеген",
    amounts: "Жалақы мен залал істері бойынша сомалар, вон",
    claimed: "Талап етілді",
    recovered: "Өндірілді",
    closed: "Тоқсанда жабылған істер",
    close_median: "Жабылғанға дейінгі мерзім, күн (медиана)",
    close_mean: "Жабылғанға дейінгі мерзім, күн (орташа)",
    deaths: "Қайтыс болу және репатриация жағдайлары",
    detentions: "Ұстау және депортация",
    months: [
        "Қаңтар",
        "Ақпан",
        "Наурыз",
        "Сәуір",
        "Мамыр",
        "Маусым",
        "Шілде",
        "Тамыз",
        "Қыркүйек",
        "Қазан",
        "Қараша",
        "Желтоқсан",
    ],
};

/// The quarter's figures.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct QuarterlyFigures {
    pub year: i32,
    pub quarter: u32,
    pub total: usize,
    pub by_type: BTreeMap<String, usize>,
    pub by_status: BTreeMap<String, usize>,
    /// Province code, or `unknown`.
    pub by_province: BTreeMap<String, usize>,
    /// Month number (1–12) → cases.
    pub by_month: BTreeMap<u32, usize>,
    pub amount_claimed_krw: i64,
    pub amount_recovered_krw: i64,
    pub closed: usize,
    pub days_to_close_median: Option<f64>,
    pub days_to_close_mean: Option<f64>,
    pub deaths: usize,
    pub detentions: usize,
}

fn code<T: Serialize>(v: &T) -> String {
    serde_json::to_value(v)
        .ok()
        .and_then(|j| j.as_str().map(str::to_string))
        .unwrap_or_default()
}

fn quarter_bounds(year: i32, quarter: u32) -> Result<(NaiveDate, NaiveDate)> {
    if !(1..=4).contains(&quarter) {
        return Err(CoreError::new(
            ErrorCode::Invalid,
            format!("quarter: {quarter} is not 1, 2, 3 or 4"),
        ));
    }
    let start = NaiveDate::from_ymd_opt(year, (quarter - 1) * 3 + 1, 1);
    let end = if quarter == 4 {
        NaiveDate::from_ymd_opt(year + 1, 1, 1)
    } else {
        NaiveDate::from_ymd_opt(year, quarter * 3 + 1, 1)
    };
    match (start, end) {
        (Some(s), Some(e)) => Ok((s, e)),
        _ => Err(CoreError::new(
            ErrorCode::Invalid,
            format!("year: {year} is out of range"),
        )),
    }
}

fn thousands(n: i64) -> String {
    let digits = n.abs().to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(' ');
        }
        out.push(c);
    }
    if n < 0 { format!("-{out}") } else { out }
}

impl Workspace {
    /// Counts the quarter's cases.
    pub fn quarterly_figures(&self, year: i32, quarter: u32) -> Result<QuarterlyFigures> {
        let (start, end) = quarter_bounds(year, quarter)?;
        let within = |d: NaiveDate| d >= start && d < end;
        let mut f = QuarterlyFigures {
            year,
            quarter,
            total: 0,
            by_type: BTreeMap::new(),
            by_status: BTreeMap::new(),
            by_province: BTreeMap::new(),
            by_month: (0..3).map(|i| ((quarter - 1) * 3 + 1 + i, 0)).collect(),
            amount_claimed_krw: 0,
            amount_recovered_krw: 0,
            closed: 0,
            days_to_close_median: None,
            days_to_close_mean: None,
            deaths: 0,
            detentions: 0,
        };
        let mut days = Vec::new();
        let mut provinces: BTreeMap<qorgau_domain::WorkerId, Option<Province>> = BTreeMap::new();
        let mut page = CaseFilter {
            limit: Some(10_000),
            offset: Some(0),
            ..CaseFilter::default()
        };
        loop {
            let list = self.list_cases(&page)?;
            for summary in &list {
                let case = self.case(summary.id)?.record;
                let opened = case.reported_on.or(case.occurred_on);
                if let (Some(closed), Some(opened)) = (case.closed_on, opened)
                    && within(closed)
                {
                    f.closed += 1;
                    days.push((closed - opened).num_days().max(0) as f64);
                }
                let Some(opened) = opened.filter(|d| within(*d)) else {
                    continue;
                };
                f.total += 1;
                let kind = case.case_type.unwrap_or(CaseType::Other);
                *f.by_type.entry(code(&kind)).or_default() += 1;
                *f.by_status.entry(code(&case.status)).or_default() += 1;
                *f.by_month.entry(opened.month()).or_default() += 1;
                let province = match case.workers.first() {
                    Some(id) => match provinces.get(id) {
                        Some(p) => *p,
                        None => {
                            let p = self.worker(*id)?.worker.province;
                            provinces.insert(*id, p);
                            p
                        }
                    },
                    None => None,
                };
                let province = province
                    .map(|p| code(&p))
                    .unwrap_or_else(|| "unknown".into());
                *f.by_province.entry(province).or_default() += 1;
                f.amount_claimed_krw += case.amount_claimed_krw.unwrap_or(0);
                f.amount_recovered_krw += case.amount_recovered_krw.unwrap_or(0);
                match kind {
                    CaseType::DeathRepatriation => f.deaths += 1,
                    CaseType::DetentionDeportation => f.detentions += 1,
                    _ => {}
                }
            }
            if list.len() < 10_000 {
                break;
            }
            page.offset = Some(page.offset.unwrap_or(0) + 10_000);
        }
        if !days.is_empty() {
            days.sort_by(f64::total_cmp);
            let n = days.len();
            f.days_to_close_median = Some(if !n.is_multiple_of(2) {
                days[n / 2]
            } else {
                (days[n / 2 - 1] + days[n / 2]) / 2.0
            });
            f.days_to_close_mean = Some(days.iter().sum::<f64>() / n as f64);
        }
        Ok(f)
    }

    /// The quarterly report as PDF (Kazakh, then Russian) or as XLSX figures, by `out`'s
    /// extension; logged in the audit log.
    pub fn write_quarterly_report(
        &mut self,
        year: i32,
        quarter: u32,
        out: &Path,
    ) -> Result<QuarterlyFigures> {
        let figures = self.quarterly_figures(year, quarter)?;
        let ext = out
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase);
        let fail = |e: String| {
            CoreError::new(
                ErrorCode::Storage,
                format!("cannot write {}: {e}", out.display()),
            )
        };
        match ext.as_deref() {
            Some("pdf") => {
                let doc = report_document(&figures, &[ReportLanguage::Kk, ReportLanguage::Ru]);
                let bytes = qorgau_letters::render(&doc, qorgau_letters::Fonts::embedded())
                    .map_err(|e| fail(e.to_string()))?;
                std::fs::write(out, bytes).map_err(|e| fail(e.to_string()))?;
            }
            Some("xlsx") => write_figures_xlsx(&figures, out).map_err(fail)?,
            _ => {
                return Err(CoreError::new(
                    ErrorCode::Invalid,
                    format!("out: {} must end in .pdf or .xlsx", out.display()),
                ));
            }
        }
        self.record_event(
            "report",
            "workspace",
            None,
            Some(&format!(
                "quarterly {year} Q{quarter}: {} cases",
                figures.total
            )),
        )?;
        Ok(figures)
    }
}

fn p(text: impl Into<String>) -> Text {
    Text::plain(text)
}

/// The labelled rows of one section, in the language `lang`.
fn rows(f: &QuarterlyFigures, lang: ReportLanguage) -> Vec<(&'static str, Vec<(String, f64)>)> {
    let w = lang.words();
    let types = CaseType::ALL
        .iter()
        .map(|t| {
            let c = code(t);
            (
                lang.term("case_type", &c),
                *f.by_type.get(&c).unwrap_or(&0) as f64,
            )
        })
        .collect();
    let statuses = CaseStatus::ALL
        .iter()
        .map(|s| {
            let c = code(s);
            (
                lang.term("case_status", &c),
                *f.by_status.get(&c).unwrap_or(&0) as f64,
            )
        })
        .collect();
    let mut provinces: Vec<(String, f64)> = Province::ALL
        .iter()
        .filter_map(|pr| {
            let c = code(pr);
            f.by_province
                .get(&c)
                .map(|n| (lang.term("province", &c), *n as f64))
        })
        .collect();
    if let Some(n) = f.by_province.get("unknown") {
        provinces.push((w.unknown_province.to_string(), *n as f64));
    }
    let months = f
        .by_month
        .iter()
        .map(|(m, n)| {
            (
                w.months[(*m as usize).saturating_sub(1) % 12].to_string(),
                *n as f64,
            )
        })
        .collect();
    vec![
        (w.by_type, types),
        (w.by_status, statuses),
        (w.by_province, provinces),
        (w.by_month, months),
    ]
}

fn report_document(f: &QuarterlyFigures, langs: &[ReportLanguage]) -> Document {
    let mut blocks = Vec::new();
    for (i, lang) in langs.iter().enumerate() {
        let w = lang.words();
        if i > 0 {
            blocks.push(Block::PageBreak);
        }
        blocks.push(Block::Heading { text: p(w.title) });
        blocks.push(Block::Paragraph(
            Paragraph::new(vec![Run::bold((w.period)(f.year, f.quarter))]).aligned(Align::Center),
        ));
        let days = |v: Option<f64>| v.map(|d| format!("{d:.1}")).unwrap_or_else(|| "—".into());
        let summary = vec![
            (w.total, f.total.to_string()),
            (w.deaths, f.deaths.to_string()),
            (w.detentions, f.detentions.to_string()),
            (w.claimed, thousands(f.amount_claimed_krw)),
            (w.recovered, thousands(f.amount_recovered_krw)),
            (w.closed, f.closed.to_string()),
            (w.close_median, days(f.days_to_close_median)),
            (w.close_mean, days(f.days_to_close_mean)),
        ];
        blocks.push(Block::Table(Table {
            widths: vec![3.0, 1.0],
            numeric: vec![false, true],
            header: vec![p(w.kind), p(w.count)],
            rows: summary.into_iter().map(|(k, v)| vec![p(k), p(v)]).collect(),
        }));
        for (title, section) in rows(f, *lang) {
            blocks.push(Block::BarChart(BarChart {
                title: p(title),
                value_labels: section.iter().map(|(_, v)| p(format!("{v}"))).collect(),
                bars: section.into_iter().map(|(l, v)| (p(l), v)).collect(),
            }));
        }
        blocks.push(Block::BarChart(BarChart {
            title: p(w.amounts),
            bars: vec![
                (p(w.claimed), f.amount_claimed_krw as f64),
                (p(w.recovered), f.amount_recovered_krw as f64),
            ],
            value_labels: vec![
                p(thousands(f.amount_claimed_krw)),
                p(thousands(f.amount_recovered_krw)),
            ],
        }));
    }
    let digest = Sha256::digest(serde_json::to_vec(f).unwrap_or_default());
    let mut document_id = [0u8; 16];
    document_id.copy_from_slice(&digest[..16]);
    let (_, end) = quarter_bounds(f.year, f.quarter).unwrap_or_default();
    let last = end.pred_opt().unwrap_or(end);
    Document {
        meta: DocMeta {
            title: format!(
                "{} — {}",
                RU_WORDS.title,
                (RU_WORDS.period)(f.year, f.quarter)
            ),
            author: "Qorgau".into(),
            document_id,
            date: LetterDate::new(last.year(), last.month() as u8, last.day() as u8),
        },
        draft: false,
        letterhead: None,
        blocks,
    }
}

fn write_figures_xlsx(f: &QuarterlyFigures, out: &Path) -> std::result::Result<(), String> {
    use rust_xlsxwriter::{Format, Workbook};
    let mut book = Workbook::new();
    let bold = Format::new().set_bold();
    let e = |e: rust_xlsxwriter::XlsxError| e.to_string();
    for lang in [ReportLanguage::Kk, ReportLanguage::Ru] {
        let w = lang.words();
        let sheet = book.add_worksheet();
        sheet
            .set_name(if lang == ReportLanguage::Kk {
                "Қазақша"
            } else {
                "Русский"
            })
            .map_err(e)?;
        sheet
            .write_string_with_format(0, 0, w.title, &bold)
            .map_err(e)?;
        sheet
            .write_string(1, 0, (w.period)(f.year, f.quarter))
            .map_err(e)?;
        let mut r = 3u32;
        let numbers: Vec<(&str, f64)> = vec![
            (w.total, f.total as f64),
            (w.deaths, f.deaths as f64),
            (w.detentions, f.detentions as f64),
            (w.claimed, f.amount_claimed_krw as f64),
            (w.recovered, f.amount_recovered_krw as f64),
            (w.closed, f.closed as f64),
        ];
        for (label, v) in numbers {
            sheet.write_string(r, 0, label).map_err(e)?;
            sheet.write_number(r, 1, v).map_err(e)?;
            r += 1;
        }
        for (label, v) in [
            (w.close_median, f.days_to_close_median),
            (w.close_mean, f.days_to_close_mean),
        ] {
            sheet.write_string(r, 0, label).map_err(e)?;
            if let Some(v) = v {
                sheet.write_number(r, 1, v).map_err(e)?;
            }
            r += 1;
        }
        for (title, section) in rows(f, lang) {
            r += 1;
            sheet
                .write_string_with_format(r, 0, title, &bold)
                .map_err(e)?;
            r += 1;
            for (label, v) in section {
                sheet.write_string(r, 0, &label).map_err(e)?;
                sheet.write_number(r, 1, v).map_err(e)?;
                r += 1;
            }
        }
        sheet.set_column_width(0, 60).map_err(e)?;
    }
    book.save(out).map_err(e)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_interface_translations_name_every_type_status_and_province() {
        for lang in [ReportLanguage::Kk, ReportLanguage::Ru] {
            for t in CaseType::ALL {
                assert_ne!(
                    lang.term("case_type", &code(&t)),
                    code(&t),
                    "{lang:?} {t:?}"
                );
            }
            for s in CaseStatus::ALL {
                assert_ne!(
                    lang.term("case_status", &code(&s)),
                    code(&s),
                    "{lang:?} {s:?}"
                );
            }
            for pr in Province::ALL {
                assert_ne!(
                    lang.term("province", &code(&pr)),
                    code(&pr),
                    "{lang:?} {pr:?}"
                );
            }
        }
    }

    #[test]
    fn quarters_and_their_bounds() {
        assert_eq!(
            quarter_bounds(2026, 4).unwrap(),
            (
                NaiveDate::from_ymd_opt(2026, 10, 1).unwrap(),
                NaiveDate::from_ymd_opt(2027, 1, 1).unwrap()
            )
        );
        assert!(quarter_bounds(2026, 5).is_err());
        assert_eq!(thousands(3_500_000), "3 500 000");
    }
}
