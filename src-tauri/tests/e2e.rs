//! End-to-end tests of the real desktop app: tauri-driver starts the built binary (UI
//! embedded) under the display of the run, and each test drives it as a caseworker would.
//! They need a display, tauri-driver and the app built with `npx tauri build --debug
//! --no-bundle`; `scripts/test.sh` provides all three and runs them with `--ignored` under
//! `xvfb-run`. Screenshots of the main screens go to `target/screenshots/`.

mod support;

use serde_json::json;
use support::{Driver, Session};

const PASSPHRASE: &str = "тау бұлақ жылқы 1987";
/// 1979-10-28, male: a valid IIN, and the same with a wrong check digit.
const IIN: &str = "791028302728";
const IIN_TYPO: &str = "791028302729";

/// A fresh workspace created through the first-run screen; leaves the app on the dashboard.
fn create_workspace(s: &Session) {
    s.wait("#caseworker");
    s.click("button[data-lang='en']");
    s.type_into("#caseworker", "Aigerim Seitkali");
    s.type_into("#new-passphrase", "short");
    assert_eq!(s.text("#strength strong"), "Too short");
    s.type_into("#new-passphrase", PASSPHRASE);
    s.type_into("#repeat-passphrase", PASSPHRASE);
    s.screenshot("01-first-run");
    s.click("#create-workspace");
    s.wait("#lock");
    s.wait("[data-open-total]");
}

/// The app's web process inherits the environment the app set for it at start
/// (`web_view_environment`): the DMA-BUF renderer off, which halves its memory.
fn assert_web_process_started_without_dmabuf() {
    let (name, value) = qorgau_desktop::web_view_environment::DISABLE_DMABUF;
    let wanted = format!("{name}={value}");
    let web_processes: Vec<Vec<String>> = std::fs::read_dir("/proc")
        .unwrap()
        .flatten()
        .filter(|e| {
            std::fs::read_to_string(e.path().join("comm"))
                .is_ok_and(|c| c.trim() == "WebKitWebProces")
        })
        .filter_map(|e| std::fs::read(e.path().join("environ")).ok())
        .map(|env| {
            env.split(|b| *b == 0)
                .map(|v| String::from_utf8_lossy(v).into_owned())
                .collect()
        })
        .collect();
    assert!(!web_processes.is_empty(), "no WebKit web process found");
    assert!(
        web_processes.iter().all(|env| env.contains(&wanted)),
        "a web process started without {wanted}"
    );
}

