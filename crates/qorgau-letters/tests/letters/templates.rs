//! The template layer: every shipped template loads, fills from a complete context and
//! renders; golden text of each letter; validation errors; optional content; drafts.

use std::path::PathBuf;

use qorgau_letters::{
    Block, Document, FillError, FillOptions, Fonts, LetterContext, LetterDate, RenderError,
    TemplateError, TemplateSet, TemplateSource, render, sample_context, sample_context_for,
};

use crate::support::{pdf_tool, run_tool, write_temp};

const SHIPPED: [&str; 27] = [
    "wage_arrears",
    "industrial_accident",
    "consular_access",
    "death_police",
    "death_hospital",
    "support_centre",
    "human_rights",
    "legal_aid",
    "employer_payment",
    "note_verbale",
    "confirmation",
    "crime_victim_police",
    "wage_certificate",
    "substitute_wages",
    "survivor_benefits",
    "detention_release",
    "hospital_records",
    "employer_documents",
    "employer_death_payment",
    "passport_return",
    "insurer_claim",
    "power_of_attorney",
    "data_consent",
    "identity_certificate",
    "note_verbale_notification",
    "voluntary_departure",
    "family_power_of_attorney",
];

fn options(draft: bool) -> FillOptions {
    FillOptions {
        draft,
        document_id: *b"qorgau-template!",
        date: LetterDate::new(2026, 11, 21),
        recipient: None,
    }
}

fn set() -> TemplateSet {
    TemplateSet::embedded().expect("shipped templates load")
}

/// Every character of the document, block by block, one line per block.
fn doc_text(doc: &Document) -> String {
    let mut out = String::new();
    if let Some(head) = &doc.letterhead {
        for line in &head.lines {
            out.push_str(&line.text.text);
            out.push('\n');
        }
    }
    for block in &doc.blocks {
        match block {
            Block::Heading { text } => out.push_str(&text.text),
            Block::Paragraph(p) => {
                if let Some(m) = &p.marker {
                    out.push_str(&m.text);
                    out.push(' ');
                }
                p.runs.iter().for_each(|r| out.push_str(&r.text));
            }
            Block::Labelled { label, value, .. } => {
                out.push_str(&label.text);
                out.push_str("  ");
                value.iter().for_each(|r| out.push_str(&r.text));
            }
            Block::List { label, items } => {
                out.push_str(&label.text);
                for item in items {
                    out.push_str("  ");
                    item.iter().for_each(|r| out.push_str(&r.text));
                    out.push('\n');
                }
            }
            Block::Signature { lines } => {
                for l in lines {
                    out.push_str(&l.text);
                    out.push('\n');
                }
            }
            Block::Rule => out.push_str("----"),
            Block::Spacer(_) | Block::PageBreak | Block::Table(_) | Block::BarChart(_) => {}
        }
        out.push('\n');
    }
    out
}

fn golden_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/golden")
}

#[test]
fn shipped_templates_are_listed_in_order_with_their_fields() {
    let infos = set().templates();
    let names: Vec<&str> = infos.iter().map(|i| i.name.as_str()).collect();
    assert_eq!(names, SHIPPED);
    for info in &infos {
        assert!(!info.recipients.is_empty(), "{}", info.name);
        assert!(!info.title_ko.is_empty() && !info.title_en.is_empty());
        assert!(!info.description.is_empty());
        assert_eq!(info.source, TemplateSource::Embedded);
        assert!(
            !info.required.iter().any(|f| f == "worker.stay_status"),
            "{}: stay status must never be required",
            info.name
        );
    }
}

#[test]
fn every_shipped_template_fills_and_renders_to_a_valid_pdf() {
    let set = set();
    let ctx = sample_context();
    for name in SHIPPED {
        for draft in [false, true] {
            let doc = set.fill(name, &ctx, &options(draft)).unwrap();
            assert_eq!(doc.draft, draft);
            let pdf = render(&doc, Fonts::embedded())
                .unwrap_or_else(|e| panic!("{name}: render failed: {e}"));
            assert!(pdf.starts_with(b"%PDF-"), "{name}");
            let file = write_temp(&pdf);
            if let Some(out) = run_tool("qpdf", &["--check", file.path()]) {
                assert!(
                    out.status.success(),
                    "{name}: qpdf --check: {}",
                    String::from_utf8_lossy(&out.stdout)
                );
            }
        }
    }
}

