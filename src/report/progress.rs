//! The progress view: what a long step is doing while it runs, drawn from the run's `Progress` events.
//!
//! On a terminal every running step has a live line with its elapsed time (indicatif); other output goes
//! above those lines through [`ProgressView::terminal_writer`]. Without a terminal (a CI log) a step prints
//! one line when it starts, one when it ends, and a heartbeat every 15 s in between, so that a log shows
//! what is running and that it is alive. Everything goes to stderr: stdout stays free for a
//! machine-readable report (`--json -`).
use crate::progress::Update;
use crate::verify::{Event, Sink};
use indicatif::{MultiProgress, ProgressBar, ProgressStyle};
use std::collections::BTreeMap;
use std::io::Write;
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

/// How progress is shown.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Mode {
    /// `live` when stderr is a terminal, else `lines`.
    Auto,
    /// A live line per running step (indicatif).
    Live,
    /// A line at start and end of each step and a heartbeat while it runs.
    Lines,
    /// Nothing.
    Off,
}

impl Mode {
    /// `Auto` decided: `Live` on a terminal, else `Lines`.
    pub fn resolve(self) -> Mode {
        use std::io::IsTerminal;
        match self {
            Mode::Auto if std::io::stderr().is_terminal() => Mode::Live,
            Mode::Auto => Mode::Lines,
            m => m,
        }
    }
}

/// The heartbeat interval of `lines` mode, unless `MSGPACT_PROGRESS_HEARTBEAT` (seconds) says otherwise.
pub const HEARTBEAT: Duration = Duration::from_secs(15);

pub struct ProgressView {
    mode: Mode,
    shared: Arc<Shared>,
    heartbeat: Option<std::thread::JoinHandle<()>>,
    multi: Option<MultiProgress>,
}

struct Shared {
    state: Mutex<State>,
    wake: Condvar,
}

struct State {
    steps: BTreeMap<u64, Running>,
    out: Box<dyn Write + Send>,
    every: Duration,
    stopped: bool,
}

struct Running {
    label: String,
    detail: String,
    position: Option<(u64, u64)>,
    started: Instant,
    last_beat: Instant,
    bar: Option<ProgressBar>,
}

impl ProgressView {
    /// A view on stderr; `mode` is resolved (`Auto` becomes `Live` or `Lines`).
    pub fn new(mode: Mode) -> ProgressView {
        let every = std::env::var("MSGPACT_PROGRESS_HEARTBEAT")
            .ok()
            .and_then(|s| s.parse::<f64>().ok())
            .filter(|s| *s > 0.0)
            .map_or(HEARTBEAT, Duration::from_secs_f64);
        Self::with_output(mode.resolve(), Box::new(std::io::stderr()), every)
    }

    /// A view writing its lines to `out` (tests), with a heartbeat every `every` in `Lines` mode.
    pub fn with_output(mode: Mode, out: Box<dyn Write + Send>, every: Duration) -> ProgressView {
        let shared = Arc::new(Shared {
            state: Mutex::new(State { steps: BTreeMap::new(), out, every, stopped: false }),
            wake: Condvar::new(),
        });
        let heartbeat = (mode == Mode::Lines).then(|| {
            let shared = shared.clone();
            std::thread::spawn(move || heartbeat(&shared))
        });
        let multi = (mode == Mode::Live).then(MultiProgress::new);
        ProgressView { mode, shared, heartbeat, multi }
    }

    pub fn mode(&self) -> Mode {
        self.mode
    }

    /// Where the rest of the terminal output goes: above the live lines in `Live` mode, else stderr.
    pub fn terminal_writer(&self) -> Box<dyn Write + Send> {
        match &self.multi {
            Some(m) => Box::new(LiveWriter { multi: m.clone(), buf: Vec::new() }),
            None => Box::new(std::io::stderr()),
        }
    }