#[test]
#[ignore = "needs a display, tauri-driver and the built app: scripts/test.sh runs it"]
fn a_caseworker_records_a_worker_opens_a_case_and_registers_a_letter() {
    let dir = tempfile::tempdir().unwrap();
    let driver = Driver::start();
    let s = Session::start(&driver, &["--workspace", dir.path().to_str().unwrap()]);
    create_workspace(&s);
    s.screenshot("02-dashboard");
    assert_web_process_started_without_dmabuf();

    // The mission profile: the Seoul preset lacks the consul's name, which letters need.
    s.click("[data-nav='agencies']");
    s.click("#edit-mission");
    s.type_into("#m-consul_name_ko", "세릭바예프 누를란");
    s.type_into("#m-consul_title_ko", "영사");
    s.type_into("#m-consul_name_en", "Nurlan SERIKBAYEV");
    s.type_into("#m-consul_title_en", "Consul");
    s.type_into("#m-consul_name_kk", "Серікбаев Нұрлан");
    s.type_into("#m-consul_title_kk", "Консул");
    s.type_into("#m-consul_name_ru", "Серикбаев Нурлан");
    s.type_into("#m-consul_title_ru", "Консул");
    s.click("#save-mission");
    s.wait("#mission-complete");
    assert!(
        s.count("#agencies-table tbody tr") >= 10,
        "the shipped directory is imported"
    );
    s.screenshot("03-agencies");

    // A worker with a mistyped IIN: the form names the field and keeps everything typed.
    s.click("[data-nav='workers']");
    s.click("#new-worker");
    s.type_into("#w-surname", "Ахметов");
    s.type_into("#w-given_name", "Нұрлан");
    s.type_into("#w-latin_name", "AKHMETOV NURLAN");
    s.type_into("#w-hangul_name", "아흐메토프 누를란");
    s.choose("#w-sex", "male");
    s.choose("#w-birth_date", "1979-10-28");
    s.type_into("#w-iin", IIN_TYPO);
    s.type_into("#w-passport_no", "N12345678");
    s.choose("#w-stay_status", "undocumented");
    s.choose("#w-province", "gyeonggi");
    s.type_into("#w-phones", "010-2345-6789");
    s.type_into("#w-employer-name", "대한정밀(주)");
    s.type_into("#w-employer-address", "경기도 안산시 단원구 산단로 123");
    s.click("#save-worker");
    let error = s.text("[data-field-error='w-iin']");
    assert!(error.contains("check digit"), "IIN error shown: {error}");
    assert_eq!(
        s.script(
            "return document.querySelector('#w-surname').value",
            json!([])
        ),
        "Ахметов"
    );
    assert_eq!(
        s.script(
            "return document.querySelector('#w-iin').getAttribute('aria-invalid')",
            json!([])
        ),
        "true"
    );
    s.screenshot("04-worker-invalid-iin");
    s.type_into("#w-iin", IIN);
    s.click("#save-worker");
    assert_eq!(s.text("#worker-name"), "Ахметов Нұрлан");
    assert_eq!(s.text("#worker-iin"), IIN);
    s.screenshot("05-worker");

    // Search finds the worker from the Hangul spelling of the name.
    s.type_into("#search", "누를란");
    s.wait("#search-results li[data-kind='worker']");
    s.screenshot("06-search");
    s.script("document.querySelector('#search').blur()", json!([]));

    // A case, and a note on its timeline.
    s.click("#open-case");
    s.choose("#k-case_type", "unpaid_wages");
    s.choose("#k-occurred_on", "2026-09-30");
    s.type_into("#k-claimed", "4800000");
    s.type_into("#k-place", "Ansan");
    s.click("#save-case");
    s.wait_text("#case-title", "Ахметов Нұрлан");
    s.type_into(
        "#note-text",
        "Called the employer: promised to pay by 15 December.",
    );
    s.click("#add-note");
    s.wait_for(
        "#timeline li[data-kind='note']",
        std::time::Duration::from_secs(20),
    );
    assert!(
        s.text("#timeline")
            .contains("promised to pay by 15 December")
    );
    s.screenshot("07-case");

    // A wage-arrears letter to a labour office: preview, then register.
    s.click("#write-letter");
    s.choose("#l-template", "wage_arrears");
    s.script(
        "const sel = document.querySelector('#l-agency');
         const opt = [...sel.options].find(o => o.text.includes('고용노동'));
         sel.value = opt.value; sel.dispatchEvent(new Event('change', {bubbles: true}));",
        json!([]),
    );
    s.wait("#letter-ready");
    s.click("#preview-letter");
    s.wait(".pages[data-pages='1'], .pages[data-pages='2']");
    s.screenshot("08-letter-preview");
    s.click("#register-letter");
    let registered = s.text("#letter-registered");
    assert!(registered.contains("SEL-2026/0001"), "{registered}");
    s.wait(".pages[data-pages='1'], .pages[data-pages='2']");
    s.screenshot("09-letter-registered");

    // Lock; a wrong passphrase is refused; the right one opens the workspace again.
    s.click("#lock");
    s.type_into("#passphrase", "not the passphrase");
    s.click("#unlock");
    assert_eq!(s.text("#unlock-error"), "Wrong passphrase. Try again.");
    s.screenshot("10-unlock-wrong");
    s.type_into("#passphrase", PASSPHRASE);
    s.click("#unlock");
    s.wait("#lock");
    s.click("[data-nav='cases']");
    s.wait_text("#cases-table", "Ахметов Нұрлан");
    s.screenshot("12-cases");
    s.click("[data-nav='workers']");
    s.wait_text("#workers-table", "Ахметов Нұрлан");
    s.screenshot("13-workers");
    s.click("[data-nav='settings']");
    s.click("button[data-lang='ko']");
    assert_eq!(s.text("[data-nav='settings']"), "설정");
    s.screenshot("14-settings-korean");
    s.close();
}

