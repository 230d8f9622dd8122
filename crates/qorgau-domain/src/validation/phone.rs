//! Phone numbers, stored in E.164. Workers and employers give Korean national numbers, Kazakh
//! national numbers with the trunk prefix 8, or international numbers with `+` or `00`.

use crate::issues::{IssueCode, ValidationIssue};
use phonenumber::country::Id;
use phonenumber::metadata::DATABASE;
use phonenumber::{PhoneNumber, Type};

const FIELD: &str = "phones";

/// Parses a phone number and returns it in E.164 (`+821012345678`). Numbers without a country
/// code are read as Kazakh when they look like a Kazakh national number (`8 7xx …` or
/// `7xx …`) and as Korean otherwise.
pub fn normalise_phone(value: &str) -> Result<String, ValidationIssue> {
    let input = value.trim();
    if input.is_empty() {
        return Err(invalid("phone number is empty".to_string()));
    }
    // The parser reads letters as keypad digits (a = 2, …), which would silently turn a typo
    // or an "ext." into a different number.
    if let Some(bad) = input.chars().find(|&c| !is_phone_char(c)) {
        return Err(invalid(format!(
            "phone number {input:?} contains {bad:?}; use only digits, spaces, +, -, ( and )"
        )));
    }
    if input.rfind('+').is_some_and(|i| i > 0) {
        return Err(invalid(format!(
            "phone number {input:?} has a + that is not at the start"
        )));
    }

    let Some((number, kind)) = parse(input) else {
        let message = if input.starts_with('+') || input.starts_with("00") {
            format!("phone number {input:?} is not a valid number for its country code")
        } else {
            format!(
                "phone number {input:?} is not a valid Korean or Kazakh number; write numbers \
                 from other countries with + and the country code"
            )
        };
        return Err(invalid(message));
    };
    if !is_personal_line(kind) {
        return Err(ValidationIssue::error(
            FIELD,
            IssueCode::PhoneNotMobileOrFixed,
            format!(
                "phone number {input:?} is a {} number, not a mobile or fixed line; such numbers \
                 usually cannot be dialled from abroad, so record the person's own number",
                describe(kind)
            ),
        ));
    }
    Ok(e164(&number))
}

/// A stored (E.164) number as a letter to a Korean agency writes it: Korean numbers in the
/// national form (`010-1234-5678`, `02-379-9714`, `1588-0075`), Kazakh ones grouped
/// (`+7 701 234 5678`). Anything else is returned as it is. Plain string work: the phone
/// metadata takes ~200 ms to load, too slow for a letter rendered in a fresh process.
pub fn phone_for_korean_letter(stored: &str) -> String {
    let stored = stored.trim();
    let digits_only = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if let Some(national) = stored.strip_prefix("+82").filter(|n| digits_only(n)) {
        return korean_national(national).unwrap_or_else(|| stored.to_owned());
    }
    if let Some(national) = stored
        .strip_prefix("+7")
        .filter(|n| digits_only(n) && n.len() == 10)
    {
        return format!(
            "+7 {} {} {}",
            &national[..3],
            &national[3..6],
            &national[6..]
        );
    }
    stored.to_owned()
}

/// `national` is the number after +82, without the trunk 0.
fn korean_national(national: &str) -> Option<String> {
    let n = national.len();
    let split = |area: usize| -> String {
        let rest = &national[area..];
        let middle = rest.len() - 4;
        format!(
            "0{}-{}-{}",
            &national[..area],
            &rest[..middle],
            &rest[middle..]
        )
    };
    match national.as_bytes().first()? {
        // Seoul: 02-XXX-XXXX or 02-XXXX-XXXX.
        b'2' if (9..=10).contains(&(n + 1)) => Some(split(1)),
        // Nationwide service numbers: 1588-0075.
        b'1' if n == 8 && ["15", "16", "18"].iter().any(|p| national.starts_with(p)) => {
            Some(format!("{}-{}", &national[..4], &national[4..]))
        }
        // Personal numbers: 0505-123-4567, 0504-1234-5678.
        b'5' if national.starts_with("50") && (10..=11).contains(&n) => Some(split(3)),
        // Mobile (010), area codes (031–064), 070, 080 and the like: three digits with the 0.
        b'1' | b'3'..=b'8' if (10..=11).contains(&(n + 1)) => Some(split(2)),
        _ => None,
    }
}

