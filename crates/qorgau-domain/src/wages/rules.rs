//! The rules the calculator applies, each with its statute and public source (the facts are
//! in `REFERENCE.md` §2 of the project's domain notes and in `docs/wage-calculator.md`).

/// A rule as an output line cites it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rule {
    pub rule: &'static str,
    pub statute: &'static str,
    pub source: &'static str,
}

pub const UNPAID_WAGES: Rule = Rule {
    rule: "wages earned in the month (overtime and allowances included) less the wages paid for it; due on the month's payday",
    statute: "근로기준법 제43조 (Labor Standards Act Art. 43: wages paid in full at least once a month on a fixed day)",
    source: "leeko.com/leenko/news/newsLetterView.do?newsletterNo=2206",
};

pub const MIN_WAGE_SHORTFALL: Rule = Rule {
    rule: "the statutory hourly minimum wage of the year less the agreed rate, for the contractual hours (hourly wage), or the minimum wage of the month at the contractual hours incl. paid weekly holiday hours (209 h at 40 h/week) less the monthly pay; pro-rated by days employed in a partial month",
    statute: "최저임금법 (Minimum Wage Act) and the Minister's notice of that year's minimum wage",
    source: "assets/data/minimum-wage-kr.csv (a source per year)",
};

pub const WEEKLY_HOLIDAY: Rule = Rule {
    rule: "one paid day per full week (Monday to Sunday) worked: the hourly rate (at least the year's minimum wage) × the daily contractual hours (weekly hours ÷ days per week, at most 8 h); none under 15 contractual hours a week",
    statute: "근로기준법 제55조, 시행령 제30조; 제18조제3항 (LSA Art. 55, Decree Art. 30; Art. 18(3))",
    source: "career.co.kr labor_faq faqSeq=60; MOEL 근로기준정책과-2430 (2017-04-07); MOEL 근기01254-5392 (8 h cap)",
};

pub const SEVERANCE: Rule = Rule {
    rule: "≥ 1 year of service and ≥ 15 contractual hours a week: average daily wage (wages of the 3 calendar months before the termination date ÷ the days of that period, at least the ordinary daily wage) × 30 × days of service ÷ 365, less severance paid; due 14 days after leaving",
    statute: "근로자퇴직급여 보장법 제8조제1항, 제9조 (Employee Retirement Benefit Security Act Arts. 8(1), 9)",
    source: "easylaw.go.kr csmSeq=1111 ccfNo=3; askkorealaw.com/2024/09/12/korea-severance-pay",
};

pub const INTEREST_AFTER_LEAVING: Rule = Rule {
    rule: "20 % a year (amount × 20 % × days ÷ 365) on wages and severance still unpaid 14 days after leaving, from the next day to the computation date",
    statute: "근로기준법 제37조제1항제1호, 시행령 제17조 (LSA Art. 37(1)1, Decree Art. 17)",
    source: "laboryulgok.com/notice/246; k-labor.co.kr items_idx=5621; seoul.co.kr/news/2005/06/21/20050621010009",
};

pub const INTEREST_IN_SERVICE: Rule = Rule {
    rule: "20 % a year (amount × 20 % × days ÷ 365) on wages unpaid on a payday while employed, from the day after the payday to the computation date, for arrears first arising on or after 2025-10-23",
    statute: "근로기준법 제37조제1항제2호 (in force 2025-10-23), 시행령 제17조",
    source: "leeko.com newsLetterView.do?newsletterNo=2206; laborlab.stibee.com/p/76",
};

pub const PRESCRIPTION: Rule = Rule {
    rule: "a wage claim lapses 3 years after its payday (severance: after the termination date); left out of the total. A labour-office petition does not stop prescription; a civil action does",
    statute: "근로기준법 제49조 (LSA Art. 49)",
    source: "k-labor.co.kr items_idx=5621 and 6934; k-labor.com notice idx1=200",
};

/// The in-service 20 % regime applies to arrears first arising on or after this day
/// (the amended LSA Art. 37(1)2 took effect on 2025-10-23; laborlab.stibee.com/p/76:
/// "법 시행(2025년 10월 23일) 이후 최초로 임금체불이 발생된 때부터 적용"). Wages unpaid on a
/// payday are in arrears from the next day.
pub const IN_SERVICE_INTEREST_FROM: (i32, u32, u32) = (2025, 10, 23);

/// 20 % a year (LSA Enforcement Decree Art. 17).
pub const INTEREST_PERCENT: i128 = 20;

/// Contractual minutes a week from which the weekly holiday and severance are owed (15 h).
pub const FIFTEEN_HOURS: i64 = 15 * 60;

/// The paid weekly holiday counts at most 8 hours.
pub const HOLIDAY_CAP_MINUTES: i64 = 8 * 60;

/// Wage and severance settlement after leaving: 14 days (LSA Art. 36, ERBSA Art. 9).
pub const SETTLEMENT_DAYS: u64 = 14;

/// Prescription: 3 years (LSA Art. 49).
pub const PRESCRIPTION_MONTHS: u32 = 36;
