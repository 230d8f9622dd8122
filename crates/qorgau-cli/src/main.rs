//! `qorgau`: the scriptable command line beside the desktop app. Glue only: parse arguments,
//! call qorgau-core, print the result (or JSON with `--json`), exit with a documented code.

mod agencies;
mod args;
mod bench;
mod bench_data;
mod bench_letters;
mod bench_sync;
mod casework;
mod commands;
mod data;
mod letters;
mod output;
mod sync;

use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = args::Cli::parse();
    match commands::run(&cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => {
            output::print_failure(&failure, cli.json);
            ExitCode::from(failure.exit_code())
        }
    }
}
