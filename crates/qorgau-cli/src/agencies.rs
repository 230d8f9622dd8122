//! `qorgau agency`: the directory of Korean agencies.

use crate::args::{AgencyAction, Cli};
use crate::commands::{enum_arg, id_arg, open, read_json};
use crate::output::{Failure, emit};
use qorgau_core::directory::{parse_directory, shipped_agencies};
use qorgau_core::domain::{Agency, AgencyId, AgencyKind};

type Result<T> = std::result::Result<T, Failure>;

fn line(id: &AgencyId, a: &Agency) -> String {
    format!(
        "{id}  {:<22} {}{}{}",
        serde_json::to_value(a.kind)
            .ok()
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_default(),
        a.name_ko,
        a.name_en
            .as_deref()
            .map(|n| format!(" ({n})"))
            .unwrap_or_default(),
        if a.verified { "" } else { "  [unverified]" }
    )
}

pub fn agency(cli: &Cli, action: &AgencyAction) -> Result<()> {
    match action {
        AgencyAction::Add(input) => {
            let json = read_json(input)?;
            let agency: Agency =
                serde_json::from_value(json).map_err(qorgau_core::CoreError::from)?;
            let mut ws = open(cli)?;
            let id = ws.add_agency(&agency)?;
            emit(cli.json, &serde_json::json!({ "id": id }), || {
                id.to_string()
            });
        }
        AgencyAction::List { out, kind } => {
            let ws = open(cli)?;
            let kind: Option<AgencyKind> =
                kind.as_deref().map(|k| enum_arg("--kind", k)).transpose()?;
            let list: Vec<_> = ws
                .list_agencies()?
                .into_iter()
                .filter(|a| kind.is_none_or(|k| a.agency.kind == k))
                .collect();
            emit(cli.json || out.json, &list, || {
                list.iter()
                    .map(|a| line(&a.id, &a.agency))
                    .collect::<Vec<_>>()
                    .join("\n")
            });
        }
        AgencyAction::Show { out, id } => {
            let ws = open(cli)?;
            let record = ws.agency(id_arg("agency id", id)?)?;
            emit(cli.json || out.json, &record, || {
                serde_json::to_string_pretty(&record).unwrap_or_default()
            });
        }
        AgencyAction::Update { id, input } => {
            let patch = read_json(input)?;
            let mut ws = open(cli)?;
            let changed = ws.update_agency(id_arg("agency id", id)?, patch)?;
            emit(cli.json, &serde_json::json!({ "changed": changed }), || {
                if changed.is_empty() {
                    "nothing changed".into()
                } else {
                    format!("changed: {}", changed.join(", "))
                }
            });
        }
        AgencyAction::Propose {
            out,
            case,
            address,
            kind,
        } => {
            let ws = open(cli)?;
            let kind: Option<AgencyKind> =
                kind.as_deref().map(|k| enum_arg("--kind", k)).transpose()?;
            let result = match (case, address) {
                (Some(case), _) => ws.propose_agencies_for_case(id_arg("--case", case)?, kind)?,
                (None, Some(address)) => {
                    let table = qorgau_core::jurisdiction::shipped_jurisdictions()?;
                    qorgau_core::jurisdiction::CaseProposals {
                        from: Some("address".into()),
                        address: Some(address.clone()),
                        place: qorgau_core::jurisdiction::parse_place(address, &table),
                        proposals: ws.propose_agencies(address, kind)?,
                    }
                }
                (None, None) => {
                    return Err(Failure::Usage("give --case ID or --address TEXT".into()));
                }
            };
            emit(cli.json || out.json, &result, || proposals_text(&result));
        }
        AgencyAction::Import { out, file } => {
            let agencies = match file {
                Some(path) => {
                    let text = std::fs::read_to_string(path).map_err(|e| {
                        Failure::Usage(format!("cannot read {}: {e}", path.display()))
                    })?;
                    parse_directory(&text)?
                }
                None => shipped_agencies()?,
            };
            let mut ws = open(cli)?;
            let report = ws.import_agencies(&agencies)?;
            emit(cli.json || out.json, &report, || {
                format!(
                    "added {} agencies; {} already present",
                    report.added.len(),
                    report.skipped.len()
                )
            });
        }
    }
    Ok(())
}

fn proposals_text(result: &qorgau_core::jurisdiction::CaseProposals) -> String {
    let mut lines = vec![match (&result.from, result.place.is_empty()) {
        (Some(from), false) => format!(
            "place: {} (from {from}{})",
            result.place.korean(),
            result
                .address
                .as_deref()
                .map(|a| format!(": {a}"))
                .unwrap_or_default()
        ),
        _ => "place: unknown (no workplace, place or address on the case)".into(),
    }];
    if result.proposals.is_empty() {
        lines.push("no agency proposed".into());
    }
    for p in &result.proposals {
        lines.push(format!(
            "{:>3}  {}  ({})",
            p.score,
            line(&p.agency.id, &p.agency.agency),
            p.reason
        ));
    }
    lines.join("\n")
}