/// The number in E.164: `+`, the country code and the national number with its leading zeros,
/// which is what `number.format().mode(Mode::E164)` writes, without first choosing a national
/// format pattern that E.164 does not use.
fn e164(number: &PhoneNumber) -> String {
    format!("+{}{}", number.country().code(), number.national())
}

/// The number and its type when it is valid. A known type implies validity, so the costly
/// `is_valid` check only runs for numbers whose type comes back unknown.
fn valid_with_type(number: PhoneNumber) -> Option<(PhoneNumber, Type)> {
    let kind = number.number_type(&DATABASE);
    (kind != Type::Unknown || number.is_valid()).then_some((number, kind))
}

/// Parses the input and returns it with its type when it is a valid number.
fn parse(input: &str) -> Option<(PhoneNumber, Type)> {
    if input.starts_with('+') {
        return parse_international(input);
    }
    if let Some(rest) = input.strip_prefix("00") {
        // 00 is the international prefix in Kazakhstan and most of the world; Korea's carrier
        // prefixes (001, 002, 00700, …) are tried next.
        return parse_international(&format!("+{rest}"))
            .filter(|(n, _)| n.is_valid())
            .or_else(|| {
                phonenumber::parse(Some(Id::KR), input)
                    .ok()
                    .and_then(valid_with_type)
            });
    }
    let digits: String = input.chars().filter(char::is_ascii_digit).collect();
    let international = if digits.len() == 11 && digits.starts_with("87") {
        Some(format!("+7{}", &digits[1..]))
    } else if digits.len() == 10 && digits.starts_with('7') {
        Some(format!("+7{digits}"))
    } else if digits.len() == 11 && digits.starts_with('7') {
        // Kazakh (and Russian) numbers are often written with the country code but no +.
        Some(format!("+{digits}"))
    } else {
        None
    };
    match international {
        // Rewritten as +7 because the parser, given region KZ, mistakes a leading 7 in a
        // 10-digit national number for the country code.
        Some(number) => phonenumber::parse(Some(Id::KZ), number).ok(),
        None => phonenumber::parse(Some(Id::KR), input).ok(),
    }
    .and_then(valid_with_type)
}

/// Parses a number written with `+` and a country code; the number and its type when valid.
fn parse_international(input: &str) -> Option<(PhoneNumber, Type)> {
    // Without a region, phonenumber 0.3 strips the target country's trunk prefix even when it
    // is part of the number, so +7 812 … (St Petersburg) loses its 8. With region KR only a
    // leading 0 is stripped, which no +7 number has. Each reading is kept only if valid.
    phonenumber::parse(None, input)
        .ok()
        .and_then(valid_with_type)
        .or_else(|| {
            phonenumber::parse(Some(Id::KR), input)
                .ok()
                .and_then(valid_with_type)
        })
}

fn is_phone_char(c: char) -> bool {
    c.is_ascii_digit()
        || c.is_whitespace()
        || matches!(
            c,
            '+' | '-' | '(' | ')' | '.' | '\u{2010}'..='\u{2015}' | '\u{2212}'
        )
}

fn is_personal_line(kind: Type) -> bool {
    // Korean 070 internet phones are ordinary subscriber lines, reachable from abroad, and
    // commonly given by workers and small employers. A valid number only comes back Unknown
    // because phonenumber 0.3 drops leading zeros when it picks the type, which happens to
    // landlines such as Italy's +39 06 …
    matches!(
        kind,
        Type::Mobile | Type::FixedLine | Type::FixedLineOrMobile | Type::Voip | Type::Unknown
    )
}

fn describe(kind: Type) -> &'static str {
    match kind {
        Type::TollFree => "toll-free",
        Type::PremiumRate => "premium-rate",
        Type::SharedCost => "shared-cost",
        Type::PersonalNumber => "personal-forwarding",
        Type::Pager => "pager",
        Type::Uan => "service (e.g. 15xx/16xx)",
        Type::Emergency => "emergency",
        Type::Voicemail => "voicemail",
        Type::ShortCode => "short-code",
        _ => "special-service",
    }
}

