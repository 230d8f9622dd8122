//! Korean alien registration number (외국인등록번호, ARN): `YYMMDD-GHIJKLX`. G gives century and
//! sex (5/6 born 1900–1999, 7/8 born 2000–2099, odd = male).

use super::iin::sex_name;
use crate::issues::{IssueCode, ValidationIssue};
use crate::worker::Sex;
use chrono::NaiveDate;

const FIELD: &str = "arn";
const FORM: &str = "YYMMDD-GHIJKLX";
const WEIGHTS: [u8; 12] = [2, 3, 4, 5, 6, 7, 8, 9, 2, 3, 4, 5];

/// `YYMMDD-GHIJKLX` when the value is a well-formed ARN (13 digits, with or without a hyphen
/// or spaces between the two halves), otherwise the trimmed input unchanged so that
/// [`check_arn`] can report it.
pub fn normalise_arn(value: &str) -> String {
    match split(value) {
        Some((front, back)) => format!("{front}-{back}"),
        None => value.trim().to_string(),
    }
}

/// Checks an ARN and, when given, that the birth date and sex recorded for the person agree
/// with it. Structure, the 7th digit and the date are hard errors; a wrong check digit is only a
/// warning because numbers issued since October 2020 end in random digits.
pub fn check_arn(
    value: &str,
    birth_date: Option<NaiveDate>,
    sex: Option<Sex>,
) -> Vec<ValidationIssue> {
    let Some((front, back)) = split(value) else {
        return vec![structure_issue(value)];
    };
    let digits: Vec<u8> = front
        .bytes()
        .chain(back.bytes())
        .map(|b| b - b'0')
        .collect();

    let (century, arn_sex) = match digits[6] {
        5 => (1900, Sex::Male),
        6 => (1900, Sex::Female),
        7 => (2000, Sex::Male),
        8 => (2000, Sex::Female),
        other => {
            let hint = if other == 9 || other <= 4 {
                "; 1–4, 9 and 0 belong to Korean citizens' resident registration numbers"
            } else {
                ""
            };
            return vec![error(
                IssueCode::ArnSexDigit,
                format!(
                    "ARN 7th digit must be 5–8 for a registered foreigner (5/6 born 1900–1999, \
                     7/8 born 2000–2099), got {other}{hint}"
                ),
            )];
        }
    };
    let year = century + i32::from(digits[0] * 10 + digits[1]);
    let month = u32::from(digits[2] * 10 + digits[3]);
    let day = u32::from(digits[4] * 10 + digits[5]);
    let Some(arn_birth_date) = NaiveDate::from_ymd_opt(year, month, day) else {
        return vec![error(
            IssueCode::InvalidDate,
            format!(
                "ARN digits 1–6 ({front}) are not a valid birth date in {year} \
                 (the 7th digit {} places it in the {century}s)",
                digits[6]
            ),
        )];
    };

    let mut issues = Vec::new();
    if let Some(recorded) = birth_date
        && recorded != arn_birth_date
    {
        issues.push(error(
            IssueCode::ArnBirthDateMismatch,
            format!(
                "ARN encodes birth date {arn_birth_date}, but the recorded birth date is {recorded}"
            ),
        ));
    }
    if let Some(recorded) = sex
        && recorded != arn_sex
    {
        issues.push(error(
            IssueCode::ArnSexDigit,
            format!(
                "ARN 7th digit {} means {}, but the recorded sex is {}",
                digits[6],
                sex_name(arn_sex),
                sex_name(recorded)
            ),
        ));
    }
    let expected = legacy_check_digit(&digits[..12]);
    if expected != digits[12] {
        issues.push(ValidationIssue::warning(
            FIELD,
            IssueCode::ArnChecksum,
            format!(
                "ARN check digit (13th digit) should be {expected} under the pre-2020 formula, \
                 got {}; numbers issued since October 2020 carry random digits, so this may be \
                 fine, but compare it with the registration card",
                digits[12]
            ),
        ));
    }
    issues
}

