//! The app's one piece of state: which workspace directory it works on, the unlocked
//! workspace (or none: locked), the desktop settings and when the caseworker last did
//! something. Every command goes through [`AppState`]; none touches a file or a key itself.

use qorgau_core::domain::{IssueCode, ValidationIssue};
use qorgau_core::{CoreError, ErrorCode, Workspace};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant, SystemTime};

/// The settings file beside the workspace's files. It holds no worker data: the interface
/// language, the caseworker's own name and the auto-lock delay are needed before unlocking;
/// the backup reminder's interval is kept with them.
pub const SETTINGS_FILE: &str = "desktop-settings.json";
/// The open workspace's page cache in the app. The store's default (256 MiB) is sized for
/// bulk writes; the app reads a few pages at a time all day, and on 100,000 workers the
/// default cache alone filled to most of the app's 290 MiB (BENCHMARKS.md, desktop).
pub const INTERACTIVE_PAGE_CACHE_MIB: u32 = 32;

pub const LANGUAGES: &[&str] = &["kk", "ru", "en", "ko"];
pub const AUTO_LOCK_MINUTES: std::ops::RangeInclusive<u32> = 1..=240;
pub const BACKUP_REMINDER_DAYS: std::ops::RangeInclusive<u32> = 1..=90;
const DEFAULT_BACKUP_REMINDER_DAYS: u32 = 7;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct DesktopSettings {
    /// `kk`, `ru`, `en` or `ko`.
    pub language: String,
    /// Recorded as the author of every change made in this app.
    pub caseworker: String,
    /// Lock after this many minutes without a keystroke or a click.
    pub auto_lock_minutes: u32,
    /// The dashboard reminds the caseworker to make a backup when the last one is older than
    /// this. Settings saved before the reminder existed have no such field: they get 7.
    #[serde(default = "default_backup_reminder_days")]
    pub backup_reminder_days: u32,
}

fn default_backup_reminder_days() -> u32 {
    DEFAULT_BACKUP_REMINDER_DAYS
}

impl Default for DesktopSettings {
    fn default() -> Self {
        Self {
            language: "kk".into(),
            caseworker: String::new(),
            auto_lock_minutes: 10,
            backup_reminder_days: DEFAULT_BACKUP_REMINDER_DAYS,
        }
    }
}

impl DesktopSettings {
    pub fn validate(&self) -> Result<(), CoreError> {
        let mut issues = Vec::new();
        if !LANGUAGES.contains(&self.language.as_str()) {
            issues.push(issue(
                "language",
                IssueCode::OutOfRange,
                format!("must be one of {}", LANGUAGES.join(", ")),
            ));
        }
        if self.caseworker.trim().is_empty() {
            issues.push(issue(
                "caseworker",
                IssueCode::Required,
                "must not be empty".into(),
            ));
        } else if self.caseworker.chars().count() > 120 {
            issues.push(issue(
                "caseworker",
                IssueCode::TooLong,
                "must have at most 120 characters".into(),
            ));
        }
        if !AUTO_LOCK_MINUTES.contains(&self.auto_lock_minutes) {
            issues.push(issue(
                "auto_lock_minutes",
                IssueCode::OutOfRange,
                format!(
                    "must be between {} and {} minutes",
                    AUTO_LOCK_MINUTES.start(),
                    AUTO_LOCK_MINUTES.end()
                ),
            ));
        }
        if !BACKUP_REMINDER_DAYS.contains(&self.backup_reminder_days) {
            issues.push(issue(
                "backup_reminder_days",
                IssueCode::OutOfRange,
                format!(
                    "must be between {} and {} days",
                    BACKUP_REMINDER_DAYS.start(),
                    BACKUP_REMINDER_DAYS.end()
                ),
            ));
        }
        if issues.is_empty() {
            Ok(())
        } else {
            Err(CoreError::invalid(issues))
        }
    }

