//! `qorgau team|device|sync|state-hash|conflicts`: sync with the team's server.

use crate::args::{AdminAction, Cli, ConflictAction, DeviceAction, TeamAction};
use crate::commands::open;
use crate::output::{Failure, emit};
use qorgau_core::{SyncStatus, Workspace};
use serde_json::json;

type Result<T> = std::result::Result<T, Failure>;

/// Clocks further apart than this get a warning.
const CLOCK_WARNING_MS: i64 = 5 * 60 * 1000;

/// A warning line when this laptop's clock is far from the server's.
fn clock_warning(offset_ms: Option<i64>) -> String {
    match offset_ms {
        Some(offset) if offset.abs() > CLOCK_WARNING_MS => {
            let minutes = offset.abs() / 60_000;
            let (amount, unit) = if minutes >= 2 * 24 * 60 {
                (minutes / (24 * 60), "days")
            } else if minutes >= 120 {
                (minutes / 60, "hours")
            } else {
                (minutes, "minutes")
            };
            let direction = if offset < 0 { "ahead of" } else { "behind" };
            format!(
                "\nwarning: this laptop's clock is about {amount} {unit} {direction} the sync \
                 server's: set it right (its changes are stamped with it)"
            )
        }
        _ => String::new(),
    }
}

fn status_text(s: &SyncStatus) -> String {
    if !s.in_team {
        return format!(
            "device {}: not in a sync team\n{} local changes not synced",
            s.device, s.unsynced_changes
        );
    }
    let held = if s.held_changes > 0 {
        format!(
            "\nwarning: {} changes from other devices are stamped more than a day ahead of this \
             laptop's clock; they are set aside, not applied",
            s.held_changes
        )
    } else {
        String::new()
    };
    let quarantined: String = s
        .quarantined
        .iter()
        .map(|q| {
            format!(
                "\nquarantined: envelope {} of device {} (position {}): {}",
                q.device_seq, q.device, q.global_seq, q.reason
            )
        })
        .collect();
    if let Some(sas) = &s.pending_approval {
        return format!(
            "device {}: waiting for an admin's approval (code {sas}) to join team {} on {}",
            s.device,
            s.team.as_deref().unwrap_or(""),
            s.server.as_deref().unwrap_or("")
        );
    }
    format!(
        "device {}{}\nteam {} on {}\nkey epoch {}, {} local changes not on the server, cursor {}\n{} open conflicts, {} attachments still arriving{held}{quarantined}{}",
        s.device,
        if s.admin { " (admin)" } else { "" },
        s.team.as_deref().unwrap_or(""),
        s.server.as_deref().unwrap_or(""),
        s.key_epoch.unwrap_or(0),
        s.unsynced_changes,
        s.cursor,
        s.open_conflicts,
        s.incomplete_attachments,
        clock_warning(s.clock_offset_ms)
    )
}

/// Writes a secret file readable by its owner only.
fn write_secret_file(path: &std::path::Path, text: &str) -> std::io::Result<()> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(path)?;
    file.write_all(text.as_bytes())?;
    file.sync_all()
}

pub fn team(cli: &Cli, action: &TeamAction) -> Result<()> {
    match action {
        TeamAction::Create {
            out,
            server,
            fingerprint,
            operator_token,
            recovery_kit,
        } => {
            let mut ws = open(cli)?;
            if let Some(path) = recovery_kit
                && path.exists()
            {
                return Err(Failure::Usage(format!(
                    "--recovery-kit: {} exists already",
                    path.display()
                )));
            }
            let status = ws.create_team(server, fingerprint.as_deref(), operator_token)?;
            if let Some(path) = recovery_kit {
                let document = ws.make_recovery_kit()?;
                write_secret_file(path, &document).map_err(|e| {
                    Failure::Usage(format!(
                        "--recovery-kit: cannot write {}: {e}",
                        path.display()
                    ))
                })?;
            }
            emit(cli.json || out.json, &status, || status_text(&status));
        }
        TeamAction::Recover { out, kit } => {
            let text = std::fs::read_to_string(kit).map_err(|e| {
                Failure::Usage(format!("--kit: cannot read {}: {e}", kit.display()))
            })?;
            let mut ws = open(cli)?;
            let status = ws.recover_team(&text)?;
            emit(cli.json || out.json, &status, || status_text(&status));
        }
        TeamAction::Admins { action } => {
            let (out, device, add) = match action {
                AdminAction::Add { out, device } => (out, device, true),
                AdminAction::Remove { out, device } => (out, device, false),
            };
            let mut ws = open(cli)?;
            let member = ws.set_team_admin(device, add)?;
            emit(cli.json || out.json, &member, || {
                format!("{}  {}", member.device_id, member.role)
            });
        }
    }
    Ok(())
}

