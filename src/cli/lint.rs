//! `msgpact lint`: load every contract and print every problem (`--format github`: also as annotations).
use super::*;

#[derive(clap::Args, Debug)]
pub struct Args {
    #[command(flatten)]
    contracts: ContractArgs,
    /// Output format: text, or github (also a GitHub workflow annotation per problem, on stdout).
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
}

pub fn run(args: Args) -> i32 {
    let dir = match args.contracts.dir() {
        Ok(d) => d,
        Err(code) => return code,
    };
    let (c, diags) = load_checked(&dir);
    print_diags(&c, &diags, false);
    if args.format == Format::Github {
        annotate_diags(&c, &diags);
    }
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