#[test]
fn golden_text_of_every_template() {
    let set = set();
    let update = std::env::var_os("QORGAU_UPDATE_GOLDEN").is_some_and(|v| v == "1");
    let mut mismatches = Vec::new();
    for name in SHIPPED {
        let pdf = render(
            &set.fill(name, &sample_context_for(name), &options(false))
                .unwrap(),
            Fonts::embedded(),
        )
        .unwrap();
        let Some(pages) = pdf_tool::page_texts(&pdf) else {
            return;
        };
        let text: String = pages
            .iter()
            .enumerate()
            .map(|(i, p)| format!("=== page {} ===\n{}\n", i + 1, p.trim_end()))
            .collect();
        let path = golden_dir().join(format!("{name}.txt"));
        if update {
            std::fs::create_dir_all(golden_dir()).unwrap();
            std::fs::write(&path, &text).unwrap();
            continue;
        }
        let expected = std::fs::read_to_string(&path).unwrap_or_else(|_| {
            panic!(
                "{} is missing: run with QORGAU_UPDATE_GOLDEN=1 and commit it",
                path.display()
            )
        });
        if expected != text {
            mismatches.push(format!(
                "{name}: extracted text differs from {}\n--- got ---\n{text}",
                path.display()
            ));
        }
    }
    assert!(
        mismatches.is_empty(),
        "{}\n(if the change is intended, rerun with QORGAU_UPDATE_GOLDEN=1 and review the diff)",
        mismatches.join("\n")
    );
}

#[test]
fn missing_required_fields_are_all_listed() {
    let mut ctx = sample_context();
    ctx.remove("employer.address");
    ctx.set("letter.date_ko", ""); // empty counts as missing
    let err = set()
        .fill("wage_arrears", &ctx, &options(false))
        .unwrap_err();
    let FillError::Missing {
        template,
        mut fields,
    } = err.clone()
    else {
        panic!("{err:?}");
    };
    assert_eq!(template, "wage_arrears");
    fields.sort();
    assert_eq!(fields, ["employer.address", "letter.date_ko"]);
    let message = err.to_string();
    assert!(message.contains("employer.address") && message.contains("letter.date_ko"));

    // An empty context lists every required field of the template.
    let set = set();
    let info = set.get("employer_payment").unwrap().info().clone();
    let err = set
        .fill("employer_payment", &LetterContext::new(), &options(false))
        .unwrap_err();
    assert_eq!(
        err,
        FillError::Missing {
            template: "employer_payment".into(),
            fields: info.required.clone(),
        }
    );
}

#[test]
fn unknown_template_is_an_error() {
    assert_eq!(
        set()
            .fill("no_such", &sample_context(), &options(false))
            .unwrap_err(),
        FillError::UnknownTemplate {
            name: "no_such".into()
        }
    );
}

const USER_TEMPLATE: &str = r#"
name = "my_letter"
title_ko = "시험"
title_en = "Test"
description = "A user template."
recipients = ["police"]
form = "gongmun"
required = ["agency.recipient_ko", "worker.latin_name"]
optional = ["worker.arn"]

[sensitive]
police = ["worker.arn"]

[[block]]
kind = "labelled"
label = "수신"
text = "{agency.recipient_ko}"

[[block]]
kind = "item"
text = "대상자 {worker.latin_name}{?worker.arn|, 외국인등록번호 {worker.arn}}"

[[block]]
kind = "end"
"#;

fn user_dir(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (name, text) in files {
        std::fs::write(dir.path().join(name), text).unwrap();
    }
    dir
}

#[test]
fn user_templates_are_added_and_override_by_name() {
    let overriding = USER_TEMPLATE.replace("my_letter", "wage_arrears");
    let dir = user_dir(&[("a.toml", USER_TEMPLATE), ("b.toml", &overriding)]);
    let set = TemplateSet::with_user_dir(dir.path()).unwrap();
    let infos = set.templates();
    assert_eq!(infos.len(), 28);
    assert_eq!(infos[0].name, "wage_arrears");
    assert_eq!(infos[0].title_en, "Test");
    assert!(matches!(infos[0].source, TemplateSource::User(_)));
    assert_eq!(infos[27].name, "my_letter");

    let doc = set
        .fill("my_letter", &sample_context(), &options(false))
        .unwrap();
    let text = doc_text(&doc);
    assert!(
        text.contains("1. 대상자 ZHUMABEKOV ALIKHAN, 외국인등록번호 940315-5123456  끝."),
        "{text}"
    );
    let mut ctx = sample_context();
    ctx.remove("worker.arn");
    let text = doc_text(&set.fill("my_letter", &ctx, &options(false)).unwrap());
    assert!(text.contains("1. 대상자 ZHUMABEKOV ALIKHAN  끝."), "{text}");

    // A directory that does not exist adds nothing.
    let none = TemplateSet::with_user_dir(dir.path().join("absent")).unwrap();
    assert_eq!(none.templates().len(), 27);
}

