//! End-to-end support: the real app, started by tauri-driver (which drives WebKitWebDriver)
//! under the display the test runs in, and a small W3C WebDriver client over HTTP.

#![allow(dead_code)]

use serde_json::{Value, json};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const ELEMENT_KEY: &str = "element-6066-11e4-a52e-4f735466cecf";

/// The project's root (the workspace above `src-tauri/`).
pub fn project_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

/// The app binary with the UI embedded: `QORGAU_DESKTOP_BIN`, else this package's binary,
/// which embeds `ui/dist` only when built with the `custom-protocol` feature (without it, it
/// would load the Vite dev server).
pub fn app_binary() -> PathBuf {
    if let Some(bin) = std::env::var_os("QORGAU_DESKTOP_BIN") {
        return PathBuf::from(bin);
    }
    if !cfg!(feature = "custom-protocol") {
        panic!(
            "run the end-to-end tests with --features custom-protocol after building ui/dist \
             (scripts/test.sh does both)"
        );
    }
    // Set for integration tests; examples (the benchmark) pass QORGAU_DESKTOP_BIN.
    match option_env!("CARGO_BIN_EXE_qorgau-desktop") {
        Some(bin) => PathBuf::from(bin),
        None => panic!("QORGAU_DESKTOP_BIN names the app to run"),
    }
}

