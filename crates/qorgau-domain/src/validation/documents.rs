//! Document numbers: Kazakh passport and ID card, and the Korean business registration number
//! (사업자등록번호) of an employer.

use crate::issues::{IssueCode, ValidationIssue};

const PASSPORT_FIELD: &str = "passport_no";
const PASSPORT_FORM: &str = "N followed by 7–8 digits, e.g. N12345678";
const ID_CARD_FIELD: &str = "id_card_no";
const ID_CARD_LEN: usize = 9;
const BRN_FIELD: &str = "business_reg_no";
const BRN_FORM: &str = "123-45-67890";
const BRN_WEIGHTS: [u8; 9] = [1, 3, 7, 1, 3, 7, 1, 3, 5];

/// Upper-cases a Kazakh passport number and drops all whitespace.
pub fn normalise_kz_passport(value: &str) -> String {
    value
        .chars()
        .filter(|c| !c.is_whitespace())
        .flat_map(char::to_uppercase)
        .collect()
}

/// Checks a Kazakh passport number: Latin `N` and 7–8 digits (`^N\d{7,8}$`), after
/// [`normalise_kz_passport`].
pub fn check_kz_passport(value: &str) -> Vec<ValidationIssue> {
    let value = normalise_kz_passport(value);
    let mut chars = value.chars();
    let first = chars.next();
    let rest = chars.as_str();
    let digits_ok = (7..=8).contains(&rest.len()) && rest.bytes().all(|b| b.is_ascii_digit());
    let problem = match first {
        Some('N') if digits_ok => return Vec::new(),
        None => "passport number is empty".to_string(),
        // Cyrillic Н looks the same as N and is a common slip on a Russian or Kazakh keyboard.
        Some('Н') => "passport number must start with the Latin letter N, not the Cyrillic Н \
                      (switch the keyboard layout)"
            .to_string(),
        Some('N') => match rest.chars().find(|c| !c.is_ascii_digit()) {
            Some(bad) => {
                format!("passport number must have only digits after the N, found {bad:?}")
            }
            None => format!(
                "passport number must have 7–8 digits after the N, got {}",
                rest.len()
            ),
        },
        Some(other) => format!("passport number must start with the letter N, got {other:?}"),
    };
    vec![ValidationIssue::error(
        PASSPORT_FIELD,
        IssueCode::PassportFormat,
        format!("{problem}; expected {PASSPORT_FORM}"),
    )]
}

/// Checks a Kazakh ID card (удостоверение личности) document number: exactly 9 digits.
pub fn check_kz_id_card(value: &str) -> Vec<ValidationIssue> {
    let value = value.trim();
    let message = if value.is_empty() {
        format!("ID card number is empty; it must be {ID_CARD_LEN} digits")
    } else if let Some(bad) = value.chars().find(|c| !c.is_ascii_digit()) {
        format!("ID card number must contain only digits, found {bad:?}")
    } else if value.len() == 12 {
        // The 12-digit IIN is printed on the same card and is easily copied instead.
        format!(
            "ID card number must be {ID_CARD_LEN} digits, got 12; that looks like the IIN, not \
             the card's document number"
        )
    } else if value.len() != ID_CARD_LEN {
        format!(
            "ID card number must be {ID_CARD_LEN} digits, got {}",
            value.len()
        )
    } else {
        return Vec::new();
    };
    vec![ValidationIssue::error(
        ID_CARD_FIELD,
        IssueCode::IdCardFormat,
        message,
    )]
}

/// `123-45-67890` when the value is a well-formed business registration number (10 digits,
/// plain or grouped 3-2-5 by hyphens or spaces), otherwise the trimmed input unchanged so that
/// [`check_business_reg_no`] can report it.
pub fn normalise_business_reg_no(value: &str) -> String {
    match business_reg_digits(value) {
        Some(d) => format!("{}-{}-{}", &d[..3], &d[3..5], &d[5..]),
        None => value.trim().to_string(),
    }
}