    /// Reads the settings file, trusting nothing in it: each field that is missing, of the
    /// wrong type or out of range (an `auto_lock_minutes` of 4294967295 would disable the
    /// auto-lock) takes its default, and the others are kept. What was set aside is reported
    /// on standard error.
    pub fn load(dir: &Path) -> Self {
        let path = dir.join(SETTINGS_FILE);
        let Ok(bytes) = std::fs::read(&path) else {
            return Self::default();
        };
        let (settings, rejected) = Self::from_json_lenient(&bytes);
        for (field, why) in rejected {
            eprintln!(
                "qorgau: {}: {field} {why}; using the default",
                path.display()
            );
        }
        settings
    }

    /// The settings in `bytes` with every invalid field replaced by its default, and the
    /// fields set aside with the reason.
    pub fn from_json_lenient(bytes: &[u8]) -> (Self, Vec<(&'static str, String)>) {
        let mut settings = Self::default();
        let mut rejected = Vec::new();
        let value: serde_json::Value = match serde_json::from_slice(bytes) {
            Ok(serde_json::Value::Object(map)) => serde_json::Value::Object(map),
            Ok(_) => {
                rejected.push(("the file", "is not a JSON object".to_string()));
                return (settings, rejected);
            }
            Err(e) => {
                rejected.push(("the file", format!("is not valid JSON ({e})")));
                return (settings, rejected);
            }
        };
        match value.get("language").and_then(|v| v.as_str()) {
            Some(lang) if LANGUAGES.contains(&lang) => settings.language = lang.to_string(),
            Some(lang) => rejected.push((
                "language",
                format!("{lang:?} is not one of {}", LANGUAGES.join(", ")),
            )),
            None => {}
        }
        match value.get("caseworker").and_then(|v| v.as_str()) {
            Some(name) if name.chars().count() <= 120 => settings.caseworker = name.to_string(),
            Some(_) => rejected.push(("caseworker", "is longer than 120 characters".to_string())),
            None => {}
        }
        let mut number =
            |field: &'static str, range: &std::ops::RangeInclusive<u32>, unit: &str| {
                let v = value.get(field)?;
                match v.as_u64().and_then(|n| u32::try_from(n).ok()) {
                    Some(n) if range.contains(&n) => Some(n),
                    _ => {
                        let (lo, hi) = (range.start(), range.end());
                        rejected.push((field, format!("{v} is not between {lo} and {hi} {unit}")));
                        None
                    }
                }
            };
        if let Some(m) = number("auto_lock_minutes", &AUTO_LOCK_MINUTES, "minutes") {
            settings.auto_lock_minutes = m;
        }
        if let Some(d) = number("backup_reminder_days", &BACKUP_REMINDER_DAYS, "days") {
            settings.backup_reminder_days = d;
        }
        (settings, rejected)
    }

    /// Writes the settings atomically: a synced temporary file renamed over the old one, so a
    /// crash or a full disk leaves the previous settings whole.
    fn save(&self, dir: &Path) -> Result<(), CoreError> {
        use std::io::Write;
        let io = |e: std::io::Error| {
            CoreError::new(
                ErrorCode::Storage,
                format!("cannot save the settings in {}: {e}", dir.display()),
            )
        };
        std::fs::create_dir_all(dir).map_err(io)?;
        let tmp = dir.join(format!("{SETTINGS_FILE}.tmp"));
        let json = serde_json::to_vec_pretty(self).expect("settings serialise");
        let mut file = std::fs::File::create(&tmp).map_err(io)?;
        file.write_all(&json).map_err(io)?;
        file.sync_all().map_err(io)?;
        drop(file);
        std::fs::rename(&tmp, dir.join(SETTINGS_FILE)).map_err(io)?;
        if let Ok(d) = std::fs::File::open(dir) {
            let _ = d.sync_all();
        }
        Ok(())
    }
}

fn issue(field: &str, code: IssueCode, message: String) -> ValidationIssue {
    ValidationIssue::error(field, code, format!("{field} {message}"))
}

/// What the UI needs to know before anything else.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct AppInfo {
    pub version: String,
    pub workspace_dir: String,
    /// A workspace exists there (else the first-run screen creates one).
    pub workspace_exists: bool,
    pub unlocked: bool,
    pub settings: DesktopSettings,
}

#[derive(Debug)]
pub struct Session {
    dir: PathBuf,
    workspace: Option<Workspace>,
    settings: DesktopSettings,
    glance: Arc<Mutex<Glance>>,
}

