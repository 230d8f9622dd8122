//! Kazakhstan individual identification number (IIN, ИИН / ЖСН): `YYMMDD C NNNN K`, where C
//! encodes century and sex and K is a two-pass mod-11 check digit (Gov. Decree No. 565 of
//! 11 June 2003).

use crate::issues::{IssueCode, ValidationIssue};
use crate::worker::Sex;
use chrono::NaiveDate;

const FIELD: &str = "iin";
const LEN: usize = 12;
const FIRST_PASS_WEIGHTS: [u8; 11] = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11];
const SECOND_PASS_WEIGHTS: [u8; 11] = [3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2];

/// What an IIN says about its holder.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IinInfo {
    pub birth_date: NaiveDate,
    pub sex: Sex,
}

/// Parses an IIN (surrounding whitespace allowed) and returns the birth date and sex it encodes,
/// or the first problem found.
pub fn parse_iin(value: &str) -> Result<IinInfo, ValidationIssue> {
    let value = value.trim();
    if let Some(bad) = value.chars().find(|c| !c.is_ascii_digit()) {
        return Err(error(
            IssueCode::NotDigits,
            format!("IIN must contain only digits, found {bad:?}"),
        ));
    }
    // Only ASCII digits remain, so the byte length is the digit count.
    if value.len() != LEN {
        return Err(error(
            IssueCode::WrongLength,
            format!("IIN must be {LEN} digits, got {}", value.len()),
        ));
    }
    let digits: Vec<u8> = value.bytes().map(|b| b - b'0').collect();

    let (century, sex) = match digits[6] {
        1 => (1800, Sex::Male),
        2 => (1800, Sex::Female),
        3 => (1900, Sex::Male),
        4 => (1900, Sex::Female),
        5 => (2000, Sex::Male),
        6 => (2000, Sex::Female),
        other => {
            return Err(error(
                IssueCode::IinCenturyDigit,
                format!(
                    "IIN 7th digit (century and sex) must be 1–6, got {other}; \
                     3/4 mean born in the 1900s, 5/6 in the 2000s"
                ),
            ));
        }
    };
    let year = century + i32::from(digits[0] * 10 + digits[1]);
    let month = u32::from(digits[2] * 10 + digits[3]);
    let day = u32::from(digits[4] * 10 + digits[5]);
    let birth_date = NaiveDate::from_ymd_opt(year, month, day).ok_or_else(|| {
        error(
            IssueCode::InvalidDate,
            format!(
                "IIN digits 1–6 ({}) are not a valid birth date in {year} \
                     (the 7th digit places it in the {century}s)",
                &value[..6]
            ),
        )
    })?;

    let Some(expected) = check_digit(&digits[..11]) else {
        return Err(error(
            IssueCode::IinNotIssued,
            "IIN cannot exist: both check-digit passes give 10, and such numbers are never issued; \
             check the first 11 digits for a typo",
        ));
    };
    if expected != digits[11] {
        return Err(error(
            IssueCode::IinCheckDigit,
            format!(
                "IIN check digit (12th digit) should be {expected}, got {}; check for a typo",
                digits[11]
            ),
        ));
    }
    Ok(IinInfo { birth_date, sex })
}

/// Checks an IIN and, when given, that the birth date and sex recorded for the person agree
/// with it.
pub fn check_iin(
    value: &str,
    birth_date: Option<NaiveDate>,
    sex: Option<Sex>,
) -> Vec<ValidationIssue> {
    let info = match parse_iin(value) {
        Ok(info) => info,
        Err(issue) => return vec![issue],
    };
    let mut issues = Vec::new();
    if let Some(recorded) = birth_date
        && recorded != info.birth_date
    {
        issues.push(error(
            IssueCode::IinBirthDateMismatch,
            format!(
                "IIN encodes birth date {}, but the recorded birth date is {recorded}",
                info.birth_date
            ),
        ));
    }
    if let Some(recorded) = sex
        && recorded != info.sex
    {
        issues.push(error(
            IssueCode::IinSexMismatch,
            format!(
                "IIN 7th digit means {}, but the recorded sex is {}",
                sex_name(info.sex),
                sex_name(recorded)
            ),
        ));
    }
    issues
}