#[test]
#[ignore = "needs a display, tauri-driver and the built app: scripts/test.sh runs it"]
fn a_name_with_markup_is_shown_as_text() {
    let dir = tempfile::tempdir().unwrap();
    let driver = Driver::start();
    let s = Session::start(&driver, &["--workspace", dir.path().to_str().unwrap()]);
    create_workspace(&s);
    let name = "<img src=x onerror=alert(1)>";
    s.click("[data-nav='workers']");
    s.click("#new-worker");
    s.type_into("#w-surname", name);
    s.click("#save-worker");
    assert_eq!(s.text("#worker-name"), name);
    assert_eq!(s.count("#worker-name img"), 0);
    s.click("[data-nav='workers']");
    s.wait_text("#workers-table", name);
    assert_eq!(s.count("#workers-table img, #content img"), 0);
    s.type_into("#search", "img src");
    s.wait("#search-results li[data-kind='worker']");
    assert_eq!(s.count("#search-results img"), 0);
    assert!(!s.alert_open(), "no script from the name ran");
    s.screenshot("11-markup-as-text");
    s.close();
}

#[test]
#[ignore = "needs a display, tauri-driver and the built app: scripts/test.sh runs it"]
fn the_main_flow_works_from_the_keyboard_alone() {
    const TAB: &str = "\u{E004}";
    const ENTER: &str = "\u{E007}";
    const DOWN: &str = "\u{E015}";
    let dir = tempfile::tempdir().unwrap();
    let driver = Driver::start();
    let s = Session::start(&driver, &["--workspace", dir.path().to_str().unwrap()]);
    // First run: every field reached with Tab, the form sent with Enter.
    s.wait("#caseworker");
    s.tab_to("#caseworker");
    s.press("Aigerim Seitkali", false);
    s.tab_to("#new-passphrase");
    s.press(PASSPHRASE, false);
    s.tab_to("#repeat-passphrase");
    s.press(PASSPHRASE, false);
    s.press(ENTER, false);
    s.wait("#lock");
    // A worker: the navigation, the form and its button, all by keyboard.
    s.tab_to("[data-nav='workers']");
    s.press(ENTER, false);
    s.tab_to("#new-worker");
    s.press(ENTER, false);
    s.tab_to("#w-surname");
    s.press("Жұмабеков", false);
    s.press(TAB, false);
    s.press("Әлихан", false);
    s.tab_to("#save-worker");
    s.press(ENTER, false);
    s.wait("#worker-name");
    assert_eq!(s.text("#worker-name"), "Жұмабеков Әлихан");
    // Search everywhere: Ctrl+K, type, arrow to the hit, Enter opens it.
    s.tab_to("[data-nav='dashboard']");
    s.press(ENTER, false);
    s.wait("[data-open-total]");
    s.press("k", true);
    s.press("Жұмабеков", false);
    s.wait("#search-results li[data-kind='worker']");
    s.press(DOWN, false);
    s.press(ENTER, false);
    s.wait("#worker-name");
    assert_eq!(s.text("#worker-name"), "Жұмабеков Әлихан");
    s.screenshot("15-keyboard-worker");
    // Ctrl+L locks; the passphrase and Enter unlock.
    s.press("l", true);
    s.wait("#passphrase");
    s.tab_to("#passphrase");
    s.press(PASSPHRASE, false);
    s.press(ENTER, false);
    s.wait("#lock");
    s.close();
}
