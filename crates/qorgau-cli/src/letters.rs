//! `qorgau letter` and `qorgau mission`: letters, the outgoing registry and who sends them.

use crate::args::{Cli, LetterAction, LetterSpec, MissionAction};
use crate::commands::{date_arg, id_arg, open};
use crate::output::{Failure, emit};
use qorgau_core::domain::{LetterId, LetterRecord, LetterStatus, MissionProfile};
use qorgau_core::{CoreError, ErrorCode, LetterExtras, LetterRequest, Workspace};
use serde_json::{Value, json};
use std::path::Path;

type Result<T> = std::result::Result<T, Failure>;

fn request(spec: &LetterSpec) -> Result<LetterRequest> {
    let need = |value: &Option<String>, option: &str| {
        value
            .clone()
            .ok_or_else(|| Failure::Usage(format!("{option} is required")))
    };
    Ok(LetterRequest {
        case_id: id_arg("--case", &need(&spec.case, "--case")?)?,
        template: need(&spec.template, "--template")?,
        agency_id: spec
            .agency
            .as_deref()
            .map(|a| id_arg("--agency", a))
            .transpose()?,
        worker_id: spec
            .worker
            .as_deref()
            .map(|w| id_arg("--worker", w))
            .transpose()?,
        letter_date: spec
            .date
            .as_deref()
            .map(|d| date_arg("--date", d))
            .transpose()?,
        extras: LetterExtras {
            details_ko: spec.details_ko.clone(),
            details_en: spec.details_en.clone(),
            attachments_ko: spec.attachments_ko.clone(),
            attachments_en: spec.attachments_en.clone(),
            state_stay_status: spec.state_stay_status,
            include_summary: spec.include_summary,
            exemption_notice: spec.exemption_notice,
            without_consent: spec.without_consent,
            officer_ko: spec.officer_ko.clone(),
            officer_en: spec.officer_en.clone(),
            officer_phone: spec.officer_phone.clone(),
            matter_ko: spec.matter_ko.clone(),
            matter_en: spec.matter_en.clone(),
        },
    })
}

/// The request, after printing to stderr what the caseworker must know before sending it
/// (the reporting duty of the channel a stay status is stated to, first person in a note
/// verbale).
fn warned(ws: &Workspace, spec: &LetterSpec) -> Result<LetterRequest> {
    let request = request(spec)?;
    let safeguard = ws.letter_safeguard(&request)?;
    if let Some(notice) = &safeguard.notice {
        eprintln!(
            "notice ({}): {notice} Stay status: {} (recorded with the letter).",
            safeguard.channel.as_deref().unwrap_or("this channel"),
            safeguard.stay_status.code()
        );
    }
    for warning in ws.letter_warnings(&request)? {
        eprintln!("warning: {warning}");
    }
    Ok(request)
}

fn write_pdf(path: &Path, pdf: &[u8]) -> Result<()> {
    std::fs::write(path, pdf).map_err(|e| {
        Failure::Core(CoreError::new(
            ErrorCode::Storage,
            format!("cannot write {}: {e}", path.display()),
        ))
    })
}

fn status_name(s: LetterStatus) -> &'static str {
    match s {
        LetterStatus::Draft => "draft",
        LetterStatus::Registered => "registered",
        LetterStatus::Sent => "sent",
        LetterStatus::Void => "void",
    }
}

fn letter_line(l: &LetterRecord) -> String {
    format!(
        "{}  {:<16} {:<10} {}  {}  {}  stay status: {}",
        l.id,
        l.number
            .as_ref()
            .map(|n| n.text.as_str())
            .unwrap_or("(draft)"),
        status_name(l.status),
        l.letter_date,
        l.template,
        l.subject,
        qorgau_core::safeguards::recorded_stay_status(l).unwrap_or("not recorded")
    )
}

