//! The deadline engine: dated tasks that follow from a case's facts, each with its rule and
//! source. Pure: the store recomputes them whenever the facts change (a case edit, a saved
//! wage calculation, an edit synced from another device), so they never go stale.

use crate::case::{CaseRecord, CaseType};
use chrono::{Days, Months, NaiveDate};
use serde::{Deserialize, Serialize};

/// One computed deadline. `key` is stable for the same fact (`prescription:2025-09-10`), so
/// a caseworker's "done" survives a recomputation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Deadline {
    pub key: String,
    pub title: String,
    pub due_on: NaiveDate,
    pub rule: String,
    pub source: String,
    pub done: bool,
}

struct Rule {
    rule: &'static str,
    source: &'static str,
}

const PRESCRIPTION: Rule = Rule {
    rule: "a wage claim lapses 3 years after its payday (LSA Art. 49); a labour-office petition does not stop it, a civil action does",
    source: "k-labor.co.kr items_idx=5621 and 6934; k-labor.com notice idx1=200",
};
const FINAL_PAY: Rule = Rule {
    rule: "wages, allowances and severance are due within 14 days of leaving (LSA Art. 36, ERBSA Art. 9); 20 % delay interest runs from the next day (LSA Art. 37)",
    source: "leeko.com newsletterNo=2206; easylaw.go.kr csmSeq=1111 ccfNo=3",
};
const INSOLVENCY: Rule = Rule {
    rule: "도산 대지급금: claim within 2 years of the bankruptcy or rehabilitation decision or the recognition of de-facto insolvency (Wage Claim Guarantee Act Art. 7)",
    source: "easylaw.go.kr csmSeq=1753 cnpClsNo=2; csmSeq=1111 ccfNo=4",
};
const SIMPLIFIED: Rule = Rule {
    rule: "간이 대지급금: claim within 1 year of the judgment or payment order, or of MOEL's confirmation of the arrears (Wage Claim Guarantee Act Art. 7)",
    source: "easylaw.go.kr csmSeq=1753",
};
const CONSULAR: Rule = Rule {
    rule: "the detaining authorities must inform the consular post without delay and the national may be visited (VCCR Art. 36): confirm the notification and request access at once",
    source: "VCCR 1963 Art. 36, text at bits.de/ac-archive/voelkerrecht/on/consul.htm",
};
const RECORDED: Rule = Rule {
    rule: "a date the caseworker recorded on the case",
    source: "the case record",
};
const DEATH: Rule = Rule {
    rule: "repatriation of remains: gather the documents and settle who pays; no statutory period, start at once",
    source: "Qorgau issue 14 (death and repatriation checklist)",
};

const KIN: Rule = Rule {
    rule: "the date the caseworker set at the last contact with the next of kin",
    source: "the case's next-of-kin contact log",
};

/// The death and repatriation steps, each a deadline on the day of death.
pub const DEATH_STEPS: &[(&str, &str)] = &[
    (
        "death_certificate",
        "Obtain the death certificate (사망진단서 / 시체검안서)",
    ),
    (
        "release_of_body",
        "Obtain the police or prosecutor's release of the body",
    ),
    ("embalming_certificate", "Obtain the embalming certificate"),
    (
        "transport_certificate",
        "Obtain the transport (coffin sealing) certificate",
    ),
    (
        "consular_certificate",
        "Issue the consular certificate for the remains",
    ),
    (
        "costs",
        "Settle the costs and who pays: employer, insurer, COMWEL survivor benefits, family",
    ),
];

fn deadline(key: String, title: String, due_on: NaiveDate, rule: &Rule) -> Deadline {
    Deadline {
        key,
        title,
        due_on,
        rule: rule.rule.to_string(),
        source: rule.source.to_string(),
        done: false,
    }
}

/// Facts kept outside the case record: from its latest saved wage calculation and from its
/// checklists and logs (`crate::caselog`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RecordedFacts {
    /// Unpaid, unprescribed paydays (and the termination date for severance).
    pub unpaid_paydays: Vec<NaiveDate>,
    /// The next update the family is due, from the newest next-of-kin contact.
    pub next_kin_update: Option<NaiveDate>,
    /// Deadline keys the repatriation checklist has settled (received or not needed).
    pub settled: Vec<String>,
}