/// What can be read without waiting for the session, which a sync round or a long command
/// may hold: when the caseworker last did something (the auto-lock decides on it), whether a
/// workspace is open, and the folder and settings (a lock answers with them at once).
#[derive(Debug)]
struct Glance {
    /// The last activity on the monotonic clock, and on the wall clock: the monotonic clock
    /// stops while the laptop sleeps, so a lid closed for hours counts only on the wall clock.
    last: Instant,
    last_wall: SystemTime,
    unlocked: bool,
    dir: PathBuf,
    settings: DesktopSettings,
}

impl Glance {
    fn new(dir: &Path, settings: &DesktopSettings) -> Self {
        Self {
            last: Instant::now(),
            last_wall: SystemTime::now(),
            unlocked: false,
            dir: dir.to_path_buf(),
            settings: settings.clone(),
        }
    }

    /// The app's state, with a workspace open or not.
    fn info(&self, unlocked: bool) -> AppInfo {
        AppInfo {
            version: env!("CARGO_PKG_VERSION").into(),
            workspace_dir: self.dir.display().to_string(),
            workspace_exists: Workspace::exists(&self.dir),
            unlocked,
            settings: self.settings.clone(),
        }
    }

    fn touch(&mut self) {
        self.last = Instant::now();
        self.last_wall = SystemTime::now();
    }

    /// Idle time: the longer of the monotonic and the wall-clock reading (a wall clock set
    /// back reads as no time at all, never as less than the monotonic one).
    fn idle_for(&self) -> Duration {
        let wall = self.last_wall.elapsed().unwrap_or_default();
        self.last.elapsed().max(wall)
    }

    fn due_to_lock(&self) -> bool {
        let delay = Duration::from_secs(u64::from(self.settings.auto_lock_minutes) * 60);
        self.unlocked && self.idle_for() >= delay
    }
}

impl Session {
    pub fn info(&self) -> AppInfo {
        self.glance().info(self.workspace.is_some())
    }

    pub fn settings(&self) -> &DesktopSettings {
        &self.settings
    }

    /// Creates the workspace and keeps it unlocked, with the shipped agency directory and,
    /// when one is named (`seoul`, `busan`), a mission profile preset. The settings are saved
    /// only once the workspace exists.
    pub fn create(
        &mut self,
        passphrase: &qorgau_core::Passphrase,
        settings: DesktopSettings,
        mission_preset: Option<&str>,
    ) -> Result<AppInfo, CoreError> {
        settings.validate()?;
        let options = qorgau_core::WorkspaceOptions {
            actor: settings.caseworker.clone(),
            ..Default::default()
        };
        let first = qorgau_core::FirstRun {
            mission_preset: mission_preset.map(str::to_string),
            ..Default::default()
        };
        let workspace = Workspace::create_first_run(&self.dir, passphrase, &options, &first)?;
        workspace.set_page_cache_mib(INTERACTIVE_PAGE_CACHE_MIB)?;
        settings.save(&self.dir)?;
        self.set_settings(settings);
        self.set_workspace(Some(workspace));
        Ok(self.info())
    }

    pub fn unlock(&mut self, passphrase: &qorgau_core::Passphrase) -> Result<AppInfo, CoreError> {
        let actor = match self.settings.caseworker.trim() {
            "" => "unknown",
            name => name,
        }
        .to_string();
        self.set_workspace(None);
        let workspace = Workspace::open(&self.dir, passphrase, &actor)?;
        workspace.set_page_cache_mib(INTERACTIVE_PAGE_CACHE_MIB)?;
        self.set_workspace(Some(workspace));
        Ok(self.info())
    }

    /// Drops the open workspace: its key goes with it (the store zeroizes it on drop).
    pub fn lock(&mut self) {
        self.set_workspace(None);
    }

    fn set_workspace(&mut self, workspace: Option<Workspace>) {
        self.workspace = workspace;
        let mut glance = self.glance();
        glance.unlocked = self.workspace.is_some();
        glance.touch();
    }

    fn set_settings(&mut self, settings: DesktopSettings) {
        self.glance().settings = settings.clone();
        self.settings = settings;
    }

