//! JSON: every event of the run, in order, under a versioned schema (docs/verify.md describes it).
use crate::diag::{Code, Diagnostic};
use crate::verify::{Event, Sink};
use std::path::PathBuf;

pub const SCHEMA: &str = "msgpact-verify/1";

pub struct Json {
    path: PathBuf,
    events: Vec<Event>,
}

impl Json {
    pub fn new(path: PathBuf) -> Self {
        Json { path, events: Vec::new() }
    }

    pub fn render(&self) -> String {
        let summary = self.events.iter().rev().find_map(|e| if let Event::Finished(s) = e { Some(s) } else { None });
        let exchanges: Vec<crate::verify::Exchange> = self
            .events
            .iter()
            .filter_map(|e| if let Event::Exchange(x) = e { Some(x.clone()) } else { None })
            .collect();
        let strictness = super::strictness::cells(&exchanges);
        let doc = serde_json::json!({
            "schema": SCHEMA,
            "summary": summary,
            "strictness": strictness,
            "events": self.events,
        });
        let text = serde_json::to_string_pretty(&doc).unwrap_or_default();
        crate::redact::redact(&text).into_owned()
    }
}

impl Sink for Json {
    fn event(&mut self, e: &Event) {
        if let Event::Progress(_) = e {
            return;
        }
        self.events.push(e.clone());
        if let Event::Finished(_) = e {
            if let Err(err) = super::write_report(&self.path, self.render().as_bytes()) {
                let message = format!("cannot write the JSON report: {err}");
                eprintln!("{}", Diagnostic::at(Code::WriteFailed, self.path.display(), message, "").render_plain());
            }
        }
    }
}
