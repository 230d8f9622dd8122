//! `qorgau bench letters`: the letter engine's warm render time and file size for the
//! reference one-page bilingual letter and every shipped template (fonts parsed once per
//! process), and the wall time of cold `qorgau letter render` processes.

use crate::output::{Failure, emit};
use qorgau_core::letters_engine::{
    FillOptions, Fonts, LetterDate, TemplateSet, page_count, render, sample_bilingual_letter,
    sample_context_for,
};
use qorgau_core::{CoreError, ErrorCode, KdfParams, Passphrase, Workspace, WorkspaceOptions};
use serde::Serialize;
use std::path::Path;
use std::process::Command;
use std::time::Instant;

#[derive(Debug, Serialize)]
struct Row {
    name: String,
    /// Fill (templates) plus render, per letter.
    median_ms: f64,
    p95_ms: f64,
    bytes: usize,
    pages: usize,
}

#[derive(Debug, Serialize)]
struct Cold {
    kdf: &'static str,
    runs: usize,
    median_ms: f64,
    min_ms: f64,
    /// Opening the workspace alone (key derivation and unlock), measured in this process.
    unlock_ms: f64,
}

#[derive(Debug, Serialize)]
struct Report {
    iterations: usize,
    font_parse_ms: f64,
    letters: Vec<Row>,
    cold: Vec<Cold>,
}

fn ms(d: std::time::Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn quantiles(mut times: Vec<f64>) -> (f64, f64) {
    times.sort_by(f64::total_cmp);
    let n = times.len();
    (times[n / 2], times[((n * 95) / 100).min(n - 1)])
}

fn engine_error(e: impl std::fmt::Display) -> Failure {
    Failure::Core(CoreError::new(ErrorCode::Invalid, e.to_string()))
}

/// One letter to time: its name and how to make it.
type Maker<'a> = (String, Box<dyn Fn() -> Result<Vec<u8>, Failure> + 'a>);

/// Times every letter `iterations` times, round-robin, so that a noisy stretch of the
/// machine's time falls on all letters alike rather than on whichever ran then.
fn time_letters(letters: &[Maker<'_>], iterations: usize) -> Result<Vec<Row>, Failure> {
    let firsts: Vec<Vec<u8>> = letters
        .iter()
        .map(|(_, make)| make())
        .collect::<Result<_, _>>()?;
    let mut times = vec![Vec::with_capacity(iterations); letters.len()];
    for _ in 0..iterations {
        for (i, (name, make)) in letters.iter().enumerate() {
            let t = Instant::now();
            let pdf = make()?;
            times[i].push(ms(t.elapsed()));
            if pdf != firsts[i] {
                return Err(engine_error(format!("{name}: two renders differ")));
            }
        }
    }
    Ok(letters
        .iter()
        .zip(firsts)
        .zip(times)
        .map(|(((name, _), first), times)| {
            let (median_ms, p95_ms) = quantiles(times);
            Row {
                name: name.clone(),
                median_ms,
                p95_ms,
                bytes: first.len(),
                pages: page_count(&first).unwrap_or(0),
            }
        })
        .collect())
}

pub fn letters(as_json: bool, iterations: usize, cold_runs: usize) -> Result<(), Failure> {
    let iterations = iterations.max(1);
    let t = Instant::now();
    let fonts = Fonts::embedded();
    let font_parse_ms = ms(t.elapsed());
    let set = TemplateSet::shipped().map_err(engine_error)?;

    let sample = sample_bilingual_letter();
    let options = FillOptions {
        draft: false,
        document_id: *b"qorgau-bench-let",
        date: LetterDate::new(2026, 11, 21),
        recipient: None,
    };
    let contexts: Vec<_> = set
        .templates()
        .into_iter()
        .map(|info| (info.name.clone(), sample_context_for(&info.name)))
        .collect();
    let mut letters: Vec<Maker<'_>> = vec![(
        "sample_one_page_bilingual".into(),
        Box::new(|| render(&sample, fonts).map_err(engine_error)),
    )];
    for (name, ctx) in &contexts {
        letters.push((
            name.clone(),
            Box::new(move || {
                let doc = set.fill(name, ctx, &options).map_err(engine_error)?;
                render(&doc, fonts).map_err(engine_error)
            }),
        ));
    }
    eprintln!(
        "bench letters: {} letters x {iterations} renders, round-robin …",
        letters.len()
    );
    let rows = time_letters(&letters, iterations)?;

    let mut cold = Vec::new();
    if cold_runs > 0 {
        let root =
            std::env::temp_dir().join(format!("qorgau-bench-letters-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        for (label, kdf) in [
            ("default (Argon2id 64 MiB x3)", KdfParams::DEFAULT),
            (
                "fast test KDF (isolates the render)",
                KdfParams::FAST_INSECURE_FOR_TESTS,
            ),
        ] {
            eprintln!("bench letters: cold processes, {label} …");
            cold.push(cold_processes(&root, label, kdf, cold_runs)?);
        }
        let _ = std::fs::remove_dir_all(&root);
    }

    let report = Report {
        iterations,
        font_parse_ms,
        letters: rows,
        cold,
    };
    emit(as_json, &report, || {
        let mut out = format!(
            "font parse (once per process): {:.1} ms; {} renders per letter\n",
            report.font_parse_ms, report.iterations
        );
        for r in &report.letters {
            out.push_str(&format!(
                "{:<26} median {:>6.2} ms  p95 {:>6.2} ms  {:>6.1} KB  {} page(s)\n",
                r.name,
                r.median_ms,
                r.p95_ms,
                r.bytes as f64 / 1000.0,
                r.pages
            ));
        }
        for c in &report.cold {
            out.push_str(&format!(
                "cold `qorgau letter render --draft`, {}: median {:.1} ms, min {:.1} ms over {} runs (unlock alone {:.1} ms)\n",
                c.kdf, c.median_ms, c.min_ms, c.runs, c.unlock_ms
            ));
        }
        out.trim_end().to_owned()
    });
    Ok(())
}

