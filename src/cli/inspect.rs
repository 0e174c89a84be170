//! `msgpact inspect`: any payload, annotated token by token against a message type.
use super::*;
use crate::annotate::annotate;
use crate::wire::format::parse_hex;

#[derive(clap::Args, Debug)]
pub struct Args {
    #[command(flatten)]
    contracts: ContractArgs,
    /// The message type, `package.Message`.
    #[arg(long = "type", value_name = "PACKAGE.MESSAGE")]
    ty: String,
    /// The payload file (`-` for standard input).
    file: PathBuf,
    /// The file holds hex text (spaces, dashes and newlines allowed) instead of raw bytes.
    #[arg(long)]
    hex: bool,
}

pub fn run(args: Args) -> i32 {
    let Some(c) = load_contracts(&args.contracts.contracts, true) else { return EXIT_INVALID };
    let id = match c.find_message(&args.ty) {
        Ok(id) => id,
        Err(names) => {
            let hint = match crate::diag::did_you_mean(&args.ty, names.iter().map(String::as_str)) {
                Some(s) => format!("did you mean `{s}`?"),
                None => format!("known messages: {}", names.join(", ")),
            };
            eprintln!("error[E606]: no message `{}` in the contracts\n  hint: {hint}", args.ty);
            return EXIT_INVALID;
        }
    };
    let shown = args.file.display().to_string();
    let raw = if shown == "-" {
        let mut buf = Vec::new();
        std::io::Read::read_to_end(&mut std::io::stdin(), &mut buf).map(|_| buf)
    } else {
        std::fs::read(&args.file)
    };
    let raw = match raw {
        Ok(b) => b,
        Err(e) => {
            eprintln!("{shown}: error[E101]: cannot read: {e}\n  hint: check the path");
            return EXIT_INVALID;
        }
    };
    let bytes = if args.hex {
        match parse_hex(&String::from_utf8_lossy(&raw)) {
            Ok(b) => b,
            Err(e) => {
                eprintln!("{shown}: error[E406]: not hex: {e}\n  hint: write bytes as hex pairs like `82 a7 75`, or drop --hex for a binary file");
                return EXIT_INVALID;
            }
        }
    } else {
        raw
    };
    let reading = annotate(&c, id, &bytes);
    println!("type:   {}", args.ty);
    println!("size:   {} bytes\n", bytes.len());
    print!("{}", reading.render());
    if let Some(e) = &reading.error {
        eprintln!("{shown}:0x{:04x}: error[{}]: {}\n  hint: the payload is cut short or is not MessagePack; the tokens above are what could be read", e.offset, e.code.id(), e.message);
        eprintln!("inspect: unreadable at byte {}, {} problem(s) before it", e.offset, reading.problems() - 1);
        return EXIT_INVALID;
    }
    let problems = reading.problems();
    let deviations = reading.deviations();
    if problems > 0 {
        eprintln!("inspect: {} does not fit {}: {problems} problem(s), {deviations} non-canonical token(s)", shown, args.ty);
        EXIT_FAIL
    } else {
        eprintln!("inspect: fits {}, {}", args.ty, if deviations == 0 { "canonical bytes".to_string() } else { format!("{deviations} non-canonical token(s)") });
        EXIT_PASS
    }
}
