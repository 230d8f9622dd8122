//! One function per command: read input, call qorgau-core, print.

use crate::args::{
    AuditAction, BenchWhat, CaseAction, Cli, Command, IdentifierArg, JsonInput, PassphraseAction,
    WorkerAction,
};
use crate::output::{Failure, emit};
use crate::{agencies, casework, data, letters, sync};
use crate::{bench, bench_data, bench_letters, bench_sync};
use chrono::NaiveDate;
use qorgau_core::domain::{CaseId, CaseStatus, TimelineKind, WorkerId};
use qorgau_core::identifiers::{self, IdentifierKind};
use qorgau_core::{
    CaseFilter, CoreError, ErrorCode, FirstRun, NewTimelineEntry, Passphrase, WorkerFilter,
    Workspace, WorkspaceOptions, demo,
};
use serde::de::DeserializeOwned;
use serde_json::{Value, json};
use std::io::{IsTerminal, Read};
use std::path::{Path, PathBuf};

type Result<T> = std::result::Result<T, Failure>;

pub fn run(cli: &Cli) -> Result<()> {
    match &cli.command {
        Command::Init {
            out,
            mission_preset,
            no_directory,
        } => init(
            cli,
            cli.json || out.json,
            &FirstRun {
                import_directory: !no_directory,
                mission_preset: mission_preset.clone(),
            },
        ),
        Command::Passphrase {
            action: PassphraseAction::Change { out },
        } => change_passphrase(cli, cli.json || out.json),
        Command::Worker { action } => worker(cli, action),
        Command::Case { action } => case(cli, action),
        Command::Search { out, query, limit } => {
            let ws = open(cli)?;
            let hits = ws.search(query, *limit)?;
            emit(cli.json || out.json, &hits, || {
                hits.iter()
                    .map(|h| {
                        format!(
                            "{:<6} {}  {}  ({:.2})",
                            kind_name(&h.kind),
                            h.id,
                            h.title,
                            h.score
                        )
                    })
                    .collect::<Vec<_>>()
                    .join("\n")
            });
            Ok(())
        }
        Command::Validate { out, kind, value } => validate(cli.json || out.json, *kind, value),
        Command::Demo {
            out,
            workers,
            cases,
            seed,
        } => demo_workspace(cli, cli.json || out.json, *workers, *cases, *seed),
        Command::Calc { what } => casework::calc(cli, what),
        Command::Letter { action } => letters::letter(cli, action),
        Command::Mission { action } => letters::mission(cli, action),
        Command::Agency { action } => agencies::agency(cli, action),
        Command::Audit { action } => audit(cli, action),
        Command::Team { action } => sync::team(cli, action),
        Command::Device { action } => sync::device(cli, action),
        Command::Sync { out, status } => sync::sync(cli, cli.json || out.json, *status),
        Command::StateHash { out } => sync::state_hash(cli, cli.json || out.json),
        Command::Conflicts { action } => sync::conflicts(cli, action),
        Command::Status { out } => {
            let ws = open(cli)?;
            let stats = ws.stats()?;
            let integrity = ws.integrity_check()?;
            let audit = ws.verify_audit_log()?;
            let report = json!({ "stats": stats, "integrity": integrity, "audit_log": audit });
            emit(cli.json || out.json, &report, || {
                format!(
                    "workers {}, cases {}, agencies {}, attachments {}\noutbox {} change records, audit log {} entries ({:?})\nschema {}, SQLCipher {}, integrity: {}",
                    stats.workers,
                    stats.cases,
                    stats.agencies,
                    stats.attachments,
                    stats.outbox,
                    stats.audit_entries,
                    audit,
                    stats.schema_version,
                    stats.cipher_version,
                    integrity
                )
            });
            Ok(())
        }
        Command::Import { what } => data::import(cli, what),
        Command::Backup { action } => data::backup(cli, action),
        Command::Export { what } => data::export(cli, what),
        Command::Report { what } => data::report(cli, what),
        Command::Bench {
            what:
                BenchWhat::Store {
                    out,
                    workers,
                    cases,
                    queries,
                    dir,
                },
        } => bench::store(
            cli.json || out.json,
            *workers,
            *cases,
            *queries,
            dir.as_deref(),
        ),
        Command::Bench {
            what: BenchWhat::Data { out, workers, dir },
        } => bench_data::data(cli.json || out.json, *workers, dir.as_deref()),
        Command::Bench {
            what:
                BenchWhat::Letters {
                    out,
                    iterations,
                    cold_runs,
                },
        } => bench_letters::letters(cli.json || out.json, *iterations, *cold_runs),
        Command::Bench {
            what:
                BenchWhat::Sync {
                    out,
                    records,
                    rounds,
                    postgres_url,
                    dir,
                },
        } => bench_sync::sync(
            cli.json || out.json,
            *records,
            *rounds,
            postgres_url.as_deref(),
            dir.as_deref(),
        ),
    }
}

