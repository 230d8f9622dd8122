//! Hand-run timing and sample output (not a test: timings depend on the machine).
//!
//! ```sh
//! cargo run --release -p qorgau-letters --example letters_timing -- /tmp/letters-out
//! ```
//! With `--once`, parses the fonts and renders one letter, as a cold process would.
//! Otherwise prints the font parse time, the warm render time per one-page bilingual letter and its
//! size, and writes the sample PDFs into the directory given (if any).

use std::time::Instant;

use qorgau_letters::{Fonts, render, sample_bilingual_letter, sample_long_letter};

fn main() {
    let started = Instant::now();
    if std::env::args().nth(1).as_deref() == Some("--once") {
        // What a cold `qorgau letter render` pays: parse the fonts, render one letter.
        let pdf = render(&sample_bilingual_letter(), Fonts::embedded()).expect("renders");
        println!(
            "{} bytes in {:.1} ms",
            pdf.len(),
            started.elapsed().as_secs_f64() * 1000.0
        );
        return;
    }
    let fonts = Fonts::embedded();
    let parse = started.elapsed();
    let letter = sample_bilingual_letter();
    let first = Instant::now();
    let bytes = render(&letter, fonts).expect("sample renders");
    let first = first.elapsed();

    let rounds = 200;
    let mut times = Vec::with_capacity(rounds);
    for _ in 0..rounds {
        let t = Instant::now();
        let again = render(&letter, fonts).expect("sample renders");
        times.push(t.elapsed().as_secs_f64() * 1000.0);
        assert_eq!(again.len(), bytes.len());
    }
    times.sort_by(f64::total_cmp);
    println!(
        "font parse (first use): {:.1} ms",
        parse.as_secs_f64() * 1000.0
    );
    println!(
        "first render:           {:.2} ms",
        first.as_secs_f64() * 1000.0
    );
    println!(
        "warm render, {rounds} rounds: median {:.2} ms, p10 {:.2} ms, p90 {:.2} ms",
        times[rounds / 2],
        times[rounds / 10],
        times[rounds * 9 / 10]
    );
    println!(
        "size: {} bytes ({:.1} KB)",
        bytes.len(),
        bytes.len() as f64 / 1024.0
    );

    if let Some(dir) = std::env::args().nth(1) {
        std::fs::create_dir_all(&dir).expect("output directory");
        let mut draft = sample_bilingual_letter();
        draft.draft = true;
        for (name, doc) in [
            ("sample", letter),
            ("sample-draft", draft),
            ("long", sample_long_letter(8)),
        ] {
            let pdf = render(&doc, fonts).expect("renders");
            let path = format!("{dir}/{name}.pdf");
            std::fs::write(&path, pdf).expect("write");
            println!("wrote {path}");
        }
    }
    println!(
        "process total: {:.1} ms",
        started.elapsed().as_secs_f64() * 1000.0
    );
}
