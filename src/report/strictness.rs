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
