//! The environment WebKitGTK reads when the app starts its web process (Linux only).
//!
//! WebKitGTK's DMA-BUF renderer hands each frame to the UI process through GPU buffers; on
//! a machine without a GPU (the consulate's laptops under a software renderer, Xvfb in CI)
//! it keeps extra copies of the page in the web process. Turned off, the web process held
//! 156 MiB PSS after opening a case on 100,000 workers instead of 301 MiB, with the same
//! rendering (BENCHMARKS.md, desktop). A value the user already set is left alone.

/// The variable and the value the app starts its web process with.
pub const DISABLE_DMABUF: (&str, &str) = ("WEBKIT_DISABLE_DMABUF_RENDERER", "1");

/// Sets the web view's environment; called first thing in `main`, before any thread starts.
pub fn apply() {
    if cfg!(target_os = "linux") && std::env::var_os(DISABLE_DMABUF.0).is_none() {
        // SAFETY: called at the start of `main`, before the app starts any thread, so no
        // other thread reads or writes the environment meanwhile.
        unsafe { std::env::set_var(DISABLE_DMABUF.0, DISABLE_DMABUF.1) };
    }
}