fn load_user(text: &str) -> TemplateError {
    let dir = user_dir(&[("bad.toml", text)]);
    TemplateSet::with_user_dir(dir.path()).unwrap_err()
}

#[test]
fn unknown_placeholder_is_an_error_naming_it_and_its_place() {
    let text = USER_TEMPLATE.replace("대상자 {worker.latin_name}", "대상자 {worker.nickname}");
    let err = load_user(&text);
    let TemplateError::UnknownPlaceholder {
        template,
        placeholder,
        location,
    } = &err
    else {
        panic!("{err:?}");
    };
    assert_eq!(template, "my_letter");
    assert_eq!(placeholder, "worker.nickname");
    let line = text
        .lines()
        .position(|l| l.contains("{worker.nickname}"))
        .unwrap()
        + 1;
    assert_eq!(location, &format!("block 2 (line {line})"));
    assert!(err.to_string().contains("worker.nickname"), "{err}");
}

#[test]
fn other_template_errors() {
    // Used but not declared.
    let text = USER_TEMPLATE.replace("대상자 {worker.latin_name}", "대상자 {worker.iin}");
    assert!(matches!(
        load_user(&text),
        TemplateError::UndeclaredPlaceholder { placeholder, .. } if placeholder == "worker.iin"
    ));
    // An optional field outside `if` / `{?…|…}`.
    let text = USER_TEMPLATE.replace(
        "{?worker.arn|, 외국인등록번호 {worker.arn}}",
        " {worker.arn}",
    );
    assert!(matches!(
        load_user(&text),
        TemplateError::UnguardedOptional { field, .. } if field == "worker.arn"
    ));
    // Stay status can be optional only, and must be guarded.
    let text = USER_TEMPLATE.replace(
        "required = [\"agency.recipient_ko\", ",
        "required = [\"worker.stay_status\", \"agency.recipient_ko\", ",
    );
    let err = load_user(&text);
    assert!(
        matches!(&err, TemplateError::Invalid { message, .. } if message.contains("worker.stay_status")),
        "{err:?}"
    );
    let text = USER_TEMPLATE
        .replace(
            "optional = [\"worker.arn\"]",
            "optional = [\"worker.arn\", \"worker.stay_status\"]",
        )
        .replace(
            "police = [\"worker.arn\"]",
            "police = [\"worker.arn\", \"worker.stay_status\"]",
        )
        .replace(
            "대상자 {worker.latin_name}",
            "대상자 {worker.latin_name} {worker.stay_status}",
        );
    assert!(matches!(
        load_user(&text),
        TemplateError::UnguardedOptional { field, .. } if field == "worker.stay_status"
    ));
    // A declared field outside the vocabulary.
    let text = USER_TEMPLATE.replace(
        "optional = [\"worker.arn\"]",
        "optional = [\"worker.shoe_size\"]",
    );
    assert!(
        matches!(load_user(&text), TemplateError::Invalid { message, .. } if message.contains("worker.shoe_size"))
    );
    // Malformed TOML: the error has the file and the line.
    let text = USER_TEMPLATE.replace("kind = \"end\"", "kind = \"end");
    let err = load_user(&text);
    let line = text
        .lines()
        .position(|l| l.contains("kind = \"end"))
        .unwrap()
        + 1;
    assert!(
        matches!(&err, TemplateError::Toml { template, line: l, .. } if template == "bad.toml" && *l == line),
        "{err:?} (expected line {line})"
    );
    // An unknown block kind, an attribute the kind does not take.
    let text = USER_TEMPLATE.replace("kind = \"end\"", "kind = \"footer\"");
    assert!(
        matches!(load_user(&text), TemplateError::Invalid { message, .. } if message.contains("footer"))
    );
    let text = USER_TEMPLATE.replace("kind = \"end\"", "kind = \"rule\"\nmarker = \"x\"");
    assert!(
        matches!(load_user(&text), TemplateError::Invalid { message, .. } if message.contains("marker"))
    );
    // Templates never write item markers: the engine numbers items.
    let text = USER_TEMPLATE.replace(
        "kind = \"item\"\ntext",
        "kind = \"item\"\nmarker = \"가.\"\ntext",
    );
    assert!(
        matches!(load_user(&text), TemplateError::Invalid { message, .. } if message.contains("never write item markers")),
        "{:?}",
        load_user(&text)
    );
    // A sensitive field no recipient may see, or one allowed to an employer.
    let text = USER_TEMPLATE.replace("police = [\"worker.arn\"]", "");
    assert!(
        matches!(load_user(&text), TemplateError::Invalid { message, .. } if message.contains("`worker.arn` is sensitive"))
    );
    let text = USER_TEMPLATE
        .replace("recipients = [\"police\"]", "recipients = [\"employer\"]")
        .replace("police = [", "employer = [");
    assert!(
        matches!(load_user(&text), TemplateError::Invalid { message, .. } if message.contains("never states"))
    );
    // The case summary is the caseworker's choice, so never required.
    let text = USER_TEMPLATE
        .replace(
            "\"worker.latin_name\"]",
            "\"worker.latin_name\", \"case.summary\"]",
        )
        .replace(
            "police = [\"worker.arn\"]",
            "police = [\"worker.arn\", \"case.summary\"]",
        );
    assert!(
        matches!(load_user(&text), TemplateError::Invalid { message, .. } if message.contains("must be optional"))
    );
    // A malformed placeholder.
    let text = USER_TEMPLATE.replace("{agency.recipient_ko}", "{agency.recipient_ko");
    assert!(matches!(load_user(&text), TemplateError::Invalid { .. }));
}

