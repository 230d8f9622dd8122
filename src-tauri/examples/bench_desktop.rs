//! The desktop benchmark (issue 4), measured through WebDriver on the real app:
//! start to the unlock screen, unlock to the dashboard, keystroke-to-results of search as you
//! type (p50/p95/max over the queries), and the memory of all the app's processes after
//! opening a case. `scripts/bench-desktop.sh` builds the release app, makes the 100,000-worker
//! workspace and runs this under Xvfb:
//!
//! QORGAU_DESKTOP_BIN=target/release/qorgau-desktop target/debug/examples/bench_desktop \
//!   WORKSPACE_DIR PASSPHRASE [QUERIES]

#[path = "../tests/support/mod.rs"]
mod support;

use serde_json::json;
use std::time::{Duration, Instant};
use support::{Driver, Session};

/// Name fragments in the scripts caseworkers type: Cyrillic, passport Latin, Hangul, digits.
const WORDS: &[&str] = &[
    "Нұрлан",
    "Ахметов",
    "Серік",
    "Айгүл",
    "Жанна",
    "Ерлан",
    "Сейтқали",
    "Бекзат",
    "Цой",
    "Ким",
    "Nurlan",
    "Akhmetov",
    "Serik",
    "Aigul",
    "Zhanna",
    "Yerlan",
    "Tsoy",
    "Kim",
    "Bekzat",
    "Dauren",
    "누를란",
    "세릭",
    "아이굴",
    "최",
    "김",
    "에를란",
    "다우렌",
    "8001",
    "9203",
    "Алматы",
    "Шымкент",
    "Ансан",
    "Hwaseong",
    "Gimhae",
];

fn queries(n: usize) -> Vec<String> {
    let mut out = Vec::new();
    let mut len = 2;
    while out.len() < n {
        for w in WORDS {
            let chars: Vec<char> = w.chars().collect();
            if chars.len() >= len {
                out.push(chars[..len].iter().collect());
                if out.len() == n {
                    break;
                }
            }
        }
        len += 1;
        if len > 8 {
            len = 2;
        }
    }
    out
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

/// The app's process and every process under it (WebKit's web and network processes).
fn process_tree(root_name: &str, started_after: u64) -> Vec<u32> {
    let mut parents = Vec::new();
    for entry in std::fs::read_dir("/proc").unwrap().flatten() {
        let Ok(pid) = entry.file_name().to_string_lossy().parse::<u32>() else {
            continue;
        };
        let Ok(stat) = std::fs::read_to_string(format!("/proc/{pid}/stat")) else {
            continue;
        };
        let (Some(open), Some(close)) = (stat.find('('), stat.rfind(')')) else {
            continue;
        };
        let name = stat[open + 1..close].to_string();
        let rest: Vec<&str> = stat[close + 2..].split(' ').collect();
        let ppid: u32 = rest[1].parse().unwrap_or(0);
        let start: u64 = rest[19].parse().unwrap_or(0);
        parents.push((pid, ppid, name, start));
    }
    let mut tree: Vec<u32> = parents
        .iter()
        .filter(|(_, _, name, start)| {
            root_name.starts_with(name.as_str()) && *start >= started_after
        })
        .map(|(pid, ..)| *pid)
        .collect();
    loop {
        let before = tree.len();
        for (pid, ppid, ..) in &parents {
            if tree.contains(ppid) && !tree.contains(pid) {
                tree.push(*pid);
            }
        }
        if tree.len() == before {
            return tree;
        }
    }
}

fn kib(pid: u32, file: &str, key: &str) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/{file}"))
        .unwrap_or_default()
        .lines()
        .find(|l| l.starts_with(key))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(0)
}

