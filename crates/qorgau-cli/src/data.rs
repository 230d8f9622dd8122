//! `qorgau import` (data in from spreadsheets) and `qorgau backup`.

use crate::args::{BackupAction, Cli, ExportWhat, ImportArgs, ImportWhat, ReportWhat};
use crate::commands::{enum_arg, open, passphrase_from, workspace_dir};
use crate::output::{Failure, emit};
use qorgau_core::backup::{self, BackupInfo};
use qorgau_core::import::{
    ColumnMapping, ImportDuplicate, ImportError, ImportKind, ImportOptions, ImportReport,
};
use qorgau_core::{CaseFilter, CoreError, ErrorCode, WorkerFilter};
use serde::Serialize;

type Result<T> = std::result::Result<T, Failure>;

/// The report as scripts read it (the contract in the README): exactly these keys.
#[derive(Debug, Serialize)]
struct ImportOutput<'a> {
    rows: usize,
    added: usize,
    duplicates: &'a [ImportDuplicate],
    errors: &'a [ImportError],
    committed: bool,
}

pub fn import(cli: &Cli, what: &ImportWhat) -> Result<()> {
    let (kind, args) = match what {
        ImportWhat::Workers(a) => (ImportKind::Workers, a),
        ImportWhat::Cases(a) => (ImportKind::Cases, a),
    };
    let as_json = cli.json || args.out.json;
    let options = options(kind, args)?;
    let mut ws = open(cli)?;
    let report = ws.import_file(kind, &args.file, &options)?;
    let out = ImportOutput {
        rows: report.rows,
        added: report.added,
        duplicates: &report.duplicates,
        errors: &report.errors,
        committed: report.committed,
    };
    emit(as_json, &out, || text(&report, args.dry_run));
    // A commit refused for invalid rows is invalid input (the report says which).
    if !args.dry_run && !report.committed {
        return Err(Failure::Reported(1));
    }
    Ok(())
}

fn options(kind: ImportKind, args: &ImportArgs) -> Result<ImportOptions> {
    let mapping = match &args.mapping {
        None => None,
        Some(path) => {
            let text = std::fs::read_to_string(path).map_err(|e| {
                CoreError::new(
                    ErrorCode::NotFound,
                    format!("mapping file {}: {e}", path.display()),
                )
            })?;
            Some(ColumnMapping::parse(&text, kind)?)
        }
    };
    Ok(ImportOptions {
        dry_run: args.dry_run,
        skip_invalid: args.skip_invalid,
        mapping,
    })
}

fn text(report: &ImportReport, dry_run: bool) -> String {
    let mut lines = Vec::new();
    for c in &report.columns {
        lines.push(format!(
            "column {} {:?} → {}",
            c.column,
            c.header,
            c.field.as_deref().unwrap_or("(ignored)")
        ));
    }
    for d in &report.duplicates {
        let of = match (&d.existing_id, d.first_row) {
            (Some(id), _) => id.clone(),
            (None, Some(row)) => format!("row {row}"),
            (None, None) => String::new(),
        };
        lines.push(format!("row {}: duplicate ({}) of {of}", d.row, d.reason));
    }
    for e in &report.errors {
        lines.push(format!(
            "row {}: {} [{}] {}",
            e.row, e.field, e.code, e.message
        ));
    }
    let verb = if report.committed {
        "added"
    } else if dry_run {
        "would add"
    } else {
        "nothing written (errors; --skip-invalid leaves those rows out); would add"
    };
    lines.push(format!(
        "{} rows: {verb} {}, {} duplicates, {} errors",
        report.rows,
        report.added,
        report.duplicates.len(),
        report.errors.len()
    ));
    lines.join("\n")
}

pub fn backup(cli: &Cli, action: &BackupAction) -> Result<()> {
    let (as_json, info, verb) = match action {
        BackupAction::Create { out, file } => {
            let mut ws = open(cli)?;
            (out.json, ws.create_backup(file)?, "written")
        }
        BackupAction::Verify { out, file } => {
            let passphrase = passphrase_from("QORGAU_PASSPHRASE", "Passphrase: ", false)?;
            (
                out.json,
                backup::verify_backup(file, &passphrase)?,
                "verified",
            )
        }
        BackupAction::Restore { out, file } => {
            let dir = workspace_dir(cli)?;
            let passphrase = passphrase_from("QORGAU_PASSPHRASE", "Passphrase: ", false)?;
            (
                out.json,
                backup::restore_backup(file, &passphrase, &dir)?,
                "restored",
            )
        }
    };
    emit(cli.json || as_json, &info, || backup_text(&info, verb));
    Ok(())
}

fn backup_text(info: &BackupInfo, verb: &str) -> String {
    format!(
        "backup {verb}: {} workers, {} cases, {} attachments, {} audit entries, schema {}\n\
         {} bytes, sha256 {}\nstate hash {}",
        info.workers,
        info.cases,
        info.attachments,
        info.audit_entries,
        info.schema_version,
        info.size,
        info.sha256,
        info.state_hash
    )
}

pub fn export(cli: &Cli, what: &ExportWhat) -> Result<()> {
    let mut ws = open(cli)?;
    let (as_json, summary, file) = match what {
        ExportWhat::Workers {
            out,
            file,
            province,
            stay_status,
            employer,
            with_stay_status,
        } => {
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
                limit: None,
                offset: None,
            };
            (
                out.json,
                ws.export_workers(&filter, *with_stay_status, file)?,
                file,
            )
        }
        ExportWhat::Cases {
            out,
            file,
            status,
            case_type,
            province,
        } => {
            let filter = CaseFilter {
                status: status
                    .as_deref()
                    .map(|s| enum_arg("--status", s))
                    .transpose()?,
                case_type: case_type
                    .as_deref()
                    .map(|t| enum_arg("--type", t))
                    .transpose()?,
                province: province
                    .as_deref()
                    .map(|p| enum_arg("--province", p))
                    .transpose()?,
                ..CaseFilter::default()
            };
            (out.json, ws.export_cases(&filter, file)?, file)
        }
    };
    emit(cli.json || as_json, &summary, || {
        format!("{} rows written to {}", summary.rows, file.display())
    });
    Ok(())
}

pub fn report(cli: &Cli, what: &ReportWhat) -> Result<()> {
    let ReportWhat::Quarterly {
        out,
        year,
        quarter,
        file,
    } = what;
    let mut ws = open(cli)?;
    let figures = ws.write_quarterly_report(*year, *quarter, file)?;
    emit(cli.json || out.json, &figures, || {
        format!(
            "{year} Q{quarter}: {} cases ({} deaths, {} detentions), {} closed; written to {}",
            figures.total,
            figures.deaths,
            figures.detentions,
            figures.closed,
            file.display()
        )
    });
    Ok(())
}