#[test]
fn optional_blocks_are_left_out_when_their_field_is_empty() {
    let set = set();
    let full = doc_text(
        &set.fill("wage_arrears", &sample_context(), &options(false))
            .unwrap(),
    );
    assert!(full.contains("라. 사건 개요: "), "{full}");
    // One enclosure per line, numbered, 끝. after the last.
    assert!(
        full.contains(
            "붙임  1. 진정서 사본 1부.\n  2. 여권 사본 1부.\n  3. 개인정보 제3자 제공 동의서(위임장) 1부.  끝.\n"
        ),
        "{full}"
    );
    assert!(full.contains("Enclosures:"));

    let mut ctx = sample_context();
    for key in [
        "case.summary",
        "letter.attachments_ko",
        "letter.attachments_en",
        "letter.details_ko",
        "letter.details_en",
        "letter.consent_enclosed",
        "worker.arn",
        "mission.fax",
    ] {
        ctx.remove(key);
    }
    let text = doc_text(&set.fill("wage_arrears", &ctx, &options(false)).unwrap());
    for gone in [
        "사건 개요",
        "붙임",
        "Enclosures:",
        "외국인등록번호",
        "Fax",
        "전송",
        "출석 일정",
        "scheduled",
        "동의서",
    ] {
        assert!(!text.contains(gone), "{gone} still in:\n{text}");
    }
    // Without the consent, the agency is asked to report only if the worker agrees.
    assert!(text.contains("진정인이 동의하는 경우"), "{text}");
    // 끝. now follows the last body item, two spaces after its text.
    assert!(text.contains("알려 주시기 바랍니다.  끝.\n"), "{text}");
    assert_eq!(text.matches("끝.").count(), 1);
    // Items are numbered by the engine: with 라. 사건 개요 gone, nothing skips.
    assert!(text.contains("다. 체불 금액"), "{text}");
    assert!(!text.contains("라. "), "{text}");
}

/// The item lines of `text` whose marker is a sub-item's (`a)`, `b)` …), in order.
fn english_sub_items(text: &str) -> Vec<&str> {
    text.lines()
        .filter(|l| {
            let l = l.trim_start();
            l.len() > 3 && l.as_bytes()[1] == b')' && l.as_bytes()[0].is_ascii_lowercase()
        })
        .collect()
}

