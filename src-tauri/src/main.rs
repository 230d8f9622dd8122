// No console window on Windows release builds; the app is a window, not a terminal program.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

fn main() {
    qorgau_desktop::web_view_environment::apply();
    qorgau_desktop::run();
}