fn boot_ticks_now() -> u64 {
    let uptime: f64 = std::fs::read_to_string("/proc/uptime")
        .unwrap()
        .split_whitespace()
        .next()
        .unwrap()
        .parse()
        .unwrap();
    (uptime * 100.0) as u64
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let dir = args
        .get(1)
        .expect("usage: bench_desktop WORKSPACE PASSPHRASE [QUERIES]");
    let passphrase = args.get(2).expect("the passphrase");
    let count: usize = args
        .get(3)
        .map_or(200, |n| n.parse().expect("a number of queries"));
    let bin = std::env::var("QORGAU_DESKTOP_BIN").expect("QORGAU_DESKTOP_BIN: the release app");

    let driver = Driver::start();
    let ticks_before = boot_ticks_now().saturating_sub(1);
    let t0 = Instant::now();
    let s = Session::start(&driver, &["--workspace", dir]);
    s.wait_for("#passphrase", Duration::from_secs(60));
    let start_to_unlock = t0.elapsed();

    s.type_into("#passphrase", passphrase);
    let t1 = Instant::now();
    s.click("#unlock");
    s.wait_for("[data-open-total]", Duration::from_secs(60));
    let unlock_to_dashboard = t1.elapsed();

    s.script(
        "window.__qb = {inputAt: 0, rendered: {}};
         const input = document.querySelector('#search');
         input.addEventListener('input', () => { window.__qb.inputAt = performance.now(); }, true);
         new MutationObserver(() => {
           const ul = document.querySelector('#search-results');
           if (ul && ul.dataset.query && !(ul.dataset.query in window.__qb.rendered)) {
             window.__qb.rendered[ul.dataset.query] = performance.now();
           }
         }).observe(document.body, {subtree: true, childList: true, attributes: true,
                                    attributeFilter: ['data-query']});",
        json!([]),
    );
    let mut latencies = Vec::new();
    let mut hits = 0usize;
    for q in queries(count) {
        s.script(
            "const i = document.querySelector('#search'); i.value = '';
             i.dispatchEvent(new Event('input', {bubbles: true}));
             window.__qb.rendered = {};",
            json!([]),
        );
        s.type_into("#search", &q);
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let v = s.script(
                "const r = window.__qb.rendered[arguments[0]];
                 return r === undefined ? null :
                   [r - window.__qb.inputAt, Number(document.querySelector('#search-results').dataset.count)];",
                json!([q]),
            );
            if let Some(pair) = v.as_array() {
                latencies.push(pair[0].as_f64().unwrap());
                hits += pair[1].as_u64().unwrap_or(0) as usize;
                break;
            }
            assert!(Instant::now() < deadline, "no results for {q:?}");
            std::thread::sleep(Duration::from_millis(2));
        }
    }
    latencies.sort_by(|a, b| a.partial_cmp(b).unwrap());

    println!("desktop benchmark: {dir}");
    println!(
        "  start to unlock screen   {:>8.0} ms",
        start_to_unlock.as_secs_f64() * 1000.0
    );
    println!(
        "  unlock to dashboard      {:>8.0} ms",
        unlock_to_dashboard.as_secs_f64() * 1000.0
    );
    println!(
        "  search keystroke-to-results over {} queries ({} hits shown): p50 {:.1} ms, p95 {:.1} ms, max {:.1} ms",
        latencies.len(),
        hits,
        percentile(&latencies, 50.0),
        percentile(&latencies, 95.0),
        latencies.last().unwrap()
    );

    s.script("document.querySelector('#search').blur()", json!([]));
    s.click("[data-nav='cases']");
    // The list renders its rows after the page: a click at once can land on the page still
    // being laid out ("element click intercepted", seen once).
    s.wait("#cases-table tbody tr.clickable button.link");
    std::thread::sleep(Duration::from_millis(500));
    s.click("#cases-table tbody tr.clickable button.link");
    s.wait("#case-title");
    std::thread::sleep(Duration::from_secs(2));
    let app_name = std::path::Path::new(&bin)
        .file_name()
        .unwrap()
        .to_string_lossy()
        .to_string();
    let pids = process_tree(&app_name, ticks_before);
    let rss: u64 = pids.iter().map(|p| kib(*p, "status", "VmRSS:")).sum();
    let pss: u64 = pids.iter().map(|p| kib(*p, "smaps_rollup", "Pss:")).sum();

    println!(
        "  memory after opening a case, {} processes: RSS {:.0} MiB, PSS {:.0} MiB",
        pids.len(),
        rss as f64 / 1024.0,
        pss as f64 / 1024.0
    );
    for pid in &pids {
        let name = std::fs::read_to_string(format!("/proc/{pid}/comm")).unwrap_or_default();
        println!(
            "    {:<20} RSS {:>4.0} MiB, PSS {:>4.0} MiB (anonymous {:.0} MiB)",
            name.trim(),
            kib(*pid, "status", "VmRSS:") as f64 / 1024.0,
            kib(*pid, "smaps_rollup", "Pss:") as f64 / 1024.0,
            kib(*pid, "smaps_rollup", "Pss_Anon:") as f64 / 1024.0
        );
    }
    s.close();
}
