//! Integration tests of the letter engine: determinism, coverage errors, page flow, line
//! breaking, and what poppler and qpdf make of the output.

mod support;
mod templates;

use qorgau_letters::{
    Align, Block, Fonts, LetterDate, Paragraph, RenderError, Run, Text, is_hangul,
    layout_paragraph, render, sample_bilingual_letter, sample_long_letter,
};
use sha2::{Digest, Sha256};
use support::{pdf_tool, write_temp};

fn sha256(bytes: &[u8]) -> [u8; 32] {
    Sha256::digest(bytes).into()
}

#[test]
fn same_document_renders_to_the_same_bytes() {
    let fonts = Fonts::embedded();
    let letter = sample_bilingual_letter();
    let a = render(&letter, fonts).unwrap();
    let b = render(&letter, fonts).unwrap();
    assert_eq!(sha256(&a), sha256(&b));
    // The draft and the long letter too (draft mark, several pages, page numbers).
    let mut draft = sample_bilingual_letter();
    draft.draft = true;
    assert_eq!(
        render(&draft, fonts).unwrap(),
        render(&draft, fonts).unwrap()
    );
    let long = sample_long_letter(8);
    assert_eq!(render(&long, fonts).unwrap(), render(&long, fonts).unwrap());
}

#[test]
fn another_date_or_id_gives_other_bytes() {
    let fonts = Fonts::embedded();
    let letter = sample_bilingual_letter();
    let base = render(&letter, fonts).unwrap();

    let mut other_date = letter.clone();
    other_date.meta.date = LetterDate::new(2026, 11, 22);
    let dated = render(&other_date, fonts).unwrap();
    assert_ne!(sha256(&base), sha256(&dated));
    let needle = b"D:20261122000000";
    assert!(
        dated.windows(needle.len()).any(|w| w == needle),
        "creation date from the letter"
    );

    let mut other_id = letter.clone();
    other_id.meta.document_id[0] ^= 1;
    assert_ne!(sha256(&base), sha256(&render(&other_id, fonts).unwrap()));
}

#[test]
fn file_id_is_the_document_id() {
    let letter = sample_bilingual_letter();
    let pdf = render(&letter, Fonts::embedded()).unwrap();
    let hex: String = letter
        .meta
        .document_id
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let trailer = String::from_utf8_lossy(&pdf[pdf.len().saturating_sub(600)..]).to_lowercase();
    assert!(
        trailer.contains(&format!("<{hex}>")),
        "trailer /ID: {trailer}"
    );
}

#[test]
fn uncovered_character_is_an_error_naming_character_and_field() {
    let fonts = Fonts::embedded();
    for (ch, codepoint) in [('😀', "U+1F600"), ('ཀ', "U+0F40"), ('क', "U+0915")] {
        let mut letter = sample_bilingual_letter();
        letter.blocks.push(Block::Paragraph(Paragraph::new(vec![
            Run::plain("Worker: "),
            Run::field(format!("Әлихан {ch}"), "worker.name"),
        ])));
        let err = render(&letter, fonts).unwrap_err();
        assert_eq!(
            err,
            RenderError::UncoveredCharacter {
                ch,
                codepoint: codepoint.into(),
                field: Some("worker.name".into()),
            }
        );
        let message = err.to_string();
        assert!(
            message.contains(codepoint) && message.contains("worker.name"),
            "{message}"
        );
    }
    // In the letterhead and a signature too, not only in paragraphs.
    let mut letter = sample_bilingual_letter();
    letter.blocks.push(Block::Signature {
        lines: vec![Text::field("Consul 🙂", "mission.consul")],
    });
    assert!(matches!(
        render(&letter, fonts),
        Err(RenderError::UncoveredCharacter { field: Some(f), .. }) if f == "mission.consul"
    ));
}

#[test]
fn long_letter_flows_onto_three_pages_with_page_numbers() {
    let pdf = render(&sample_long_letter(8), Fonts::embedded()).unwrap();
    let Some(pages) = pdf_tool::page_texts(&pdf) else {
        return;
    };
    assert!(pages.len() >= 3, "{} pages", pages.len());
    for (i, page) in pages.iter().enumerate() {
        // The footer is the last line of the page; pdftotext may drop the narrow spaces.
        let footer: String = page
            .trim_end()
            .lines()
            .last()
            .unwrap_or("")
            .split_whitespace()
            .collect();
        assert_eq!(
            footer,
            format!("-{}-", i + 1),
            "page {} footer:\n{page}",
            i + 1
        );
    }
    // The content really continues: the last section and the closing are on the last page.
    assert!(pages.last().unwrap().contains("끝."));
    assert!(pages[0].contains("1.") && !pages[0].contains("8. 제8차"));
}

#[test]
fn one_page_letter_has_no_page_number() {
    let pdf = render(&sample_bilingual_letter(), Fonts::embedded()).unwrap();
    let Some(pages) = pdf_tool::page_texts(&pdf) else {
        return;
    };
    assert_eq!(pages.len(), 1, "the sample letter must fit on one page");
    assert!(!pages[0].contains("- 1 -"));
}