    fn update(&self, u: &Update) {
        let mut st = self.shared.state.lock().unwrap_or_else(|p| p.into_inner());
        let now = Instant::now();
        match u {
            Update::Started { id, label, detail } => {
                let bar = self.multi.as_ref().map(|m| {
                    let bar = m.add(ProgressBar::new_spinner());
                    bar.set_style(spinner_style());
                    bar.set_prefix(label.clone());
                    bar.set_message(detail.clone());
                    bar.enable_steady_tick(Duration::from_millis(120));
                    bar
                });
                if self.mode == Mode::Lines {
                    let line = if detail.is_empty() {
                        format!("{label}: started")
                    } else {
                        format!("{label}: started ({detail})")
                    };
                    let _ = writeln!(st.out, "{line}");
                }
                let r = Running {
                    label: label.clone(),
                    detail: detail.clone(),
                    position: None,
                    started: now,
                    last_beat: now,
                    bar,
                };
                st.steps.insert(*id, r);
            }
            Update::Detail { id, detail } => {
                if let Some(r) = st.steps.get_mut(id) {
                    r.detail = detail.clone();
                    if let Some(b) = &r.bar {
                        b.set_message(detail.clone());
                    }
                }
            }
            Update::Position { id, done, total } => {
                if let Some(r) = st.steps.get_mut(id) {
                    if let Some(b) = &r.bar {
                        if r.position.is_none() {
                            b.set_style(bar_style());
                        }
                        b.set_length(*total);
                        b.set_position(*done);
                    }
                    r.position = Some((*done, *total));
                }
            }
            Update::Finished { id, ok, summary } => {
                if let Some(r) = st.steps.remove(id) {
                    if let Some(b) = &r.bar {
                        b.finish_and_clear();
                        if let Some(m) = &self.multi {
                            m.remove(b);
                        }
                    }
                    if self.mode == Mode::Lines {
                        let mark = if *ok { "" } else { " (FAILED)" };
                        let secs = r.started.elapsed().as_secs_f64();
                        let _ = writeln!(st.out, "{}: {summary}{mark} in {secs:.1} s", r.label);
                    }
                }
            }
        }
        let _ = st.out.flush();
    }
}

/// `lines` mode: every running step that has been quiet for `every` gets a line saying how long it has
/// been running and what it is doing.
fn heartbeat(shared: &Shared) {
    let mut st = shared.state.lock().unwrap_or_else(|p| p.into_inner());
    loop {
        let tick = (st.every / 4).clamp(Duration::from_millis(10), Duration::from_secs(1));
        st = shared.wake.wait_timeout(st, tick).unwrap_or_else(|p| p.into_inner()).0;
        if st.stopped {
            return;
        }
        let every = st.every;
        let mut lines = Vec::new();
        for r in st.steps.values_mut() {
            if r.last_beat.elapsed() < every {
                continue;
            }
            r.last_beat = Instant::now();
            let what = match r.position {
                Some((done, total)) => format!(": {done} of {total}"),
                None if r.detail.is_empty() => String::new(),
                None => format!(": {}", r.detail),
            };
            lines.push(format!("{}: still running after {} s{what}", r.label, r.started.elapsed().as_secs()));
        }
        for l in lines {
            let _ = writeln!(st.out, "{l}");
        }
        let _ = st.out.flush();
    }
}

fn spinner_style() -> ProgressStyle {
    ProgressStyle::with_template("{spinner} {prefix}: {wide_msg} {elapsed:>4}")
        .unwrap_or_else(|_| ProgressStyle::default_spinner())
}

fn bar_style() -> ProgressStyle {
    ProgressStyle::with_template("{spinner} {prefix}: [{bar:30}] {pos}/{len} {wide_msg} {elapsed:>4}")
        .unwrap_or_else(|_| ProgressStyle::default_bar())
}

impl Sink for ProgressView {
    fn event(&mut self, e: &Event) {
        if let Event::Progress(u) = e {
            self.update(u);
        }
    }
}

impl Drop for ProgressView {
    fn drop(&mut self) {
        {
            let mut st = self.shared.state.lock().unwrap_or_else(|p| p.into_inner());
            st.stopped = true;
            for r in st.steps.values() {
                if let Some(b) = &r.bar {
                    b.finish_and_clear();
                }
            }
        }
        self.shared.wake.notify_all();
        if let Some(h) = self.heartbeat.take() {
            let _ = h.join();
        }
    }
}