#[test]
fn an_english_list_ends_with_a_full_stop_whichever_items_are_left_out() {
    let set = set();
    // With the consent enclosed, c) is the last sub-item of the wage-arrears request.
    let full = doc_text(
        &set.fill("wage_arrears", &sample_context(), &options(false))
            .unwrap(),
    );
    let items = english_sub_items(&full);
    assert!(items.len() >= 3, "{full}");
    assert!(items[0].ends_with(';'), "{}", items[0]);
    assert!(items.last().unwrap().ends_with('.'), "{full}");
    assert_eq!(
        items.iter().filter(|l| l.ends_with('.')).count(),
        1,
        "{full}"
    );

    // Every shipped template: no sub-list of an English page ends with a semicolon.
    for name in SHIPPED {
        let text = doc_text(
            &set.fill(name, &sample_context_for(name), &options(false))
                .unwrap(),
        );
        let lines: Vec<&str> = text.lines().collect();
        for (i, line) in lines.iter().enumerate() {
            let next_is_sibling = lines.get(i + 1).is_some_and(|n| {
                english_sub_items(n).len() == 1 && english_sub_items(line).len() == 1
            });
            if english_sub_items(line).len() == 1 && !next_is_sibling {
                assert!(!line.ends_with(';'), "{name}: a list ends with ';': {line}");
            }
        }
    }
}

#[test]
fn stay_status_appears_only_when_the_caseworker_sets_it() {
    const SENTINEL: &str = "STAYSTATUS-SENTINEL-7731";
    let set = set();
    let without = sample_context();
    assert!(without.get("worker.stay_status").is_none());
    let mut with = sample_context();
    with.set("worker.stay_status", SENTINEL);
    let mut shown = 0;
    for name in SHIPPED {
        let pdf = render(
            &set.fill(name, &without, &options(false)).unwrap(),
            Fonts::embedded(),
        )
        .unwrap();
        let doc = set.fill(name, &with, &options(false)).unwrap();
        let text_with = doc_text(&doc);
        shown += usize::from(text_with.contains(SENTINEL));
        let text = doc_text(&set.fill(name, &without, &options(false)).unwrap());
        assert!(
            !text.contains("체류자격 ") && !text.contains("status of stay"),
            "{name}:\n{text}"
        );
        if let Some(pages) = pdf_tool::page_texts(&pdf) {
            let all = pages.concat();
            assert!(!all.contains(SENTINEL), "{name}");
            assert!(!all.contains("status of stay"), "{name}");
        }
        // With the sentinel set, the extracted PDF text has it where the template uses it.
        if text_with.contains(SENTINEL) {
            let pdf = render(&doc, Fonts::embedded()).unwrap();
            if let Some(pages) = pdf_tool::page_texts(&pdf) {
                assert!(pages.concat().contains(SENTINEL), "{name}");
            }
        }
    }
    // Only where the template's [sensitive] table allows it for the recipient: the labour
    // office, COMWEL, immigration/police (consular access), NHRCK, MOFA and immigration
    // (release from detention, voluntary departure).
    assert_eq!(shown, 7, "templates that can state the status when asked");
}

#[test]
fn a_draft_has_no_number() {
    let set = set();
    let ctx = sample_context();
    let number = ctx.get("letter.number").unwrap().to_owned();
    for name in SHIPPED {
        let registered = doc_text(&set.fill(name, &ctx, &options(false)).unwrap());
        assert!(registered.contains(&number), "{name}");
        // The number is left out even if the context has one, and is not required.
        let draft = set.fill(name, &ctx, &options(true)).unwrap();
        assert!(draft.draft);
        let text = doc_text(&draft);
        assert!(!text.contains(&number), "{name}:\n{text}");
        let mut no_number = ctx.clone();
        no_number.remove("letter.number");
        assert_eq!(set.fill(name, &no_number, &options(true)).unwrap(), draft);
        // A registered letter needs its number.
        assert!(matches!(
            set.fill(name, &no_number, &options(false)),
            Err(FillError::Missing { fields, .. }) if fields == ["letter.number"]
        ));
    }
    let text = doc_text(&set.fill("wage_arrears", &ctx, &options(true)).unwrap());
    assert!(text.contains("시행  (2026.\u{a0}11.\u{a0}21.)"), "{text}");
}

#[test]
fn filling_and_rendering_are_deterministic() {
    let set = set();
    let ctx = sample_context();
    for name in SHIPPED {
        let a = set.fill(name, &ctx, &options(false)).unwrap();
        let b = TemplateSet::embedded()
            .unwrap()
            .fill(name, &ctx, &options(false))
            .unwrap();
        assert_eq!(a, b, "{name}");
        assert_eq!(
            render(&a, Fonts::embedded()).unwrap(),
            render(&b, Fonts::embedded()).unwrap(),
            "{name}"
        );
    }
}