/// The two halves of a well-formed ARN: six digits, an optional separator of spaces and at most
/// one dash, seven digits.
fn split(value: &str) -> Option<(&str, &str)> {
    let value = value.trim();
    let front = value.get(..6)?;
    let rest = value.get(6..)?.trim_start();
    let rest = rest.strip_prefix(is_dash).unwrap_or(rest).trim_start();
    let all_digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    (all_digits(front) && rest.len() == 7 && all_digits(rest)).then_some((front, rest))
}

fn is_dash(c: char) -> bool {
    // Hyphens pasted from word processors and PDFs are often one of the Unicode dashes.
    matches!(c, '-' | '\u{2010}'..='\u{2015}' | '\u{2212}')
}

/// `(13 − Σ d[i]·w[i] mod 11) mod 10`: the foreigner variant of the resident-number formula.
fn legacy_check_digit(body: &[u8]) -> u8 {
    let sum: u32 = body
        .iter()
        .zip(WEIGHTS)
        .map(|(&digit, weight)| u32::from(digit) * u32::from(weight))
        .sum();
    // The remainder is below 11, so the result is a single digit.
    u8::try_from((13 - sum % 11) % 10).unwrap_or_default()
}

fn structure_issue(value: &str) -> ValidationIssue {
    let value = value.trim();
    let digits = value.chars().filter(char::is_ascii_digit).count();
    let message = if value.is_empty() {
        format!("ARN is empty; it must be 13 digits written as {FORM}")
    } else if digits != 13 {
        format!("ARN must be 13 digits written as {FORM}, got {digits} digits")
    } else {
        format!(
            "ARN must be written as {FORM} (six digits, an optional hyphen, seven digits); \
             it has 13 digits but other characters or separators in the wrong place"
        )
    };
    error(IssueCode::ArnStructure, message)
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

    fn codes(issues: &[ValidationIssue]) -> Vec<IssueCode> {
        issues.iter().map(|i| i.code).collect()
    }

    fn digits(s: &str) -> Vec<u8> {
        s.bytes().map(|b| b - b'0').collect()
    }

    #[test]
    fn reference_checksum_vectors() {
        assert_eq!(legacy_check_digit(&digits("911124567890")), 6);
        assert_eq!(legacy_check_digit(&digits("050912600001")), 2);
        assert!(check_arn("911124-5678906", None, None).is_empty());
        // G = 6 places 050912 in 1905, which is a valid (if unlikely) birth date.
        assert!(check_arn("050912-6000012", None, None).is_empty());
        assert!(check_arn("050912-6000012", Some(date(1905, 9, 12)), Some(Sex::Female)).is_empty());
    }

    #[test]
    fn normalises_separators() {
        for input in [
            "911124-5678906",
            "9111245678906",
            "911124 5678906",
            " 911124 - 5678906 ",
            "911124–5678906",
            "911124\u{2212}5678906",
        ] {
            assert_eq!(normalise_arn(input), "911124-5678906", "{input:?}");
            assert!(check_arn(input, None, None).is_empty(), "{input:?}");
        }
    }

    #[test]
    fn leaves_malformed_input_trimmed_but_otherwise_alone() {
        assert_eq!(normalise_arn("  9111-245678906 "), "9111-245678906");
        assert_eq!(normalise_arn("911124--5678906"), "911124--5678906");
        assert_eq!(normalise_arn(""), "");
        assert_eq!(normalise_arn("abc"), "abc");
        assert_eq!(
            normalise_arn("가나다라마바사아자차카타파"),
            "가나다라마바사아자차카타파"
        );
    }

    #[test]
    fn structure_errors() {
        for input in [
            "",
            "   ",
            "911124-567890",
            "911124-56789060",
            "9111-245678906",
            "911124/5678906",
            "911124--5678906",
            "91112a-5678906",
            "911124-567890６",
            "ARN 911124-5678906",
        ] {
            let issues = check_arn(input, None, None);
            assert_eq!(codes(&issues), vec![IssueCode::ArnStructure], "{input:?}");
            assert_eq!(issues[0].severity, Severity::Error);
            assert_eq!(issues[0].field, "arn");
        }
        let short = check_arn("911124-567890", None, None);
        assert!(
            short[0].message.contains("got 12 digits"),
            "{}",
            short[0].message
        );
        let separators = check_arn("9111-245678906", None, None);
        assert!(separators[0].message.contains("13 digits but"));
    }

    #[test]
    fn seventh_digit_must_be_five_to_eight() {
        for g in [0, 1, 2, 3, 4, 9] {
            let issues = check_arn(&format!("911124-{g}678906"), None, None);
            assert_eq!(codes(&issues), vec![IssueCode::ArnSexDigit], "G = {g}");
            assert_eq!(issues[0].severity, Severity::Error);
            assert!(issues[0].message.contains("resident registration"));
        }
    }

    #[test]
    fn century_and_sex_follow_the_seventh_digit() {
        // Check digits from the legacy formula, computed independently (Python).
        let cases = [
            ("911124-5678906", date(1991, 11, 24), Sex::Male),
            ("980315-6123453", date(1998, 3, 15), Sex::Female),
            ("050912-7000014", date(2005, 9, 12), Sex::Male),
            ("050912-8000017", date(2005, 9, 12), Sex::Female),
        ];
        for (arn, birth_date, sex) in cases {
            assert!(
                check_arn(arn, Some(birth_date), Some(sex)).is_empty(),
                "{arn}"
            );
        }
    }

    #[test]
    fn february_29_depends_on_the_century() {
        assert!(check_arn("000229-7000004", Some(date(2000, 2, 29)), None).is_empty());
        let issues = check_arn("000229-5000000", None, None);
        assert_eq!(codes(&issues), vec![IssueCode::InvalidDate]);
        assert!(issues[0].message.contains("1900"));
        let issues = check_arn("010229-7000000", None, None);
        assert_eq!(codes(&issues), vec![IssueCode::InvalidDate]);
        assert_eq!(
            codes(&check_arn("911324-5678906", None, None)),
            vec![IssueCode::InvalidDate]
        );
        assert_eq!(
            codes(&check_arn("910431-5678906", None, None)),
            vec![IssueCode::InvalidDate]
        );
    }

    #[test]
    fn disagreement_with_the_record_is_an_error() {
        let issues = check_arn(
            "911124-5678906",
            Some(date(1991, 11, 25)),
            Some(Sex::Female),
        );
        assert_eq!(
            codes(&issues),
            vec![IssueCode::ArnBirthDateMismatch, IssueCode::ArnSexDigit]
        );
        assert!(issues.iter().all(|i| i.severity == Severity::Error));
        assert!(issues[0].message.contains("1991-11-24"));
        assert!(issues[0].message.contains("1991-11-25"));
        assert!(
            issues[1]
                .message
                .contains("means male, but the recorded sex is female"),
            "{}",
            issues[1].message
        );
        // The IIN code is not used for ARNs.
        assert!(!codes(&issues).contains(&IssueCode::IinSexMismatch));
    }

    #[test]
    fn a_wrong_check_digit_is_only_a_warning() {
        let issues = check_arn("911124-5678907", Some(date(1991, 11, 24)), Some(Sex::Male));
        assert_eq!(codes(&issues), vec![IssueCode::ArnChecksum]);
        assert_eq!(issues[0].severity, Severity::Warning);
        assert!(issues[0].message.contains("should be 6"));
        assert!(issues[0].message.contains("October 2020"));

        let issues = check_arn("911124-5678907", Some(date(1990, 1, 1)), None);
        assert_eq!(
            codes(&issues),
            vec![IssueCode::ArnBirthDateMismatch, IssueCode::ArnChecksum]
        );
    }
}