pub fn letter(cli: &Cli, action: &LetterAction) -> Result<()> {
    match action {
        LetterAction::Templates { out } => {
            let ws = open(cli)?;
            let templates = ws.letter_templates()?;
            emit(cli.json || out.json, &templates, || {
                templates
                    .iter()
                    .map(|t| {
                        format!(
                            "{:<20} {} / {}\n{:<20} to: {}; needs {} fields ({} optional)",
                            t.name,
                            t.title_ko,
                            t.title_en,
                            "",
                            t.recipients.join(", "),
                            t.required.len(),
                            t.optional.len()
                        )
                    })
                    .collect::<Vec<_>>()
                    .join("\n")
            });
        }
        LetterAction::Check { out, spec } => {
            let ws = open(cli)?;
            let missing = ws.letter_missing_fields(&request(spec)?)?;
            emit(cli.json || out.json, &json!({ "missing": missing }), || {
                if missing.is_empty() {
                    "all required fields are set".into()
                } else {
                    format!("missing required fields: {}", missing.join(", "))
                }
            });
            if !missing.is_empty() {
                return Err(Failure::Reported(1));
            }
        }
        LetterAction::Render {
            out,
            spec,
            letter,
            draft,
            file,
        } => {
            let mut ws = open(cli)?;
            let (pdf, value) = match (letter, draft) {
                (Some(id), false) => {
                    let id: LetterId = id_arg("--letter", id)?;
                    let record = ws.letter(id)?;
                    let pdf = ws.letter_pdf(id, qorgau_core::DocumentUse::Save)?;
                    (pdf, json!({ "letter": record }))
                }
                (None, true) => (
                    ws.preview_letter(&warned(&ws, spec)?)?,
                    json!({ "draft": true }),
                ),
                (Some(_), true) => {
                    return Err(Failure::Usage(
                        "--letter writes a registered letter; --draft previews a new one: use one"
                            .into(),
                    ));
                }
                (None, false) => {
                    return Err(Failure::Usage(
                        "a letter gets its number when it is registered: use --draft to preview \
                         it, `qorgau letter register` to number it, or --letter ID to write a \
                         registered letter again"
                            .into(),
                    ));
                }
            };
            write_pdf(file, &pdf)?;
            let mut value = value;
            value["file"] = json!(file);
            value["bytes"] = json!(pdf.len());
            emit(cli.json || out.json, &value, || {
                format!("wrote {} ({} bytes)", file.display(), pdf.len())
            });
        }
        LetterAction::Draft { out, spec } => {
            let mut ws = open(cli)?;
            let record = ws.save_draft_letter(&warned(&ws, spec)?)?;
            emit(cli.json || out.json, &record, || record.id.to_string());
        }
        LetterAction::Register {
            out,
            spec,
            letter,
            file,
        } => {
            let mut ws = open(cli)?;
            let rendered = match letter {
                Some(id) => ws.register_draft(id_arg("--letter", id)?)?,
                None => {
                    let request = warned(&ws, spec)?;
                    ws.register_letter(&request, None)?
                }
            };
            if let Some(file) = file {
                write_pdf(file, &rendered.pdf)?;
            }
            let record = rendered.record;
            emit(cli.json || out.json, &record, || {
                record
                    .as_ref()
                    .map(|r| {
                        format!(
                            "registered {} as {}{}",
                            r.id,
                            r.number.as_ref().map(|n| n.text.as_str()).unwrap_or(""),
                            file.as_ref()
                                .map(|f| format!("; wrote {}", f.display()))
                                .unwrap_or_default()
                        )
                    })
                    .unwrap_or_default()
            });
        }
        LetterAction::List { out, case } => {
            let ws = open(cli)?;
            let case = case.as_deref().map(|c| id_arg("--case", c)).transpose()?;
            let letters = ws.letters(case)?;
            emit(cli.json || out.json, &letters, || {
                letters
                    .iter()
                    .map(letter_line)
                    .collect::<Vec<_>>()
                    .join("\n")
            });
        }
        LetterAction::Show { out, id } => {
            let ws = open(cli)?;
            let record = ws.letter(id_arg("letter id", id)?)?;
            emit(cli.json || out.json, &record, || {
                serde_json::to_string_pretty(&record).unwrap_or_default()
            });
        }
        LetterAction::Mark {
            out,
            id,
            status,
            note,
        } => {
            let to = match status.as_str() {
                "sent" => LetterStatus::Sent,
                "void" => LetterStatus::Void,
                other => {
                    return Err(Failure::Usage(format!(
                        "status: {other:?} is not `sent` or `void`"
                    )));
                }
            };
            let mut ws = open(cli)?;
            let record = ws.mark_letter(id_arg("letter id", id)?, to, note.as_deref())?;
            emit(cli.json || out.json, &record, || letter_line(&record));
        }
        LetterAction::Verify { out, file } => verify(cli, cli.json || out.json, file)?,
    }
    Ok(())
}