    fn glance(&self) -> MutexGuard<'_, Glance> {
        lock_ignoring_poison(&self.glance)
    }

    pub fn update_settings(&mut self, settings: DesktopSettings) -> Result<AppInfo, CoreError> {
        settings.validate()?;
        settings.save(&self.dir)?;
        if let Some(workspace) = self.workspace.as_mut() {
            workspace.set_actor(settings.caseworker.trim());
        }
        self.set_settings(settings);
        Ok(self.info())
    }

    /// Points the app at another directory (locking the current workspace).
    pub fn switch_dir(&mut self, dir: PathBuf) -> AppInfo {
        self.set_workspace(None);
        self.set_settings(DesktopSettings {
            language: self.settings.language.clone(),
            ..DesktopSettings::load(&dir)
        });
        self.glance().dir = dir.clone();
        self.dir = dir;
        self.info()
    }

    pub fn touch(&mut self) {
        self.glance().touch();
    }

    /// Pretends the last activity was `ago` ago (tests of the auto-lock).
    #[doc(hidden)]
    pub fn set_last_activity_for_test(&mut self, monotonic_ago: Duration, wall_ago: Duration) {
        let mut glance = self.glance();
        glance.last = Instant::now() - monotonic_ago;
        glance.last_wall = SystemTime::now() - wall_ago;
    }

    pub fn idle_for(&self) -> Duration {
        self.glance().idle_for()
    }

    pub fn is_unlocked(&self) -> bool {
        self.workspace.is_some()
    }

    pub fn workspace(&mut self) -> Result<&mut Workspace, CoreError> {
        self.touch();
        self.workspace.as_mut().ok_or_else(locked)
    }
}

fn locked() -> CoreError {
    CoreError::new(
        ErrorCode::Locked,
        "the workspace is locked: unlock it first",
    )
}

/// A command that panicked while holding a lock leaves it usable: the store commits or rolls
/// back each change in one transaction, so nothing half-done remains.
fn lock_ignoring_poison<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// The state Tauri manages; clones share the one session.
#[derive(Debug, Clone)]
pub struct AppState(Arc<Shared>);

#[derive(Debug)]
struct Shared {
    session: Mutex<Session>,
    glance: Arc<Mutex<Glance>>,
    /// Set from the moment a lock is asked for until the workspace is dropped: no command
    /// starts on the workspace any more, a sync round under way ends at its next request, and
    /// whoever takes the session next drops the workspace first.
    lock_requested: Arc<AtomicBool>,
}

impl AppState {
    pub fn new(dir: PathBuf) -> Self {
        let settings = DesktopSettings::load(&dir);
        let glance = Arc::new(Mutex::new(Glance::new(&dir, &settings)));
        Self(Arc::new(Shared {
            session: Mutex::new(Session {
                dir,
                workspace: None,
                settings,
                glance: glance.clone(),
            }),
            glance,
            lock_requested: Arc::new(AtomicBool::new(false)),
        }))
    }

