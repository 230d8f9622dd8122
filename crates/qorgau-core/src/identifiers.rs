//! Checking one identifier on its own (`qorgau validate …`, the UI's inline checks).

use qorgau_domain::validation::{arn, documents, iin, phone};
use qorgau_domain::{Severity, ValidationIssue};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum IdentifierKind {
    Iin,
    Arn,
    KzPassport,
    KzIdCard,
    Phone,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct IdentifierCheck {
    pub valid: bool,
    /// The value in canonical form (E.164 for phones).
    pub normalised: String,
    pub issues: Vec<ValidationIssue>,
}

pub fn check(kind: IdentifierKind, value: &str) -> IdentifierCheck {
    let (normalised, issues) = match kind {
        IdentifierKind::Iin => (value.trim().to_string(), iin::check_iin(value, None, None)),
        IdentifierKind::Arn => {
            let n = arn::normalise_arn(value);
            let issues = arn::check_arn(&n, None, None);
            (n, issues)
        }
        IdentifierKind::KzPassport => (
            documents::normalise_kz_passport(value),
            documents::check_kz_passport(value),
        ),
        IdentifierKind::KzIdCard => (value.trim().to_string(), documents::check_kz_id_card(value)),
        IdentifierKind::Phone => match phone::normalise_phone(value) {
            Ok(e164) => (e164, Vec::new()),
            Err(issue) => (value.trim().to_string(), vec![issue]),
        },
    };
    IdentifierCheck {
        valid: !issues.iter().any(|i| i.severity == Severity::Error),
        normalised,
        issues,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checks_report_validity_and_canonical_form() {
        assert!(check(IdentifierKind::Iin, "791028302728").valid);
        assert!(!check(IdentifierKind::Iin, "990430300011").valid);
        let phone = check(IdentifierKind::Phone, "010-1234-5678");
        assert_eq!(phone.normalised, "+821012345678");
        // A bad ARN checksum is a warning only: post-2020 numbers carry random digits.
        let arn = check(IdentifierKind::Arn, "9111245678905");
        assert!(arn.valid);
        assert_eq!(arn.issues.len(), 1);
    }
}