/// Writes whole lines above the live progress lines (a partial line waits for its end).
struct LiveWriter {
    multi: MultiProgress,
    buf: Vec<u8>,
}

impl Write for LiveWriter {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.buf.extend_from_slice(bytes);
        while let Some(i) = self.buf.iter().position(|b| *b == b'\n') {
            let line: Vec<u8> = self.buf.drain(..=i).collect();
            let text = String::from_utf8_lossy(&line[..line.len() - 1]).into_owned();
            self.multi.println(text)?;
        }
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Drop for LiveWriter {
    fn drop(&mut self) {
        if !self.buf.is_empty() {
            let text = String::from_utf8_lossy(&self.buf).into_owned();
            let _ = self.multi.println(text);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::progress::Progress;

    #[derive(Clone, Default)]
    struct Shared(Arc<Mutex<Vec<u8>>>);

    impl Write for Shared {
        fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(b);
            Ok(b.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    impl Shared {
        fn text(&self) -> String {
            String::from_utf8(self.0.lock().unwrap().clone()).unwrap()
        }
    }

    /// Forwards what a `Progress` handle sends into the view, as a run does.
    fn pump(view: &mut ProgressView, rx: &mut tokio::sync::mpsc::UnboundedReceiver<Update>) {
        while let Ok(u) = rx.try_recv() {
            view.event(&Event::Progress(u));
        }
    }

    #[test]
    fn lines_mode_prints_start_heartbeats_and_end() {
        let out = Shared::default();
        let mut view = ProgressView::with_output(Mode::Lines, Box::new(out.clone()), Duration::from_millis(40));
        let (p, mut rx) = Progress::channel();
        let step = p.start("peer rust: build", "first build");
        step.detail("Compiling tokio v1");
        pump(&mut view, &mut rx);
        std::thread::sleep(Duration::from_millis(300));
        step.finish(true, "built");
        pump(&mut view, &mut rx);
        let text = out.text();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[0], "peer rust: build: started (first build)", "{text}");
        let beats = lines.iter().filter(|l| l.starts_with("peer rust: build: still running after ")).count();
        assert!(beats >= 2, "a heartbeat every 40 ms over 300 ms:\n{text}");
        assert!(lines[1].ends_with(": Compiling tokio v1"), "the heartbeat says what it is doing:\n{text}");
        assert!(lines.last().unwrap().starts_with("peer rust: build: built in "), "{text}");
        drop(view);
        let after = out.text();
        std::thread::sleep(Duration::from_millis(100));
        assert_eq!(out.text(), after, "no heartbeat after the view is gone");
    }

    #[test]
    fn a_finished_step_gets_no_more_heartbeats_and_failures_say_so() {
        let out = Shared::default();
        let mut view = ProgressView::with_output(Mode::Lines, Box::new(out.clone()), Duration::from_millis(20));
        let (p, mut rx) = Progress::channel();
        let step = p.start("nats-server v2.15.2: go install", "");
        step.position(1, 4);
        pump(&mut view, &mut rx);
        std::thread::sleep(Duration::from_millis(80));
        drop(step);
        pump(&mut view, &mut rx);
        let at_end = out.text();
        assert!(at_end.contains("still running after 0 s: 1 of 4"), "{at_end}");
        assert!(at_end.contains("nats-server v2.15.2: go install: stopped (FAILED) in "), "{at_end}");
        std::thread::sleep(Duration::from_millis(80));
        assert_eq!(out.text(), at_end, "nothing more once the step ended");
    }

    #[test]
    fn off_mode_prints_nothing() {
        let out = Shared::default();
        let mut view = ProgressView::with_output(Mode::Off, Box::new(out.clone()), Duration::from_millis(10));
        let (p, mut rx) = Progress::channel();
        let step = p.start("x", "y");
        std::thread::sleep(Duration::from_millis(50));
        step.finish(true, "done");
        pump(&mut view, &mut rx);
        assert_eq!(out.text(), "");
    }
}