fn kind_name(kind: &qorgau_core::SearchKind) -> &'static str {
    match kind {
        qorgau_core::SearchKind::Worker => "worker",
        qorgau_core::SearchKind::Case => "case",
    }
}

pub(crate) fn actor(cli: &Cli) -> String {
    cli.actor
        .clone()
        .or_else(|| std::env::var("USER").ok())
        .unwrap_or_else(|| "unknown".into())
}

pub(crate) fn workspace_dir(cli: &Cli) -> Result<PathBuf> {
    cli.workspace.clone().ok_or_else(|| {
        Failure::Usage("no workspace: pass --workspace DIR or set QORGAU_WORKSPACE".into())
    })
}

/// The passphrase from `var`, else a prompt on the terminal.
pub(crate) fn passphrase_from(var: &str, prompt: &str, confirm: bool) -> Result<Passphrase> {
    if let Ok(p) = std::env::var(var) {
        return Ok(Passphrase::new(p));
    }
    if !std::io::stdin().is_terminal() {
        return Err(Failure::Usage(format!(
            "no passphrase: set {var} or run on a terminal"
        )));
    }
    let first = rpassword::prompt_password(prompt)
        .map_err(|e| Failure::Usage(format!("cannot read the passphrase: {e}")))?;
    if confirm {
        let again = rpassword::prompt_password("Repeat: ")
            .map_err(|e| Failure::Usage(format!("cannot read the passphrase: {e}")))?;
        if again != first {
            return Err(Failure::Usage("the two passphrases differ".into()));
        }
    }
    Ok(Passphrase::new(first))
}

pub(crate) fn open(cli: &Cli) -> Result<Workspace> {
    let dir = workspace_dir(cli)?;
    let passphrase = passphrase_from("QORGAU_PASSPHRASE", "Passphrase: ", false)?;
    Ok(Workspace::open(&dir, &passphrase, &actor(cli))?)
}

fn init(cli: &Cli, as_json: bool, first: &FirstRun) -> Result<()> {
    let dir = workspace_dir(cli)?;
    let passphrase = passphrase_from("QORGAU_PASSPHRASE", "New passphrase: ", true)?;
    let options = WorkspaceOptions {
        actor: actor(cli),
        ..WorkspaceOptions::default()
    };
    let ws = Workspace::create_first_run(&dir, &passphrase, &options, first)?;
    emit(as_json, &json!({ "workspace": ws.dir() }), || {
        format!("created workspace {}", ws.dir().display())
    });
    Ok(())
}

fn change_passphrase(cli: &Cli, as_json: bool) -> Result<()> {
    let mut ws = open(cli)?;
    let new = passphrase_from("QORGAU_NEW_PASSPHRASE", "New passphrase: ", true)?;
    ws.change_passphrase(&new)?;
    emit(as_json, &json!({ "changed": true }), || {
        "passphrase changed".into()
    });
    Ok(())
}

pub(crate) fn read_json(input: &JsonInput) -> Result<Value> {
    let text = if input.file == Path::new("-") {
        let mut s = String::new();
        std::io::stdin()
            .read_to_string(&mut s)
            .map_err(|e| Failure::Usage(format!("cannot read standard input: {e}")))?;
        s
    } else {
        std::fs::read_to_string(&input.file)
            .map_err(|e| Failure::Usage(format!("cannot read {}: {e}", input.file.display())))?
    };
    serde_json::from_str(&text).map_err(|e| {
        Failure::Core(CoreError::new(
            ErrorCode::Invalid,
            format!("{}: invalid JSON: {e}", input.file.display()),
        ))
    })
}

