//! `msgpact fuzz`: random valid values drawn from the contracts through every peer and the producer x
//! consumer matrix, on verify's machinery; a failure shrunk, reported like a verify finding and, with
//! `--save`, kept as a golden case. docs/fuzz.md.
use super::verify::start;
use super::*;
use crate::fuzz::{FuzzOptions, FuzzSink};
use crate::report::fuzz::{FuzzFanout, FuzzJson, FuzzTerminal, SessionEvents};
use crate::report::progress::ProgressView;
use std::time::Duration;

#[derive(clap::Args, Debug)]
// verify's `Args` is flattened in: two argument groups named `Args` would clash.
#[group(id = "fuzz_args")]
pub struct Args {
    /// verify's options: contracts, golden, peers, NATS, timeout, concurrency, --json, --progress.
    #[command(flatten)]
    run: super::verify::Args,
    /// The seed of the random stream (any run repeats exactly with its seed and --cases); a random one is
    /// drawn and printed when not given.
    #[arg(long, value_name = "N")]
    seed: Option<u64>,
    /// Cases per message type (default 200 unless --time is given; with --time, whichever ends first).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..=100_000_000))]
    cases: Option<u64>,
    /// Draw new cases for this many seconds, counted once the peers are up (a started round is finished).
    #[arg(long, value_name = "SECS", value_parser = parse_secs)]
    time: Option<Duration>,
    /// Write each shrunk failure into golden/ as a `fuzz.<id>` case with its twin (verify then sends it).
    #[arg(long)]
    save: bool,
}

/// `--time`: whole or fractional seconds, from 0.1 to a week.
fn parse_secs(s: &str) -> Result<Duration, String> {
    let secs: f64 = s.trim().parse().map_err(|_| format!("`{s}` is not a number of seconds"))?;
    if !secs.is_finite() || !(0.1..=604_800.0).contains(&secs) {
        return Err(format!("{s} seconds is not between 0.1 and 604800"));
    }
    Ok(Duration::from_secs_f64(secs))
}

/// A seed from the clock and the process: different for every run, printed so that it can be repeated.
fn fresh_seed() -> u64 {
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_nanos() as u64);
    // Short enough to type: at most 10 digits.
    (nanos ^ ((std::process::id() as u64) << 20)).wrapping_mul(0x9e37_79b9_7f4a_7c15) % 10_000_000_000
}

pub fn run(args: Args) -> i32 {
    // verify's options that mean nothing here: refused rather than ignored.
    let v = &args.run;
    let unused = [
        (v.junit.is_some(), "--junit"),
        (v.against.is_some(), "--against"),
        (v.update_expected_failures, "--update-expected-failures"),
        (v.format != super::format::Format::Text, "--format"),
    ];
    if let Some((_, flag)) = unused.iter().find(|(given, _)| *given) {
        let d = Diagnostic::without_span(
            Code::Setup,
            format!("`msgpact fuzz` does not take {flag} (a verify option)"),
            "fuzz reports on the terminal and with --json; run `msgpact verify` for the rest",
        );
        return fail(&d);
    }
    let (opts, rt) = match start(&args.run, "fuzz") {
        Ok(x) => x,
        Err(code) => return code,
    };
    let mut o = FuzzOptions::new(opts, args.seed.unwrap_or_else(fresh_seed));
    o.cases = args.cases;
    o.time = args.time;
    o.save = args.save;
    let progress = ProgressView::new(args.run.progress);
    let terminal = FuzzTerminal::new(progress.terminal_writer());
    // The progress view first: a finished step's live line is gone before the terminal prints its result.
    let mut sinks: Vec<Box<dyn FuzzSink>> = vec![Box::new(SessionEvents(progress)), Box::new(terminal)];
    if let Some(p) = &args.run.json {
        sinks.push(Box::new(FuzzJson::new(p.clone())));
    }
    let mut sink = FuzzFanout(sinks);
    let code = rt.block_on(async { crate::fuzz::run(&o, &mut sink).await.exit_code });
    // Dropping the runtime drops the run: peer processes are killed and a started NATS server stopped.
    drop(rt);
    code
}
