//! Letters from real workspace data: every shipped template renders for a demo case, the
//! registry numbers and verifies them, and the worker's immigration status appears only when
//! the caseworker chooses.

use chrono::NaiveDate;
use qorgau_core::domain::case::Case;
use qorgau_core::domain::{Agency, AgencyId, AgencyKind, CaseType, LetterStatus};
use qorgau_core::{
    CaseFilter, ErrorCode, KdfParams, LetterExtras, LetterRequest, Passphrase, Workspace,
    WorkspaceOptions, demo,
};
use std::io::Write;
use std::process::{Command, Stdio};

fn demo_workspace() -> (tempfile::TempDir, Workspace) {
    let dir = tempfile::tempdir().unwrap();
    let options = WorkspaceOptions {
        kdf: KdfParams::FAST_INSECURE_FOR_TESTS,
        actor: "test".into(),
    };
    let mut ws = Workspace::create(
        dir.path(),
        &Passphrase::new("letters test passphrase"),
        &options,
    )
    .unwrap();
    demo::populate(&mut ws, 40, 60, 11, date(2026, 11, 21)).unwrap();
    (dir, ws)
}

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

/// The text layer of a PDF, through poppler's pdftotext (installed by scripts/install-deps.sh).
fn pdf_text(pdf: &[u8]) -> String {
    let mut child = Command::new("pdftotext")
        .args(["-layout", "-", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("pdftotext (poppler-utils) must be installed");
    child.stdin.take().unwrap().write_all(pdf).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success());
    String::from_utf8(out.stdout).unwrap()
}

/// An agency the template is addressed to: from the shipped directory, or (police and
/// hospitals, which the directory does not list) one a caseworker adds.
fn agency_for(ws: &mut Workspace, kinds: &[String]) -> Option<AgencyId> {
    if kinds
        .iter()
        .all(|k| k == "worker" || k == "family" || k == "employer")
    {
        return None;
    }
    let found = ws
        .list_agencies()
        .unwrap()
        .into_iter()
        .find(|a| {
            kinds.contains(
                &serde_json::to_value(a.agency.kind)
                    .unwrap()
                    .as_str()
                    .unwrap()
                    .to_owned(),
            )
        })
        .map(|a| a.id);
    found.or_else(|| {
        let agency = if kinds.iter().any(|k| k == "hospital") {
            Agency {
                name_en: Some("Korea University Ansan Hospital".into()),
                recipient_ko: Some("고려대학교 안산병원장".into()),
                source: Some("added by the test, as a caseworker would".into()),
                ..Agency::named("고려대학교 안산병원", AgencyKind::Hospital)
            }
        } else {
            Agency {
                name_en: Some("Yongsan Police Station, Seoul".into()),
                recipient_ko: Some("서울용산경찰서장".into()),
                source: Some("added by the test, as a caseworker would".into()),
                ..Agency::named("서울용산경찰서", AgencyKind::Police)
            }
        };
        Some(ws.add_agency(&agency).unwrap())
    })
}

fn preferred_type(template: &str) -> Option<CaseType> {
    Some(match template {
        "wage_arrears" | "employer_payment" | "legal_aid" => CaseType::UnpaidWages,
        "industrial_accident" => CaseType::WorkplaceInjury,
        "consular_access" => CaseType::DetentionDeportation,
        "death_police" | "death_hospital" | "survivor_benefits" | "employer_death_payment" => {
            CaseType::DeathRepatriation
        }
        "crime_victim_police" => CaseType::CrimeVictim,
        "wage_certificate" | "substitute_wages" | "passport_return" => CaseType::UnpaidWages,
        "detention_release" | "voluntary_departure" => CaseType::DetentionDeportation,
        "family_power_of_attorney" => CaseType::DeathRepatriation,
        "human_rights" => CaseType::DiscriminationAbuse,
        _ => return None,
    })
}

/// A demo case of the template's type (any case otherwise) whose data the template finds
/// complete.
fn complete_request(
    ws: &Workspace,
    template: &str,
    agency: Option<AgencyId>,
    cases: &[Case],
) -> LetterRequest {
    let wanted = preferred_type(template);
    let mut ordered: Vec<&Case> = cases
        .iter()
        .filter(|c| wanted.is_none_or(|t| c.record.case_type == Some(t)))
        .collect();
    ordered.extend(cases.iter());
    for case in ordered {
        let request = LetterRequest {
            case_id: case.id,
            template: template.into(),
            agency_id: agency,
            worker_id: None,
            letter_date: Some(date(2026, 11, 21)),
            extras: LetterExtras::default(),
        };
        if ws.letter_missing_fields(&request).unwrap().is_empty() {
            return request;
        }
    }
    panic!("no demo case has the data template {template} needs");
}

fn all_cases(ws: &Workspace) -> Vec<Case> {
    ws.list_cases(&CaseFilter {
        limit: Some(1000),
        ..CaseFilter::default()
    })
    .unwrap()
    .into_iter()
    .map(|c| ws.case(c.id).unwrap())
    .collect()
}

#[test]
fn every_shipped_template_renders_and_registers_for_a_demo_case() {
    let (_dir, mut ws) = demo_workspace();
    let cases = all_cases(&ws);
    let templates = ws.letter_templates().unwrap();
    assert_eq!(templates.len(), 27);
    let mut numbers = Vec::new();
    for t in &templates {
        let agency = agency_for(&mut ws, &t.recipients);
        let request = complete_request(&ws, &t.name, agency, &cases);

        let draft = ws.preview_letter(&request).unwrap();
        assert_eq!(
            draft,
            ws.preview_letter(&request).unwrap(),
            "{}: deterministic",
            t.name
        );
        // A draft has no number (the engine's own tests check its DRAFT mark).
        let draft_text = pdf_text(&draft);
        assert!(
            !draft_text.contains("SEL-2026/"),
            "{}: draft without number",
            t.name
        );

        let registered = ws.register_letter(&request, None).unwrap();
        let record = registered.record.unwrap();
        let number = record.number.clone().unwrap().text;
        let text = pdf_text(&registered.pdf);
        assert!(text.contains(&number), "{}: the number is printed", t.name);
        assert_ne!(registered.pdf, draft, "{}", t.name);
        if t.form != "confirmation" {
            assert!(text.contains("2026. 11. 21."), "{}: Korean date", t.name);
        }
        // The registered bytes verify, and re-rendering the stored data gives them again.
        let found = ws.verify_letter_bytes(&registered.pdf).unwrap();
        assert_eq!(found.letter.unwrap().id, record.id);
        let (again, same) = ws.rerender_letter(record.id).unwrap();
        assert!(same, "{}: re-render differs", t.name);
        assert_eq!(again, registered.pdf);
        assert_eq!(
            ws.letter_pdf(record.id, qorgau_core::DocumentUse::View)
                .unwrap(),
            registered.pdf
        );
        numbers.push(number);
    }
    let expected: Vec<String> = (1..=27).map(|n| format!("SEL-2026/{n:04}")).collect();
    assert_eq!(numbers, expected);
    assert_eq!(ws.letters(None).unwrap().len(), 27);
}

#[test]
fn missing_data_refuses_the_letter_naming_every_field_and_uses_no_number() {
    let (_dir, mut ws) = demo_workspace();
    let cases = all_cases(&ws);
    let labour = agency_for(&mut ws, &["labour_office".to_string()]);
    let mut request = complete_request(&ws, "wage_arrears", labour, &cases);
    // Without an agency the 수신 line and the English recipient are missing.
    request.agency_id = None;
    let missing = ws.letter_missing_fields(&request).unwrap();
    assert_eq!(missing, ["agency.recipient_ko", "agency.name_en"]);
    let err = ws.register_letter(&request, None).unwrap_err();
    assert_eq!(err.code, ErrorCode::Invalid);
    let fields: Vec<&str> = err.issues.iter().map(|i| i.field.as_str()).collect();
    assert_eq!(fields, ["agency.recipient_ko", "agency.name_en"]);
    assert!(err.issues[0].message.contains("wage_arrears"));
    assert!(ws.letters(None).unwrap().is_empty());

    request.agency_id = labour;
    let ok = ws.register_letter(&request, None).unwrap();
    assert_eq!(ok.record.unwrap().number.unwrap().seq, 1);
}

#[test]
fn stay_status_appears_only_when_the_caseworker_chooses() {
    let (_dir, mut ws) = demo_workspace();
    let cases = all_cases(&ws);
    let labour = agency_for(&mut ws, &["labour_office".to_string()]);
    let mut request = complete_request(&ws, "wage_arrears", labour, &cases);
    let worker = ws.case(request.case_id).unwrap().record.workers[0];
    ws.update_worker(worker, serde_json::json!({ "stay_status": "E-9" }))
        .unwrap();

    let quiet = pdf_text(&ws.preview_letter(&request).unwrap());
    assert!(
        !quiet.contains("E-9") && !quiet.contains("체류자격 "),
        "{quiet}"
    );

    request.extras.state_stay_status = true;
    let stated = ws.register_letter(&request, None).unwrap();
    // Words as read, whatever the line breaks of the page (they move with the names' lengths).
    let text = pdf_text(&stated.pdf)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    assert!(text.contains("체류자격 E-9(비전문취업)"), "{text}");
    assert!(text.contains("status of stay E-9 (non-"), "{text}");
    let record = stated.record.unwrap();
    assert_eq!(
        record.data.get("worker.stay_status").map(String::as_str),
        Some("E-9(비전문취업)")
    );
    // The registry keeps only what the template can print: the wage-arrears letter has no
    // use for the IIN or the next of kin, so they are not stored (nor replicated) with it.
    assert!(!record.data.contains_key("worker.iin"));
    assert!(!record.data.contains_key("worker.next_of_kin_name"));
}

#[test]
fn the_case_summary_is_quoted_only_when_the_caseworker_chooses() {
    let (_dir, mut ws) = demo_workspace();
    let cases = all_cases(&ws);
    let labour = agency_for(&mut ws, &["labour_office".to_string()]);
    let mut request = complete_request(&ws, "wage_arrears", labour, &cases);
    ws.update_case(
        request.case_id,
        serde_json::json!({ "summary": "Detained in an immigration raid" }),
    )
    .unwrap();
    let quiet = pdf_text(&ws.preview_letter(&request).unwrap());
    assert!(!quiet.contains("immigration raid"), "{quiet}");
    request.extras.include_summary = true;
    let quoted = pdf_text(&ws.preview_letter(&request).unwrap());
    assert!(quoted.contains("immigration raid"), "{quoted}");
}

#[test]
fn a_future_date_is_refused_and_a_registered_draft_is_dated_today() {
    let (_dir, mut ws) = demo_workspace();
    let cases = all_cases(&ws);
    let labour = agency_for(&mut ws, &["labour_office".to_string()]);
    let mut request = complete_request(&ws, "wage_arrears", labour, &cases);
    let today = chrono::Local::now().date_naive();
    request.letter_date = Some(today + chrono::Duration::days(3));
    let err = ws.register_letter(&request, None).unwrap_err();
    assert_eq!(err.issues[0].field, "date");
    assert!(ws.letters(None).unwrap().is_empty());

    request.letter_date = Some(date(2026, 1, 5));
    let draft = ws.save_draft_letter(&request).unwrap();
    let registered = ws.register_draft(draft.id).unwrap().record.unwrap();
    assert_eq!(registered.id, draft.id);
    assert_eq!(registered.letter_date, today);
    assert_eq!(
        registered.data["letter.date_ko"],
        qorgau_core::letter_data::korean_date(today)
    );
}

#[test]
fn void_keeps_the_number_and_verification_reports_it() {
    let (_dir, mut ws) = demo_workspace();
    let cases = all_cases(&ws);
    let labour = agency_for(&mut ws, &["labour_office".to_string()]);
    let request = complete_request(&ws, "wage_arrears", labour, &cases);
    let first = ws.register_letter(&request, None).unwrap();
    let id = first.record.as_ref().unwrap().id;
    let void = ws
        .mark_letter(id, LetterStatus::Void, Some("sent to the wrong office"))
        .unwrap();
    assert_eq!(void.number.unwrap().text, "SEL-2026/0001");
    let found = ws.verify_letter_bytes(&first.pdf).unwrap();
    assert_eq!(found.letter.unwrap().status, LetterStatus::Void);
    let second = ws.register_letter(&request, None).unwrap();
    assert_eq!(second.record.unwrap().number.unwrap().text, "SEL-2026/0002");
    // A changed byte is not a registered letter.
    let mut forged = first.pdf.clone();
    let last = forged.len() - 10;
    forged[last] ^= 1;
    assert!(ws.verify_letter_bytes(&forged).unwrap().letter.is_none());
}

#[test]
fn a_workspace_template_replaces_a_shipped_one_and_a_bad_one_is_refused() {
    let (dir, ws) = demo_workspace();
    let letters = dir.path().join("letters");
    std::fs::create_dir_all(&letters).unwrap();
    let shipped = include_str!("../../../assets/letters/confirmation.toml");
    std::fs::write(
        letters.join("confirmation.toml"),
        shipped.replace("title_en = \"", "title_en = \"Mission's own: "),
    )
    .unwrap();
    let list = ws.letter_templates().unwrap();
    let confirmation = list.iter().find(|t| t.name == "confirmation").unwrap();
    assert!(confirmation.title_en.starts_with("Mission's own: "));
    assert!(confirmation.source.ends_with("confirmation.toml"));

    std::fs::write(
        letters.join("broken.toml"),
        shipped
            .replace("name = \"confirmation\"", "name = \"broken\"")
            .replacen("{worker.", "{worker.nickname_", 1),
    )
    .unwrap();
    let err = ws.letter_templates().unwrap_err();
    assert_eq!(err.code, ErrorCode::Invalid);
    assert!(err.message.contains("nickname"), "{}", err.message);
}

#[test]
fn a_character_no_font_has_is_refused_naming_its_field() {
    let (_dir, mut ws) = demo_workspace();
    let cases = all_cases(&ws);
    let labour = agency_for(&mut ws, &["labour_office".to_string()]);
    let mut request = complete_request(&ws, "wage_arrears", labour, &cases);
    request.extras.details_ko = Some("연락 바랍니다 🙏".into());
    let err = ws.register_letter(&request, None).unwrap_err();
    assert_eq!(err.code, ErrorCode::Invalid);
    assert_eq!(err.issues[0].field, "letter.details_ko");
    assert!(err.message.contains("U+1F64F"), "{}", err.message);
    assert!(ws.letters(None).unwrap().is_empty(), "no number used");
}

/// A worker with every sensitive fact on file, for the safeguard tests.
fn exposed_worker(ws: &mut Workspace, request: &LetterRequest) {
    let worker = ws.case(request.case_id).unwrap().record.workers[0];
    ws.update_worker(
        worker,
        serde_json::json!({
            "stay_status": "undocumented",
            "birth_date": "1994-03-15",
            "sex": "male",
            "arn": "940315-5123456",
            "iin": "940315300127",
            "passport_no": "N12345678",
        }),
    )
    .unwrap();
    ws.update_case(
        request.case_id,
        serde_json::json!({ "summary": "Detained in an immigration raid" }),
    )
    .unwrap();
}

#[test]
fn an_employer_letter_never_states_a_status_or_an_identity_number_whatever_the_options() {
    let (_dir, mut ws) = demo_workspace();
    let cases = all_cases(&ws);
    let mut request = complete_request(&ws, "employer_payment", None, &cases);
    exposed_worker(&mut ws, &request);
    let forbidden = [
        "940315-5123456",
        "940315300127",
        "N12345678",
        "미등록",
        "undocumented",
        "체류자격",
        "status of stay",
        "immigration raid",
    ];
    // Asking for the status or the summary is refused, naming the option and why.
    request.extras.state_stay_status = true;
    let err = ws.preview_letter(&request).unwrap_err();
    assert_eq!(err.code, ErrorCode::Invalid);
    assert!(
        err.message.contains("--state-stay-status"),
        "{}",
        err.message
    );
    assert!(err.message.contains("employer"), "{}", err.message);
    assert!(ws.register_letter(&request, None).is_err());
    assert!(ws.letters(None).unwrap().is_empty(), "no number used");
    request.extras.state_stay_status = false;
    request.extras.include_summary = true;
    let err = ws.preview_letter(&request).unwrap_err();
    assert!(err.message.contains("--include-summary"), "{}", err.message);
    request.extras.include_summary = false;
    // Every other option: none of them prints a sensitive fact.
    for (exemption_notice, without_consent) in [(false, false), (true, false), (true, true)] {
        request.extras.exemption_notice = exemption_notice;
        request.extras.without_consent = without_consent;
        let text = pdf_text(&ws.preview_letter(&request).unwrap());
        for word in forbidden {
            assert!(!text.contains(word), "{word} in:\n{text}");
        }
        let registered = ws.register_letter(&request, None).unwrap();
        let text = pdf_text(&registered.pdf);
        for word in forbidden {
            assert!(!text.contains(word), "{word} in:\n{text}");
        }
        // Nor is it kept in the registry with the letter.
        let data = registered.record.unwrap().data;
        for key in [
            "worker.arn",
            "worker.iin",
            "worker.passport_no",
            "worker.stay_status",
        ] {
            assert!(!data.contains_key(key), "{key} stored");
        }
    }
}

#[test]
fn a_police_letter_states_the_status_only_after_the_opt_in_with_a_warning() {
    let (_dir, mut ws) = demo_workspace();
    let cases = all_cases(&ws);
    let police = ws
        .add_agency(&Agency {
            name_en: Some("Ansan Danwon Police Station".into()),
            recipient_ko: Some("안산단원경찰서장".into()),
            source: Some("added by the test".into()),
            ..Agency::named("안산단원경찰서", AgencyKind::Police)
        })
        .unwrap();
    let mut request = complete_request(&ws, "consular_access", Some(police), &cases);
    exposed_worker(&mut ws, &request);
    let quiet = pdf_text(&ws.preview_letter(&request).unwrap());
    assert!(
        !quiet.contains("미등록") && !quiet.contains("undocumented"),
        "{quiet}"
    );
    assert!(
        !quiet.contains("940315-5123456"),
        "no ARN to the police: {quiet}"
    );
    assert!(ws.letter_warnings(&request).unwrap().is_empty());

    request.extras.state_stay_status = true;
    let warnings = ws.letter_warnings(&request).unwrap();
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert!(warnings[0].contains("Art. 84(1)"), "{}", warnings[0]);
    let stated = pdf_text(&ws.preview_letter(&request).unwrap());
    assert!(stated.contains("체류자격 미등록"), "{stated}");
    assert!(stated.contains("status of stay undocumented"), "{stated}");
    assert!(!stated.contains("940315-5123456"), "still no ARN: {stated}");

    // A status that does not allow work is flagged as such.
    let worker = ws.case(request.case_id).unwrap().record.workers[0];
    ws.update_worker(worker, serde_json::json!({ "stay_status": "B-1" }))
        .unwrap();
    let warnings = ws.letter_warnings(&request).unwrap();
    assert!(
        warnings.iter().any(|w| w.contains("do not allow work")),
        "{warnings:?}"
    );

    // The death letter to the police never states it: refused.
    let mut death = complete_request(&ws, "death_police", Some(police), &cases);
    death.extras.state_stay_status = true;
    let err = ws.preview_letter(&death).unwrap_err();
    assert!(
        err.message.contains("--state-stay-status"),
        "{}",
        err.message
    );
    assert!(err.message.contains("death_police"), "{}", err.message);
}

#[test]
fn a_note_verbale_comes_from_the_embassy_and_is_warned_on_the_first_person() {
    let (_dir, mut ws) = demo_workspace();
    let cases = all_cases(&ws);
    let mofa = agency_for(&mut ws, &["foreign_ministry".to_string()]);
    let mut request = complete_request(&ws, "note_verbale", mofa, &cases);
    request.extras.details_ko = Some("우리 대사관은 조사를 요청합니다.".into());
    request.extras.details_en = Some("We ask for an inquiry.".into());
    let warnings = ws.letter_warnings(&request).unwrap();
    assert!(
        warnings.iter().any(|w| w.contains("third person")),
        "{warnings:?}"
    );
    let mut busan = ws.mission().unwrap().unwrap();
    busan.name_en = Some("Consulate General of the Republic of Kazakhstan in Busan".into());
    ws.set_mission(&busan).unwrap();
    let err = ws.preview_letter(&request).unwrap_err();
    assert!(err.message.contains("Embassy"), "{}", err.message);
}

/// The text of each page of a draft PDF (pdftotext, form feeds between pages), without the
/// diagonal DRAFT / 초안 mark, which comes out as lines of one or two letters.
fn page_texts(pdf: &[u8]) -> Vec<String> {
    pdf_text(pdf)
        .split('\u{c}')
        .map(|page| {
            page.lines()
                .filter(|l| l.trim().chars().count() > 2 || l.trim().starts_with('-'))
                .collect::<Vec<_>>()
                .join("\n")
        })
        .collect()
}

/// Hangul outside parentheses: a Korean value printed bare on a page in another language
/// (a Korean original in parentheses after its romanised form is allowed).
fn bare_hangul(text: &str) -> Option<String> {
    let mut depth = 0usize;
    for (i, c) in text.char_indices() {
        match c {
            '(' => depth += 1,
            ')' => depth = depth.saturating_sub(1),
            _ if depth == 0 && qorgau_letters::is_hangul(c) => {
                let start = text[..i].rfind('\n').map_or(0, |n| n + 1);
                let end = text[i..].find('\n').map_or(text.len(), |n| i + n);
                return Some(text[start..end].to_owned());
            }
            _ => {}
        }
    }
    None
}

/// Item markers of one page at the left of their lines, in order: `1.` `가.` `a)`.
fn markers_are_consecutive(page: &str) -> Result<(), String> {
    const GANADA: &str = "가나다라마바사아자차카타파하";
    let mut top = 0u32;
    let mut sub: Option<char> = None;
    for line in page.lines() {
        let t = line.trim_start();
        let indent = line.len() - t.len();
        let word = t.split(' ').next().unwrap_or("");
        if let Some(n) = word.strip_suffix('.').and_then(|n| n.parse::<u32>().ok())
            && indent < 3
            && n < 50
        {
            // A new section (the Russian half of a form, after its heading) starts at 1.
            if n != top + 1 && n != 1 {
                return Err(format!("{word} after {top}: {line}"));
            }
            top = n;
            sub = None;
            continue;
        }
        let mut chars = word.chars();
        if let (Some(c), Some('.' | ')'), None) = (chars.next(), chars.next(), chars.next())
            && indent >= 2
            && (GANADA.contains(c) || c.is_ascii_lowercase())
        {
            let expected = match sub {
                None if GANADA.contains(c) => '가',
                None => 'a',
                Some(prev) if prev.is_ascii_lowercase() => (prev as u8 + 1) as char,
                Some(prev) => GANADA
                    .chars()
                    .skip_while(|g| *g != prev)
                    .nth(1)
                    .unwrap_or('?'),
            };
            if c != expected {
                return Err(format!("{word} where {expected} was due: {line}"));
            }
            sub = Some(c);
        }
    }
    Ok(())
}

#[test]
fn every_template_reads_right_for_every_case_type() {
    let (_dir, mut ws) = demo_workspace();
    let cases = all_cases(&ws);
    let templates = ws.letter_templates().unwrap();
    let mut rendered = 0;
    for t in &templates {
        let agency = agency_for(&mut ws, &t.recipients);
        // One case of each type, where its data is complete for the template.
        let mut types_done = Vec::new();
        for case in &cases {
            let Some(case_type) = case.record.case_type else {
                continue;
            };
            if types_done.contains(&case_type) {
                continue;
            }
            let mut request = LetterRequest {
                case_id: case.id,
                template: t.name.clone(),
                agency_id: agency,
                worker_id: None,
                letter_date: Some(date(2026, 11, 21)),
                extras: LetterExtras {
                    attachments_ko: Some("진정서 사본 1부.\n여권 사본 1부.".into()),
                    attachments_en: Some("Copy of the petition.\nCopy of the passport.".into()),
                    officer_ko: Some("영사 누를란 세릭바예프".into()),
                    officer_en: Some("Nurlan SERIKBAYEV, Consul".into()),
                    officer_phone: Some("02-379-9716".into()),
                    ..LetterExtras::default()
                },
            };
            if case_type == CaseType::Other {
                request.extras.matter_ko = Some("임금 정산".into());
                request.extras.matter_en = Some("the settlement of wages".into());
            }
            if !ws.letter_missing_fields(&request).unwrap().is_empty() {
                continue;
            }
            types_done.push(case_type);
            let pdf = ws.preview_letter(&request).unwrap();
            let pages = page_texts(&pdf);
            let all = pages.join("\n");
            let what = format!("{} for a {case_type:?} case", t.name);
            for bad in [
                "기타",
                "피해 피해",
                "재해자은",
                "진정인는",
                "대상자은",
                "고인가",
            ] {
                assert!(!all.contains(bad), "{what}: {bad:?} in\n{all}");
            }
            // No code word (snake_case) of the data model on a page.
            let code_word = all.split_whitespace().find(|w| {
                w.char_indices().any(|(i, c)| {
                    c == '_'
                        && w[..i].chars().last().is_some_and(char::is_alphabetic)
                        && w[i + 1..].chars().next().is_some_and(char::is_alphabetic)
                })
            });
            assert!(code_word.is_none(), "{what}: code word {code_word:?}");
            // No word twice in a row.
            let words: Vec<&str> = all.split_whitespace().collect();
            for pair in words.windows(2) {
                assert!(
                    pair[0] != pair[1] || pair[0].chars().all(|c| !c.is_alphabetic()),
                    "{what}: doubled {:?} in\n{all}",
                    pair[0]
                );
            }
            for page in &pages {
                markers_are_consecutive(page).unwrap_or_else(|e| panic!("{what}: {e}\n{page}"));
            }
            if t.form == "gongmun" {
                // The Korean page, then an English page with no bare Hangul.
                let english = pages
                    .iter()
                    .skip_while(|p| !p.contains("English version"))
                    .cloned()
                    .collect::<Vec<_>>()
                    .join("\n");
                assert!(!english.is_empty(), "{what}: no English page");
                if let Some(line) = bare_hangul(&english) {
                    panic!("{what}: Hangul on the English page: {line}");
                }
                for part in ["시행", "접수", "담당 영사", "공개구분 비공개(6)", "끝."]
                {
                    assert!(all.contains(part), "{what}: no {part} in\n{all}");
                }
                let korean = &pages[0];
                if korean.contains("금액(") {
                    assert!(
                        korean.contains("원(금"),
                        "{what}: amount without words\n{korean}"
                    );
                }
            }
            if t.name == "confirmation" {
                assert!(
                    bare_hangul(&all.replace("서울특별시 용산구 장문로", "")).is_none(),
                    "{what}"
                );
            }
            rendered += 1;
        }
        assert!(!types_done.is_empty(), "{}: no demo case fits", t.name);
    }
    assert!(rendered >= 40, "{rendered} letters checked");
}

/// Issue 14: before a letter goes out the composer gives the channel's reporting duty, and
/// the choice about the stay status is recorded with the letter (and synced with it).
#[test]
fn the_channel_safeguard_is_shown_and_the_stay_status_choice_recorded() {
    use qorgau_core::safeguards::{ReportingDuty, StayStatusChoice, recorded_stay_status};
    let (_dir, mut ws) = demo_workspace();
    let cases = all_cases(&ws);
    let police = ws
        .add_agency(&Agency {
            name_en: Some("Ansan Danwon Police Station".into()),
            recipient_ko: Some("안산단원경찰서장".into()),
            source: Some("added by the test".into()),
            ..Agency::named("안산단원경찰서", AgencyKind::Police)
        })
        .unwrap();
    let mut request = complete_request(&ws, "consular_access", Some(police), &cases);
    exposed_worker(&mut ws, &request);

    // Shown whatever the choice: the police are exempt only for listed crimes.
    let safeguard = ws.letter_safeguard(&request).unwrap();
    assert_eq!(safeguard.channel.as_deref(), Some("police"));
    assert_eq!(safeguard.reporting_duty, ReportingDuty::ListedCrimesOnly);
    assert!(
        safeguard
            .notice
            .as_deref()
            .unwrap()
            .contains("listed crime")
    );
    assert!(safeguard.may_state_stay_status);
    assert_eq!(safeguard.stay_status, StayStatusChoice::Withheld);

    let withheld = ws.register_letter(&request, None).unwrap().record.unwrap();
    assert_eq!(recorded_stay_status(&withheld), Some("withheld"));
    assert_eq!(
        withheld
            .data
            .get("safeguard.reporting_duty")
            .map(String::as_str),
        Some("listed_crimes_only")
    );
    request.extras.state_stay_status = true;
    assert_eq!(
        ws.letter_safeguard(&request).unwrap().stay_status,
        StayStatusChoice::Stated
    );
    let stated = ws.register_letter(&request, None).unwrap().record.unwrap();
    assert_eq!(recorded_stay_status(&stated), Some("stated"));
    // Visible in the registry, and the recorded keys do not change what is printed: the
    // stored letters re-render to their registered bytes.
    let registry = ws.letters(Some(request.case_id)).unwrap();
    for letter in [&withheld, &stated] {
        let listed = registry.iter().find(|l| l.id == letter.id).unwrap();
        assert_eq!(recorded_stay_status(listed), recorded_stay_status(letter));
        assert!(
            ws.rerender_letter(letter.id).unwrap().1,
            "re-renders the same"
        );
    }

    // A labour office: exempt for wage victims since 2025-11-06; the death letter to the
    // police cannot print the status at all.
    let labour = agency_for(&mut ws, &["labour_office".into()]).unwrap();
    let wage = complete_request(&ws, "wage_arrears", Some(labour), &cases);
    let safeguard = ws.letter_safeguard(&wage).unwrap();
    assert_eq!(
        safeguard.reporting_duty,
        ReportingDuty::ExemptForWageVictims
    );
    assert!(
        safeguard
            .notice
            .as_deref()
            .unwrap()
            .contains("6 November 2025")
    );
    let death = complete_request(&ws, "death_police", Some(police), &cases);
    assert_eq!(
        ws.letter_safeguard(&death).unwrap().stay_status,
        StayStatusChoice::NotPrintable
    );
}
