//! The environment WebKitGTK reads when the app starts its web process (Linux only).
//!
//! WebKitGTK's DMA-BUF renderer hands each frame to the UI process through GPU buffers; on
//! a machine without a GPU (the consulate's laptops under a software renderer, Xvfb in CI)
//! it keeps extra copies of the page in the web process. Turned off, the web process held
//! 156 MiB PSS after opening a case on 100,000 workers instead of 301 MiB, with the same
//! rendering (BENCHMARKS.md, desktop). A value the user already set is left alone.
//!
//! The project forbids `unsafe`, and changing the environment of a running process is
//! unsafe; so the app, started without the variable, replaces itself (same process id, same
//! arguments) with a copy of itself that has it.

/// The variable and the value the app starts its web process with.
pub const DISABLE_DMABUF: (&str, &str) = ("WEBKIT_DISABLE_DMABUF_RENDERER", "1");

/// Called first thing in `main`: returns when the environment is as the web view needs it,
/// or when the app cannot restart itself (it then runs with WebKit's defaults).
pub fn apply() {
    #[cfg(target_os = "linux")]
    if std::env::var_os(DISABLE_DMABUF.0).is_none() {
        use std::os::unix::process::CommandExt;
        let Ok(exe) = std::env::current_exe() else {
            return;
        };
        // `exec` only returns on failure.
        let error = std::process::Command::new(exe)
            .args(std::env::args_os().skip(1))
            .env(DISABLE_DMABUF.0, DISABLE_DMABUF.1)
            .exec();
        eprintln!(
            "qorgau-desktop: could not restart with {}: {error}",
            DISABLE_DMABUF.0
        );
    }
}
