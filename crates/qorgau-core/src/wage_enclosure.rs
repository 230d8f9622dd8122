//! The wage-claim breakdown as a PDF enclosure (붙임), in Korean or English, drawn by the
//! letter engine (its fonts, layout and deterministic bytes).

use crate::error::{CoreError, ErrorCode};
use crate::letter_data::{english_date, korean_date};
use crate::workspace::Workspace;
use chrono::{Datelike, NaiveDate};
use qorgau_domain::wages::{ClaimItem, ClaimLine, WageClaim, WageClaimInput};
use qorgau_domain::{CaseId, WageCalcId};
use qorgau_letters::{Block, DocMeta, Document, Fonts, LetterDate, Paragraph, Run, Text, render};
use serde::Deserialize;
use sha2::{Digest, Sha256};

/// The enclosure's language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum EnclosureLanguage {
    Ko,
    En,
}

impl EnclosureLanguage {
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "ko" => Some(Self::Ko),
            "en" => Some(Self::En),
            _ => None,
        }
    }
}

/// An item's name and the statute it rests on, short, as the enclosure prints them.
fn item_words(item: ClaimItem, lang: EnclosureLanguage) -> (&'static str, &'static str) {
    use ClaimItem::*;
    use EnclosureLanguage::*;
    match (item, lang) {
        (UnpaidWages, Ko) => ("미지급 임금", "근로기준법 제43조"),
        (UnpaidWages, En) => ("Unpaid wages", "Labor Standards Act Art. 43"),
        (MinWageShortfall, Ko) => ("최저임금 미달액", "최저임금법, 해당 연도 최저임금 고시"),
        (MinWageShortfall, En) => (
            "Minimum-wage shortfall",
            "Minimum Wage Act and the year's minimum-wage notice",
        ),
        (WeeklyHoliday, Ko) => ("주휴수당", "근로기준법 제55조"),
        (WeeklyHoliday, En) => (
            "Weekly paid holiday allowance",
            "Labor Standards Act Art. 55",
        ),
        (Severance, Ko) => ("퇴직금", "근로자퇴직급여 보장법 제8조"),
        (Severance, En) => (
            "Severance pay",
            "Employee Retirement Benefit Security Act Art. 8",
        ),
        (DelayInterest, Ko) => ("지연이자(연 20%)", "근로기준법 제37조"),
        (DelayInterest, En) => (
            "Delay interest (20 % a year)",
            "Labor Standards Act Art. 37",
        ),
        (Prescribed, Ko) => ("소멸시효 완성(청구 제외)", "근로기준법 제49조"),
        (Prescribed, En) => ("Prescribed (not claimed)", "Labor Standards Act Art. 49"),
    }
}

fn won(amount: i64, lang: EnclosureLanguage) -> String {
    let digits = amount.unsigned_abs().to_string();
    let mut grouped = String::new();
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(ch);
    }
    match lang {
        EnclosureLanguage::Ko => format!("{grouped}원"),
        EnclosureLanguage::En => format!("KRW {grouped}"),
    }
}

fn day(d: NaiveDate, lang: EnclosureLanguage) -> String {
    match lang {
        EnclosureLanguage::Ko => korean_date(d),
        EnclosureLanguage::En => english_date(d),
    }
}

fn line_block(l: &ClaimLine, lang: EnclosureLanguage) -> Block {
    let (name, statute) = item_words(l.item, lang);
    let period = format!("{} – {}", day(l.from, lang), day(l.to, lang));
    let due = l.due_on.map(|d| match lang {
        EnclosureLanguage::Ko => format!(", 지급기일 {}", korean_date(d)),
        EnclosureLanguage::En => format!(", due {}", english_date(d)),
    });
    Block::Labelled {
        label: Text::plain(name),
        value: vec![
            Run::bold(won(l.amount_krw, lang)),
            Run::plain(format!(
                "  ({period}{}; {statute})",
                due.unwrap_or_default()
            )),
        ],
        bold: false,
    }
}

