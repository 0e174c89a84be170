//! `msgpact lint`: load every contract and print every problem.
use super::*;

#[derive(clap::Args, Debug)]
pub struct Args {
    #[command(flatten)]
    contracts: ContractArgs,
}

pub fn run(args: Args) -> i32 {
    let (c, diags) = load_checked(&args.contracts.contracts);
    print_diags(&c, &diags, false);
    let messages: usize = c.packages.iter().map(|p| p.messages.len()).sum();
    let examples: usize = c.packages.iter().flat_map(|p| &p.messages).map(|m| m.examples.len()).sum();
    if diags.has_errors() {
        eprintln!(
            "lint: FAILED, {} and {} in {}",
            plural(diags.errors(), "error"),
            plural(diags.warnings(), "warning"),
            plural(c.sources_len(), "file")
        );
        EXIT_INVALID
    } else {
        eprintln!(
            "lint: ok, {}, {}, {}, {}",
            plural(c.packages.len(), "package"),
            plural(messages, "message"),
            plural(examples, "example"),
            plural(diags.warnings(), "warning")
        );
        EXIT_PASS
    }
}
