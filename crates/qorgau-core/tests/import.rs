//! Spreadsheet import: one deliberately messy sheet with headers in Russian, Kazakh, English
//! and Korean, as XLSX (written here with rust_xlsxwriter) and as CSV in UTF-8, UTF-8 with a
//! BOM and Windows-1251. The dry-run report is exact, the commit all-or-nothing, and importing
//! the same file again adds nothing.

use chrono::NaiveDate;
use qorgau_core::domain::validation::iin::check_digit;
use qorgau_core::domain::{CaseType, Worker, WorkerId};
use qorgau_core::import::{ImportKind, ImportOptions, ImportReport};
use qorgau_core::{KdfParams, Passphrase, Workspace, WorkspaceOptions};
use rust_xlsxwriter::{Format, Workbook};

fn workspace() -> (tempfile::TempDir, Workspace) {
    let dir = tempfile::tempdir().unwrap();
    let options = WorkspaceOptions {
        kdf: KdfParams::FAST_INSECURE_FOR_TESTS,
        actor: "import test".into(),
    };
    let ws = Workspace::create(
        &dir.path().join("ws"),
        &Passphrase::new("import test passphrase"),
        &options,
    )
    .unwrap();
    (dir, ws)
}

/// A valid IIN for a birth date `yymmdd`, century-and-sex digit and serial.
fn iin(yymmdd: &str, century_sex: char, serial: &str) -> String {
    let body = format!("{yymmdd}{century_sex}{serial}");
    let digits: Vec<u8> = body.bytes().map(|b| b - b'0').collect();
    format!("{body}{}", check_digit(&digits).unwrap())
}

/// The same IIN with its check digit changed.
fn bad_check_digit(iin: &str) -> String {
    let last = iin.as_bytes()[11] - b'0';
    format!("{}{}", &iin[..11], (last + 1) % 10)
}

