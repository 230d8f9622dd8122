//! The command-line grammar.

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

#[derive(Debug, Parser)]
#[command(
    name = "qorgau",
    version,
    about = "Qorgau: consular case management for Kazakh workers in Korea"
)]
pub struct Cli {
    /// Workspace directory.
    #[arg(long, global = true, env = "QORGAU_WORKSPACE")]
    pub workspace: Option<PathBuf>,
    /// Machine-readable JSON output (also accepted after the subcommand).
    #[arg(long)]
    pub json: bool,
    /// Caseworker recorded as the author of changes.
    #[arg(long, global = true, env = "QORGAU_ACTOR")]
    pub actor: Option<String>,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Create a new encrypted workspace.
    Init {
        #[command(flatten)]
        out: Out,
    },
    /// Change the workspace passphrase.
    Passphrase {
        #[command(subcommand)]
        action: PassphraseAction,
    },
    /// Workers (contacts).
    Worker {
        #[command(subcommand)]
        action: WorkerAction,
    },
    /// Cases (incidents).
    Case {
        #[command(subcommand)]
        action: CaseAction,
    },
    /// Search workers and cases in any script.
    Search {
        #[command(flatten)]
        out: Out,
        query: String,
        #[arg(long, default_value_t = 20)]
        limit: usize,
    },
    /// Check one identifier: exit 0 valid (warnings printed), 1 invalid.
    Validate {
        #[command(flatten)]
        out: Out,
        kind: IdentifierArg,
        value: String,
    },
    /// Create a workspace filled with realistic synthetic data.
    Demo {
        #[command(flatten)]
        out: Out,
        #[arg(long, default_value_t = 300)]
        workers: usize,
        #[arg(long, default_value_t = 550)]
        cases: usize,
        #[arg(long, default_value_t = 2026)]
        seed: u64,
    },
    /// The audit log.
    Audit {
        #[command(subcommand)]
        action: AuditAction,
    },
    /// Workspace statistics and integrity.
    Status {
        #[command(flatten)]
        out: Out,
    },
    /// Benchmarks.
    Bench {
        #[command(subcommand)]
        what: BenchWhat,
    },
}

#[derive(Debug, Subcommand)]
pub enum PassphraseAction {
    /// Re-encrypt the workspace under a new passphrase (QORGAU_NEW_PASSPHRASE or a prompt).
    Change {
        #[command(flatten)]
        out: Out,
    },
}

/// `--json` after a subcommand: machine-readable output.
#[derive(Debug, Args, Clone, Copy)]
pub struct Out {
    /// Machine-readable JSON output.
    #[arg(long)]
    pub json: bool,
}

/// `--json FILE` after `add`/`update`: the record to write. Output is JSON with `qorgau --json`.
#[derive(Debug, Args)]
pub struct JsonInput {
    /// A JSON file with the fields in snake_case, or `-` for standard input.
    #[arg(long = "json", value_name = "FILE")]
    pub file: PathBuf,
}

#[derive(Debug, Subcommand)]
pub enum WorkerAction {
    /// Add a worker; prints the new id.
    Add(JsonInput),
    Show {
        id: String,
        #[command(flatten)]
        out: Out,
    },
    List {
        #[command(flatten)]
        out: Out,
        #[arg(long)]
        province: Option<String>,
        #[arg(long)]
        stay_status: Option<String>,
        #[arg(long)]
        employer: Option<String>,
        #[arg(long, default_value_t = 100)]
        limit: i64,
    },
    /// Change fields: each key of the JSON object replaces that field (null clears it).
    Update {
        id: String,
        #[command(flatten)]
        input: JsonInput,
    },
}

#[derive(Debug, Subcommand)]
pub enum CaseAction {
    /// Open a case; prints the new id.
    Add(JsonInput),
    Show {
        id: String,
        #[command(flatten)]
        out: Out,
    },
    List {
        #[command(flatten)]
        out: Out,
        #[arg(long)]
        status: Option<String>,
        #[arg(long = "type")]
        case_type: Option<String>,
        #[arg(long)]
        assignee: Option<String>,
        #[arg(long)]
        worker: Option<String>,
        /// Only cases with an unfinished task past its due date.
        #[arg(long)]
        overdue: bool,
        #[arg(long, default_value_t = 100)]
        limit: i64,
    },
    Update {
        id: String,
        #[command(flatten)]
        input: JsonInput,
    },
    /// Append a timeline entry.
    Note {
        #[command(flatten)]
        out: Out,
        id: String,
        text: String,
        #[arg(long, default_value = "note")]
        kind: String,
        /// When it happened (YYYY-MM-DD); today by default.
        #[arg(long)]
        date: Option<String>,
    },
    /// Move the case through its workflow.
    Status {
        #[command(flatten)]
        out: Out,
        id: String,
        status: String,
        #[arg(long)]
        reason: Option<String>,
    },
}

#[derive(Debug, Subcommand)]
pub enum AuditAction {
    /// Recompute the hash chain.
    Verify {
        #[command(flatten)]
        out: Out,
    },
    /// The most recent entries.
    List {
        #[command(flatten)]
        out: Out,
        #[arg(long, default_value_t = 20)]
        limit: i64,
    },
}

#[derive(Debug, Subcommand)]
pub enum BenchWhat {
    /// Encrypted store against plain SQLite: insert, search, open+unlock.
    Store {
        #[command(flatten)]
        out: Out,
        #[arg(long, default_value_t = 100_000)]
        workers: usize,
        #[arg(long, default_value_t = 300_000)]
        cases: usize,
        #[arg(long, default_value_t = 1_000)]
        queries: usize,
        /// Directory for the benchmark's workspaces (a temporary one by default).
        #[arg(long)]
        dir: Option<PathBuf>,
    },
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum IdentifierArg {
    Iin,
    Arn,
    KzPassport,
    KzIdCard,
    Phone,
}