fn invalid(message: String) -> ValidationIssue {
    ValidationIssue::error(FIELD, IssueCode::PhoneInvalid, message)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::issues::Severity;

    fn ok(input: &str) -> String {
        normalise_phone(input).unwrap_or_else(|e| panic!("{input:?}: {e}"))
    }

    fn code(input: &str) -> IssueCode {
        normalise_phone(input).unwrap_err().code
    }

    #[test]
    fn korean_numbers() {
        assert_eq!(ok("+82 10-1234-5678"), "+821012345678");
        assert_eq!(ok("010-1234-5678"), "+821012345678");
        assert_eq!(ok("01012345678"), "+821012345678");
        assert_eq!(ok("010 1234 5678"), "+821012345678");
        assert_eq!(ok("010.1234.5678"), "+821012345678");
        assert_eq!(ok("+82 010-1234-5678"), "+821012345678");
        assert_eq!(ok("+82 (0)10 1234 5678"), "+821012345678");
        assert_eq!(ok("+821012345678"), "+821012345678");
        assert_eq!(ok("02-123-4567"), "+8221234567");
        assert_eq!(ok("02-1234-5678"), "+82212345678");
        assert_eq!(ok("031-123-4567"), "+82311234567");
        assert_eq!(ok("051-123-4567"), "+82511234567");
        assert_eq!(ok("070-1234-5678"), "+827012345678");
        assert_eq!(ok("  010-1234-5678\t"), "+821012345678");
    }

    #[test]
    fn korean_mobile_is_detected_as_mobile() {
        for input in ["010-1234-5678", "+82 10 9876 5432"] {
            let n = phonenumber::parse(Some(Id::KR), input).unwrap();
            assert_eq!(n.number_type(&DATABASE), Type::Mobile, "{input}");
            assert_eq!(n.country().id(), Some(Id::KR));
        }
    }

    #[test]
    fn kazakh_numbers() {
        assert_eq!(ok("+7 701 123 45 67"), "+77011234567");
        assert_eq!(ok("+7 (701) 123-45-67"), "+77011234567");
        assert_eq!(ok("8 701 123 45 67"), "+77011234567");
        assert_eq!(ok("8(701)1234567"), "+77011234567");
        assert_eq!(ok("87011234567"), "+77011234567");
        assert_eq!(ok("7011234567"), "+77011234567");
        assert_eq!(ok("701 123 45 67"), "+77011234567");
        assert_eq!(ok("7 701 123 45 67"), "+77011234567");
        assert_eq!(ok("77011234567"), "+77011234567");
        // Almaty and Astana landlines.
        assert_eq!(ok("8 727 212 34 56"), "+77272123456");
        assert_eq!(ok("8 7172 12 34 56"), "+77172123456");
    }

    #[test]
    fn kazakh_mobile_prefixes_are_detected_as_mobile() {
        // 7(0[0-25-8]|47|6[0-4]|7[15-8]|85) from the KZ metadata.
        for prefix in [
            "700", "701", "702", "705", "706", "707", "708", "747", "760", "761", "762", "763",
            "764", "771", "775", "776", "777", "778", "785",
        ] {
            let e164 = format!("+7{prefix}1234567");
            let n = phonenumber::parse(None, &e164).unwrap();
            assert_eq!(n.number_type(&DATABASE), Type::Mobile, "{e164}");
            assert_eq!(n.country().id(), Some(Id::KZ), "{e164}");
            assert_eq!(ok(&format!("8{prefix}1234567")), e164);
        }
        for prefix in ["703", "704", "709", "740", "765", "770"] {
            assert_eq!(
                code(&format!("8 {prefix} 123 45 67")),
                IssueCode::PhoneInvalid,
                "{prefix}"
            );
        }
    }

    #[test]
    fn international_prefix_00() {
        assert_eq!(ok("00 82 10 1234 5678"), "+821012345678");
        assert_eq!(ok("0082-10-1234-5678"), "+821012345678");
        assert_eq!(ok("00 7 701 123 45 67"), "+77011234567");
        assert_eq!(ok("001 82 10 1234 5678"), "+821012345678");
    }

    #[test]
    fn other_countries_are_accepted() {
        assert_eq!(ok("+7 916 123 45 67"), "+79161234567");
        assert_eq!(ok("+7 495 123 45 67"), "+74951234567");
        assert_eq!(ok("+998 90 123 45 67"), "+998901234567");
        assert_eq!(ok("+996 555 123 456"), "+996555123456");
        assert_eq!(ok("+998 71 123 45 67"), "+998711234567");
        assert_eq!(ok("+39 06 1234 5678"), "+390612345678");
        assert_eq!(ok("+44 (0)20 7946 0958"), "+442079460958");
    }

    #[test]
    fn russian_numbers_beginning_with_the_trunk_digit_keep_it() {
        assert_eq!(ok("+7 812 312 34 56"), "+78123123456");
        assert_eq!(ok("+7 (843) 123-45-67"), "+78431234567");
        assert_eq!(ok("00 7 812 312 34 56"), "+78123123456");
    }

    #[test]
    fn service_numbers_are_refused() {
        for input in ["1588-0075", "1577-0071", "+82 1588 0075", "080-123-4567"] {
            let issue = normalise_phone(input).unwrap_err();
            assert_eq!(issue.code, IssueCode::PhoneNotMobileOrFixed, "{input}");
            assert_eq!(issue.severity, Severity::Error);
            assert_eq!(issue.field, "phones");
            assert!(issue.message.contains(input), "{}", issue.message);
        }
        assert!(
            normalise_phone("1588-0075")
                .unwrap_err()
                .message
                .contains("service")
        );
        assert_eq!(code("+7 800 123 45 67"), IssueCode::PhoneNotMobileOrFixed);
    }

    #[test]
    fn invalid_numbers() {
        for input in [
            "",
            "   ",
            "12",
            "1345",
            "abc",
            "+",
            "+82",
            "+999 123",
            "010-1234",
            "010-1234-56789",
            "+82 60 123 4567",
            "8 916 123 45 67",
            "+7 709 123 45 67",
        ] {
            let issue = normalise_phone(input).unwrap_err();
            assert_eq!(issue.code, IssueCode::PhoneInvalid, "{input:?}");
            assert_eq!(issue.severity, Severity::Error);
            assert_eq!(issue.field, "phones");
        }
        assert!(
            normalise_phone("1345")
                .unwrap_err()
                .message
                .contains("\"1345\" is not a valid Korean or Kazakh number")
        );
        assert!(
            normalise_phone("+82 60 123 4567")
                .unwrap_err()
                .message
                .contains("for its country code")
        );
    }

    #[test]
    fn letters_and_stray_characters_are_refused() {
        for input in [
            "010-12a4-5678",
            "010-1234-5678 ext 12",
            "010 1234 5678 #1",
            "010-1234-5678 / 010-9999-8888",
            "tel:+821012345678",
            "１０１２３４５６７８",
            "010+1234+5678",
            "82+1012345678",
        ] {
            assert_eq!(code(input), IssueCode::PhoneInvalid, "{input:?}");
        }
        assert!(
            normalise_phone("010-12a4-5678")
                .unwrap_err()
                .message
                .contains("'a'")
        );
    }

    #[test]
    fn letters_write_korean_numbers_in_the_national_form() {
        assert_eq!(phone_for_korean_letter("+821045808402"), "010-4580-8402");
        assert_eq!(phone_for_korean_letter("+82313456789"), "031-345-6789");
        assert_eq!(phone_for_korean_letter("+77012345678"), "+7 701 234 5678");
        assert_eq!(phone_for_korean_letter("+8223799714"), "02-379-9714");
        assert_eq!(phone_for_korean_letter("+82212345678"), "02-1234-5678");
        assert_eq!(phone_for_korean_letter("+8215880075"), "1588-0075");
        assert_eq!(phone_for_korean_letter("+827012345678"), "070-1234-5678");
        assert_eq!(phone_for_korean_letter("+825051234567"), "0505-123-4567");
        assert_eq!(phone_for_korean_letter("+825041234567"), "0504-123-4567");
        assert_eq!(phone_for_korean_letter("+82801234567"), "080-123-4567");
        assert_eq!(phone_for_korean_letter("+4930123456"), "+4930123456");
        assert_eq!(phone_for_korean_letter("not a number"), "not a number");
    }
}
