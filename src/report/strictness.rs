//! The strictness matrix in data: per peer and kind of must-reject payload, how many it was sent, which it
//! accepted, and what that does to the gate. The JSON report carries it as `strictness`, JUnit as one
//! testcase per cell; the terminal draws the same counts as a table.
use crate::classes::RejectKind;
use crate::verify::verdict::{Outcome, Verdict};
use crate::verify::Exchange;
use serde::Serialize;

#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Cell {
    pub peer: String,
    pub kind: RejectKind,
    /// Must-reject payloads of this kind sent to the peer (those of the types it serves).
    pub sent: usize,
    /// Those it refused with decode-error.
    pub refused: usize,
    /// `package.Message case` of each it accepted.
    pub accepted: Vec<String>,
    /// The worst outcome among them (`pass` when it refused all, or its policy allows the kind).
    pub outcome: Outcome,
}

/// One cell per peer (in order of first appearance) and kind of must-reject payload (in registry order).
pub fn cells(exchanges: &[Exchange]) -> Vec<Cell> {
    let mut peers: Vec<&str> = Vec::new();
    for x in exchanges.iter().filter(|x| x.reject.is_some()) {
        if !peers.contains(&x.consumer.as_str()) {
            peers.push(&x.consumer);
        }
    }
    let mut out = Vec::new();
    for peer in peers {
        for &kind in RejectKind::ALL {
            let list: Vec<&Exchange> = exchanges
                .iter()
                .filter(|x| x.reject == Some(kind) && x.consumer == peer && x.outcome != Outcome::Skip && !x.reused)
                .collect();
            if list.is_empty() {
                continue;
            }
            let accepted = list
                .iter()
                .filter(|x| matches!(x.verdict, Verdict::AcceptsInvalid { .. }))
                .map(|x| format!("{} {}", x.message, x.case))
                .collect();
            out.push(Cell {
                peer: peer.to_string(),
                kind,
                sent: list.len(),
                refused: list.iter().filter(|x| matches!(x.verdict, Verdict::Refused { .. })).count(),
                accepted,
                outcome: list.iter().map(|x| x.outcome).max().unwrap_or(Outcome::Pass),
            });
        }
    }
    out
}

/// The strictness matrix as the terminal draws it: per kind of must-reject payload (rows) and peer
/// (columns), how many the peer accepted of those it was sent (`ok N`: it refused them all; `FAIL a/N`,
/// `warn a/N`, `allowed a/N` under the policy of that kind). `None` when no must-reject payload was sent.
pub fn table(exchanges: &[Exchange], peers: &[String]) -> Option<(Vec<String>, Vec<Vec<String>>)> {
    // Payloads of types no peer serves are not sent: their kinds and cases are left out.
    let sent = |x: &&Exchange| x.outcome != Outcome::Skip && x.producer == "golden";
    let mut kinds: Vec<RejectKind> = exchanges.iter().filter(sent).filter_map(|x| x.reject).collect();
    kinds.sort();
    kinds.dedup();
    if kinds.is_empty() {
        return None;
    }
    let mut header = vec!["must-reject -> peer".to_string(), "cases".to_string()];
    header.extend(peers.iter().cloned());
    let mut rows = Vec::new();
    for kind in kinds {
        let of_kind = |x: &&Exchange| x.reject == Some(kind) && sent(x);
        let cases: std::collections::BTreeSet<(&str, &str)> =
            exchanges.iter().filter(of_kind).map(|x| (x.message.as_str(), x.case.as_str())).collect();
        let mut row = vec![kind.id().to_string(), cases.len().to_string()];
        for p in peers {
            let list: Vec<&Exchange> = exchanges.iter().filter(of_kind).filter(|x| &x.consumer == p).collect();
            row.push(cell_text(&list));
        }
        rows.push(row);
    }
    Some((header, rows))
}

/// One cell of the strictness matrix: what a peer did with the must-reject payloads of one kind.
fn cell_text(list: &[&Exchange]) -> String {
    let sent = list.iter().filter(|x| x.outcome != Outcome::Skip).count();
    let accepted: Vec<&&Exchange> =
        list.iter().filter(|x| matches!(x.verdict, Verdict::AcceptsInvalid { .. })).collect();
    let other_fail = list
        .iter()
        .filter(|x| x.outcome == Outcome::Fail && !matches!(x.verdict, Verdict::AcceptsInvalid { .. }))
        .count();
    let worst = accepted.iter().map(|x| x.outcome).max();
    if sent == 0 {
        "-".into()
    } else if other_fail > 0 || worst == Some(Outcome::Fail) {
        format!("FAIL {}/{sent}", accepted.len() + other_fail)
    } else if worst == Some(Outcome::Xfail) {
        format!("xfail {}/{sent}", accepted.len())
    } else if worst == Some(Outcome::Warn) {
        format!("warn {}/{sent}", accepted.len())
    } else if !accepted.is_empty() {
        format!("allowed {}/{sent}", accepted.len())
    } else {
        format!("ok {sent}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::classes::Class;
    use std::time::Duration;

    fn exchange(case: &str) -> Exchange {
        Exchange {
            producer: "golden".into(),
            consumer: "go".into(),
            message: "chat.ChatRequest".into(),
            case: case.into(),
            verdict: Verdict::DecodeError { error: String::new() },
            class: Some(Class::AcceptsInvalid),
            hint: String::new(),
            outcome: Outcome::Fail,
            expected_failure: None,
            location: String::new(),
            duration: Duration::ZERO,
            reused: false,
            reject: Some(RejectKind::Truncated),
        }
    }

    #[test]
    fn the_strictness_cell_counts_what_the_peer_accepted_under_its_policy() {
        let mut refused = exchange("reject.truncated");
        refused.verdict = Verdict::Refused { error: "cut".into() };
        refused.outcome = Outcome::Pass;
        let mut accepted = exchange("reject.truncated");
        accepted.verdict = Verdict::AcceptsInvalid {
            reject: crate::classes::RejectKind::Truncated,
            why: String::new(),
            decoded: String::new(),
            output: String::new(),
        };
        for (outcome, want) in [
            (Outcome::Fail, "FAIL 1/2"),
            (Outcome::Warn, "warn 1/2"),
            (Outcome::Pass, "allowed 1/2"),
            (Outcome::Xfail, "xfail 1/2"),
        ] {
            accepted.outcome = outcome;
            assert_eq!(cell_text(&[&refused, &accepted]), want);
        }
        assert_eq!(cell_text(&[&refused, &refused]), "ok 2");
        let mut skipped = refused.clone();
        skipped.outcome = Outcome::Skip;
        assert_eq!(cell_text(&[&skipped]), "-");
    }
}
