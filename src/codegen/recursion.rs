//! Messages that contain themselves. `lint` allows a message to refer back to itself through an optional or
//! nullable field (a cycle of required fields is E303), but a type that holds itself by value has no size:
//! Rust's `Option<Node>` inside `Node`, Go's `OptionalNullable[Node]` inside `Node`. The field that closes
//! such a cycle gets an indirection (`Option<Box<Node>>` in Rust, `OptionalNullable[*Node]` in Go); every
//! other field keeps its plain type. Lists and maps already hold their items on the heap.
use crate::contract::{Contracts, Field, MsgId, Type};
use std::collections::HashSet;

/// Whether a field of message `from` whose type is message `to` closes a cycle: `to` reaches `from`
/// through fields that a language holds by value (`by_value`), `to` itself included.
pub fn closes_cycle(c: &Contracts, from: MsgId, to: MsgId, by_value: impl Fn(&Field) -> bool) -> bool {
    let mut seen = HashSet::new();
    let mut stack = vec![to];
    while let Some(m) = stack.pop() {
        if m == from {
            return true;
        }
        if !seen.insert(m) {
            continue;
        }
        for f in c.message(m).fields.iter().filter(|f| by_value(f)) {
            if let Type::Message(next) = f.ty {
                stack.push(next);
            }
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_fields_that_lead_back_close_a_cycle() {
        let dir = tempfile::tempdir().unwrap();
        let yaml = "package: t\nversion: 1.0.0\nmessages:\n  Node:\n    fields:\n      - {name: next, type: Node, optional: true}\n      - {name: leaf, type: Leaf, optional: true}\n      - {name: other, type: Other, nullable: true}\n  Leaf:\n    fields: []\n  Other:\n    fields:\n      - {name: node, type: Node}\n";
        std::fs::write(dir.path().join("t.yaml"), yaml).unwrap();
        let (c, d) = Contracts::load_dir(dir.path());
        assert!(!d.has_errors(), "{}", d.render_all(&c.sources));
        let id = |n: &str| c.find_message(n).unwrap();
        let all = |_: &Field| true;
        assert!(closes_cycle(&c, id("t.Node"), id("t.Node"), all));
        assert!(!closes_cycle(&c, id("t.Node"), id("t.Leaf"), all));
        assert!(closes_cycle(&c, id("t.Node"), id("t.Other"), all));
        // through a pointer (Go's optional-only field) there is no cycle of values
        assert!(!closes_cycle(&c, id("t.Other"), id("t.Node"), |f: &Field| !f.optional && !f.nullable));
    }
}