/// The expected 12th digit for the first 11 digits (values 0–9), or `None` when both passes
/// give 10 (a number never issued).
pub fn check_digit(body: &[u8]) -> Option<u8> {
    let pass = |weights: &[u8; 11]| {
        body.iter()
            .zip(weights)
            .map(|(&digit, &weight)| u32::from(digit) * u32::from(weight))
            .sum::<u32>()
            % 11
    };
    match pass(&FIRST_PASS_WEIGHTS) {
        10 => match pass(&SECOND_PASS_WEIGHTS) {
            10 => None,
            k => u8::try_from(k).ok(),
        },
        k => u8::try_from(k).ok(),
    }
}

pub(crate) fn sex_name(sex: Sex) -> &'static str {
    match sex {
        Sex::Male => "male",
        Sex::Female => "female",
    }
}

fn error(code: IssueCode, message: impl Into<String>) -> ValidationIssue {
    ValidationIssue::error(FIELD, code, message)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::issues::Severity;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn code_of(value: &str) -> IssueCode {
        parse_iin(value).unwrap_err().code
    }

    #[test]
    fn reference_vectors() {
        assert_eq!(
            parse_iin("791028302728").unwrap(),
            IinInfo {
                birth_date: date(1979, 10, 28),
                sex: Sex::Male
            }
        );
        assert_eq!(
            parse_iin("761226300148").unwrap(),
            IinInfo {
                birth_date: date(1976, 12, 26),
                sex: Sex::Male
            }
        );
        assert_eq!(
            parse_iin("061211600012").unwrap(),
            IinInfo {
                birth_date: date(2006, 12, 11),
                sex: Sex::Female
            }
        );
        let issue = parse_iin("990430300011").unwrap_err();
        assert_eq!(issue.code, IssueCode::IinCheckDigit);
        assert_eq!(issue.field, "iin");
        assert_eq!(issue.severity, Severity::Error);
        assert!(
            issue.message.contains("should be 2, got 1"),
            "{}",
            issue.message
        );
        assert!(parse_iin("990430300012").is_ok());
    }

    #[test]
    fn second_pass_decides_when_the_first_gives_ten() {
        // Digits 8,5,0,3,1,5,4,0,0,6,0 weighted 1..11 give 8+10+0+12+5+30+28+0+0+60+0 = 153,
        // which is 10 mod 11; the second pass gives 24+20+0+18+7+40+36+0+0+6+0 = 151, 8 mod 11.
        assert_eq!(check_digit(&[8, 5, 0, 3, 1, 5, 4, 0, 0, 6, 0]), Some(8));
        assert_eq!(
            parse_iin("850315400608").unwrap(),
            IinInfo {
                birth_date: date(1985, 3, 15),
                sex: Sex::Female
            }
        );
        assert_eq!(code_of("850315400607"), IssueCode::IinCheckDigit);
        // 061211600012 from the reference also needs the second pass.
        assert_eq!(check_digit(&[0, 6, 1, 2, 1, 1, 6, 0, 0, 0, 1]), Some(2));
    }

    #[test]
    fn numbers_where_both_passes_give_ten_are_not_issued() {
        assert_eq!(check_digit(&[8, 5, 0, 3, 1, 5, 4, 0, 0, 6, 1]), None);
        for last in 0..=9 {
            assert_eq!(
                code_of(&format!("85031540061{last}")),
                IssueCode::IinNotIssued
            );
        }
        assert_eq!(code_of("850315401420"), IssueCode::IinNotIssued);
    }

    #[test]
    fn whitespace_around_is_trimmed_but_not_inside() {
        assert!(parse_iin("  791028302728\n").is_ok());
        assert_eq!(code_of("791028 302728"), IssueCode::NotDigits);
    }

    #[test]
    fn structure_errors() {
        assert_eq!(code_of(""), IssueCode::WrongLength);
        assert_eq!(code_of("   "), IssueCode::WrongLength);
        let short = parse_iin("79102830272").unwrap_err();
        assert_eq!(short.code, IssueCode::WrongLength);
        assert_eq!(short.message, "IIN must be 12 digits, got 11");
        assert_eq!(code_of("7910283027280"), IssueCode::WrongLength);
        assert_eq!(code_of("79102830272a"), IssueCode::NotDigits);
        assert_eq!(code_of("ИИН791028302728"), IssueCode::NotDigits);
        assert_eq!(code_of("７９１０２８３０２７２８"), IssueCode::NotDigits);
        assert_eq!(code_of("791028-302728"), IssueCode::NotDigits);
    }

    #[test]
    fn century_digit_must_be_one_to_six() {
        for c in [0, 7, 8, 9] {
            let issue = parse_iin(&format!("791028{c}02728")).unwrap_err();
            assert_eq!(issue.code, IssueCode::IinCenturyDigit);
            assert!(issue.message.contains(&format!("got {c}")));
        }
    }

    #[test]
    fn century_and_sex_follow_the_seventh_digit() {
        // Check digits computed independently (Python) with the two-pass algorithm.
        let cases = [
            ("000101100006", date(1800, 1, 1), Sex::Male),
            ("991231200007", date(1899, 12, 31), Sex::Female),
            ("900101300007", date(1990, 1, 1), Sex::Male),
            ("000101500001", date(2000, 1, 1), Sex::Male),
            ("991231600002", date(2099, 12, 31), Sex::Female),
        ];
        for (iin, birth_date, sex) in cases {
            assert_eq!(
                parse_iin(iin).unwrap(),
                IinInfo { birth_date, sex },
                "{iin}"
            );
        }
    }

    #[test]
    fn february_29_depends_on_the_century() {
        // 2000 is a leap year, 1900 is not.
        assert_eq!(
            parse_iin("000229500008").unwrap().birth_date,
            date(2000, 2, 29)
        );
        assert_eq!(
            parse_iin("000229600004").unwrap(),
            IinInfo {
                birth_date: date(2000, 2, 29),
                sex: Sex::Female
            }
        );
        // 000229300005 would carry a correct check digit; the date fails first.
        let issue = parse_iin("000229300005").unwrap_err();
        assert_eq!(issue.code, IssueCode::InvalidDate);
        assert!(issue.message.contains("1900"), "{}", issue.message);
        // 2001 is not a leap year.
        assert_eq!(code_of("010229500000"), IssueCode::InvalidDate);
    }

    #[test]
    fn impossible_dates() {
        assert_eq!(code_of("791328302728"), IssueCode::InvalidDate);
        assert_eq!(code_of("790028302728"), IssueCode::InvalidDate);
        assert_eq!(code_of("791000302728"), IssueCode::InvalidDate);
        assert_eq!(code_of("750231400008"), IssueCode::InvalidDate);
        assert_eq!(code_of("790431302728"), IssueCode::InvalidDate);
    }

    #[test]
    fn check_iin_compares_with_the_record() {
        assert!(check_iin("791028302728", Some(date(1979, 10, 28)), Some(Sex::Male)).is_empty());
        assert!(check_iin("791028302728", None, None).is_empty());

        let issues = check_iin("791028302728", Some(date(1979, 10, 29)), Some(Sex::Female));
        let codes: Vec<IssueCode> = issues.iter().map(|i| i.code).collect();
        assert_eq!(
            codes,
            vec![IssueCode::IinBirthDateMismatch, IssueCode::IinSexMismatch]
        );
        assert!(
            issues
                .iter()
                .all(|i| i.field == "iin" && i.severity == Severity::Error)
        );
        assert!(issues[0].message.contains("1979-10-28"));
        assert!(issues[0].message.contains("1979-10-29"));
        assert!(
            issues[1]
                .message
                .contains("male, but the recorded sex is female")
        );
    }

    #[test]
    fn check_iin_reports_parse_errors_alone() {
        let issues = check_iin("990430300011", Some(date(2000, 1, 1)), Some(Sex::Female));
        assert_eq!(issues.len(), 1);
        assert_eq!(issues[0].code, IssueCode::IinCheckDigit);
    }
}
