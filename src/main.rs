//! The `callcoach` command: a thin shell over the library (see `callcoach --help`).

mod cli;

fn main() -> std::process::ExitCode {
    cli::main()
}
