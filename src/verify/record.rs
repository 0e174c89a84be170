//! Recording: everything a run says goes through one [`Recorder`], which turns each judged exchange into an
//! `Exchange` event, keeps the summary's counts and the expected failures that were used, and ends the run
//! with the `Finished` event. It is also the run's [`Sink`], so the transport forwards progress through it.
use super::context::{Ctx, Done, LivePeer, Options, Producer};
use super::error::SetupError;
use super::events::{Event, Exchange, Sink, Summary};
use super::judge::assess;
use super::verdict::Outcome;
use std::time::Instant;

pub(super) struct Recorder<'s> {
    sink: &'s mut dyn Sink,
    sum: Summary,
    start: Instant,
    /// Per peer, which entries of its expected-failure list accepted a failure in this run.
    used: Vec<Vec<bool>>,
}

impl Sink for Recorder<'_> {
    fn event(&mut self, e: &Event) {
        self.sink.event(e);
    }
}

impl<'s> Recorder<'s> {
    pub(super) fn new(sink: &'s mut dyn Sink) -> Self {
        Recorder { sink, sum: Summary::default(), start: Instant::now(), used: Vec::new() }
    }

    /// A part of the run that could not be set up: its event, counted.
    pub(super) fn setup_error(&mut self, e: SetupError) {
        self.sum.setup_errors += 1;
        self.sink.event(&Event::SetupError { what: e.what, message: e.message, hint: e.hint });
    }

    /// Which types the peers serve against the required ones: its event; each required type no peer serves
    /// counts as a failure of the run.
    pub(super) fn coverage(&mut self, c: super::coverage::Coverage) {
        self.sum.required_unserved = c.required_unserved.len();
        self.sink.event(&Event::Coverage(c));
    }

    /// From here on, the expected failures of `peers` are tracked (the peers that started, in order).
    pub(super) fn track_expected_failures(&mut self, peers: &[LivePeer]) {
        self.used = peers.iter().map(|p| vec![false; p.expected.entries.len()]).collect();
    }

    /// One judged exchange of `peers[consumer]`. A `reused` one (a matrix cell whose input was the canonical
    /// vector, so its verdict is the golden one's) is reported but not counted again.
    pub(super) fn exchange(&mut self, ctx: &Ctx, peers: &[LivePeer], d: &Done, consumer: usize, reused: bool) {
        let x = self.judged(ctx, peers, d, consumer, reused);
        if !reused {
            self.count(x.outcome);
        }
        self.sink.event(&Event::Exchange(x));
    }

    /// One outcome in the summary's counts (an exchange whose event is not emitted: see `session`).
    pub(super) fn count(&mut self, outcome: Outcome) {
        let sum = &mut self.sum;
        sum.exchanges += 1;
        match outcome {
            Outcome::Pass => sum.passed += 1,
            Outcome::Skip => sum.skipped += 1,
            Outcome::Warn => sum.warned += 1,
            Outcome::Xfail => sum.xfailed += 1,
            Outcome::Fail => sum.failed += 1,
        }
    }

    /// The `Exchange` event of a judged exchange (the expected failure it used is marked as used).
    pub(super) fn judged(
        &mut self,
        ctx: &Ctx,
        peers: &[LivePeer],
        d: &Done,
        consumer: usize,
        reused: bool,
    ) -> Exchange {
        let case = &ctx.cases[d.item.case];
        let peer = &peers[consumer];
        let a = assess(ctx, peer, d);
        if let Some((i, _)) = a.expected {
            if let Some(u) = self.used.get_mut(consumer).and_then(|u| u.get_mut(i)) {
                *u = true;
            }
        }
        let producer = match d.item.producer {
            Producer::Golden => "golden".to_string(),
            Producer::Previous => ctx.previous.clone().unwrap_or_default(),
            Producer::Peer(i) => peers[i].manifest.name.clone(),
        };
        Exchange {
            producer,
            consumer: peer.manifest.name.clone(),
            message: ctx.names[d.item.case].clone(),
            case: case.id.clone(),
            verdict: d.verdict.clone(),
            class: a.class,
            hint: a.hint,
            outcome: a.outcome,
            expected_failure: a.expected.map(|(_, reason)| reason),
            location: a.location,
            duration: d.duration,
            reused,
            reject: case.reject(),
        }
    }

    /// How long both phases of exchanges took.
    pub(super) fn exchanging(&mut self, d: std::time::Duration) {
        self.sum.exchanging = d;
    }

    /// Expected failures that no longer fail: reported (the run fails), or removed from their lists.
    pub(super) fn stale_expected_failures(&mut self, opts: &Options, peers: &[LivePeer]) {
        for (p, used) in peers.iter().zip(&self.used) {
            let stale: Vec<usize> = (0..used.len()).filter(|&i| !used[i]).collect();
            if stale.is_empty() {
                continue;
            }
            let removed = opts.update_expected_failures && p.expected.remove(&stale).is_ok();
            let command = format!("msgpact verify --peer {} --update-expected-failures", p.manifest.name);
            for &i in &stale {
                let e = &p.expected.entries[i];
                self.sink.event(&Event::StaleExpectedFailure {
                    peer: p.manifest.name.clone(),
                    file: p.expected.path.display().to_string(),
                    line: e.line,
                    message: e.message.clone(),
                    case: e.case.clone(),
                    removed,
                    command: command.clone(),
                });
            }
            if !removed {
                self.sum.stale += stale.len();
            }
        }
    }

    /// The exit code the counts call for: 2 after any setup error, 1 after a failure, a stale expected
    /// failure or a required type no peer serves, else 0.
    pub(super) fn exit_code(&self) -> i32 {
        if self.sum.setup_errors > 0 {
            2
        } else if self.sum.failed > 0 || self.sum.stale > 0 || self.sum.required_unserved > 0 {
            1
        } else {
            0
        }
    }

    /// Ends the run with `code`: the `Finished` event, and the summary it carries.
    pub(super) fn finish(mut self, code: i32) -> Summary {
        if code == 2 {
            self.sum.setup_errors = self.sum.setup_errors.max(1);
        }
        self.sum.exit_code = code;
        self.sum.elapsed = self.start.elapsed();
        self.sink.event(&Event::Finished(self.sum.clone()));
        self.sum
    }
}
