//! `qorgau calc wages`, `qorgau case calc` and `qorgau case deadlines`.

use crate::args::{CalcWhat, Cli, JsonInput};
use crate::commands::{open, read_json};
use crate::output::{Failure, emit};
use qorgau_core::casework::{calc_wages, wage_input};
use qorgau_core::domain::CaseId;
use qorgau_core::domain::wages::WageClaim;
use qorgau_core::wage_enclosure::EnclosureLanguage;
use qorgau_core::{CoreError, ErrorCode};
use serde_json::{Value, json};
use std::path::Path;

type Result<T> = std::result::Result<T, Failure>;

pub fn calc(cli: &Cli, what: &CalcWhat) -> Result<()> {
    match what {
        CalcWhat::Wages(input) => {
            let input = wage_input(read_json(input)?)?;
            let claim = calc_wages(&input)?;
            emit(cli.json, &claim, || table(&claim));
            Ok(())
        }
    }
}

pub fn case_calc(
    cli: &Cli,
    case: &CaseId,
    input: &JsonInput,
    save: bool,
    pdf: Option<(&Path, &str)>,
) -> Result<()> {
    let lang = pdf
        .map(|(_, lang)| {
            EnclosureLanguage::parse(lang)
                .ok_or_else(|| Failure::Usage(format!("--lang: {lang:?} is not `ko` or `en`")))
        })
        .transpose()?;
    let input = wage_input(read_json(input)?)?;
    let mut ws = open(cli)?;
    let (id, claim) = ws.case_wage_calc(*case, &input, save)?;
    if let (Some((path, _)), Some(lang)) = (pdf, lang) {
        let bytes = ws.wage_breakdown_pdf(*case, &input, &claim, lang)?;
        std::fs::write(path, bytes).map_err(|e| {
            Failure::Core(CoreError::new(
                ErrorCode::Storage,
                format!("cannot write {}: {e}", path.display()),
            ))
        })?;
    }
    let mut value = serde_json::to_value(&claim).unwrap_or(Value::Null);
    if let Value::Object(map) = &mut value {
        map.insert("calc_id".into(), json!(id));
        map.insert("saved".into(), json!(id.is_some()));
    }
    emit(cli.json, &value, || {
        let mut text = table(&claim);
        if let Some(id) = id {
            text.push_str(&format!(
                "\nsaved as {id}; amount_claimed_krw = {}",
                claim.total_krw
            ));
        }
        text
    });
    Ok(())
}

pub fn deadlines(
    cli: &Cli,
    as_json: bool,
    case: CaseId,
    done: Option<&str>,
    reopen: Option<&str>,
) -> Result<()> {
    let mut ws = open(cli)?;
    if let Some(key) = done {
        ws.set_deadline_done(case, key, true)?;
    }
    if let Some(key) = reopen {
        ws.set_deadline_done(case, key, false)?;
    }
    let list = ws.deadlines(case)?;
    emit(as_json, &list, || {
        list.iter()
            .map(|d| {
                format!(
                    "{}  {}  {:<28} {}\n            rule: {}\n            source: {}",
                    d.due_on,
                    if d.done { "done" } else { "open" },
                    d.key,
                    d.title,
                    d.rule,
                    d.source
                )
            })
            .collect::<Vec<_>>()
            .join("\n")
    });
    Ok(())
}

/// The breakdown for people: one line per item, the totals, the warnings.
fn table(c: &WageClaim) -> String {
    let mut out = Vec::new();
    for l in &c.lines {
        out.push(format!(
            "{:<20} {:>14}  {} … {}  {}",
            l.item.name(),
            won(l.amount_krw),
            l.from,
            l.to,
            l.statute
        ));
    }
    out.push(String::new());
    for (name, value) in [
        ("unpaid wages", c.unpaid_wages_krw),
        ("minimum-wage shortfall", c.min_wage_shortfall_krw),
        ("weekly holiday", c.weekly_holiday_krw),
        ("severance", c.severance_krw),
        ("delay interest", c.delay_interest_krw),
        ("prescribed (not claimed)", c.prescribed_krw),
        ("total", c.total_krw),
    ] {
        out.push(format!("{name:<26} {:>14}", won(value)));
    }
    for w in &c.warnings {
        out.push(format!("warning: {} [{}]", w.message, w.code));
    }
    out.join("\n")
}

fn won(amount: i64) -> String {
    let digits = amount.unsigned_abs().to_string();
    let mut grouped = String::new();
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(ch);
    }
    format!("{}{grouped}", if amount < 0 { "-" } else { "" })
}
