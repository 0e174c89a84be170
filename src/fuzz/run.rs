//! One fuzz run on a verify [`Session`]: rounds of drawn cases through every peer and the matrix until the
//! budget (`--cases` per message type, `--time`) is spent or a round fails; then each distinct failure
//! (peer, producer, verdict kind, class) shrunk through the peers that failed it, reported, and with
//! `--save` written into golden/.
use super::events::{Finding, FuzzEvent, FuzzSink};
use super::gen::{presence_count, stream, Gen, Limits};
use super::shrink::Shrinker;
use crate::classes::Class;
use crate::contract::{Contracts, MsgId};
use crate::golden::{saved, Case, Origin};
use crate::verify::verdict::Outcome;
use crate::verify::{Event, Judged, Options, Session, Sink, Summary};
use crate::wire::format::hex;
use crate::wire::{encode, Value};
use std::cell::RefCell;
use std::time::{Duration, Instant};

/// Cases per message type when neither `--cases` nor `--time` is given.
pub const DEFAULT_CASES: u64 = 200;
/// Cases per message type in one round.
const ROUND: u64 = 50;
/// Distinct failures shrunk and reported per run.
const MAX_FINDINGS: usize = 4;
/// Candidates checked per shrinking step (one batch through the peers).
const SHRINK_BATCH: usize = 64;

/// How a fuzz run goes.
#[derive(Clone, Debug)]
pub struct FuzzOptions {
    /// Where everything is, which peers, which server: as verify.
    pub verify: Options,
    pub seed: u64,
    /// Cases per message type; with `time` unset and this unset, [`DEFAULT_CASES`].
    pub cases: Option<u64>,
    /// Stop drawing new rounds after this long.
    pub time: Option<Duration>,
    /// Write each shrunk failure into golden/ as a `fuzz.<id>` case.
    pub save: bool,
    pub limits: Limits,
    /// Candidates checked through the peers per failure, at most.
    pub max_checks: usize,
}

impl FuzzOptions {
    pub fn new(verify: Options, seed: u64) -> Self {
        FuzzOptions { verify, seed, cases: None, time: None, save: false, limits: Limits::default(), max_checks: 4000 }
    }

    /// Cases per message type: `--cases`, else unbounded under `--time`, else the default.
    pub fn case_budget(&self) -> u64 {
        match (self.cases, self.time) {
            (Some(n), _) => n,
            (None, Some(_)) => u64::MAX,
            (None, None) => DEFAULT_CASES,
        }
    }
}

/// Session events into the fuzz stream.
struct Forward<'a, 'b>(&'a RefCell<&'b mut dyn FuzzSink>);

impl Sink for Forward<'_, '_> {
    fn event(&mut self, e: &Event) {
        self.0.borrow_mut().fuzz_event(&FuzzEvent::Session(Box::new(e.clone())));
    }
}

/// What makes two failures the same: the path (producer, consumer), the verdict kind and the class.
#[derive(Clone, Debug, PartialEq)]
struct Signature {
    producer: Option<usize>,
    consumer: usize,
    kind: &'static str,
    class: Option<Class>,
}

impl Signature {
    fn of(j: &Judged) -> Signature {
        Signature {
            producer: j.producer,
            consumer: j.consumer,
            kind: j.exchange.verdict.kind(),
            class: j.exchange.class,
        }
    }

    fn matches(&self, j: &Judged) -> bool {
        j.exchange.outcome == Outcome::Fail && Signature::of(j) == *self
    }
}

/// A drawn case of message `id`: `fuzz.<n>` while fuzzing, `fuzz.<hash>` (its saved name) once shrunk.
fn case(id: MsgId, case_id: String, value: Value) -> Case {
    let bytes = encode(&value);
    Case { message: id, id: case_id, value, bytes, origin: Origin::Drawn }
}