/// Korean words separated by spaces, of varied lengths.
fn korean_paragraph() -> String {
    let words = [
        "카자흐스탄",
        "국민",
        "근로자의",
        "임금체불",
        "진정",
        "사건과",
        "관련하여",
        "지방고용노동청은",
        "사업주에게",
        "체불",
        "임금의",
        "지급을",
        "명령하고",
        "근로감독관의",
        "조사",
        "결과를",
        "대사관에",
        "통보하여",
        "주시기",
        "바랍니다",
    ];
    (0..60)
        .map(|i| words[(i * 7) % words.len()])
        .collect::<Vec<_>>()
        .join(" ")
}

#[test]
fn korean_words_are_never_split_across_lines() {
    let text = korean_paragraph();
    let words: std::collections::HashSet<&str> = text.split(' ').collect();
    let fonts = Fonts::embedded();
    for width in [120.0, 200.0, 333.0, 496.0] {
        let lines =
            layout_paragraph(&[Run::plain(text.clone())], fonts, 11.5, width, width).unwrap();
        assert!(lines.len() > 1);
        for line in &lines {
            for word in line.text().split(' ').filter(|w| !w.is_empty()) {
                assert!(
                    words.contains(word),
                    "{word:?} is a split word (width {width})"
                );
            }
            assert!(
                line.width_pt <= width + 0.01,
                "line overflows: {}",
                line.text()
            );
        }
        let rejoined: Vec<String> = lines
            .iter()
            .map(|l| l.text().trim_end().to_owned())
            .collect();
        assert_eq!(rejoined.join(" "), text, "no character lost or added");
    }
}

#[test]
fn extracted_lines_end_at_korean_word_boundaries() {
    let mut letter = sample_bilingual_letter();
    let text = korean_paragraph();
    letter.letterhead = None;
    letter.blocks = vec![Block::Paragraph(Paragraph::new(vec![Run::plain(
        text.clone(),
    )]))];
    let pdf = render(&letter, Fonts::embedded()).unwrap();
    let Some(pages) = pdf_tool::page_texts(&pdf) else {
        return;
    };
    let words: std::collections::HashSet<&str> = text.split(' ').collect();
    let body_lines: Vec<&str> = pages[0]
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    assert!(body_lines.len() >= 4, "{body_lines:?}");
    for line in body_lines {
        for word in line.split_whitespace() {
            assert!(word.chars().all(is_hangul), "{word:?}");
            assert!(words.contains(word), "{word:?} split in {line:?}");
        }
    }
}

#[test]
fn justified_lines_fill_the_width() {
    let fonts = Fonts::embedded();
    let width = 400.0;
    let runs = [Run::plain(korean_paragraph())];
    let lines = layout_paragraph(&runs, fonts, 11.5, width, width).unwrap();
    let (last, rest) = lines.split_last().unwrap();
    assert!(last.ends_paragraph);
    for line in rest {
        assert!(!line.ends_paragraph);
        assert!(line.stretchable_spaces() > 0);
        // Natural width plus the room justification shares out over the spaces equals the
        // measure; greedy filling leaves less than one word of room.
        assert!(
            line.width_pt <= width && line.width_pt > width * 0.75,
            "{}",
            line.width_pt
        );
    }
    // In the PDF, justified lines of a paragraph end at the right margin.
    let mut letter = sample_bilingual_letter();
    letter.letterhead = None;
    letter.blocks = vec![Block::Paragraph(
        Paragraph::new(vec![Run::plain(korean_paragraph())]).aligned(Align::Justify),
    )];
    let pdf = render(&letter, fonts).unwrap();
    let Some(boxes) = pdf_tool::line_right_edges(&pdf) else {
        return;
    };
    let right_margin = 595.276 - 15.0 * 72.0 / 25.4;
    let full: Vec<&f32> = boxes.iter().take(boxes.len() - 1).collect();
    assert!(full.len() >= 4);
    for x in full {
        assert!(
            (x - right_margin).abs() < 1.5,
            "line ends at {x}, margin at {right_margin}"
        );
    }
}

#[test]
fn fonts_are_embedded_and_subset() {
    let pdf = render(&sample_bilingual_letter(), Fonts::embedded()).unwrap();
    let Some(fonts) = pdf_tool::fonts(&pdf) else {
        return;
    };
    assert_eq!(fonts.len(), 4, "{fonts:?}");
    for f in &fonts {
        assert!(f.embedded && f.subset && f.unicode, "{f:?}");
    }
    let names: Vec<&str> = fonts.iter().map(|f| f.name.as_str()).collect();
    for family in [
        "NanumMyeongjo",
        "NanumMyeongjoBold",
        "NotoSerif-Regular",
        "NotoSerif-Bold",
    ] {
        assert!(
            names.iter().any(|n| n.ends_with(&format!("+{family}"))),
            "{names:?}"
        );
    }
}