/// Where the run's screenshots go: `target/screenshots/` of the project.
pub fn screenshot_dir() -> PathBuf {
    let dir = project_root().join("target/screenshots");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A tauri-driver process on its own ports; stopped with SIGTERM so it takes
/// WebKitWebDriver and the app with it.
///
/// Its output, WebKitWebDriver's and the app's (they inherit it) go to `driver.log` in the
/// run's log directory, `target/e2e-logs/<test>/`, which is also the processes' working
/// directory with core dumps enabled, so a crash of any of them leaves its core there. When
/// the test fails, the tail of that log and which processes were still alive are printed.
pub struct Driver {
    child: Child,
    pub port: u16,
    pub log_dir: PathBuf,
}

/// How long tauri-driver and WebKitWebDriver may take to answer their first `/status`. On a
/// cold machine WebKitWebDriver binds its port well after tauri-driver binds its own.
const DRIVER_READY_WITHIN: Duration = Duration::from_secs(60);

impl Driver {
    pub fn start() -> Self {
        let port = free_port();
        let native = free_port();
        let tauri_driver = std::env::var_os("TAURI_DRIVER")
            .map(PathBuf::from)
            .or_else(|| {
                std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cargo/bin/tauri-driver"))
            })
            .filter(|p| p.exists())
            .unwrap_or_else(|| PathBuf::from("tauri-driver"));
        let log_dir = log_dir_for(std::thread::current().name().unwrap_or("main"));
        let log = std::fs::File::create(log_dir.join("driver.log")).unwrap();
        // `ulimit -c` in a shell that then becomes tauri-driver: its children inherit the limit.
        let child = Command::new("sh")
            .args(["-c", "ulimit -c unlimited 2>/dev/null; exec \"$0\" \"$@\""])
            .arg(tauri_driver)
            .args([
                "--port",
                &port.to_string(),
                "--native-port",
                &native.to_string(),
            ])
            .current_dir(&log_dir)
            .stdin(Stdio::null())
            .stdout(log.try_clone().unwrap())
            .stderr(log)
            .spawn()
            .expect("tauri-driver must be installed (cargo install tauri-driver --locked)");
        let mut driver = Self {
            child,
            port,
            log_dir,
        };
        driver.wait_until_ready();
        driver
    }

    /// Waits until WebKitWebDriver answers `/status` through tauri-driver. tauri-driver
    /// listens at once but forwards to WebKitWebDriver, which may not listen yet; a request
    /// sent then is dropped without a reply (the client sees "Unexpected EOF").
    fn wait_until_ready(&mut self) {
        let agent = ureq::AgentBuilder::new()
            .timeout(Duration::from_secs(5))
            .build();
        let url = format!("http://127.0.0.1:{}/status", self.port);
        let deadline = Instant::now() + DRIVER_READY_WITHIN;
        loop {
            let last = match agent.get(&url).call() {
                Ok(reply) => match reply.into_json::<Value>() {
                    Ok(v) if v["value"]["ready"] == json!(true) => return,
                    Ok(v) => format!("not ready: {v}"),
                    Err(e) => format!("unreadable status: {e}"),
                },
                Err(e) => e.to_string(),
            };
            if let Ok(Some(status)) = self.child.try_wait() {
                panic!(
                    "tauri-driver exited ({status}) before it was ready\n{}",
                    self.report()
                );
            }
            assert!(
                Instant::now() < deadline,
                "WebKitWebDriver was not ready through tauri-driver within {:?} ({last})\n{}",
                DRIVER_READY_WITHIN,
                self.report()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// What a failure report needs: whether tauri-driver, WebKitWebDriver and the app still
    /// run, core dumps left in the log directory, and the tail of their output.
    pub fn report(&mut self) -> String {
        let driver = match self.child.try_wait() {
            Ok(None) => "running".to_string(),
            Ok(Some(status)) => format!("exited ({status})"),
            Err(e) => format!("unknown ({e})"),
        };
        let processes = Command::new("ps")
            .args(["-eo", "pid,ppid,stat,etime,rss,args", "--forest"])
            .output()
            .map(|o| {
                String::from_utf8_lossy(&o.stdout)
                    .lines()
                    .filter(|l| {
                        l.contains("WebKit")
                            || l.contains("qorgau-desktop")
                            || l.contains("tauri-driver")
                    })
                    .collect::<Vec<_>>()
                    .join("\n")
            })
            .unwrap_or_default();
        let cores: Vec<String> = std::fs::read_dir(&self.log_dir)
            .map(|entries| {
                entries
                    .filter_map(Result::ok)
                    .map(|e| e.file_name().to_string_lossy().into_owned())
                    .filter(|n| n.starts_with("core"))
                    .collect()
            })
            .unwrap_or_default();
        let log = std::fs::read_to_string(self.log_dir.join("driver.log")).unwrap_or_default();
        let tail: Vec<&str> = log.lines().rev().take(80).collect();
        let tail: Vec<&str> = tail.into_iter().rev().collect();
        format!(
            "tauri-driver: {driver}\nprocesses:\n{processes}\ncore dumps in {}: {cores:?}\nlast lines of driver.log:\n{}",
            self.log_dir.display(),
            tail.join("\n")
        )
    }
}

/// A fresh `target/e2e-logs/<name>/` for one driver's output (the last run's is kept).
fn log_dir_for(name: &str) -> PathBuf {
    let safe: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let dir = project_root().join("target/e2e-logs").join(safe);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

impl Drop for Driver {
    fn drop(&mut self) {
        if std::thread::panicking() {
            eprintln!("---- end-to-end failure report\n{}", self.report());
        }
        let _ = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status();
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = self.child.kill();
    }
}

/// A WebDriver session: one app window.
pub struct Session {
    agent: ureq::Agent,
    base: String,
    pub started: Instant,
}

#[derive(Debug, Clone)]
pub struct Element(String);

impl Session {
    /// Starts the app with `args`; returns when its page has loaded.
    pub fn start(driver: &Driver, args: &[&str]) -> Self {
        let agent = ureq::AgentBuilder::new()
            .timeout(Duration::from_secs(120))
            .build();
        let started = Instant::now();
        let caps = json!({"capabilities": {"alwaysMatch": {"tauri:options": {
            "application": app_binary(),
            "args": args,
        }}}});
        let reply: Value = agent
            .post(&format!("http://127.0.0.1:{}/session", driver.port))
            .send_json(caps)
            .expect("new session")
            .into_json()
            .unwrap();
        let id = reply["value"]["sessionId"].as_str().expect("session id");
        Self {
            agent,
            base: format!("http://127.0.0.1:{}/session/{id}", driver.port),
            started,
        }
    }

    fn send(&self, method: &str, path: &str, body: Option<Value>) -> Result<Value, Value> {
        let req = self.agent.request(method, &format!("{}{path}", self.base));
        let result = match body {
            Some(b) => req.send_json(b),
            None => req.call(),
        };
        match result {
            Ok(r) => Ok(r.into_json::<Value>().unwrap()["value"].take()),
            Err(ureq::Error::Status(_, r)) => Err(r.into_json::<Value>().unwrap()["value"].take()),
            Err(e) => panic!("webdriver {method} {path}: {e}"),
        }
    }

    fn ok(&self, method: &str, path: &str, body: Option<Value>) -> Value {
        self.send(method, path, body)
            .unwrap_or_else(|e| panic!("webdriver {method} {path}: {e}"))
    }

    pub fn find(&self, css: &str) -> Option<Element> {
        self.send(
            "POST",
            "/element",
            Some(json!({"using": "css selector", "value": css})),
        )
        .ok()
        .and_then(|v| v[ELEMENT_KEY].as_str().map(|s| Element(s.to_string())))
    }

    pub fn count(&self, css: &str) -> usize {
        self.ok(
            "POST",
            "/elements",
            Some(json!({"using": "css selector", "value": css})),
        )
        .as_array()
        .map_or(0, Vec::len)
    }

    /// Waits up to 20 s for `css` to match.
    pub fn wait(&self, css: &str) -> Element {
        self.wait_for(css, Duration::from_secs(20))
    }

    pub fn wait_for(&self, css: &str, timeout: Duration) -> Element {
        let deadline = Instant::now() + timeout;
        loop {
            if let Some(e) = self.find(css) {
                return e;
            }
            if Instant::now() > deadline {
                let body = self.script("return document.body.innerText.slice(0, 2000)", json!([]));
                let errors = self.script("return window.__qorgauErrors || []", json!([]));
                panic!("{css} did not appear; the page says:\n{body}\nuncaught errors: {errors}");
            }
            std::thread::sleep(Duration::from_millis(25));
        }
    }

    /// Waits up to 20 s for the text of `css` to contain `needle`: a list's element can be
    /// on the page before its rows have loaded (slower on a busy machine).
    pub fn wait_text(&self, css: &str, needle: &str) {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let text = self.text(css);
            if text.contains(needle) {
                return;
            }
            if Instant::now() > deadline {
                panic!("{css} does not show {needle:?} after 20 s; it says:\n{text}");
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    pub fn click(&self, css: &str) {
        let e = self.wait(css);
        self.ok("POST", &format!("/element/{}/click", e.0), Some(json!({})));
    }

    /// Types `text` into the field (real key events).
    pub fn type_into(&self, css: &str, text: &str) {
        let e = self.wait(css);
        self.ok("POST", &format!("/element/{}/clear", e.0), Some(json!({})));
        self.ok(
            "POST",
            &format!("/element/{}/value", e.0),
            Some(json!({"text": text})),
        );
    }

    /// Sets a date input or a select the way the browser does after a choice: value, then
    /// `input` and `change` events.
    pub fn choose(&self, css: &str, value: &str) {
        self.wait(css);
        self.script(
            "const el = document.querySelector(arguments[0]); el.value = arguments[1];
             el.dispatchEvent(new Event('input', {bubbles: true}));
             el.dispatchEvent(new Event('change', {bubbles: true}));",
            json!([css, value]),
        );
    }

    pub fn text(&self, css: &str) -> String {
        let e = self.wait(css);
        self.ok("GET", &format!("/element/{}/text", e.0), None)
            .as_str()
            .unwrap_or_default()
            .to_string()
    }

    pub fn script(&self, script: &str, args: Value) -> Value {
        self.ok(
            "POST",
            "/execute/sync",
            Some(json!({"script": script, "args": args})),
        )
    }

    /// Presses keys as a keyboard does (W3C actions): each string is typed character by
    /// character; the WebDriver key codes (`\u{E004}` Tab, `\u{E007}` Enter, …) work too.
    /// `ctrl` holds Control down around them.
    pub fn press(&self, keys: &str, ctrl: bool) {
        let mut actions = Vec::new();
        if ctrl {
            actions.push(json!({"type": "keyDown", "value": "\u{E009}"}));
        }
        for c in keys.chars() {
            actions.push(json!({"type": "keyDown", "value": c.to_string()}));
            actions.push(json!({"type": "keyUp", "value": c.to_string()}));
        }
        if ctrl {
            actions.push(json!({"type": "keyUp", "value": "\u{E009}"}));
        }
        self.ok(
            "POST",
            "/actions",
            Some(json!({"actions": [{"type": "key", "id": "keyboard", "actions": actions}]})),
        );
    }

    /// Presses Tab until the focused element matches `css` (at most 80 times): proves the
    /// element is reachable from the keyboard.
    pub fn tab_to(&self, css: &str) {
        for _ in 0..80 {
            let here = self.script(
                "return !!document.activeElement && document.activeElement.matches(arguments[0]);",
                json!([css]),
            );
            if here == json!(true) {
                return;
            }
            self.press("\u{E004}", false);
        }
        let at = self.script(
            "const e = document.activeElement; return e ? e.outerHTML.slice(0, 200) : null;",
            json!([]),
        );
        panic!("{css} cannot be reached with Tab; the focus stays at {at}");
    }

    /// Whether a JavaScript alert is open (it must never be, for user data).
    pub fn alert_open(&self) -> bool {
        self.send("GET", "/alert/text", None).is_ok()
    }

    /// Fails when the page shows what a person should never read: a raw locale key
    /// (`mission.consul_name_ko`) or a code word (`trafficking_forced_labour`).
    pub fn assert_no_code_words(&self, screen: &str) {
        let keys: serde_json::Map<String, Value> =
            serde_json::from_str(include_str!("../../../ui/src/lib/locales/en.json")).unwrap();
        let found = self.script(
            // Addresses and paths (a source's URL) are what they are: only the other words count.
            "return document.body.innerText.replace(/\\S*\\/\\S*/g, ' ')
                 .match(/\\b[a-z][a-z0-9]*(?:[._][a-z0-9]+)+\\b/g) || [];",
            json!([]),
        );
        let words: Vec<&str> = found
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(Value::as_str)
                    .filter(|w| w.contains('_') || keys.contains_key(*w))
                    .collect()
            })
            .unwrap_or_default();
        assert!(
            words.is_empty(),
            "the {screen} screen shows code words or raw keys: {words:?}"
        );
    }

    /// Saves a screenshot as `target/screenshots/NAME.png` after the page settles, and
    /// checks that the screen shows no code words.
    pub fn screenshot(&self, name: &str) -> PathBuf {
        std::thread::sleep(Duration::from_millis(400));
        self.assert_no_code_words(name);
        let path = screenshot_dir().join(format!("{name}.png"));
        std::fs::write(&path, capture_display()).unwrap();
        path
    }

    pub fn close(self) {
        let _ = self.send("DELETE", "", None);
    }
}

/// The display as the caseworker sees it, as PNG: the X server's own picture of its screen
/// (`xwd -root`). WebKitWebDriver's screenshot is not used: with the DMA-BUF renderer off (as
/// the app runs, `web_view_environment`) WebKitGTK 2.50 composites nothing, and its second
/// screenshot of a session never answers.
fn capture_display() -> Vec<u8> {
    let out = Command::new("xwd")
        .args(["-root", "-silent"])
        .output()
        .expect("xwd (Debian's x11-apps) captures the display");
    assert!(
        out.status.success(),
        "xwd: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    xwd_to_png(&out.stdout)
}

/// An XWD image (version 7, 24 or 32 bits a pixel in ZPixmap format, as Xvfb's TrueColor
/// screens give) as PNG.
fn xwd_to_png(xwd: &[u8]) -> Vec<u8> {
    let field = |i: usize| u32::from_be_bytes(xwd[i * 4..i * 4 + 4].try_into().unwrap());
    let (header, version, format) = (field(0) as usize, field(1), field(2));
    assert!(
        version == 7 && format == 2,
        "XWD version {version}, format {format}"
    );
    let (width, height) = (field(4), field(5));
    let little_endian = field(7) == 0;
    let (bits_per_pixel, bytes_per_line) = (field(11) as usize, field(12) as usize);
    let masks = [field(14), field(15), field(16)];
    let colours = field(19) as usize;
    assert!(
        bits_per_pixel == 32,
        "XWD with {bits_per_pixel} bits a pixel"
    );
    let pixels = &xwd[header + colours * 12..];
    let mut rgb = Vec::with_capacity(width as usize * height as usize * 3);
    for y in 0..height as usize {
        for x in 0..width as usize {
            let at = y * bytes_per_line + x * 4;
            let bytes: [u8; 4] = pixels[at..at + 4].try_into().unwrap();
            let pixel = if little_endian {
                u32::from_le_bytes(bytes)
            } else {
                u32::from_be_bytes(bytes)
            };
            for mask in masks {
                rgb.push(((pixel & mask) >> mask.trailing_zeros()) as u8);
            }
        }
    }
    let mut png = Vec::new();
    let mut encoder = png::Encoder::new(&mut png, width, height);
    encoder.set_color(png::ColorType::Rgb);
    encoder.set_depth(png::BitDepth::Eight);
    let mut writer = encoder.write_header().unwrap();
    writer.write_image_data(&rgb).unwrap();
    writer.finish().unwrap();
    png
}
