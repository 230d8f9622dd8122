//! Printing results and failures, and the exit codes the README documents:
//! 0 ok, 1 invalid input, 2 usage, 3 wrong passphrase, 4 not found, 5 other failures,
//! 6 sync failed (server unreachable or refusing, or its data unusable).

use qorgau_core::{CoreError, ErrorCode};
use serde::Serialize;
use serde_json::json;

#[derive(Debug)]
pub enum Failure {
    Core(CoreError),
    Usage(String),
    /// Already reported on stdout (e.g. `validate` of an invalid value): only the exit code.
    Reported(u8),
}

impl From<CoreError> for Failure {
    fn from(e: CoreError) -> Self {
        Self::Core(e)
    }
}

impl Failure {
    pub fn exit_code(&self) -> u8 {
        match self {
            Self::Core(e) => match e.code {
                ErrorCode::Invalid | ErrorCode::Duplicate | ErrorCode::AlreadyExists => 1,
                ErrorCode::WrongPassphrase => 3,
                ErrorCode::NotFound | ErrorCode::NotAWorkspace | ErrorCode::Locked => 4,
                ErrorCode::Storage | ErrorCode::Unsupported => 5,
                ErrorCode::Sync => 6,
            },
            Self::Usage(_) => 2,
            Self::Reported(code) => *code,
        }
    }
}

pub fn print_failure(failure: &Failure, as_json: bool) {
    match failure {
        Failure::Core(e) if as_json => println!("{}", json!({ "error": e })),
        Failure::Core(e) => {
            if e.issues.is_empty() {
                eprintln!("qorgau: {}", e.message);
            } else {
                for issue in &e.issues {
                    eprintln!("qorgau: {issue}");
                }
            }
            if let Some(id) = &e.existing_id {
                eprintln!("qorgau: existing record: {id}");
            }
        }
        Failure::Usage(message) if as_json => {
            println!(
                "{}",
                json!({ "error": { "code": "usage", "message": message } })
            )
        }
        Failure::Usage(message) => eprintln!("qorgau: {message}"),
        Failure::Reported(_) => {}
    }
}

/// Prints `value` as JSON, or `text` for people.
pub fn emit<T: Serialize>(as_json: bool, value: &T, text: impl FnOnce() -> String) {
    if as_json {
        match serde_json::to_string_pretty(value) {
            Ok(s) => println!("{s}"),
            Err(e) => eprintln!("qorgau: cannot encode output: {e}"),
        }
    } else {
        let t = text();
        if !t.is_empty() {
            println!("{t}");
        }
    }
}