#[test]
fn korean_dates_do_not_break_and_fields_are_named() {
    let set = set();
    let doc = set
        .fill("wage_arrears", &sample_context(), &options(false))
        .unwrap();
    let text = doc_text(&doc);
    assert!(text.contains("(2026.\u{a0}11.\u{a0}21.)"), "{text}");
    assert!(text.contains("1994.\u{a0}3.\u{a0}15.생"), "{text}");
    assert!(!text.contains("2026. 11. 21."));

    // A character no font covers is reported against the field it was filled from.
    let mut ctx = sample_context();
    ctx.set("employer.name", "(주)한빛 😀");
    let doc = set.fill("employer_payment", &ctx, &options(false)).unwrap();
    assert!(matches!(
        render(&doc, Fonts::embedded()),
        Err(RenderError::UncoveredCharacter { field: Some(f), .. }) if f == "employer.name"
    ));
}

#[test]
fn each_form_has_its_conventional_parts() {
    use qorgau_letters::Form;
    let set = set();
    for info in set.templates() {
        let doc = set
            .fill(&info.name, &sample_context_for(&info.name), &options(false))
            .unwrap();
        let text = doc_text(&doc);
        let expected: &[&str] = match info.form {
            Form::Gongmun => &[
                "수신  ",
                "(경유)",
                "제목  ",
                "1. ",
                "  끝.\n",
                "주대한민국 카자흐스탄공화국 대사관\n",
                "시행  SEL-2026/0142 (2026.\u{a0}11.\u{a0}21.)\u{a0}\u{a0}\u{a0}\u{a0}\u{a0}\u{a0}\u{a0}\u{a0}접수",
                "담당  영사 누를란 세릭바예프  (직통 02-379-9716)",
                "공개구분 비공개(6)",
                "English version (for reference; the Korean text prevails)",
                "To:  ",
                "Subject:  ",
                "Ref.:  SEL-2026/0142, 21 November 2026",
            ],
            Form::NoteVerbale => &[
                "No. SEL-2026/0142",
                "구 술 서",
                "대한민국 외교부에 경의를 표하며",
                "알려 드리는 영광을 가집니다.",
                "이 기회를 빌려 대한민국 외교부에 대하여 새로이 최고의 경의를 표합니다.",
                "서울, 2026.\u{a0}11.\u{a0}21.",
                "Seoul, 21 November 2026",
                "(직인)",
                "NOTE VERBALE",
                "presents its compliments to the Ministry of Foreign Affairs of the Republic of \
                 Korea and has the honour to",
                "avails itself of this opportunity to renew to the Ministry of Foreign Affairs of \
                 the Republic of Korea the assurances of its highest consideration.",
                "(seal)",
            ],
            Form::Confirmation if info.name != "confirmation" => &["SEL-2026/0142"],
            Form::Confirmation => &[
                "21.11.2026  № SEL-2026/0142",
                "АНЫҚТАМА",
                "СПРАВКА",
                "что гражданин Республики Казахстан Жұмабеков Әлихан",
                "Содействие оказывает Посольство Республики Казахстан в Республике Корея.",
                "Н. Серікбаев / Н. Серикбаев",
                "М.О. / М.П.",
            ],
        };
        for part in expected {
            assert!(text.contains(part), "{}: no {part:?} in\n{text}", info.name);
        }
        if info.form == Form::Gongmun {
            assert_eq!(text.matches("끝.").count(), 1, "{}", info.name);
        }
        if info.form == Form::NoteVerbale {
            // Third person, unsigned: no consul's name.
            assert!(!text.contains("SERIKBAYEV") && !text.contains("(서명)"));
        }
    }
}

