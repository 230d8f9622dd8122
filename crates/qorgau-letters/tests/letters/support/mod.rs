//! Running poppler and qpdf on rendered bytes.
//!
//! CI installs poppler-utils and qpdf, so there the tools must exist: with `CI` set a missing
//! tool fails the test. Elsewhere a missing tool skips the check with a message.

use std::path::PathBuf;
use std::process::{Command, Output};
use std::sync::atomic::{AtomicUsize, Ordering};

/// A file in the temp directory, removed on drop.
pub struct TempFile(PathBuf);

impl TempFile {
    pub fn path(&self) -> &str {
        self.0.to_str().expect("temp path is UTF-8")
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

pub fn write_temp(bytes: &[u8]) -> TempFile {
    static COUNTER: AtomicUsize = AtomicUsize::new(0);
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let path = std::env::temp_dir().join(format!("qorgau-letters-{}-{n}.pdf", std::process::id()));
    std::fs::write(&path, bytes).expect("write temp pdf");
    TempFile(path)
}

/// Runs `tool`; `None` (after saying so) if it is not installed and we are not in CI.
pub fn run_tool(tool: &str, args: &[&str]) -> Option<Output> {
    match Command::new(tool).args(args).output() {
        Ok(out) => Some(out),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            assert!(
                std::env::var_os("CI").is_none(),
                "{tool} is required in CI (apt-get install poppler-utils qpdf)"
            );
            eprintln!("SKIPPED: {tool} is not installed (apt-get install poppler-utils qpdf)");
            None
        }
        Err(e) => panic!("running {tool}: {e}"),
    }
}

pub mod pdf_tool {
    use super::{run_tool, write_temp};

    /// The text of each page, in reading layout (`pdftotext -layout`).
    pub fn page_texts(pdf: &[u8]) -> Option<Vec<String>> {
        let file = write_temp(pdf);
        let out = run_tool("pdftotext", &["-layout", "-enc", "UTF-8", file.path(), "-"])?;
        assert!(out.status.success(), "pdftotext failed");
        let text = String::from_utf8(out.stdout).expect("pdftotext gives UTF-8");
        let mut pages: Vec<String> = text.split('\u{c}').map(str::to_owned).collect();
        if pages.last().is_some_and(|p| p.trim().is_empty()) {
            pages.pop();
        }
        Some(pages)
    }

    /// Right edge (x max, in points) of every text line on page 1, top to bottom, from
    /// `pdftotext -bbox-layout`.
    pub fn line_right_edges(pdf: &[u8]) -> Option<Vec<f32>> {
        let file = write_temp(pdf);
        let out = run_tool(
            "pdftotext",
            &["-bbox-layout", "-f", "1", "-l", "1", file.path(), "-"],
        )?;
        assert!(out.status.success(), "pdftotext -bbox-layout failed");
        let html = String::from_utf8(out.stdout).expect("UTF-8");
        let edges = html
            .lines()
            .map(str::trim)
            .filter(|l| l.starts_with("<line "))
            .filter_map(|l| {
                let start = l.find("xMax=\"")? + 6;
                let end = start + l[start..].find('"')?;
                l[start..end].parse().ok()
            })
            .collect();
        Some(edges)
    }

    #[derive(Debug)]
    pub struct FontRow {
        pub name: String,
        pub embedded: bool,
        pub subset: bool,
        pub unicode: bool,
    }

    /// The rows of `pdffonts`.
    pub fn fonts(pdf: &[u8]) -> Option<Vec<FontRow>> {
        let file = write_temp(pdf);
        let out = run_tool("pdffonts", &[file.path()])?;
        assert!(out.status.success(), "pdffonts failed");
        let text = String::from_utf8(out.stdout).expect("UTF-8");
        let rows = text
            .lines()
            .skip(2)
            .filter(|l| !l.trim().is_empty())
            .map(|l| {
                let cols: Vec<&str> = l.split_whitespace().collect();
                // name type... encoding emb sub uni object ID: flags are 5th to 3rd from last.
                let flag = |i: usize| cols[cols.len() - i] == "yes";
                FontRow {
                    name: cols[0].to_owned(),
                    embedded: flag(5),
                    subset: flag(4),
                    unicode: flag(3),
                }
            })
            .collect();
        Some(rows)
    }
}