/// Parses an enum value given on the command line by its snake_case name.
pub(crate) fn enum_arg<T: DeserializeOwned>(option: &str, value: &str) -> Result<T> {
    serde_json::from_value(Value::String(value.to_string())).map_err(|_| {
        Failure::Core(CoreError::new(
            ErrorCode::Invalid,
            format!("{option}: unknown value {value:?}"),
        ))
    })
}

pub(crate) fn id_arg<T: std::str::FromStr>(what: &str, value: &str) -> Result<T> {
    value.parse().map_err(|_| {
        Failure::Core(CoreError::new(
            ErrorCode::Invalid,
            format!("{what}: {value:?} is not an id"),
        ))
    })
}

pub(crate) fn date_arg(option: &str, value: &str) -> Result<NaiveDate> {
    value.parse().map_err(|_| {
        Failure::Core(CoreError::new(
            ErrorCode::Invalid,
            format!("{option}: {value:?} is not a date (YYYY-MM-DD)"),
        ))
    })
}

fn worker(cli: &Cli, action: &WorkerAction) -> Result<()> {
    match action {
        WorkerAction::Duplicates { out } => {
            let ws = open(cli)?;
            let pairs = ws.duplicate_workers()?;
            emit(cli.json || out.json, &pairs, || {
                pairs
                    .iter()
                    .map(|p| format!("{}  {}  same {}", p.keep, p.other, p.reason))
                    .collect::<Vec<_>>()
                    .join("\n")
            });
        }
        WorkerAction::Merge { out, first, second } => {
            let mut ws = open(cli)?;
            let a: WorkerId = id_arg("worker id", first)?;
            let b: WorkerId = id_arg("worker id", second)?;
            let merged = ws.merge_workers(a, b)?;
            emit(cli.json || out.json, &merged, || {
                format!(
                    "kept {}, merged {} into it: took {}; moved {} cases",
                    merged.kept,
                    merged.merged,
                    if merged.fields_taken.is_empty() {
                        "no fields".to_string()
                    } else {
                        merged.fields_taken.join(", ")
                    },
                    merged.cases_moved.len()
                )
            });
        }
        WorkerAction::Add(input) => {
            let json = read_json(input)?;
            let mut ws = open(cli)?;
            let added = ws.add_worker_json(json)?;
            for w in &added.warnings {
                eprintln!("qorgau: {w}");
            }
            for twin in &added.likely_twins {
                eprintln!(
                    "qorgau: warning: likely the same person as {} ({}, born {})",
                    twin.id,
                    twin.display_name,
                    twin.birth_date.as_deref().unwrap_or("?")
                );
            }
            emit(cli.json, &added, || added.id.to_string());
        }
        WorkerAction::Show { id, out } => {
            let ws = open(cli)?;
            let id: WorkerId = id_arg("worker id", id)?;
            let record = ws.worker(id)?;
            let cases = ws.list_cases(&CaseFilter {
                worker: Some(id),
                ..CaseFilter::default()
            })?;
            let value = json!({ "worker": record, "cases": cases });
            emit(cli.json || out.json, &value, || {
                let mut text = serde_json::to_string_pretty(&record).unwrap_or_default();
                for c in &cases {
                    text.push_str(&format!(
                        "\ncase {}  {}  {}",
                        c.id,
                        c.status.name(),
                        c.title
                    ));
                }
                text
            });
        }
        WorkerAction::List {
            out,
            province,
            stay_status,
            employer,
            limit,
        } => {
            let ws = open(cli)?;
            let filter = WorkerFilter {
                province: province
                    .as_deref()
                    .map(|p| enum_arg("--province", p))
                    .transpose()?,
                stay_status: stay_status
                    .as_deref()
                    .map(|s| enum_arg("--stay-status", s))
                    .transpose()?,
                employer: employer.clone(),
                limit: Some(*limit),
                offset: None,
            };
            let list = ws.list_workers(&filter)?;
            emit(cli.json || out.json, &list, || {
                list.iter()
                    .map(|w| {
                        format!(
                            "{}  {}  {}  {}",
                            w.id,
                            w.display_name,
                            w.birth_date.as_deref().unwrap_or("-"),
                            w.employer.as_deref().unwrap_or("-")
                        )
                    })
                    .collect::<Vec<_>>()
                    .join("\n")
            });
        }
        WorkerAction::Update { id, input } => {
            let json = read_json(input)?;
            let mut ws = open(cli)?;
            let changed = ws.update_worker(id_arg("worker id", id)?, json)?;
            emit(cli.json, &json!({ "changed": changed }), || {
                format!("changed: {}", changed.join(", "))
            });
        }
    }
    Ok(())
}