#[test]
fn one_known_name_is_enough_and_none_is_refused() {
    let set = TemplateSet::embedded().unwrap();
    let options = FillOptions {
        draft: true,
        document_id: *b"qorgau-names-001",
        date: LetterDate::new(2026, 11, 21),
        recipient: None,
    };
    let mut latin_only = sample_context_for("wage_arrears");
    latin_only.remove("worker.name_cyrillic");
    latin_only.remove("worker.hangul_name");
    let doc = set.fill("wage_arrears", &latin_only, &options).unwrap();
    let pdf = render(&doc, Fonts::embedded()).unwrap();
    if let Some(pages) = pdf_tool::page_texts(&pdf) {
        let all = pages.join("\n");
        assert!(all.contains("ZHUMABEKOV ALIKHAN의"), "{all}");
        assert!(!all.contains("Жұмабеков"), "{all}");
    }
    let mut nameless = latin_only;
    nameless.remove("worker.latin_name");
    match set.fill("wage_arrears", &nameless, &options) {
        Err(FillError::Missing { fields, .. }) => {
            assert_eq!(fields, ["worker.names_ko", "worker.names_en"]);
        }
        other => panic!("expected the names to be missing, got {other:?}"),
    }
}

#[test]
fn an_employer_letter_never_prints_a_status_or_an_identity_number_whatever_the_context() {
    let set = set();
    let mut ctx = sample_context();
    ctx.set("worker.stay_status", "미등록")
        .set("worker.stay_status_en", "undocumented")
        .set("letter.exemption_notice", "yes");
    let secrets = [
        ctx.get("worker.arn").unwrap().to_owned(),
        ctx.get("worker.iin").unwrap().to_owned(),
        ctx.get("worker.passport_no").unwrap().to_owned(),
        "미등록".to_owned(),
        "undocumented".to_owned(),
        ctx.get("case.summary").unwrap().to_owned(),
    ];
    let mut employer_letters = 0;
    for info in set.templates() {
        if !info.recipients.iter().any(|r| r == "employer") {
            continue;
        }
        employer_letters += 1;
        for recipient in [Some("employer"), None] {
            let options = FillOptions {
                recipient,
                ..options(false)
            };
            let text = doc_text(&set.fill(&info.name, &ctx, &options).unwrap());
            for secret in &secrets {
                assert!(
                    !text.contains(secret.as_str()),
                    "{}: {secret} in\n{text}",
                    info.name
                );
            }
            assert!(info.sensitive.values().all(Vec::is_empty), "{}", info.name);
        }
    }
    assert_eq!(employer_letters, 4);
}

#[test]
fn a_consulate_general_names_itself_so() {
    let set = set();
    let mut ctx = sample_context();
    ctx.set("mission.name_ko", "주부산 카자흐스탄공화국 총영사관")
        .set(
            "mission.name_en",
            "Consulate General of the Republic of Kazakhstan in Busan",
        );
    // (The caseworker's own remarks are theirs to word.)
    ctx.remove("letter.details_ko");
    ctx.remove("letter.details_en");
    let text = doc_text(&set.fill("wage_arrears", &ctx, &options(false)).unwrap());
    assert!(text.contains("1. 우리 총영사관은 귀 청에"), "{text}");
    assert!(!text.contains("대사관"), "{text}");
    assert!(text.contains("The Consulate General refers to"), "{text}");
    assert!(!text.contains("Embassy refers"), "{text}");
}

#[test]
fn the_closing_is_never_split_across_pages() {
    let set = set();
    let doc = set
        .fill("wage_arrears", &sample_context(), &options(false))
        .unwrap();
    let signature = doc
        .blocks
        .iter()
        .position(|b| matches!(b, Block::Signature { .. }))
        .expect("a signature");
    // Lengthen the body a line at a time, so the closing meets the foot of the page at
    // every possible line.
    for extra in 0..24 {
        let mut long = doc.clone();
        for _ in 0..extra {
            long.blocks.insert(
                signature,
                Block::Paragraph(qorgau_letters::Paragraph::new(vec![
                    qorgau_letters::Run::plain("추가 설명 문장입니다."),
                ])),
            );
        }
        let pdf = render(&long, Fonts::embedded()).unwrap();
        let Some(pages) = pdf_tool::page_texts(&pdf) else {
            return;
        };
        // The last Korean page holding `needle` (the body says 접수 too; the English page
        // follows the Korean one).
        let page_of = |needle: &str| {
            pages
                .iter()
                .rposition(|p| !p.contains("English version") && p.contains(needle))
                .unwrap_or_else(|| panic!("{needle} not found"))
        };
        let sender = page_of("(서명)");
        for part in ["접수", "시행", "공개구분", "장문로 53"] {
            assert_eq!(
                sender,
                page_of(part),
                "{part} apart from the sender with {extra} extra lines:\n{}",
                pages.join("\n=== page ===\n")
            );
        }
    }
}
