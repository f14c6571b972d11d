//! The `callcoach` command: a thin shell over the library (see `callcoach --help`).

mod cli;

// Analysis allocates many small strings per turn (tokens, items, JSON output); mimalloc's thread-local size
// classes made a one-thread batch about 17% faster than the system allocator (docs/PERFORMANCE.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    cli::main()
}
