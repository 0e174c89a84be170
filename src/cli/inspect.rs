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
    /// Diagnose a peer's output against FILE (the payload it was sent, e.g. a golden vector) offline, as
    /// verify does: identical bytes, same value with other bytes, or another value, with class and hint.
    #[arg(long, value_name = "PEER_OUTPUT")]
    against: Option<PathBuf>,
    /// With --against: the peer's language, for hints in its library's terms (rust, python, go).
    #[arg(long, value_name = "LANG")]
    lang: Option<String>,
}

pub fn run(args: Args) -> i32 {
    let dir = match args.contracts.dir() {
        Ok(d) => d,
        Err(code) => return code,
    };
    let Some(c) = load_contracts(&dir, true) else { return EXIT_INVALID };
    let id = match c.find_message(&args.ty) {
        Ok(id) => id,
        Err(names) => {
            let hint = match crate::diag::did_you_mean(&args.ty, names.iter().map(String::as_str)) {
                Some(s) => format!("did you mean `{s}`?"),
                None => format!("known messages: {}", names.join(", ")),
            };
            return fail(&Diagnostic::without_span(
                Code::UnknownMessage,
                format!("no message `{}` in the contracts", args.ty),
                hint,
            ));
        }
    };
    let shown = args.file.display().to_string();
    let bytes = match read_payload(&args.file, args.hex) {
        Ok(b) => b,
        Err(d) => return fail(&d),
    };
    if let Some(against) = &args.against {
        let actual = match read_payload(against, args.hex) {
            Ok(b) => b,
            Err(d) => return fail(&d),
        };
        return diagnose(&c, id, &args, &bytes, &actual);
    }
    let reading = annotate(&c, id, &bytes);
    outln!("type:   {}", args.ty);
    outln!("size:   {} bytes\n", bytes.len());
    out(&reading.render());
    if let Some(e) = &reading.error {
        let at = format!("{shown}:0x{:04x}", e.offset);
        let hint = "the payload is cut short or is not MessagePack; the tokens above are what could be read";
        eprintln!("{}", crate::redact::redact(&Diagnostic::at(e.code, at, e.message.as_str(), hint).render_plain()));
        eprintln!("inspect: unreadable at byte {}, {} problem(s) before it", e.offset, reading.problems() - 1);
        return EXIT_INVALID;
    }
    let problems = reading.problems();
    let deviations = reading.deviations();
    if problems > 0 {
        eprintln!(
            "inspect: {} does not fit {}: {problems} problem(s), {deviations} non-canonical token(s)",
            shown, args.ty
        );
        EXIT_FAIL
    } else {
        eprintln!(
            "inspect: fits {}, {}",
            args.ty,
            if deviations == 0 {
                "canonical bytes".to_string()
            } else {
                format!("{deviations} non-canonical token(s)")
            }
        );
        EXIT_PASS
    }
}

/// The payload in `path` (`-`: standard input), bounded, as bytes or read from hex.
fn read_payload(path: &Path, hex: bool) -> Result<Vec<u8>, Diagnostic> {
    let shown = path.display().to_string();
    use crate::limits::{read_file, read_stream, size, ReadError, MAX_INSPECT_BYTES};
    // Bounded before reading: `/dev/zero` or an endless stdin must not grow to gigabytes.
    let raw = if shown == "-" {
        read_stream(std::io::stdin().lock(), MAX_INSPECT_BYTES)
    } else {
        read_file(path, MAX_INSPECT_BYTES)
    };
    let raw = match raw {
        Ok(b) => b,
        Err(ReadError::TooLarge { limit }) => {
            return Err(Diagnostic::at(
                Code::LimitExceeded,
                shown,
                format!("the payload is larger than {} (msgpact inspect reads at most that)", size(limit)),
                "NATS payloads are at most 64 MiB; check that FILE is one payload (see docs/limits.md)",
            ))
        }
        Err(ReadError::NotAFile { kind }) => {
            return Err(Diagnostic::at(
                Code::Io,
                shown,
                format!("cannot read: it is a {kind}, not a regular file"),
                "save the payload to a file, or pipe it in with `-` as FILE",
            ))
        }
        Err(ReadError::Io(e)) => {
            return Err(Diagnostic::at(Code::Io, shown, format!("cannot read: {e}"), "check the path"))
        }
    };
    if !hex {
        return Ok(raw);
    }
    parse_hex(&String::from_utf8_lossy(&raw)).map_err(|e| {
        Diagnostic::at(
            Code::NotHex,
            shown,
            format!("not hex: {e}"),
            "write bytes as hex pairs like `82 a7 75`, or drop --hex for a binary file",
        )
    })
}

/// `inspect --against`: the verdict verify would give, offline.
fn diagnose(
    c: &crate::contract::Contracts,
    id: crate::contract::MsgId,
    args: &Args,
    sent: &[u8],
    actual: &[u8],
) -> i32 {
    use crate::verify::{canonical, compare::compare, hints::hint};
    let shown = args.file.display();
    let expected = match crate::wire::decode(sent)
        .map_err(|e| e.to_string())
        .and_then(|v| canonical::message(c, id, &v, "$").map_err(|m| format!("{}: {}", m.path, m.reason)))
    {
        Ok(v) => v,
        Err(e) => {
            return fail(&Diagnostic::at(
                Code::PayloadType,
                shown,
                format!("not a valid {}: {e}", args.ty),
                "FILE is the payload the peer was sent (a golden vector); it must fit the type",
            ))
        }
    };
    let canonical_bytes = crate::wire::encode(&expected);
    let verdict = compare(c, id, &expected, &canonical_bytes, actual);
    outln!("{}: {}", verdict.kind(), verdict.summary());
    if let Some(d) = verdict.detail() {
        let f = c.field_at(id, &d.path);
        outln!("  at:        {} ({})", d.path, c.sources.render(c.locate(id, &d.path)));
        outln!("  class:     {} ({})", d.class.id(), d.class.title());
        outln!("  expected:  {}", d.expected);
        outln!("  actual:    {}{}", d.actual, d.offset.map_or(String::new(), |o| format!(" (byte {o})")));
        let langs: Vec<String> = match &args.lang {
            Some(l) => vec![l.clone()],
            None => vec!["rust".into(), "python".into(), "go".into()],
        };
        for l in langs {
            outln!("  hint ({l}): {}", hint(d.class, &l, f.map(|f| f.name.as_str())));
        }
        out("\n");
        out(&crate::annotate::annotate(c, id, actual).render());
    }
    match verdict {
        crate::verify::Verdict::Identical => EXIT_PASS,
        _ => EXIT_FAIL,
    }
}
