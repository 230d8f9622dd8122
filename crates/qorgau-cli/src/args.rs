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

// Parsed once per process: the size of the letter options' variant costs nothing.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Create a new encrypted workspace.
    /// The same workspace as the desktop's first run: the shipped agency directory is
    /// imported and, with `--mission-preset`, the mission profile is set from a preset.
    Init {
        #[command(flatten)]
        out: Out,
        /// `seoul` (embassy) or `busan` (consulate general).
        #[arg(long)]
        mission_preset: Option<String>,
        /// Leave the agency directory empty (to import one's own with `agency import --file`).
        #[arg(long)]
        no_directory: bool,
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
    /// Letters to Korean agencies and the outgoing-correspondence registry.
    Letter {
        #[command(subcommand)]
        action: LetterAction,
    },
    /// The directory of Korean agencies letters go to.
    Agency {
        #[command(subcommand)]
        action: AgencyAction,
    },
    /// The mission profile: letterhead, consul, registry numbering.
    Mission {
        #[command(subcommand)]
        action: MissionAction,
    },
    /// The sync team: create one on this workspace (it becomes the admin device).
    Team {
        #[command(subcommand)]
        action: TeamAction,
    },
    /// This team's devices: invite, enroll, list, revoke.
    Device {
        #[command(subcommand)]
        action: DeviceAction,
    },
    /// One sync round with the team's server: push local changes, pull and apply others'.
    Sync {
        #[command(flatten)]
        out: Out,
        /// Only show where this workspace stands (no network).
        #[arg(long)]
        status: bool,
    },
    /// A hash of the replicated data: equal on devices that have converged.
    StateHash {
        #[command(flatten)]
        out: Out,
    },
    /// Concurrent edits of one field, for a person to review.
    Conflicts {
        #[command(subcommand)]
        action: ConflictAction,
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
    /// Calculators that need no workspace: `calc wages --json FILE` computes a wage claim.
    Calc {
        #[command(subcommand)]
        what: CalcWhat,
    },
    /// Import workers or cases from a spreadsheet (XLSX, XLSM, XLSB, XLS, ODS, CSV).
    Import {
        #[command(subcommand)]
        what: ImportWhat,
    },
    /// Backups: one encrypted, self-checking file of the whole workspace.
    Backup {
        #[command(subcommand)]
        action: BackupAction,
    },
    /// Export a filtered worker or case list as XLSX or CSV (logged in the audit log).
    Export {
        #[command(subcommand)]
        what: ExportWhat,
    },
    /// Reports for the ministry.
    Report {
        #[command(subcommand)]
        what: ReportWhat,
    },
    /// Benchmarks.
    Bench {
        #[command(subcommand)]
        what: BenchWhat,
    },
}

#[derive(Debug, Subcommand)]
pub enum ImportWhat {
    /// Workers: headers in Russian, Kazakh, English or Korean, or a mapping file.
    Workers(ImportArgs),
    /// Cases: each row's worker found by IIN, passport, or name and birth date.
    Cases(ImportArgs),
}

#[derive(Debug, Args)]
pub struct ImportArgs {
    #[command(flatten)]
    pub out: Out,
    /// The spreadsheet.
    pub file: PathBuf,
    /// Report what would be added, the duplicates and the errors; write nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// A JSON or TOML object from a column's header (or letter) to a field name.
    #[arg(long)]
    pub mapping: Option<PathBuf>,
    /// Leave invalid rows out and commit the rest (otherwise any error commits nothing).
    #[arg(long)]
    pub skip_invalid: bool,
}

#[derive(Debug, Subcommand)]
pub enum BackupAction {
    /// Write a backup of the workspace (a consistent snapshot, also while the app runs).
    Create {
        #[command(flatten)]
        out: Out,
        /// The backup file to write (must not exist).
        #[arg(long = "out")]
        file: PathBuf,
    },
    /// Prove a backup is complete and opens with the passphrase (QORGAU_PASSPHRASE).
    Verify {
        #[command(flatten)]
        out: Out,
        file: PathBuf,
    },
    /// Restore a backup into a new directory, given with --workspace.
    Restore {
        #[command(flatten)]
        out: Out,
        file: PathBuf,
    },
}

#[derive(Debug, Subcommand)]
pub enum ExportWhat {
    /// Workers (the stay status column only with --with-stay-status).
    Workers {
        #[command(flatten)]
        out: Out,
        /// The file to write: .xlsx or .csv.
        #[arg(long = "out")]
        file: PathBuf,
        #[arg(long)]
        province: Option<String>,
        #[arg(long)]
        stay_status: Option<String>,
        #[arg(long)]
        employer: Option<String>,
        /// Include each worker's stay status (whether they are undocumented).
        #[arg(long)]
        with_stay_status: bool,
    },
    /// Cases, each with its first worker's names and identifiers.
    Cases {
        #[command(flatten)]
        out: Out,
        #[arg(long = "out")]
        file: PathBuf,
        #[arg(long)]
        status: Option<String>,
        #[arg(long = "type")]
        case_type: Option<String>,
        #[arg(long)]
        province: Option<String>,
    },
}

#[derive(Debug, Subcommand)]
pub enum ReportWhat {
    /// The quarterly report: PDF in Kazakh and Russian (.pdf) or the figures (.xlsx).
    Quarterly {
        #[command(flatten)]
        out: Out,
        #[arg(long)]
        year: i32,
        #[arg(long)]
        quarter: u32,
        #[arg(long = "out")]
        file: PathBuf,
    },
}

#[derive(Debug, Subcommand)]
pub enum TeamAction {
    /// Create a team on a sync server with this workspace as its admin device.
    Create {
        #[command(flatten)]
        out: Out,
        /// The server's URL (plain http only to a loopback address).
        #[arg(long)]
        server: String,
        /// SHA-256 fingerprint of the server's certificate to pin (hex).
        #[arg(long)]
        fingerprint: Option<String>,
        /// The server operator's token (in `operator-token` in the server's data directory):
        /// creating a team needs it.
        #[arg(long, env = "QORGAU_OPERATOR_TOKEN", hide_env_values = true)]
        operator_token: String,
        /// Write a recovery kit (an offline admin key, mode 0600) to this file, to print and
        /// lock away: with it a lost admin laptop can be replaced (`team recover`).
        #[arg(long)]
        recovery_kit: Option<std::path::PathBuf>,
    },
    /// Join this new, empty workspace to the team of a recovery kit, as an admin (the admin
    /// laptop was lost); then revoke the lost laptop with `device revoke`.
    Recover {
        #[command(flatten)]
        out: Out,
        /// The recovery kit's file.
        #[arg(long)]
        kit: std::path::PathBuf,
    },
    /// The team's admins (any admin can add or remove another; the last one stays).
    Admins {
        #[command(subcommand)]
        action: AdminAction,
    },
}

#[derive(Debug, Subcommand)]
pub enum AdminAction {
    /// Make a member of the team an admin (signed into the team log).
    Add {
        #[command(flatten)]
        out: Out,
        device: String,
    },
    /// Make an admin a caseworker again.
    Remove {
        #[command(flatten)]
        out: Out,
        device: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum DeviceAction {
    /// Admin: print a one-time enrollment code for another device.
    Invite {
        #[command(flatten)]
        out: Out,
        /// Hours the code stays valid.
        #[arg(long, default_value_t = 24)]
        hours: i64,
    },
    /// Ask to join a team with an enrollment code (`-`: read it from standard input); prints
    /// the short authentication string to read to the admin, who approves the device. The
    /// next `qorgau sync` after that completes the join.
    Enroll {
        #[command(flatten)]
        out: Out,
        code: String,
        /// Join even though this workspace holds workers, cases or letters: all of them go to
        /// the team's server. Only after checking the server, fingerprint and team that the
        /// refusal without it names.
        #[arg(long)]
        merge_existing: bool,
        /// The name the team's device list shows for this laptop (e.g. "A. Nurlanova, laptop 2").
        #[arg(long)]
        name: Option<String>,
    },
    /// The team's devices and their roles, as the signed team log lists them.
    List {
        #[command(flatten)]
        out: Out,
    },
    /// Admin: devices that asked to join and wait for approval.
    Pending {
        #[command(flatten)]
        out: Out,
    },
    /// Admin: approve a device that asked to join, after comparing its short authentication
    /// string (the caseworker reads it from their screen).
    Approve {
        #[command(flatten)]
        out: Out,
        device: String,
        /// The six digits the device shows.
        #[arg(long)]
        sas: String,
        /// admin, consul or caseworker.
        #[arg(long, default_value = "caseworker")]
        role: String,
    },
    /// Admin: revoke a device and rotate the team key.
    Revoke {
        #[command(flatten)]
        out: Out,
        device: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum ConflictAction {
    /// Open conflicts (with --all, resolved ones too).
    List {
        #[command(flatten)]
        out: Out,
        #[arg(long)]
        all: bool,
    },
    /// Resolve a conflict: keep the applied value, or take the other one.
    Resolve {
        id: i64,
        #[arg(long, conflicts_with = "other", required_unless_present = "other")]
        keep: bool,
        #[arg(long)]
        other: bool,
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
    /// Pairs of records that look like one person (same IIN or passport number), e.g. after
    /// two laptops registered the same worker offline.
    Duplicates {
        #[command(flatten)]
        out: Out,
    },
    /// Join two records of one person: the earlier is kept, takes the other's missing fields
    /// and its cases; the other is hidden but its history stays.
    Merge {
        #[command(flatten)]
        out: Out,
        first: String,
        second: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum CalcWhat {
    /// The wage claim: unpaid wages, minimum-wage shortfall, weekly holiday allowance,
    /// severance, 20 % delay interest and prescription, each line with its statute.
    Wages(JsonInput),
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
        /// Only cases of a worker living in this province.
        #[arg(long)]
        province: Option<String>,
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
    /// Compute the wage claim for the case; `--save` stores it on the case (it syncs) and
    /// writes the total to amount_claimed_krw.
    Calc {
        id: String,
        #[command(flatten)]
        input: JsonInput,
        #[arg(long)]
        save: bool,
        /// Also write the breakdown as a PDF enclosure (붙임) to this file.
        #[arg(long, value_name = "FILE")]
        pdf: Option<PathBuf>,
        /// The enclosure's language: `ko` or `en`.
        #[arg(long, default_value = "ko")]
        lang: String,
    },
    /// The case's legal deadlines (from its facts and its latest saved wage computation).
    Deadlines {
        #[command(flatten)]
        out: Out,
        id: String,
        /// Mark this deadline (its key) done.
        #[arg(long, value_name = "KEY")]
        done: Option<String>,
        /// Mark this deadline (its key) open again.
        #[arg(long, value_name = "KEY", conflicts_with = "done")]
        reopen: Option<String>,
    },
    /// Add a checklist or log entry: a repatriation item's status, a detention visit, a
    /// contact with the next of kin (`{"kind": "kin_contact", …}`).
    Log {
        id: String,
        #[command(flatten)]
        input: JsonInput,
    },
    /// The case's checklist and log entries, oldest first.
    Logs {
        #[command(flatten)]
        out: Out,
        id: String,
        /// `repatriation_item`, `detention_visit` or `kin_contact`.
        #[arg(long)]
        kind: Option<String>,
    },
    /// The repatriation checklist: every document and cost with its status.
    Checklist {
        #[command(flatten)]
        out: Out,
        id: String,
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

/// What a letter is made from.
#[derive(Debug, Args, Clone, Default)]
pub struct LetterSpec {
    /// The case the letter is about.
    #[arg(long)]
    pub case: Option<String>,
    /// Template name (`qorgau letter templates`).
    #[arg(long)]
    pub template: Option<String>,
    /// The agency it is addressed to (`qorgau agency list`).
    #[arg(long)]
    pub agency: Option<String>,
    /// The worker it concerns; the case's first worker by default.
    #[arg(long)]
    pub worker: Option<String>,
    /// The letter's date (YYYY-MM-DD); today by default.
    #[arg(long)]
    pub date: Option<String>,
    /// A further request or remark in Korean (item in the body).
    #[arg(long)]
    pub details_ko: Option<String>,
    /// The same in English.
    #[arg(long)]
    pub details_en: Option<String>,
    /// The 붙임 line: what is enclosed, in Korean.
    #[arg(long)]
    pub attachments_ko: Option<String>,
    /// What is enclosed, in English.
    #[arg(long)]
    pub attachments_en: Option<String>,
    /// State the worker's immigration status in the letter (off by default: a letter never
    /// states it unless the caseworker decides to).
    #[arg(long)]
    pub state_stay_status: bool,
    /// Quote the case summary in the letter (off by default: it is the caseworker's own note).
    #[arg(long)]
    pub include_summary: bool,
    /// Print the paragraph on the labour inspectors' exemption from notifying immigration
    /// (off by default: printed for every worker, it signals "undocumented").
    #[arg(long)]
    pub exemption_notice: bool,
    /// The worker's consent (or the family's power of attorney) is not enclosed: leave it
    /// out of 붙임 and ask the agency to report only if the worker consents.
    #[arg(long)]
    pub without_consent: bool,
    /// The 담당 line in Korean, e.g. "영사 누를란 세릭바예프".
    #[arg(long)]
    pub officer_ko: Option<String>,
    /// The officer in charge in English, e.g. "Nurlan SERIKBAYEV, Consul".
    #[arg(long)]
    pub officer_en: Option<String>,
    /// The officer's direct phone line.
    #[arg(long)]
    pub officer_phone: Option<String>,
    /// For a case of type "other": the matter as a Korean noun phrase.
    #[arg(long)]
    pub matter_ko: Option<String>,
    /// The same in English.
    #[arg(long)]
    pub matter_en: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum LetterAction {
    /// The letter templates, with the fields each needs.
    Templates {
        #[command(flatten)]
        out: Out,
    },
    /// The required fields a letter would leave empty (exit 1 when any).
    Check {
        #[command(flatten)]
        out: Out,
        #[command(flatten)]
        spec: LetterSpec,
    },
    /// Write a PDF: a draft preview (--draft: DRAFT mark, no number, nothing stored), or a
    /// registered letter again (--letter ID: the registered bytes).
    Render {
        #[command(flatten)]
        out: Out,
        #[command(flatten)]
        spec: LetterSpec,
        /// A registered letter to write out again.
        #[arg(long)]
        letter: Option<String>,
        #[arg(long)]
        draft: bool,
        /// The PDF file to write.
        #[arg(long = "out", value_name = "FILE.pdf")]
        file: PathBuf,
    },
    /// Save a draft in the registry (no number yet); prints its id.
    Draft {
        #[command(flatten)]
        out: Out,
        #[command(flatten)]
        spec: LetterSpec,
    },
    /// Give the letter the next registry number, store it and write the final PDF.
    Register {
        #[command(flatten)]
        out: Out,
        #[command(flatten)]
        spec: LetterSpec,
        /// Register a saved draft instead (with the data it was saved with).
        #[arg(long)]
        letter: Option<String>,
        /// The PDF file to write.
        #[arg(long = "out", value_name = "FILE.pdf")]
        file: Option<PathBuf>,
    },
    /// The registry, newest first.
    List {
        #[command(flatten)]
        out: Out,
        #[arg(long)]
        case: Option<String>,
    },
    Show {
        #[command(flatten)]
        out: Out,
        id: String,
    },
    /// Mark a letter sent or void (a void letter keeps its number).
    Mark {
        #[command(flatten)]
        out: Out,
        id: String,
        /// `sent` or `void`.
        status: String,
        #[arg(long)]
        note: Option<String>,
    },
    /// Check a PDF against the registry: exit 0 when it is exactly a registered letter
    /// that is not void, 1 otherwise.
    Verify {
        #[command(flatten)]
        out: Out,
        file: PathBuf,
    },
}

#[derive(Debug, Subcommand)]
pub enum AgencyAction {
    /// Add an agency from JSON (name_ko and kind required); prints the new id.
    Add(JsonInput),
    List {
        #[command(flatten)]
        out: Out,
        /// Only agencies of this kind (labour_office, immigration, …).
        #[arg(long)]
        kind: Option<String>,
    },
    Show {
        #[command(flatten)]
        out: Out,
        id: String,
    },
    /// Change fields: each key of the JSON object replaces that field (null clears it).
    Update {
        id: String,
        #[command(flatten)]
        input: JsonInput,
    },
    /// Propose the competent office for a case (from the workplace's address) or an address,
    /// best first, from the jurisdiction table (assets/agencies/jurisdiction.toml).
    Propose {
        #[command(flatten)]
        out: Out,
        /// The case whose workplace (employer address), place or worker address to use.
        #[arg(long, conflicts_with = "address", required_unless_present = "address")]
        case: Option<String>,
        /// A Korean address instead of a case (e.g. "경기도 안산시 단원구 …").
        #[arg(long)]
        address: Option<String>,
        /// Only agencies of this kind (labour_office, immigration, police, …).
        #[arg(long)]
        kind: Option<String>,
    },
    /// Add the shipped starter directory's agencies (those not present by Korean name), or
    /// those of a directory file in the same TOML format.
    Import {
        #[command(flatten)]
        out: Out,
        #[arg(long)]
        file: Option<PathBuf>,
    },
}

#[derive(Debug, Subcommand)]
pub enum MissionAction {
    /// The profile, and which fields are still empty.
    Show {
        #[command(flatten)]
        out: Out,
    },
    /// Set the profile: start from a preset (or the current profile), apply a JSON object of
    /// fields, then FIELD=VALUE pairs (an empty VALUE clears the field).
    Set {
        #[command(flatten)]
        out: Out,
        /// `seoul` (the Embassy) or `busan` (the Consulate General).
        #[arg(long)]
        preset: Option<String>,
        /// A JSON file of fields, or `-` for standard input.
        #[arg(long = "from-json", value_name = "FILE")]
        from_json: Option<PathBuf>,
        /// FIELD=VALUE pairs, e.g. consul_name_ko="…".
        fields: Vec<String>,
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
    /// Import of workers from XLSX (dry run, commit) against the store's bulk insert, and a
    /// backup of the imported workspace.
    Data {
        #[command(flatten)]
        out: Out,
        #[arg(long, default_value_t = 100_000)]
        workers: usize,
        /// Directory for the benchmark's files (a temporary one by default).
        #[arg(long)]
        dir: Option<PathBuf>,
    },
    /// Letter engine: warm render time and size per template, and one cold process.
    Letters {
        #[command(flatten)]
        out: Out,
        /// Renders per template for the warm timing.
        #[arg(long, default_value_t = 200)]
        iterations: usize,
        /// Cold `qorgau letter render` processes to time.
        #[arg(long, default_value_t = 10)]
        cold_runs: usize,
    },
    /// Sync through a real qorgau-server on loopback: ingest, initial sync, 100-record round,
    /// peak memory (needs qorgau-server built beside this binary).
    Sync {
        #[command(flatten)]
        out: Out,
        /// Workers on the first device (one record each).
        #[arg(long, default_value_t = 100_000)]
        records: usize,
        /// Rounds of 100 edited records to time.
        #[arg(long, default_value_t = 10)]
        rounds: usize,
        /// Also run against a server over this PostgreSQL database.
        #[arg(long)]
        postgres_url: Option<String>,
        /// Directory for the benchmark's workspaces and server (a temporary one by default).
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