fn verify(cli: &Cli, as_json: bool, file: &Path) -> Result<()> {
    let bytes = std::fs::read(file)
        .map_err(|e| Failure::Usage(format!("cannot read {}: {e}", file.display())))?;
    let ws = open(cli)?;
    let found = ws.verify_letter_bytes(&bytes)?;
    let genuine = found
        .letter
        .as_ref()
        .is_some_and(|l| matches!(l.status, LetterStatus::Registered | LetterStatus::Sent));
    emit(
        as_json,
        &json!({ "valid": genuine, "verification": found }),
        || match &found.letter {
            Some(l) if genuine => format!(
                "VALID: {} is registered letter {} of {} ({}), SHA-256 {}",
                file.display(),
                l.number.as_ref().map(|n| n.text.as_str()).unwrap_or(""),
                l.letter_date,
                status_name(l.status),
                found.sha256
            ),
            Some(l) => format!(
                "VOID: {} is letter {}, which was voided{}",
                file.display(),
                l.number.as_ref().map(|n| n.text.as_str()).unwrap_or(""),
                l.status_note
                    .as_deref()
                    .map(|n| format!(" ({n})"))
                    .unwrap_or_default()
            ),
            None => format!(
                "NOT FOUND: no registered letter has these bytes (SHA-256 {})",
                found.sha256
            ),
        },
    );
    if genuine {
        Ok(())
    } else {
        Err(Failure::Reported(1))
    }
}

pub fn mission(cli: &Cli, action: &MissionAction) -> Result<()> {
    match action {
        MissionAction::Show { out } => {
            let ws = open(cli)?;
            let profile = ws.mission()?;
            let empty = profile.as_ref().map(MissionProfile::empty_fields);
            emit(
                cli.json || out.json,
                &json!({ "mission": profile, "empty_fields": empty }),
                || match &profile {
                    None => {
                        "no mission profile yet: `qorgau mission set --preset seoul` (or busan)"
                            .into()
                    }
                    Some(p) => {
                        let empty = p.empty_fields();
                        format!(
                            "{}\nempty fields: {}",
                            serde_json::to_string_pretty(p).unwrap_or_default(),
                            if empty.is_empty() {
                                "none".into()
                            } else {
                                empty.join(", ")
                            }
                        )
                    }
                },
            );
        }
        MissionAction::Set {
            out,
            preset,
            from_json,
            fields,
        } => {
            let mut ws = open(cli)?;
            let profile = build_profile(&ws, preset.as_deref(), from_json.as_deref(), fields)?;
            let changed = ws.set_mission(&profile)?;
            emit(cli.json || out.json, &json!({ "changed": changed }), || {
                if changed.is_empty() {
                    "nothing changed".into()
                } else {
                    format!("changed: {}", changed.join(", "))
                }
            });
        }
    }
    Ok(())
}

fn build_profile(
    ws: &Workspace,
    preset: Option<&str>,
    from_json: Option<&Path>,
    pairs: &[String],
) -> Result<MissionProfile> {
    let base = match preset {
        Some(name) => MissionProfile::preset(name).ok_or_else(|| {
            Failure::Usage(format!("--preset: {name:?} is not `seoul` or `busan`"))
        })?,
        None => ws.mission()?.unwrap_or_default(),
    };
    let mut doc = serde_json::to_value(&base).map_err(CoreError::from)?;
    if let Some(path) = from_json {
        let input = crate::args::JsonInput {
            file: path.to_path_buf(),
        };
        let patch = qorgau_core::json_object(crate::commands::read_json(&input)?, "the profile")?;
        for (k, v) in patch {
            doc[k] = v;
        }
    }
    for pair in pairs {
        let (key, value) = pair.split_once('=').ok_or_else(|| {
            Failure::Usage(format!(
                "{pair:?}: write FIELD=VALUE, e.g. consul_title_en=Consul"
            ))
        })?;
        let key = key.trim();
        doc[key] = if value.trim().is_empty() {
            // `code` and `registry_pattern` are always present; empty fails validation by name.
            match key {
                "code" | "registry_pattern" => Value::String(String::new()),
                _ => Value::Null,
            }
        } else {
            Value::String(value.to_owned())
        };
    }
    serde_json::from_value(doc).map_err(|e| {
        Failure::Core(CoreError::new(
            ErrorCode::Invalid,
            format!("mission profile: {e}"),
        ))
    })
}