fn case(cli: &Cli, action: &CaseAction) -> Result<()> {
    match action {
        CaseAction::Add(input) => {
            let json = read_json(input)?;
            let mut ws = open(cli)?;
            let id = ws.add_case_json(json)?;
            emit(cli.json, &json!({ "id": id }), || id.to_string());
        }
        CaseAction::Show { id, out } => {
            let ws = open(cli)?;
            let id: CaseId = id_arg("case id", id)?;
            let case = ws.case(id)?;
            let value = json!({
                "case": case,
                "timeline": ws.timeline(id)?,
                "transitions": ws.status_transitions(id)?,
                "tasks": ws.tasks(id)?,
            });
            emit(cli.json || out.json, &value, || {
                serde_json::to_string_pretty(&value).unwrap_or_default()
            });
        }
        CaseAction::List {
            out,
            status,
            case_type,
            assignee,
            worker,
            province,
            overdue,
            limit,
        } => {
            let ws = open(cli)?;
            let filter = CaseFilter {
                province: province
                    .as_deref()
                    .map(|p| enum_arg("--province", p))
                    .transpose()?,
                status: status
                    .as_deref()
                    .map(|s| enum_arg("--status", s))
                    .transpose()?,
                case_type: case_type
                    .as_deref()
                    .map(|t| enum_arg("--type", t))
                    .transpose()?,
                assignee: assignee.clone(),
                worker: worker
                    .as_deref()
                    .map(|w| id_arg("--worker", w))
                    .transpose()?,
                overdue_on: overdue.then(|| chrono::Local::now().date_naive()),
                open: None,
                limit: Some(*limit),
                offset: None,
            };
            let list = ws.list_cases(&filter)?;
            emit(cli.json || out.json, &list, || {
                list.iter()
                    .map(|c| format!("{}  {:<18} {}", c.id, c.status.name(), c.title))
                    .collect::<Vec<_>>()
                    .join("\n")
            });
        }
        CaseAction::Update { id, input } => {
            let json = read_json(input)?;
            let mut ws = open(cli)?;
            let changed = ws.update_case(id_arg("case id", id)?, json)?;
            emit(cli.json, &json!({ "changed": changed }), || {
                format!("changed: {}", changed.join(", "))
            });
        }
        CaseAction::Note {
            out,
            id,
            text,
            kind,
            date,
        } => {
            let entry = NewTimelineEntry {
                kind: enum_arg::<TimelineKind>("--kind", kind)?,
                occurred_on: date.as_deref().map(|d| date_arg("--date", d)).transpose()?,
                text: text.clone(),
            };
            let mut ws = open(cli)?;
            let entry_id = ws.add_timeline_entry(id_arg("case id", id)?, &entry)?;
            emit(cli.json || out.json, &json!({ "id": entry_id }), || {
                entry_id.to_string()
            });
        }
        CaseAction::Calc {
            id,
            input,
            save,
            pdf,
            lang,
        } => casework::case_calc(
            cli,
            &id_arg("case id", id)?,
            input,
            *save,
            pdf.as_deref().map(|p| (p, lang.as_str())),
        )?,
        CaseAction::Log { id, input } => {
            let json = read_json(input)?;
            let mut ws = open(cli)?;
            let entry = ws.add_case_log(id_arg("case id", id)?, json)?;
            emit(cli.json, &json!({ "id": entry }), || entry.to_string());
        }
        CaseAction::Logs { out, id, kind } => {
            let ws = open(cli)?;
            let list = ws.case_logs(id_arg("case id", id)?, kind.as_deref())?;
            emit(cli.json || out.json, &list, || {
                serde_json::to_string_pretty(&list).unwrap_or_default()
            });
        }
        CaseAction::Checklist { out, id } => {
            let ws = open(cli)?;
            let list = ws.repatriation_checklist(id_arg("case id", id)?)?;
            emit(cli.json || out.json, &list, || {
                list.iter()
                    .map(|i| {
                        format!(
                            "{:<24} {:<10} {}{}{}",
                            enum_name(&i.item),
                            enum_name(&i.status),
                            i.cost_krw.map(|c| format!("KRW {c} ")).unwrap_or_default(),
                            i.payer
                                .map(|p| format!("paid by {} ", enum_name(&p)))
                                .unwrap_or_default(),
                            i.note.as_deref().unwrap_or("")
                        )
                    })
                    .collect::<Vec<_>>()
                    .join("\n")
            });
        }
        CaseAction::Deadlines {
            out,
            id,
            done,
            reopen,
        } => casework::deadlines(
            cli,
            cli.json || out.json,
            id_arg("case id", id)?,
            done.as_deref(),
            reopen.as_deref(),
        )?,
        CaseAction::Status {
            out,
            id,
            status,
            reason,
        } => {
            let to: CaseStatus = enum_arg("status", status)?;
            let mut ws = open(cli)?;
            let t = ws.set_case_status(id_arg("case id", id)?, to, reason.as_deref())?;
            emit(cli.json || out.json, &t, || {
                format!("{} → {}", t.from.name(), t.to.name())
            });
        }
    }
    Ok(())
}

