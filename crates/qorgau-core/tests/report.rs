//! The quarterly report: exact figures for a known set of cases, and a PDF in Kazakh and
//! Russian with its tables and charts (checked through pdftotext when poppler is installed).

use chrono::NaiveDate;
use qorgau_core::domain::{CaseRecord, CaseStatus, CaseType, Province, Worker};
use qorgau_core::{KdfParams, Passphrase, Workspace, WorkspaceOptions};

fn d(y: i32, m: u32, day: u32) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(y, m, day)
}

#[test]
fn quarterly_figures_and_the_pdf_in_two_languages() {
    let dir = tempfile::tempdir().unwrap();
    let options = WorkspaceOptions {
        kdf: KdfParams::FAST_INSECURE_FOR_TESTS,
        actor: "report test".into(),
    };
    let mut ws = Workspace::create(
        &dir.path().join("ws"),
        &Passphrase::new("report test pass"),
        &options,
    )
    .unwrap();
    let worker = |name: &str, province| Worker {
        surname: Some(name.into()),
        province,
        ..Worker::default()
    };
    let a = ws
        .add_worker(&worker("Ахметов", Some(Province::Gyeonggi)))
        .unwrap()
        .id;
    let b = ws.add_worker(&worker("Серикова", None)).unwrap().id;
    let case = |w, t, reported, closed, claimed, recovered, status| CaseRecord {
        workers: vec![w],
        case_type: Some(t),
        reported_on: reported,
        closed_on: closed,
        amount_claimed_krw: claimed,
        amount_recovered_krw: recovered,
        status,
        ..CaseRecord::default()
    };
    for c in [
        case(
            a,
            CaseType::UnpaidWages,
            d(2026, 7, 3),
            d(2026, 8, 2),
            Some(3_000_000),
            Some(1_000_000),
            CaseStatus::Closed,
        ),
        case(
            a,
            CaseType::DeathRepatriation,
            d(2026, 8, 10),
            None,
            None,
            None,
            CaseStatus::InProgress,
        ),
        case(
            b,
            CaseType::DetentionDeportation,
            d(2026, 9, 30),
            None,
            None,
            None,
            CaseStatus::New,
        ),
        case(
            b,
            CaseType::UnpaidWages,
            d(2026, 9, 1),
            d(2026, 9, 11),
            Some(500_000),
            None,
            CaseStatus::Closed,
        ),
        // Outside the quarter (reported in June), but closed in it.
        case(
            b,
            CaseType::Other,
            d(2026, 6, 1),
            d(2026, 7, 1),
            None,
            None,
            CaseStatus::Closed,
        ),
    ] {
        ws.add_case(&c).unwrap();
    }
    let f = ws.quarterly_figures(2026, 3).unwrap();
    assert_eq!(f.total, 4);
    assert_eq!(f.by_type["unpaid_wages"], 2);
    assert_eq!(f.by_type["death_repatriation"], 1);
    assert_eq!(f.by_status["closed"], 2);
    assert_eq!(f.by_province["gyeonggi"], 2);
    assert_eq!(f.by_province["unknown"], 2);
    assert_eq!(f.by_month[&7], 1);
    assert_eq!(f.by_month[&8], 1);
    assert_eq!(f.by_month[&9], 2);
    assert_eq!(f.amount_claimed_krw, 3_500_000);
    assert_eq!(f.amount_recovered_krw, 1_000_000);
    assert_eq!((f.deaths, f.detentions), (1, 1));
    // Closed in the quarter: 30, 10 and 30 days.
    assert_eq!(f.closed, 3);
    assert_eq!(f.days_to_close_median, Some(30.0));
    assert_eq!(f.days_to_close_mean, Some(70.0 / 3.0));
    assert!(ws.quarterly_figures(2026, 5).is_err());

    let pdf = dir.path().join("q3.pdf");
    ws.write_quarterly_report(2026, 3, &pdf).unwrap();
    let bytes = std::fs::read(&pdf).unwrap();
    assert!(qorgau_core::letters_engine::page_count(&bytes).unwrap() >= 2);
    assert_eq!(ws.audit_recent(1).unwrap()[0].action, "report");
    let xlsx = dir.path().join("q3.xlsx");
    ws.write_quarterly_report(2026, 3, &xlsx).unwrap();
    let sheet =
        qorgau_core::import::sheet::read_sheet("q3.xlsx", &std::fs::read(&xlsx).unwrap()).unwrap();
    assert!(
        sheet
            .rows
            .iter()
            .any(|(_, cells)| cells.iter().any(|c| c.text() == "Жалақының төленбеуі"))
    );
    if let Ok(out) = std::process::Command::new("pdftotext")
        .arg(&pdf)
        .arg("-")
        .output()
    {
        let text = String::from_utf8_lossy(&out.stdout);
        for expected in [
            "2026 жылғы 3-тоқсан",
            "3-й квартал 2026 года",
            "Жалақының төленбеуі",
            "Невыплата заработной платы",
            "Кёнгидо",
            "3 500 000",
        ] {
            assert!(text.contains(expected), "{expected} not in\n{text}");
        }
    }
}