/// Times `runs` separate `qorgau letter render --draft` processes on a small demo workspace.
fn cold_processes(
    root: &Path,
    label: &'static str,
    kdf: KdfParams,
    runs: usize,
) -> Result<Cold, Failure> {
    let dir = root.join(format!("ws-{}", kdf.memory_kib));
    let passphrase_text = "benchmark passphrase, not secret";
    let passphrase = Passphrase::new(passphrase_text);
    let options = WorkspaceOptions {
        kdf,
        actor: "bench".into(),
    };
    let mut ws = Workspace::create(&dir, &passphrase, &options)?;
    qorgau_core::demo::populate(&mut ws, 20, 20, 7, chrono::Local::now().date_naive())?;
    let agency = ws
        .list_agencies()?
        .into_iter()
        .find(|a| a.agency.kind == qorgau_core::domain::AgencyKind::LabourOffice)
        .ok_or_else(|| engine_error("the demo workspace has no labour office"))?;
    let mut case = None;
    for summary in ws.list_cases(&qorgau_core::CaseFilter::default())? {
        let request = qorgau_core::LetterRequest {
            case_id: summary.id,
            template: "wage_arrears".into(),
            agency_id: Some(agency.id),
            worker_id: None,
            letter_date: None,
            extras: qorgau_core::LetterExtras::default(),
        };
        if ws.letter_missing_fields(&request)?.is_empty() {
            case = Some(summary);
            break;
        }
    }
    let case = case.ok_or_else(|| engine_error("no demo case has a wage-arrears letter's data"))?;
    drop(ws);
    let t = Instant::now();
    drop(Workspace::open(&dir, &passphrase, "bench")?);
    let unlock_ms = ms(t.elapsed());

    let exe = std::env::current_exe()
        .map_err(|e| engine_error(format!("cannot find the qorgau binary: {e}")))?;
    let out = dir.join("letter.pdf");
    let mut times = Vec::with_capacity(runs);
    for _ in 0..runs {
        let t = Instant::now();
        let status = Command::new(&exe)
            .arg("--workspace")
            .arg(&dir)
            .args(["letter", "render", "--draft", "--template", "wage_arrears"])
            .args(["--case", &case.id.to_string()])
            .args(["--agency", &agency.id.to_string()])
            .arg("--out")
            .arg(&out)
            .env("QORGAU_PASSPHRASE", passphrase_text)
            .stdout(std::process::Stdio::null())
            .status()
            .map_err(|e| engine_error(format!("cannot run {}: {e}", exe.display())))?;
        times.push(ms(t.elapsed()));
        if !status.success() {
            return Err(engine_error(format!(
                "`qorgau letter render` failed: {status}"
            )));
        }
    }
    let min_ms = times.iter().copied().fold(f64::INFINITY, f64::min);
    let (median_ms, _) = quantiles(times);
    Ok(Cold {
        kdf: label,
        runs,
        median_ms,
        min_ms,
        unlock_ms,
    })
}