fn validate(as_json: bool, kind: IdentifierArg, value: &str) -> Result<()> {
    let kind = match kind {
        IdentifierArg::Iin => IdentifierKind::Iin,
        IdentifierArg::Arn => IdentifierKind::Arn,
        IdentifierArg::KzPassport => IdentifierKind::KzPassport,
        IdentifierArg::KzIdCard => IdentifierKind::KzIdCard,
        IdentifierArg::Phone => IdentifierKind::Phone,
    };
    let check = identifiers::check(kind, value);
    emit(as_json, &check, || {
        let mut lines = vec![format!(
            "{}: {}",
            if check.valid { "valid" } else { "invalid" },
            check.normalised
        )];
        lines.extend(check.issues.iter().map(ToString::to_string));
        lines.join("\n")
    });
    if check.valid {
        Ok(())
    } else {
        Err(Failure::Reported(1))
    }
}

fn demo_workspace(cli: &Cli, as_json: bool, workers: usize, cases: usize, seed: u64) -> Result<()> {
    let dir = workspace_dir(cli)?;
    let passphrase = passphrase_from("QORGAU_PASSPHRASE", "New passphrase: ", true)?;
    let options = WorkspaceOptions {
        actor: actor(cli),
        ..WorkspaceOptions::default()
    };
    let mut ws = Workspace::create(&dir, &passphrase, &options)?;
    let summary = demo::populate(
        &mut ws,
        workers,
        cases,
        seed,
        chrono::Local::now().date_naive(),
    )?;
    emit(as_json, &summary, || {
        format!(
            "demo workspace {}: {} workers, {} cases, {} agencies, {} timeline entries",
            dir.display(),
            summary.workers,
            summary.cases,
            summary.agencies,
            summary.timeline_entries
        )
    });
    Ok(())
}

fn audit(cli: &Cli, action: &AuditAction) -> Result<()> {
    let ws = open(cli)?;
    match action {
        AuditAction::Verify { out } => {
            let v = ws.verify_audit_log()?;
            emit(cli.json || out.json, &v, || format!("{v:?}"));
            if matches!(v, qorgau_core::AuditVerification::Broken { .. }) {
                return Err(Failure::Reported(5));
            }
        }
        AuditAction::List { out, limit } => {
            let entries = ws.audit_recent(*limit)?;
            emit(cli.json || out.json, &entries, || {
                entries
                    .iter()
                    .map(|e| {
                        format!(
                            "{:>6} {} {:<10} {:<18} {} {}",
                            e.seq,
                            e.at,
                            e.actor,
                            e.action,
                            e.entity,
                            e.entity_id.as_deref().unwrap_or("")
                        )
                    })
                    .collect::<Vec<_>>()
                    .join("\n")
            });
        }
    }
    Ok(())
}

/// The snake_case name of a serialised enum value.
fn enum_name<T: serde::Serialize>(value: &T) -> String {
    match serde_json::to_value(value) {
        Ok(Value::String(name)) => name,
        _ => String::new(),
    }
}