pub fn device(cli: &Cli, action: &DeviceAction) -> Result<()> {
    match action {
        DeviceAction::Invite { out, hours } => {
            if !(1..=168).contains(hours) {
                return Err(Failure::Usage("--hours: between 1 and 168".into()));
            }
            let mut ws = open(cli)?;
            let code = ws.invite_device(hours * 3600)?;
            emit(cli.json || out.json, &json!({ "code": code }), || {
                code.clone()
            });
        }
        DeviceAction::Enroll {
            out,
            code,
            merge_existing,
            name,
        } => {
            // `-` reads the code from standard input, keeping it out of the process list and
            // the shell's history.
            let code = if code == "-" {
                let mut line = String::new();
                std::io::stdin()
                    .read_line(&mut line)
                    .map_err(|e| Failure::Usage(format!("cannot read the code: {e}")))?;
                line.trim().to_string()
            } else {
                code.clone()
            };
            let mut ws = open(cli)?;
            let pending = ws.enroll_device_named(&code, *merge_existing, name.as_deref())?;
            emit(cli.json || out.json, &pending, || {
                format!(
                    "device {} asked to join; waiting for approval.\nRead this code to the admin: {}\nThe admin runs `qorgau device approve {} --sas {}`; then run `qorgau sync` here.",
                    pending.device_id, pending.sas, pending.device_id, pending.sas
                )
            });
        }
        DeviceAction::List { out } => {
            let mut ws = open(cli)?;
            let devices = ws.team_devices()?;
            emit(cli.json || out.json, &devices, || {
                devices
                    .iter()
                    .map(|d| {
                        format!(
                            "{}  {}  {}{}",
                            d.device_id,
                            d.role,
                            d.name,
                            d.removed_after
                                .map(|s| format!("  REVOKED after envelope {s}"))
                                .unwrap_or_default()
                        )
                    })
                    .collect::<Vec<_>>()
                    .join("\n")
            });
        }
        DeviceAction::Pending { out } => {
            let mut ws = open(cli)?;
            let pending = ws.pending_devices()?;
            emit(cli.json || out.json, &pending, || {
                if pending.is_empty() {
                    return "no device waits for approval".to_string();
                }
                pending
                    .iter()
                    .map(|p| {
                        format!(
                            "{}  {}{}",
                            p.device_id,
                            p.name,
                            if p.verifiable {
                                ""
                            } else {
                                "  (invited from another admin device, or not openable)"
                            }
                        )
                    })
                    .collect::<Vec<_>>()
                    .join("\n")
            });
        }
        DeviceAction::Approve {
            out,
            device,
            sas,
            role,
        } => {
            let mut ws = open(cli)?;
            let member = ws.approve_device(device, sas, role)?;
            emit(cli.json || out.json, &member, || {
                format!(
                    "approved {} as {}; it joins at its next sync",
                    member.device_id, member.role
                )
            });
        }
        DeviceAction::Revoke { out, device } => {
            let mut ws = open(cli)?;
            let epoch = ws.revoke_device(device)?;
            emit(
                cli.json || out.json,
                &json!({ "revoked": device, "key_epoch": epoch }),
                || format!("revoked {device}; new changes use team key epoch {epoch}"),
            );
        }
    }
    Ok(())
}

pub fn sync(cli: &Cli, as_json: bool, status_only: bool) -> Result<()> {
    let mut ws: Workspace = open(cli)?;
    if status_only {
        let status = ws.sync_status()?;
        emit(as_json, &status, || status_text(&status));
        return Ok(());
    }
    let report = ws.sync()?;
    emit(as_json, &report, || {
        format!(
            "pushed {} changes in {} envelopes; pulled {} envelopes: {} applied, {} unchanged, {} new conflicts{}",
            report.sealed_changes,
            report.pushed_envelopes,
            report.pulled_envelopes,
            report.applied,
            report.unchanged,
            report.conflicts,
            if report.keys_received > 0 {
                format!("; {} new team keys", report.keys_received)
            } else {
                String::new()
            },
        ) + &if report.numbers_leased > 0 {
            format!("; leased {} registry numbers", report.numbers_leased)
        } else {
            String::new()
        } + &clock_warning(report.clock_offset_ms)
            + &if report.quarantined > 0 {
                format!(
                    "\nwarning: {} envelopes did not open or apply and were set aside: see `qorgau sync --status`",
                    report.quarantined
                )
            } else {
                String::new()
            }
            + &if report.held_ahead > 0 {
                format!(
                    "\nwarning: {} changes from other devices are stamped more than a day ahead of \
                 this laptop's clock (a laptop whose clock is wrong?): set aside, not applied",
                    report.held_ahead
                )
            } else {
                String::new()
            }
            + &if report.duplicate_workers > 0 {
                format!(
                    "\n{} pairs of records look like one person: see `qorgau worker duplicates`",
                    report.duplicate_workers
                )
            } else {
                String::new()
            }
    });
    Ok(())
}

pub fn state_hash(cli: &Cli, as_json: bool) -> Result<()> {
    let ws = open(cli)?;
    let hash = ws.state_hash()?;
    emit(as_json, &json!({ "state_hash": hash }), || hash.clone());
    Ok(())
}

pub fn conflicts(cli: &Cli, action: &ConflictAction) -> Result<()> {
    match action {
        ConflictAction::List { out, all } => {
            let ws = open(cli)?;
            let list = ws.conflicts(*all)?;
            emit(cli.json || out.json, &list, || {
                list.iter()
                    .map(|c| {
                        format!(
                            "{}  {} {} .{}: kept {} (device {}), other {} (device {}){}",
                            c.id,
                            c.entity,
                            c.entity_id,
                            c.field,
                            c.kept,
                            c.kept_device,
                            c.other,
                            c.other_device,
                            c.resolution
                                .as_deref()
                                .map(|r| format!("  [{r}]"))
                                .unwrap_or_default()
                        )
                    })
                    .collect::<Vec<_>>()
                    .join("\n")
            });
        }
        ConflictAction::Resolve { id, keep: _, other } => {
            let mut ws = open(cli)?;
            ws.resolve_conflict(*id, *other)?;
            emit(cli.json, &json!({ "resolved": id }), || {
                format!("conflict {id} resolved")
            });
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::clock_warning;

    #[test]
    fn a_clock_far_from_the_servers_is_named_with_its_direction() {
        assert_eq!(clock_warning(None), "");
        assert_eq!(clock_warning(Some(30_000)), "", "seconds are normal");
        let ahead = clock_warning(Some(-30 * 365 * 24 * 3600 * 1000));
        assert!(ahead.contains("10950 days ahead of"), "{ahead}");
        let behind = clock_warning(Some(3 * 3600 * 1000));
        assert!(behind.contains("3 hours behind"), "{behind}");
    }
}