#[test]
fn text_round_trips_through_pdftotext() {
    let mut letter = sample_bilingual_letter();
    letter.blocks.push(Block::Paragraph(Paragraph::new(vec![
        Run::plain("Қазақ әліпбиі: Ә Ғ Қ Ң Ө Ұ Ү Һ І ә ғ қ ң ө ұ ү һ і. "),
        Run::plain("Русский текст: Съешь же ещё этих мягких французских булок."),
    ])));
    let pdf = render(&letter, Fonts::embedded()).unwrap();
    let Some(pages) = pdf_tool::page_texts(&pdf) else {
        return;
    };
    // Wrapped lines are joined again: compare with runs of white space collapsed.
    let text = pages
        .join("\n")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    for needle in [
        "주대한민국 카자흐스탄공화국 대사관",
        "Қазақстан Республикасының Корея Республикасындағы Елшілігі",
        "Ә Ғ Қ Ң Ө Ұ Ү Һ І ә ғ қ ң ө ұ ү һ і",
        "Съешь же ещё этих мягких французских булок.",
        "카자흐스탄 국민 임금체불 진정 사건 처리 협조 요청",
        "2026. 11. 21.",
        "Жұмабеков Әлихан",
    ] {
        assert!(
            text.contains(needle),
            "{needle:?} not extracted from:\n{text}"
        );
    }
}

/// The decompressed content stream of every page.
fn page_contents(pdf: &[u8]) -> Vec<String> {
    let doc = lopdf::Document::load_mem(pdf).expect("lopdf reads our output");
    doc.get_pages()
        .values()
        .map(|id| String::from_utf8_lossy(&doc.get_page_content(*id)).into_owned())
        .collect()
}

#[test]
fn draft_carries_the_mark_on_every_page() {
    let mut long = sample_long_letter(8);
    long.draft = true;
    let pages = page_contents(&render(&long, Fonts::embedded()).unwrap());
    assert!(pages.len() >= 3);
    // Light grey fill and text turned along the diagonal (cos 54.7° = 0.577...).
    for page in &pages {
        assert!(page.contains("0.84 g"), "no grey fill on a draft page");
        assert!(page.contains("0.5773"), "no rotated text on a draft page");
    }
    let final_pages = page_contents(&render(&sample_long_letter(8), Fonts::embedded()).unwrap());
    assert_eq!(final_pages.len(), pages.len());
    assert!(
        final_pages
            .iter()
            .all(|p| !p.contains("0.84 g") && !p.contains("0.5773"))
    );
}

#[test]
fn qpdf_check_passes() {
    let mut draft = sample_long_letter(8);
    draft.draft = true;
    for doc in [sample_bilingual_letter(), draft] {
        let pdf = render(&doc, Fonts::embedded()).unwrap();
        let file = write_temp(&pdf);
        let Some(out) = support::run_tool("qpdf", &["--check", file.path()]) else {
            return;
        };
        assert!(
            out.status.success(),
            "qpdf --check: {}",
            String::from_utf8_lossy(&out.stdout)
        );
    }
}

#[test]
fn sample_letter_is_small() {
    let pdf = render(&sample_bilingual_letter(), Fonts::embedded()).unwrap();
    assert!(pdf.len() <= 80 * 1024, "{} bytes", pdf.len());
}

/// The length of table `tag` in an sfnt font program.
fn sfnt_table_len(font: &[u8], tag: &[u8; 4]) -> Option<u32> {
    let tables = u16::from_be_bytes(font.get(4..6)?.try_into().ok()?);
    (0..usize::from(tables)).find_map(|i| {
        let record = font.get(12 + 16 * i..28 + 16 * i)?;
        (&record[..4] == tag).then(|| u32::from_be_bytes(record[12..16].try_into().unwrap()))
    })
}

#[test]
fn every_embedded_font_program_has_its_glyph_outlines() {
    // printpdf embeds an outline-free twin of each subset; the real program must replace it,
    // or the letter would print blank while its text layer still extracts.
    let pdf = render(&sample_bilingual_letter(), Fonts::embedded()).unwrap();
    let doc = lopdf::Document::load_mem(&pdf).unwrap();
    let mut programs = 0;
    for object in doc.objects.values() {
        let lopdf::Object::Dictionary(dict) = object else {
            continue;
        };
        let Ok(reference) = dict.get(b"FontFile2").and_then(lopdf::Object::as_reference) else {
            continue;
        };
        let stream = doc.get_object(reference).unwrap().as_stream().unwrap();
        let program = stream.decompressed_content().unwrap();
        let glyf = sfnt_table_len(&program, b"glyf").expect("a glyf table");
        assert!(glyf > 1000, "font program with {glyf} bytes of outlines");
        assert_eq!(
            stream.dict.get(b"Length1").unwrap().as_i64().unwrap(),
            program.len() as i64
        );
        programs += 1;
    }
    assert_eq!(programs, 4);
}