#[derive(Clone)]
enum V {
    T(String),
    /// A date cell (Excel serial, formatted as a date).
    D(f64, &'static str),
    /// A number cell; in CSV the text an export would write.
    N(f64, &'static str),
    Empty,
}

fn t(s: &str) -> V {
    V::T(s.to_string())
}

const HEADERS: [[&str; 10]; 4] = [
    [
        "Фамилия",
        "Имя",
        "Отчество",
        "Дата рождения",
        "ИИН",
        "№ паспорта",
        "Телефон",
        "Регион",
        "Виза",
        "Работодатель",
    ],
    [
        "Тегі",
        "Аты",
        "Әкесінің аты",
        "Туған күні",
        "ЖСН",
        "Төлқұжат нөмірі",
        "Телефон",
        "Аймақ",
        "Виза түрі",
        "Жұмыс беруші",
    ],
    [
        "Surname",
        "Given name",
        "Patronymic",
        "Date of birth",
        "IIN",
        "Passport No.",
        "Phone",
        "Province",
        "Visa",
        "Employer",
    ],
    [
        "성",
        "이름",
        "부칭",
        "생년월일",
        "개인식별번호",
        "여권번호",
        "전화",
        "지역",
        "체류자격",
        "사업장",
    ],
];

struct Fixture {
    /// Sheet rows (`None` = an empty row), the header being row 1.
    rows: Vec<Option<Vec<V>>>,
    akhmetov_iin: String,
}

/// `hangul`: with the cells written in Hangul (a Windows-1251 file cannot hold them; it has
/// the province in Russian and the name in passport Latin instead).
fn fixture(hangul: bool) -> Fixture {
    let akhmetov = iin("850701", '3', "0123");
    let serikova = iin("921105", '4', "0456");
    let kim = bad_check_digit(&iin("900312", '3', "0789"));
    let e = || V::Empty;
    let rows = vec![
        // 2: Цой Нурлан = TSOY NURLAN on file, same birth date: a likely twin across scripts.
        Some(vec![
            t("Цой"),
            t("Нурлан"),
            e(),
            t("12.03.1990"),
            e(),
            e(),
            t("8 701 123 45 67"),
            t("Сеул"),
            t("Е-9"),
            e(),
        ]),
        // 3: added.
        Some(vec![
            t("Ахметов"),
            t("Бауыржан"),
            t("Серикович"),
            t("1985/7/1"),
            t(&akhmetov),
            e(),
            t("010 1234 5678"),
            t(if hangul {
                "경기도"
            } else {
                "Кёнгидо"
            }),
            t("E9"),
            t("Самсунг"),
        ]),
        // 4: added; a date cell, a phone typed into a number cell.
        Some(vec![
            t("Серикова"),
            t("Айгерим"),
            e(),
            V::D(33913.0, "05.11.1992"),
            t(&serikova),
            t("n 0765 4321"),
            V::N(1_012_345_678.0, "01012345678"),
            t("Busan"),
            t("F-4"),
            e(),
        ]),
        // 5: the IIN of row 3 again, in passport Latin: a duplicate within the file.
        Some(vec![
            t("AKHMETOV"),
            t("BAUYRZHAN"),
            e(),
            t("1 July 1985"),
            t(&akhmetov),
            e(),
            e(),
            e(),
            e(),
            e(),
        ]),
        // 6: a wrong check digit.
        Some(vec![
            t("Ким"),
            t("Алексей"),
            e(),
            t("12.03.1990"),
            t(&kim),
            e(),
            e(),
            e(),
            e(),
            e(),
        ]),
        // 7: no 31 February, and not a phone number.
        Some(vec![
            t("Пак"),
            t("Ольга"),
            e(),
            t("31.02.1990"),
            e(),
            e(),
            t("12345"),
            e(),
            e(),
            e(),
        ]),
        // 8: added; the name in Hangul goes into the Korean name.
        Some(vec![
            t(if hangul { "김" } else { "KIM" }),
            t(if hangul {
                "알렉산드르"
            } else {
                "ALEKSANDR"
            }),
            e(),
            t("12 March 1991"),
            e(),
            e(),
            e(),
            e(),
            e(),
            e(),
        ]),
        // 9: the passport of a worker on file, written loosely.
        Some(vec![
            t("Ли"),
            t("Марина"),
            e(),
            t("2 мая 1993 г."),
            e(),
            t("n12345678"),
            e(),
            e(),
            e(),
            e(),
        ]),
        // 10: empty.
        None,
        // 11: added.
        Some(vec![
            t("Тен"),
            t("Виктор"),
            e(),
            t("1988-12-01"),
            e(),
            e(),
            e(),
            t("jeju"),
            t("undocumented"),
            e(),
        ]),
    ];
    Fixture {
        rows,
        akhmetov_iin: akhmetov,
    }
}

fn xlsx(header: &[&str], rows: &[Option<Vec<V>>]) -> Vec<u8> {
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    let date = Format::new().set_num_format("dd.mm.yyyy");
    for (c, h) in header.iter().enumerate() {
        sheet.write_string(0, c as u16, *h).unwrap();
    }
    for (r, row) in rows.iter().enumerate() {
        let Some(row) = row else { continue };
        let r = r as u32 + 1;
        for (c, v) in row.iter().enumerate() {
            let c = c as u16;
            match v {
                V::T(s) => {
                    sheet.write_string(r, c, s).unwrap();
                }
                V::D(serial, _) => {
                    sheet
                        .write_number_with_format(r, c, *serial, &date)
                        .unwrap();
                }
                V::N(n, _) => {
                    sheet.write_number(r, c, *n).unwrap();
                }
                V::Empty => {}
            }
        }
    }
    book.save_to_buffer().unwrap()
}

fn csv_text(header: &[&str], rows: &[Option<Vec<V>>], sep: char) -> String {
    let mut out = header.join(&sep.to_string());
    out.push('\n');
    for row in rows {
        if let Some(row) = row {
            let cells: Vec<String> = row
                .iter()
                .map(|v| match v {
                    V::T(s) => s.clone(),
                    V::D(_, text) | V::N(_, text) => text.to_string(),
                    V::Empty => String::new(),
                })
                .collect();
            out.push_str(&cells.join(&sep.to_string()));
        }
        out.push('\n');
    }
    out
}

/// The two workers on file before the import.
fn seed(ws: &mut Workspace) -> (WorkerId, WorkerId) {
    let tsoy = ws
        .add_worker(&Worker {
            latin_name: Some("TSOY NURLAN".into()),
            birth_date: NaiveDate::from_ymd_opt(1990, 3, 12),
            ..Worker::default()
        })
        .unwrap()
        .id;
    let li = ws
        .add_worker(&Worker {
            surname: Some("Ли".into()),
            given_name: Some("Марина".into()),
            passport_no: Some("N12345678".into()),
            ..Worker::default()
        })
        .unwrap()
        .id;
    (tsoy, li)
}

fn dry() -> ImportOptions {
    ImportOptions {
        dry_run: true,
        ..ImportOptions::default()
    }
}

/// The report's rows, duplicates and errors as plain tuples.
type Summary = (
    usize,
    usize,
    Vec<(u32, Option<String>, String, Option<u32>)>,
    Vec<(u32, String, String)>,
    bool,
);

fn summary(r: &ImportReport) -> Summary {
    for e in &r.errors {
        assert!(!e.message.is_empty(), "{e:?}");
    }
    (
        r.rows,
        r.added,
        r.duplicates
            .iter()
            .map(|d| (d.row, d.existing_id.clone(), d.reason.clone(), d.first_row))
            .collect(),
        r.errors
            .iter()
            .map(|e| (e.row, e.field.clone(), e.code.clone()))
            .collect(),
        r.committed,
    )
}

fn expected(tsoy: WorkerId, li: WorkerId, committed: bool) -> Summary {
    (
        9,
        4,
        vec![
            (2, Some(tsoy.to_string()), "likely_twin".into(), None),
            (5, None, "same_iin_in_file".into(), Some(3)),
            (9, Some(li.to_string()), "same_passport".into(), None),
        ],
        vec![
            (6, "iin".into(), "iin_check_digit".into()),
            (7, "birth_date".into(), "invalid_date".into()),
            (7, "phones[0]".into(), "phone_invalid".into()),
        ],
        committed,
    )
}

/// The whole story for one file: exact dry run, a refused commit that writes nothing, a commit
/// that skips the invalid rows, and a re-import that adds nothing.
fn check_file(name: &str, bytes: &[u8], hangul: bool) {
    let (_dir, mut ws) = workspace();
    let (tsoy, li) = seed(&mut ws);
    let before = ws.stats().unwrap();

    let report = ws
        .import_bytes(ImportKind::Workers, name, bytes, &dry())
        .unwrap();
    assert_eq!(summary(&report), expected(tsoy, li, false), "{name}");
    assert_eq!(
        ws.stats().unwrap(),
        before,
        "{name}: a dry run writes nothing"
    );

    // Errors and no --skip-invalid: nothing is written.
    let report = ws
        .import_bytes(ImportKind::Workers, name, bytes, &ImportOptions::default())
        .unwrap();
    assert_eq!(summary(&report), expected(tsoy, li, false), "{name}");
    assert_eq!(
        ws.stats().unwrap(),
        before,
        "{name}: a refused commit writes nothing"
    );

    let skip = ImportOptions {
        skip_invalid: true,
        ..ImportOptions::default()
    };
    let report = ws
        .import_bytes(ImportKind::Workers, name, bytes, &skip)
        .unwrap();
    assert_eq!(summary(&report), expected(tsoy, li, true), "{name}");
    assert_eq!(report.added_ids.len(), 4);
    let after = ws.stats().unwrap();
    assert_eq!(after.workers, before.workers + 4, "{name}");
    // Four change sets (one per worker) reach the outbox, so the import syncs.
    assert!(after.outbox > before.outbox, "{name}");
    let import_entry = ws.audit_recent(1).unwrap().into_iter().next().unwrap();
    assert_eq!(import_entry.action, "import");
    assert!(
        import_entry
            .detail
            .as_deref()
            .unwrap_or("")
            .contains("4 added"),
        "{import_entry:?}"
    );
    assert!(matches!(
        ws.verify_audit_log().unwrap(),
        qorgau_core::AuditVerification::Intact { .. }
    ));

    // The normalised values, read back.
    let ahmetov = ws
        .worker(report.added_ids[0].parse().unwrap())
        .unwrap()
        .worker;
    assert_eq!(ahmetov.birth_date, NaiveDate::from_ymd_opt(1985, 7, 1));
    assert_eq!(ahmetov.phones, ["+821012345678"]);
    assert_eq!(
        ahmetov.province,
        Some(qorgau_core::domain::Province::Gyeonggi)
    );
    let serikova = ws
        .worker(report.added_ids[1].parse().unwrap())
        .unwrap()
        .worker;
    assert_eq!(serikova.birth_date, NaiveDate::from_ymd_opt(1992, 11, 5));
    assert_eq!(serikova.passport_no.as_deref(), Some("N07654321"));
    assert_eq!(serikova.phones, ["+821012345678"]);
    let kim = ws
        .worker(report.added_ids[2].parse().unwrap())
        .unwrap()
        .worker;
    if hangul {
        assert_eq!(kim.hangul_name.as_deref(), Some("김 알렉산드르"));
    } else {
        assert_eq!(kim.latin_name.as_deref(), Some("KIM ALEKSANDR"));
    }
    assert_eq!(kim.surname, None);

    // Again: every row is now a duplicate or an error; nothing is added.
    let again = ws
        .import_bytes(ImportKind::Workers, name, bytes, &skip)
        .unwrap();
    assert_eq!(again.added, 0, "{name}: {:?}", again.duplicates);
    assert_eq!(again.duplicates.len(), 7, "{name}: {:?}", again.duplicates);
    assert_eq!(ws.stats().unwrap().workers, after.workers);
}

#[test]
fn russian_headers_in_xlsx_and_windows_1251_csv() {
    let f = fixture(true);
    check_file("работники.xlsx", &xlsx(&HEADERS[0], &f.rows), true);
    let f = fixture(false);
    let text = csv_text(&HEADERS[0], &f.rows, ';');
    let (cp1251, _, unmappable) = encoding_rs::WINDOWS_1251.encode(&text);
    assert!(!unmappable);
    assert!(std::str::from_utf8(&cp1251).is_err(), "really not UTF-8");
    check_file("работники.csv", &cp1251, false);
}

#[test]
fn kazakh_headers_in_utf8_csv_with_bom() {
    let f = fixture(true);
    let mut bytes = b"\xEF\xBB\xBF".to_vec();
    bytes.extend_from_slice(csv_text(&HEADERS[1], &f.rows, ';').as_bytes());
    check_file("қызметкерлер.csv", &bytes, true);
}

#[test]
fn english_headers_in_utf8_csv() {
    let f = fixture(true);
    check_file(
        "workers.csv",
        csv_text(&HEADERS[2], &f.rows, ',').as_bytes(),
        true,
    );
}

#[test]
fn korean_headers_in_xlsx() {
    let f = fixture(true);
    check_file("근로자.xlsx", &xlsx(&HEADERS[3], &f.rows), true);
}

#[test]
fn a_refused_commit_rolls_back_every_row() {
    // Two rows that passed a dry run, but a worker with the second IIN was added before the
    // commit: the store refuses that row, and the first is not kept either.
    let (_dir, mut ws) = workspace();
    let a = iin("850701", '3', "0123");
    let b = iin("921105", '4', "0456");
    let worker = |surname: &str, iin: &str, birth: (i32, u32, u32)| Worker {
        surname: Some(surname.into()),
        iin: Some(iin.into()),
        birth_date: NaiveDate::from_ymd_opt(birth.0, birth.1, birth.2),
        ..Worker::default()
    };
    ws.add_worker(&worker("Другая", &b, (1992, 11, 5))).unwrap();
    let before = ws.stats().unwrap();
    let err = ws
        .import_workers(
            &[
                worker("Ахметов", &a, (1985, 7, 1)),
                worker("Серикова", &b, (1992, 11, 5)),
            ],
            "w.csv",
        )
        .unwrap_err();
    assert!(err.existing_id.is_some(), "{err:?}");
    assert_eq!(ws.stats().unwrap(), before, "nothing half-imported");
}

#[test]
fn cases_find_their_workers_by_iin_passport_or_name_and_birth_date() {
    let (_dir, mut ws) = workspace();
    let f = fixture(true);
    let skip = ImportOptions {
        skip_invalid: true,
        ..ImportOptions::default()
    };
    let workers = ws
        .import_bytes(
            ImportKind::Workers,
            "w.xlsx",
            &xlsx(&HEADERS[0], &f.rows),
            &skip,
        )
        .unwrap();
    assert_eq!(workers.added, 6, "Цой and Ли are not on file here");
    let unknown = iin("770101", '3', "0001");
    let header = [
        "ИИН",
        "Паспорт",
        "Фамилия",
        "Имя",
        "Дата рождения",
        "Тип",
        "Статус",
        "Дата события",
        "Сумма требования",
        "Описание",
    ];
    let rows = vec![
        Some(vec![
            t(&f.akhmetov_iin),
            V::Empty,
            V::Empty,
            V::Empty,
            V::Empty,
            t("임금체불"),
            t("в работе"),
            t("01.10.2026"),
            t("3 500 000 ₩"),
            t("Не выплачена зарплата за три месяца"),
        ]),
        Some(vec![
            V::Empty,
            t("N07654321"),
            V::Empty,
            V::Empty,
            V::Empty,
            t("workplace_injury"),
            t("new"),
            t("2026/9/15"),
            V::Empty,
            V::Empty,
        ]),
        Some(vec![
            V::Empty,
            V::Empty,
            t("TSOY"),
            t("NURLAN"),
            t("12.03.1990"),
            t("Задержание"),
            V::Empty,
            V::Empty,
            V::Empty,
            V::Empty,
        ]),
        Some(vec![
            t(&unknown),
            V::Empty,
            V::Empty,
            V::Empty,
            V::Empty,
            t("other"),
            V::Empty,
            V::Empty,
            V::Empty,
            V::Empty,
        ]),
        Some(vec![
            t(&f.akhmetov_iin),
            V::Empty,
            V::Empty,
            V::Empty,
            V::Empty,
            t("unpaid_wages"),
            V::Empty,
            t("2026-10-01"),
            V::Empty,
            V::Empty,
        ]),
        Some(vec![
            t(&f.akhmetov_iin),
            V::Empty,
            V::Empty,
            V::Empty,
            V::Empty,
            t("пожар"),
            V::Empty,
            V::Empty,
            t("много"),
            V::Empty,
        ]),
    ];
    let bytes = xlsx(&header, &rows);
    let report = ws
        .import_bytes(ImportKind::Cases, "cases.xlsx", &bytes, &dry())
        .unwrap();
    assert_eq!(
        summary(&report),
        (
            6,
            3,
            vec![(6, None, "same_case_in_file".into(), Some(2))],
            vec![
                (5, "worker".into(), "unknown_worker".into()),
                (7, "case_type".into(), "out_of_range".into()),
                (7, "amount_claimed_krw".into(), "not_digits".into()),
            ],
            false
        )
    );
    let committed = ws
        .import_bytes(ImportKind::Cases, "cases.xlsx", &bytes, &skip)
        .unwrap();
    assert_eq!(committed.added, 3);
    let case = ws
        .case(committed.added_ids[0].parse().unwrap())
        .unwrap()
        .record;
    assert_eq!(case.case_type, Some(CaseType::UnpaidWages));
    assert_eq!(case.amount_claimed_krw, Some(3_500_000));
    assert_eq!(case.status, qorgau_core::domain::CaseStatus::InProgress);
    let again = ws
        .import_bytes(ImportKind::Cases, "cases.xlsx", &bytes, &skip)
        .unwrap();
    assert_eq!(again.added, 0);
    assert_eq!(again.duplicates.len(), 4, "{:?}", again.duplicates);
}

/// The rows of an export, for comparing two exports.
fn exported_rows(path: &std::path::Path) -> Vec<Vec<String>> {
    let sheet = qorgau_core::import::sheet::read_sheet(
        path.file_name().unwrap().to_str().unwrap(),
        &std::fs::read(path).unwrap(),
    )
    .unwrap();
    let mut rows: Vec<Vec<String>> = sheet
        .rows
        .iter()
        .map(|(_, cells)| cells.iter().map(|c| c.text()).collect())
        .collect();
    rows.insert(0, sheet.header.clone());
    rows
}

#[test]
fn export_then_import_round_trips_workers_and_cases() {
    let (dir, mut source) = workspace();
    let today = chrono::Local::now().date_naive();
    qorgau_core::demo::populate(&mut source, 60, 80, 11, today).unwrap();
    for ext in ["xlsx", "csv"] {
        let workers_file = dir.path().join(format!("workers.{ext}"));
        let cases_file = dir.path().join(format!("cases.{ext}"));
        let exported = source
            .export_workers(&Default::default(), true, &workers_file)
            .unwrap();
        assert_eq!(exported.rows, 60);
        let cases = source
            .export_cases(&Default::default(), &cases_file)
            .unwrap();
        assert_eq!(cases.rows, 80);
        let audit = source.audit_recent(2).unwrap();
        assert!(audit.iter().all(|e| e.action == "export"), "{audit:?}");

        let (_d2, mut target) = workspace();
        let report = target
            .import_file(
                ImportKind::Workers,
                &workers_file,
                &ImportOptions::default(),
            )
            .unwrap();
        assert!(report.errors.is_empty(), "{ext}: {:?}", report.errors);
        assert!(
            report.duplicates.is_empty(),
            "{ext}: {:?}",
            report.duplicates
        );
        assert!(report.committed);
        assert_eq!(report.added, 60);
        let cases_report = target
            .import_file(ImportKind::Cases, &cases_file, &ImportOptions::default())
            .unwrap();
        assert!(
            cases_report.errors.is_empty(),
            "{ext}: {:?}",
            cases_report.errors
        );
        // Demo data can hold two cases of one type for a worker on one day: those count as
        // one.
        assert_eq!(
            cases_report.added + cases_report.duplicates.len(),
            80,
            "{ext}"
        );

        let again = target
            .export_workers(
                &Default::default(),
                true,
                &dir.path().join(format!("again.{ext}")),
            )
            .unwrap();
        assert_eq!(again.rows, 60);
        assert_eq!(
            exported_rows(&workers_file),
            exported_rows(&dir.path().join(format!("again.{ext}"))),
            "{ext}: what was exported is what was imported"
        );
        // Without the flag the stay status column is not written.
        let plain = dir.path().join(format!("plain.{ext}"));
        source
            .export_workers(&Default::default(), false, &plain)
            .unwrap();
        assert!(!exported_rows(&plain)[0].contains(&"stay_status".to_string()));
        assert!(exported_rows(&workers_file)[0].contains(&"stay_status".to_string()));
    }
}

#[test]
fn a_large_sheet_is_built_on_several_threads_and_keeps_its_row_order() {
    let (_dir, mut ws) = workspace();
    let today = chrono::Local::now().date_naive();
    let mut generator = qorgau_core::demo::WorkerGenerator::new(5, today);
    let mut csv = String::from("surname,given_name,latin_name,hangul_name,birth_date,iin,phones\n");
    for i in 0..2_500 {
        let w = generator.next_worker();
        // Every 500th row carries a wrong check digit.
        let iin = w.iin.clone().unwrap_or_default();
        let iin = if i % 500 == 499 && !iin.is_empty() {
            bad_check_digit(&iin)
        } else {
            iin
        };
        csv.push_str(&format!(
            "{},{},{},{},{},{},{}\n",
            w.surname.unwrap_or_default(),
            w.given_name.unwrap_or_default(),
            w.latin_name.unwrap_or_default(),
            w.hangul_name.unwrap_or_default(),
            w.birth_date
                .map(|d| d.format("%d.%m.%Y").to_string())
                .unwrap_or_default(),
            iin,
            w.phones.first().cloned().unwrap_or_default()
        ));
    }
    let report = ws
        .import_bytes(ImportKind::Workers, "big.csv", csv.as_bytes(), &dry())
        .unwrap();
    assert_eq!(report.rows, 2_500);
    assert_eq!(
        report.added + report.duplicates.len() + report.errors.len(),
        2_500
    );
    let error_rows: Vec<u32> = report.errors.iter().map(|e| e.row).collect();
    assert_eq!(error_rows, [501, 1001, 1501, 2001, 2501]);
    assert!(report.duplicates.windows(2).all(|w| w[0].row < w[1].row));
    let skip = ImportOptions {
        skip_invalid: true,
        ..ImportOptions::default()
    };
    let done = ws
        .import_bytes(ImportKind::Workers, "big.csv", csv.as_bytes(), &skip)
        .unwrap();
    assert_eq!(done.added, report.added);
    assert_eq!(ws.stats().unwrap().workers as usize, report.added);
}
