//! Fills every shipped template from the sample context and writes `<name>.pdf` (and
//! `<name>-draft.pdf`) into the directory given as the first argument.
//!
//! `cargo run -p qorgau-letters --example template_pdfs -- /tmp/templates-png`

use qorgau_letters::{FillOptions, Fonts, LetterDate, TemplateSet, render, sample_context_for};

fn main() {
    let dir = std::env::args().nth(1).unwrap_or_else(|| ".".into());
    std::fs::create_dir_all(&dir).expect("create output directory");
    let set = TemplateSet::embedded().expect("shipped templates load");
    for info in set.templates() {
        for draft in [false, true] {
            let options = FillOptions {
                draft,
                document_id: *b"qorgau-template!",
                date: LetterDate::new(2026, 11, 21),
                recipient: info
                    .recipients
                    .first()
                    .and_then(|r| qorgau_letters::recipient_kind(r)),
            };
            let doc = set
                .fill(&info.name, &sample_context_for(&info.name), &options)
                .expect("fill");
            let pdf = render(&doc, Fonts::embedded()).expect("render");
            let suffix = if draft { "-draft" } else { "" };
            let path = format!("{dir}/{}{suffix}.pdf", info.name);
            std::fs::write(&path, &pdf).expect("write");
            println!("{path}: {} bytes", pdf.len());
        }
    }
}