/// The deadlines of a case from its facts and its recorded facts, earliest first.
pub fn for_case(case: &CaseRecord, recorded: &RecordedFacts) -> Vec<Deadline> {
    let mut out = Vec::new();
    for payday in &recorded.unpaid_paydays {
        if let Some(lapse) = payday.checked_add_months(Months::new(36)) {
            out.push(deadline(
                format!("prescription:{payday}"),
                format!(
                    "Wage claim of the {payday} payday lapses: file a civil action before this day"
                ),
                lapse,
                &PRESCRIPTION,
            ));
        }
    }
    if let Some(last) = case.last_day_worked {
        out.push(deadline(
            "final_pay".into(),
            format!("Final pay and severance due from the employer (left {last})"),
            last + Days::new(14),
            &FINAL_PAY,
        ));
    }
    if let Some(on) = case.insolvency_decided_on
        && let Some(due) = on.checked_add_months(Months::new(24))
    {
        out.push(deadline(
            "daejigeup_insolvency".into(),
            format!("Last day to claim 도산 대지급금 (insolvency decided {on})"),
            due,
            &INSOLVENCY,
        ));
    }
    for (key, date, what) in [
        (
            "daejigeup_judgment",
            case.judgment_on,
            "judgment or payment order",
        ),
        (
            "daejigeup_moel",
            case.moel_confirmed_on,
            "MOEL confirmation",
        ),
    ] {
        if let Some(on) = date
            && let Some(due) = on.checked_add_months(Months::new(12))
        {
            out.push(deadline(
                key.into(),
                format!("Last day to claim 간이 대지급금 ({what} of {on})"),
                due,
                &SIMPLIFIED,
            ));
        }
    }
    if let Some(on) = case.detained_on {
        let mut d = deadline(
            "consular_notification".into(),
            format!("Detained {on}: confirm the consular notification and request a visit"),
            on,
            &CONSULAR,
        );
        d.done = case.consular_notified_on.is_some();
        out.push(d);
    }
    if let Some(on) = case.hearing_on {
        out.push(deadline("hearing".into(), "Hearing".into(), on, &RECORDED));
    }
    if let Some(on) = case.removal_order_on {
        out.push(deadline(
            "removal_order".into(),
            "Removal order date".into(),
            on,
            &RECORDED,
        ));
    }
    if case.case_type == Some(CaseType::DeathRepatriation)
        && let Some(on) = case.occurred_on
    {
        for (key, title) in DEATH_STEPS {
            out.push(deadline(
                format!("death:{key}"),
                (*title).into(),
                on,
                &DEATH,
            ));
        }
    }
    if let Some(on) = recorded.next_kin_update {
        out.push(deadline(
            "kin_update".into(),
            "Next update due to the family".into(),
            on,
            &KIN,
        ));
    }
    for d in &mut out {
        if case.deadlines_done.contains(&d.key) || recorded.settled.contains(&d.key) {
            d.done = true;
        }
    }
    out.sort_by(|a, b| a.due_on.cmp(&b.due_on).then_with(|| a.key.cmp(&b.key)));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(t: &str) -> NaiveDate {
        t.parse().unwrap()
    }

    #[test]
    fn deadlines_follow_the_facts_and_move_when_a_fact_changes() {
        let mut case = CaseRecord {
            case_type: Some(CaseType::UnpaidWages),
            last_day_worked: Some(d("2025-09-30")),
            insolvency_decided_on: Some(d("2025-11-03")),
            moel_confirmed_on: Some(d("2025-12-01")),
            ..CaseRecord::default()
        };
        let paydays = RecordedFacts {
            unpaid_paydays: vec![d("2025-09-10"), d("2025-10-10")],
            ..RecordedFacts::default()
        };
        let list = for_case(&case, &paydays);
        let due =
            |list: &[Deadline], key: &str| list.iter().find(|x| x.key == key).map(|x| x.due_on);
        // 2025-09-30 + 14 days; insolvency + 2 years; MOEL confirmation + 1 year; paydays + 3 years.
        assert_eq!(due(&list, "final_pay"), Some(d("2025-10-14")));
        assert_eq!(due(&list, "daejigeup_insolvency"), Some(d("2027-11-03")));
        assert_eq!(due(&list, "daejigeup_moel"), Some(d("2026-12-01")));
        assert_eq!(due(&list, "prescription:2025-09-10"), Some(d("2028-09-10")));
        assert_eq!(due(&list, "prescription:2025-10-10"), Some(d("2028-10-10")));
        assert!(list.windows(2).all(|w| w[0].due_on <= w[1].due_on));
        assert!(
            list.iter()
                .all(|x| !x.rule.is_empty() && !x.source.is_empty())
        );

        case.last_day_worked = Some(d("2025-10-31"));
        case.deadlines_done = vec!["daejigeup_moel".into()];
        let first = RecordedFacts {
            unpaid_paydays: vec![d("2025-09-10")],
            ..RecordedFacts::default()
        };
        let list = for_case(&case, &first);
        assert_eq!(due(&list, "final_pay"), Some(d("2025-11-14")));
        assert_eq!(due(&list, "prescription:2025-10-10"), None);
        assert!(
            list.iter()
                .find(|x| x.key == "daejigeup_moel")
                .unwrap()
                .done
        );
    }

    #[test]
    fn detention_and_death_steps() {
        let mut case = CaseRecord {
            case_type: Some(CaseType::DetentionDeportation),
            detained_on: Some(d("2026-01-05")),
            hearing_on: Some(d("2026-02-01")),
            ..CaseRecord::default()
        };
        let list = for_case(&case, &RecordedFacts::default());
        let notice = list
            .iter()
            .find(|x| x.key == "consular_notification")
            .unwrap();
        assert_eq!(notice.due_on, d("2026-01-05"));
        assert!(!notice.done);
        assert!(notice.rule.contains("without delay"));
        assert!(
            list.iter()
                .any(|x| x.key == "hearing" && x.due_on == d("2026-02-01"))
        );
        case.consular_notified_on = Some(d("2026-01-06"));
        assert!(
            for_case(&case, &RecordedFacts::default())
                .iter()
                .find(|x| x.key == "consular_notification")
                .unwrap()
                .done
        );

        let death = CaseRecord {
            case_type: Some(CaseType::DeathRepatriation),
            occurred_on: Some(d("2026-01-10")),
            ..CaseRecord::default()
        };
        let list = for_case(&death, &RecordedFacts::default());
        assert_eq!(list.len(), DEATH_STEPS.len());
        assert!(list.iter().any(|x| x.key == "death:consular_certificate"));
        // The checklist settles its steps; a contact with the family sets the next update.
        let recorded = RecordedFacts {
            next_kin_update: Some(d("2026-01-20")),
            settled: vec!["death:death_certificate".into()],
            ..RecordedFacts::default()
        };
        let list = for_case(&death, &recorded);
        assert!(
            list.iter()
                .find(|x| x.key == "death:death_certificate")
                .unwrap()
                .done
        );
        assert_eq!(
            list.iter()
                .find(|x| x.key == "kin_update")
                .map(|x| x.due_on),
            Some(d("2026-01-20"))
        );
    }
}
