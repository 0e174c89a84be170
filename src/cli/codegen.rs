//! `msgpact codegen`: write generated types for one language, or check that they are current.
use super::*;
use crate::codegen::{self, Lang, Options};

#[derive(clap::Args, Debug)]
pub struct Args {
    #[command(flatten)]
    contracts: ContractArgs,
    /// The language to generate.
    #[arg(long, value_enum)]
    lang: Lang,
    /// The output directory.
    #[arg(long, value_name = "DIR")]
    out: PathBuf,
    /// Fail (exit 1) when the files in --out are missing or stale; write nothing.
    #[arg(long)]
    check: bool,
    /// Go: the import path of --out (default: from the nearest go.mod above it).
    #[arg(long, value_name = "PATH")]
    go_import_path: Option<String>,
}

pub fn run(args: Args) -> i32 {
    let dir = match args.contracts.dir() {
        Ok(d) => d,
        Err(code) => return code,
    };
    let Some(c) = load_contracts(&dir, true) else { return EXIT_INVALID };
    let opts = Options { lang: args.lang, out: args.out.clone(), go_import_path: args.go_import_path.clone() };
    let files = match codegen::generate(&c, &opts) {
        Ok(f) => f,
        Err(e) => return fail(&e.diagnostic(&format!("{:?}", args.lang))),
    };
    let lang = format!("{:?}", args.lang).to_lowercase();
    let out = args.out.display();
    if args.check {
        let s = codegen::check(&args.out, &files);
        if s.is_clean() {
            eprintln!("codegen: ok, {} {lang} file(s) in {out} are current", files.len());
            return EXIT_PASS;
        }
        for (label, list) in [("missing", &s.missing), ("stale", &s.stale), ("orphaned", &s.orphaned)] {
            for p in list {
                eprintln!("  {label:<8} {out}/{}", p.display());
            }
        }
        eprintln!("codegen: FAILED, {lang} code in {out} is out of date with the contracts\n  hint: run `msgpact codegen --lang {lang} --out {out}`");
        return EXIT_FAIL;
    }
    match codegen::write(&args.out, &files) {
        Ok(s) => {
            eprintln!(
                "codegen: wrote {} of {} {lang} file(s) to {out}, removed {}",
                s.missing.len() + s.stale.len(),
                files.len(),
                s.orphaned.len()
            );
            EXIT_PASS
        }
        Err(e) => fail(&Diagnostic::at(
            Code::WriteFailed,
            out,
            format!("cannot write generated code: {e}"),
            "check permissions and free space",
        )),
    }
}