/// Checks a Korean business registration number. A wrong structure is an error; a wrong check
/// digit is a warning, since a person should compare it with the certificate rather than have
/// the record refused.
pub fn check_business_reg_no(value: &str) -> Vec<ValidationIssue> {
    let Some(digits) = business_reg_digits(value) else {
        let value = value.trim();
        let count = value.chars().filter(char::is_ascii_digit).count();
        let message = if value.is_empty() {
            format!("business registration number is empty; it must be 10 digits, e.g. {BRN_FORM}")
        } else if count != 10 {
            format!(
                "business registration number must be 10 digits, e.g. {BRN_FORM}, got {count} digits"
            )
        } else {
            format!(
                "business registration number must be written as {BRN_FORM} or as 10 digits \
                 without separators"
            )
        };
        return vec![ValidationIssue::error(
            BRN_FIELD,
            IssueCode::BusinessRegNoFormat,
            message,
        )];
    };
    let d: Vec<u8> = digits.bytes().map(|b| b - b'0').collect();
    let expected = business_reg_check_digit(&d[..9]);
    if expected == d[9] {
        return Vec::new();
    }
    vec![ValidationIssue::warning(
        BRN_FIELD,
        IssueCode::BusinessRegNoChecksum,
        format!(
            "business registration number check digit (10th digit) should be {expected}, got {}; \
             compare it with the employer's registration certificate",
            d[9]
        ),
    )]
}

/// The 10 digits of a well-formed number: either 10 digits in a row or groups of 3, 2 and 5
/// separated by hyphens and/or spaces.
fn business_reg_digits(value: &str) -> Option<String> {
    let groups: Vec<&str> = value
        .split(|c: char| c == '-' || c.is_whitespace())
        .filter(|g| !g.is_empty())
        .collect();
    let lengths: Vec<usize> = groups.iter().map(|g| g.len()).collect();
    let all_digits = groups.iter().all(|g| g.bytes().all(|b| b.is_ascii_digit()));
    (all_digits && (lengths == [10] || lengths == [3, 2, 5])).then(|| groups.concat())
}

