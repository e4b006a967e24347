//! `openapi-clientgen`: generates a Rust client crate from an OpenAPI document. Run it with
//! `--help` for its options.

fn main() -> std::process::ExitCode {
    openapi_clientgen::cli::main()
}