/// Runs the fuzz session; the summary's exit code is verify's (0 pass, 1 a failure, 2 setup).
pub async fn run(o: &FuzzOptions, sink: &mut dyn FuzzSink) -> Summary {
    let cell = RefCell::new(sink);
    let mut fwd = Forward(&cell);
    let start = Instant::now();
    let mut session = match Session::open(&o.verify, &mut fwd).await {
        Ok(s) => s,
        Err(summary) => return summary,
    };
    let c = session.contracts().clone();
    let peers = session.peers();
    // Message types some peer serves, with their index in the contracts (the random stream's key).
    let messages: Vec<(usize, MsgId)> = c
        .message_ids()
        .enumerate()
        .filter(|(_, id)| (0..peers.len()).any(|p| session.serves(p, &c.message_name(*id))))
        .collect();
    let say = |e: FuzzEvent| cell.borrow_mut().fuzz_event(&e);
    say(FuzzEvent::Started {
        seed: o.seed,
        cases: o.cases.or(if o.time.is_none() { Some(DEFAULT_CASES) } else { None }),
        time: o.time.map(|t| t.as_secs_f64()),
        messages: messages.iter().map(|(_, id)| c.message_name(*id)).collect(),
        peers: peers.clone(),
    });
    let budget = o.case_budget();
    let max_payload = session.max_payload();
    let mut drawn = 0u64;
    let mut next = 0u64;
    let mut failures: Vec<(Case, Judged)> = Vec::new();
    // Drawing, exchanging and judging the rounds: the summary's `exchanging` (what a rate is taken over).
    let rounds = Instant::now();
    while next < budget && !messages.is_empty() {
        // `--time` is time spent fuzzing: it starts once NATS and the peers are up, so that the first run
        // (which builds the peers) draws cases too, and every run does at least one round.
        if o.time.is_some_and(|t| rounds.elapsed() >= t) || session.nats_gone().is_some() {
            break;
        }
        let end = budget.min(next.saturating_add(ROUND));
        let mut cases = Vec::new();
        for &(mi, id) in &messages {
            let combos = presence_count(&c, id);
            for n in next..end {
                let mut g = Gen::new(&c, stream(o.seed, mi, n), o.limits);
                let value = g.message(id, Some(n % combos));
                let k = case(id, format!("fuzz.{n}"), value);
                // A value over the server's max_payload is not a peer's bug; NATS refuses it (it is
                // rare: values are drawn within `Limits::max_bytes`).
                if k.bytes.len() <= max_payload {
                    cases.push(k);
                }
            }
        }
        drawn += cases.len() as u64;
        next = end;
        let judged = session.round(&cases).await;
        let failed: Vec<&Judged> = judged.iter().filter(|j| j.exchange.outcome == Outcome::Fail).collect();
        say(FuzzEvent::Round { cases: cases.len() as u64, exchanges: judged.len(), failed: failed.len() });
        if !failed.is_empty() {
            // Each distinct failure once, the smallest payload of each first. A peer that failed a case
            // itself also hands its wrong output on: the matrix's failures of that output are its echo.
            let echo =
                |j: &Judged| j.producer.is_some_and(|p| failed.iter().any(|f| f.producer.is_none() && f.consumer == p));
            let mut sorted: Vec<&Judged> = failed.iter().copied().filter(|j| !echo(j)).collect();
            sorted.sort_by_key(|j| cases[j.case].bytes.len());
            for j in sorted {
                if failures.len() < MAX_FINDINGS && !failures.iter().any(|(_, f)| Signature::of(f) == Signature::of(j))
                {
                    failures.push((cases[j.case].clone(), j.clone()));
                }
            }
            break;
        }
    }
    session.exchanging(rounds.elapsed());
    for (found, j) in failures {
        let finding = shrink(&mut session, &c, o, &found, j).await;
        match finding {
            Ok((mut finding, mut judged)) => {
                if judged.producer.is_none() {
                    // The canonical bytes of a drawn value, not a golden vector.
                    judged.exchange.producer = "fuzz".into();
                    finding.exchange.producer = "fuzz".into();
                }
                // The same seed and the same number of cases per message type draw the same values.
                finding.repeat = format!("msgpact fuzz --seed {} --cases {next}", o.seed);
                session.emit(&judged);
                say(FuzzEvent::Finding(Box::new(finding)));
            }
            Err(e) => session.setup_error(e),
        }
    }
    say(FuzzEvent::Done { seed: o.seed, cases: drawn, elapsed: start.elapsed() });
    session.close().await
}

/// Shrinks the failing `found` through the path that failed it, then saves it if asked.
async fn shrink(
    session: &mut Session<'_>,
    c: &Contracts,
    o: &FuzzOptions,
    found: &Case,
    first: Judged,
) -> Result<(Finding, Judged), crate::verify::SetupError> {
    let sig = Signature::of(&first);
    let id = found.message;
    let mut shrinker = Shrinker::new(c, id, found.value.clone(), o.max_checks);
    let mut best = (found.clone(), first);
    loop {
        let batch = shrinker.batch(SHRINK_BATCH);
        if batch.is_empty() || session.nats_gone().is_some() {
            break;
        }
        let cases: Vec<Case> = batch.iter().map(|v| case(id, saved::case_id(&encode(v)), v.clone())).collect();
        let judged = session.check(&cases, sig.producer, sig.consumer).await;
        let mut fails = vec![false; cases.len()];
        let mut hit: Vec<Option<Judged>> = vec![None; cases.len()];
        for j in judged {
            if sig.matches(&j) {
                let k = j.case;
                fails[k] = true;
                hit[k] = Some(j);
            }
        }
        if let Some(k) = fails.iter().position(|f| *f) {
            best = (cases[k].clone(), hit[k].take().expect("a hit for a failing candidate"));
        }
        shrinker.report(batch, &fails);
    }
    let (mut small, mut judged) = best;
    // The shrunk case is named as --save names it, whether it was shrunk or not.
    small.id = saved::case_id(&small.bytes);
    judged.exchange.case = small.id.clone();
    let saved = if o.save {
        let key = saved::save(c, &o.verify.golden, &small).map_err(|e| {
            crate::verify::SetupError::new(
                "golden",
                format!("cannot save {} into {}: {e}", small.id, o.verify.golden.display()),
                "check permissions and free space",
            )
        })?;
        Some(format!("{}/{key}", o.verify.golden.display()))
    } else {
        None
    };
    let finding = Finding {
        value: small.value.render(),
        expected: hex(&small.bytes),
        actual: judged.output.as_deref().map(hex),
        found_as: format!("{} {}", c.message_name(id), found.id),
        found_size: found.bytes.len(),
        size: small.bytes.len(),
        checks: shrinker.checks,
        steps: shrinker.steps,
        saved,
        repeat: String::new(),
        exchange: judged.exchange.clone(),
    };
    Ok((finding, judged))
}