/// The breakdown as a document: heading, the facts it was computed from, one line per item,
/// the totals and the rounding rule.
pub fn wage_breakdown_document(
    input: &WageClaimInput,
    claim: &WageClaim,
    lang: EnclosureLanguage,
    worker_name: Option<&str>,
) -> Document {
    use EnclosureLanguage::*;
    let mut blocks = Vec::new();
    let t = |ko: &str, en: &str| match lang {
        Ko => ko.to_string(),
        En => en.to_string(),
    };
    blocks.push(Block::Heading {
        text: Text::plain(t(
            "붙임 임금 등 체불 내역",
            "Enclosure: breakdown of the wage claim",
        )),
    });
    if let Some(name) = worker_name {
        blocks.push(Block::Labelled {
            label: Text::plain(t("근로자", "Worker")),
            value: vec![Run::plain(name)],
            bold: false,
        });
    }
    let employed = match input.last_day {
        Some(last) => format!("{} – {}", day(input.start_date, lang), day(last, lang)),
        None => format!(
            "{} – {}",
            day(input.start_date, lang),
            t("재직 중", "still employed")
        ),
    };
    let pay = match (input.hourly_wage, input.monthly_pay) {
        (Some(h), _) => format!("{} {}", t("시급", "hourly"), won(h, lang)),
        (_, Some(m)) => format!("{} {}", t("월급", "monthly"), won(m, lang)),
        _ => String::new(),
    };
    for (label, value) in [
        (t("근로기간", "Employment"), employed),
        (
            t("소정근로시간", "Contractual hours"),
            format!("{} {}", input.weekly_hours, t("시간/주", "h a week")),
        ),
        (t("약정 임금", "Agreed pay"), pay),
        (t("산정 기준일", "Computed as of"), day(input.as_of, lang)),
    ] {
        blocks.push(Block::Labelled {
            label: Text::plain(label),
            value: vec![Run::plain(value)],
            bold: false,
        });
    }
    blocks.push(Block::Rule);
    for l in claim
        .lines
        .iter()
        .filter(|l| l.item != ClaimItem::Prescribed)
    {
        blocks.push(line_block(l, lang));
    }
    blocks.push(Block::Rule);
    blocks.push(Block::Labelled {
        label: Text::plain(t("청구 합계", "Total claimed")),
        value: vec![Run::bold(won(claim.total_krw, lang))],
        bold: true,
    });
    let lapsed: Vec<&ClaimLine> = claim
        .lines
        .iter()
        .filter(|l| l.item == ClaimItem::Prescribed)
        .collect();
    if !lapsed.is_empty() {
        blocks.push(Block::Spacer(3.0));
        for l in lapsed {
            blocks.push(line_block(l, lang));
        }
    }
    blocks.push(Block::Spacer(3.0));
    blocks.push(Block::Paragraph(Paragraph::new(vec![Run::plain(t(
        "각 항목은 원 단위 미만을 버리고 산정하였으며, 지연이자는 연 20%(근로기준법 시행령 제17조)를 1년 365일로 일할 계산하였습니다.",
        "Each line is computed exactly and rounded down to the whole won; delay interest is 20 % a year (LSA Enforcement Decree Art. 17), counted per day over a 365-day year.",
    ))])));
    let mut hasher = Sha256::new();
    hasher.update(serde_json::to_vec(input).unwrap_or_default());
    hasher.update([lang as u8]);
    let mut document_id = [0u8; 16];
    document_id.copy_from_slice(&hasher.finalize()[..16]);
    Document {
        meta: DocMeta {
            title: t("임금 등 체불 내역", "Breakdown of the wage claim"),
            author: String::new(),
            document_id,
            date: LetterDate::new(
                input.as_of.year(),
                input.as_of.month() as u8,
                input.as_of.day() as u8,
            ),
        },
        draft: false,
        letterhead: None,
        blocks,
    }
}

fn render_error(e: qorgau_letters::RenderError) -> CoreError {
    CoreError::new(ErrorCode::Invalid, e.to_string())
}

impl Workspace {
    /// The breakdown of a saved computation as a PDF enclosure; the case's first worker is
    /// named on it.
    pub fn wage_calc_pdf(
        &self,
        case: CaseId,
        calc: WageCalcId,
        lang: EnclosureLanguage,
    ) -> Result<Vec<u8>, CoreError> {
        let saved = self
            .wage_calcs(case)?
            .into_iter()
            .find(|c| c.id == calc)
            .ok_or_else(|| {
                CoreError::new(
                    ErrorCode::NotFound,
                    format!("case {case} has no wage calculation {calc}"),
                )
            })?;
        self.wage_breakdown_pdf(case, &saved.input, &saved.result, lang)
    }

    /// The breakdown of a computation (saved or not) as a PDF enclosure.
    pub fn wage_breakdown_pdf(
        &self,
        case: CaseId,
        input: &WageClaimInput,
        claim: &WageClaim,
        lang: EnclosureLanguage,
    ) -> Result<Vec<u8>, CoreError> {
        let record = self.case(case)?.record;
        let name = match record.workers.first() {
            Some(id) => {
                let w = self.worker(*id)?.worker;
                match lang {
                    EnclosureLanguage::Ko => w.hangul_name.clone().or(w.latin_name.clone()),
                    EnclosureLanguage::En => w.latin_name.clone().or(w.hangul_name.clone()),
                }
            }
            None => None,
        };
        let doc = wage_breakdown_document(input, claim, lang, name.as_deref());
        render(&doc, Fonts::embedded()).map_err(render_error)
    }
}
