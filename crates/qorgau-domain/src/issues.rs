//! Validation findings: a field, a stable code the UI translates, a severity and an English
//! message for logs and the command line.

use serde::{Deserialize, Serialize};
use std::fmt;

/// Stable, translatable codes. The UI switches on these, never on the message text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum IssueCode {
    Required,
    TooLong,
    NotDigits,
    WrongLength,
    InvalidDate,
    DateInFuture,
    DateOrder,
    NegativeAmount,
    IinCenturyDigit,
    IinBirthDateMismatch,
    IinSexMismatch,
    IinCheckDigit,
    IinNotIssued,
    ArnStructure,
    ArnSexDigit,
    ArnChecksum,
    ArnBirthDateMismatch,
    PassportFormat,
    IdCardFormat,
    PhoneInvalid,
    PhoneNotMobileOrFixed,
    BusinessRegNoFormat,
    BusinessRegNoChecksum,
    UnknownWorker,
    UnknownAgency,
    NoWorkers,
    StatusTransition,
    EmptyText,
    TooShortPassphrase,
    RegistryPattern,
    /// A device in a sync team has no leased registry numbers left (sync to lease more).
    RegistryNumbers,
    LetterStatus,
    UncoveredCharacter,
    /// A value outside the allowed set or range (a setting, a language).
    OutOfRange,
}

impl IssueCode {
    /// The stable snake_case name, as serialised.
    pub fn name(self) -> String {
        match serde_json::to_value(self) {
            Ok(serde_json::Value::String(name)) => name,
            _ => format!("{self:?}"),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum Severity {
    /// The value is refused.
    Error,
    /// The value is kept, but a person should look at it.
    Warning,
}

/// One finding about one field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ValidationIssue {
    /// The field in snake_case, dotted for nested fields: `iin`, `employer.business_reg_no`,
    /// `phones[1]`.
    pub field: String,
    pub code: IssueCode,
    pub severity: Severity,
    /// An English explanation naming the field and the problem.
    pub message: String,
}

impl ValidationIssue {
    pub fn error(field: impl Into<String>, code: IssueCode, message: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            code,
            severity: Severity::Error,
            message: message.into(),
        }
    }
    pub fn warning(field: impl Into<String>, code: IssueCode, message: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            code,
            severity: Severity::Warning,
            message: message.into(),
        }
    }
    /// The same finding reported under another field name (for nested records).
    pub fn in_field(mut self, field: impl Into<String>) -> Self {
        self.field = field.into();
        self
    }
}

impl fmt::Display for ValidationIssue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let level = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        write!(
            f,
            "{level}: {}: {} [{}]",
            self.field,
            self.message,
            self.code.name()
        )
    }
}

/// All findings about one record.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ValidationReport {
    pub issues: Vec<ValidationIssue>,
}

impl ValidationReport {
    pub fn push(&mut self, issue: ValidationIssue) {
        self.issues.push(issue);
    }
    pub fn extend(&mut self, issues: impl IntoIterator<Item = ValidationIssue>) {
        self.issues.extend(issues);
    }
    pub fn has_errors(&self) -> bool {
        self.issues.iter().any(|i| i.severity == Severity::Error)
    }
    pub fn errors(&self) -> impl Iterator<Item = &ValidationIssue> {
        self.issues.iter().filter(|i| i.severity == Severity::Error)
    }
    pub fn warnings(&self) -> impl Iterator<Item = &ValidationIssue> {
        self.issues
            .iter()
            .filter(|i| i.severity == Severity::Warning)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_have_stable_snake_case_names() {
        assert_eq!(IssueCode::IinCheckDigit.name(), "iin_check_digit");
        let issue = ValidationIssue::error("iin", IssueCode::IinCheckDigit, "bad check digit");
        assert_eq!(
            issue.to_string(),
            "error: iin: bad check digit [iin_check_digit]"
        );
    }
}
