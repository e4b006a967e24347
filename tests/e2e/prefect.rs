#[path = "../../codegen/conformance/support.rs"]
mod support;

fn main() {
    let _ = support::take_unmatched();
    let _ = api_client::DEFAULT_BASE_URL;
}