/// National Tax Service check digit: weights 1,3,7,1,3,7,1,3,5, plus the tens of the last
/// product, then the complement to 10.
fn business_reg_check_digit(body: &[u8]) -> u8 {
    let weighted: u32 = body
        .iter()
        .zip(BRN_WEIGHTS)
        .map(|(&digit, weight)| u32::from(digit) * u32::from(weight))
        .sum();
    let carry = body.get(8).map_or(0, |&d| u32::from(d) * 5 / 10);
    // The result is reduced mod 10, so it is a single digit.
    u8::try_from((10 - (weighted + carry) % 10) % 10).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::issues::Severity;

    fn codes(issues: &[ValidationIssue]) -> Vec<IssueCode> {
        issues.iter().map(|i| i.code).collect()
    }

    #[test]
    fn passport_normalisation() {
        assert_eq!(normalise_kz_passport(" n 1234 5678 "), "N12345678");
        assert_eq!(normalise_kz_passport("N12345678"), "N12345678");
        assert_eq!(normalise_kz_passport(""), "");
        assert_eq!(normalise_kz_passport("н1234567"), "Н1234567");
    }

    #[test]
    fn valid_passports() {
        for value in ["N12345678", "N1234567", "n12345678", " N 1234 5678 "] {
            assert!(check_kz_passport(value).is_empty(), "{value:?}");
        }
    }

    #[test]
    fn invalid_passports() {
        for value in [
            "",
            "   ",
            "N123456",
            "N123456789",
            "12345678",
            "M12345678",
            "NN1234567",
            "N1234567A",
            "N-12345678",
            "N１２３４５６７８",
            "AB1234567",
        ] {
            let issues = check_kz_passport(value);
            assert_eq!(codes(&issues), vec![IssueCode::PassportFormat], "{value:?}");
            assert_eq!(issues[0].field, "passport_no");
            assert_eq!(issues[0].severity, Severity::Error);
            assert!(
                issues[0]
                    .message
                    .contains("N followed by 7–8 digits, e.g. N12345678"),
                "{}",
                issues[0].message
            );
        }
        assert!(check_kz_passport("N123456")[0].message.contains("got 6"));
        assert!(check_kz_passport("N1234567A")[0].message.contains("'A'"));
        assert!(check_kz_passport("M12345678")[0].message.contains("'M'"));
    }

    #[test]
    fn cyrillic_en_is_refused_with_a_hint() {
        for value in ["Н12345678", "н12345678", "Н1234567"] {
            let issues = check_kz_passport(value);
            assert_eq!(codes(&issues), vec![IssueCode::PassportFormat], "{value:?}");
            assert!(
                issues[0].message.contains("Latin letter N"),
                "{}",
                issues[0].message
            );
            assert!(issues[0].message.contains("Cyrillic"));
        }
    }

    #[test]
    fn id_cards() {
        assert!(check_kz_id_card("012345678").is_empty());
        assert!(check_kz_id_card(" 123456789 ").is_empty());
        for value in [
            "",
            "12345678",
            "1234567890",
            "12345678a",
            "123 456 789",
            "N12345678",
        ] {
            let issues = check_kz_id_card(value);
            assert_eq!(codes(&issues), vec![IssueCode::IdCardFormat], "{value:?}");
            assert_eq!(issues[0].field, "id_card_no");
            assert_eq!(issues[0].severity, Severity::Error);
        }
        assert_eq!(
            check_kz_id_card("12345678")[0].message,
            "ID card number must be 9 digits, got 8"
        );
        assert!(check_kz_id_card("791028302728")[0].message.contains("IIN"));
    }

    #[test]
    fn business_reg_no_normalisation() {
        assert_eq!(normalise_business_reg_no("1248100998"), "124-81-00998");
        assert_eq!(normalise_business_reg_no(" 124-81-00998 "), "124-81-00998");
        assert_eq!(normalise_business_reg_no("124 81 00998"), "124-81-00998");
        assert_eq!(
            normalise_business_reg_no("124 - 81 - 00998"),
            "124-81-00998"
        );
        assert_eq!(normalise_business_reg_no(" 1248-100998 "), "1248-100998");
        assert_eq!(normalise_business_reg_no("124-81-0099"), "124-81-0099");
        assert_eq!(normalise_business_reg_no(""), "");
    }

    #[test]
    fn known_business_reg_numbers_pass() {
        // Samsung Electronics, NAVER and the python-stdnum / dataprep example; each check digit
        // was also recomputed by hand, e.g. 124-81-00998: 1+6+28+8+3+0+0+27+45 = 118,
        // plus 45 / 10 = 4 gives 122, and (10 − 2) mod 10 = 8.
        for value in ["124-81-00998", "220-81-62517", "134-86-72683", "1248100998"] {
            assert!(check_business_reg_no(value).is_empty(), "{value}");
        }
        // Without the carry of 9 × 5 / 10 = 4 this would give 2.
        assert_eq!(business_reg_check_digit(&[1, 2, 4, 8, 1, 0, 0, 9, 9]), 8);
        assert_eq!(business_reg_check_digit(&[2, 2, 0, 8, 1, 6, 2, 5, 1]), 7);
    }

    #[test]
    fn wrong_business_reg_check_digit_is_a_warning() {
        let issues = check_business_reg_no("123-45-67890");
        assert_eq!(codes(&issues), vec![IssueCode::BusinessRegNoChecksum]);
        assert_eq!(issues[0].severity, Severity::Warning);
        assert_eq!(issues[0].field, "business_reg_no");
        assert!(
            issues[0].message.contains("should be 1, got 0"),
            "{}",
            issues[0].message
        );
        assert_eq!(
            codes(&check_business_reg_no("124-81-00999")),
            vec![IssueCode::BusinessRegNoChecksum]
        );
    }

    #[test]
    fn malformed_business_reg_numbers_are_errors() {
        for value in [
            "",
            "124-81-0099",
            "124-81-009981",
            "1248-100998",
            "124-81-0099a",
            "124/81/00998",
            "１２４-８１-００９９８",
        ] {
            let issues = check_business_reg_no(value);
            assert_eq!(
                codes(&issues),
                vec![IssueCode::BusinessRegNoFormat],
                "{value:?}"
            );
            assert_eq!(issues[0].severity, Severity::Error);
        }
        assert!(
            check_business_reg_no("124-81-0099")[0]
                .message
                .contains("got 9 digits")
        );
    }
}