    /// The session, with a lock asked for while someone else held it carried out first.
    pub fn session(&self) -> MutexGuard<'_, Session> {
        let mut session = lock_ignoring_poison(&self.0.session);
        self.carry_out_pending_lock(&mut session);
        session
    }

    fn carry_out_pending_lock(&self, session: &mut Session) {
        if self.0.lock_requested.swap(false, Ordering::SeqCst) {
            session.lock();
        }
    }

    fn lock_pending(&self) -> bool {
        self.0.lock_requested.load(Ordering::SeqCst)
    }

    fn glance(&self) -> MutexGuard<'_, Glance> {
        lock_ignoring_poison(&self.0.glance)
    }

    /// Runs `f` on the unlocked workspace, or refuses with `locked` (at once while a lock is
    /// under way, without waiting for the session).
    pub fn with<T>(
        &self,
        f: impl FnOnce(&mut Workspace) -> Result<T, CoreError>,
    ) -> Result<T, CoreError> {
        if self.lock_pending() {
            return Err(locked());
        }
        f(self.session().workspace()?)
    }

    /// Locks, and answers at once. When nothing holds the session the workspace (with its
    /// key) is dropped now; when a command or a sync round holds it, no command starts on the
    /// workspace from this call on, the round stops at its next request, and a thread drops
    /// the workspace the moment the session is free.
    pub fn lock(&self) -> AppInfo {
        self.0.lock_requested.store(true, Ordering::SeqCst);
        match self.0.session.try_lock() {
            Ok(mut session) => self.carry_out_pending_lock(&mut session),
            Err(std::sync::TryLockError::Poisoned(poisoned)) => {
                self.carry_out_pending_lock(&mut poisoned.into_inner())
            }
            Err(std::sync::TryLockError::WouldBlock) => {
                let state = self.clone();
                std::thread::spawn(move || drop(state.session()));
            }
        }
        self.glance().info(false)
    }

    /// Whether a workspace is open, read without waiting for the session.
    pub fn workspace_open(&self) -> bool {
        self.glance().unlocked
    }

    /// The caseworker is active. Needs only the glance, never the session, so a keystroke
    /// during a sync round is counted at once.
    pub fn touch(&self) {
        self.glance().touch();
    }

    /// One sync round that stops at its next request when a lock is asked for.
    pub fn sync_now(&self) -> Result<qorgau_core::SyncReport, CoreError> {
        let stop = self.0.lock_requested.clone();
        self.with(move |workspace| workspace.sync_until(stop))
    }

    /// [`with`](Self::with) on a blocking thread: store work, key derivation, rendering and
    /// waiting for the session never hold up the async runtime that carries the IPC.
    pub async fn run<T: Send + 'static>(
        &self,
        f: impl FnOnce(&mut Workspace) -> Result<T, CoreError> + Send + 'static,
    ) -> Result<T, CoreError> {
        let state = self.clone();
        blocking(move || state.with(f)).await
    }

    /// Runs `f` on the whole session on a blocking thread.
    pub async fn run_session<T: Send + 'static>(
        &self,
        f: impl FnOnce(&mut Session) -> T + Send + 'static,
    ) -> T {
        let state = self.clone();
        blocking(move || f(&mut state.session())).await
    }

    /// One sync round when the workspace is unlocked and in a team (else `None`). It does not
    /// count as the caseworker's activity.
    pub fn sync_if_in_team(&self) -> Option<Result<qorgau_core::SyncReport, CoreError>> {
        let mut session = self.session();
        let workspace = session.workspace.as_mut()?;
        match workspace.sync_status() {
            Ok(status) if status.in_team => {
                Some(workspace.sync_until(self.0.lock_requested.clone()))
            }
            Ok(_) => None,
            Err(e) => Some(Err(e)),
        }
    }

    /// Locks when the caseworker has been idle longer than the auto-lock delay. Returns whether
    /// it locked now. Neither the decision nor the lock waits for the session.
    pub fn lock_if_idle(&self) -> bool {
        if self.lock_pending() || !self.glance().due_to_lock() {
            return false;
        }
        self.lock();
        true
    }
}

/// The workspace directory: `--workspace DIR`, else `QORGAU_WORKSPACE`, else the user's data
/// directory (`$XDG_DATA_HOME/qorgau/workspace`).
pub fn workspace_dir_from(args: &[String], env: impl Fn(&str) -> Option<String>) -> PathBuf {
    let mut iter = args.iter();
    while let Some(arg) = iter.next() {
        if let Some(dir) = arg.strip_prefix("--workspace=") {
            return PathBuf::from(dir);
        }
        if arg == "--workspace"
            && let Some(dir) = iter.next()
        {
            return PathBuf::from(dir);
        }
    }
    if let Some(dir) = env("QORGAU_WORKSPACE").filter(|d| !d.is_empty()) {
        return PathBuf::from(dir);
    }
    let data = env("XDG_DATA_HOME")
        .filter(|d| !d.is_empty())
        .map(PathBuf::from)
        .or_else(|| env("HOME").map(|h| PathBuf::from(h).join(".local/share")))
        .unwrap_or_else(|| PathBuf::from("."));
    data.join("qorgau").join("workspace")
}

/// Runs `f` on Tauri's blocking thread pool.
pub async fn blocking<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    match tauri::async_runtime::spawn_blocking(f).await {
        Ok(value) => value,
        Err(e) => std::panic::resume_unwind(Box::new(e.to_string())),
    }
}
