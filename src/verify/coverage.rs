//! Which message types the run's peers serve, weighed against the types msgpact.toml requires.
//!
//! A required type that no peer serves fails the gate (E704): a service that forgot to register a type
//! would otherwise pass, since nothing is exchanged for it. A type that nothing requires and no peer serves
//! is not a test at all: it is named once in the report, not counted as hundreds of skipped cases.
use serde::Serialize;
use std::collections::BTreeSet;

/// A message type the repository's peers must serve, and where msgpact.toml says so.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Required {
    /// `package.Message`.
    pub name: String,
    /// `msgpact.toml:12:3`.
    pub location: String,
}

/// A required type no peer serves: a failure (E704), with what to do about it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Unserved {
    pub name: String,
    pub location: String,
    pub message: String,
    pub hint: String,
}

/// The types of a run by who serves them.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Coverage {
    /// Required and served by no peer: each a failure.
    pub required_unserved: Vec<Unserved>,
    /// Required and served.
    pub required_served: Vec<String>,
    /// Neither required nor served by any peer: not exchanged.
    pub unserved: Vec<String>,
}

impl Coverage {
    /// `types`: every message of the contracts, in order; `served`: what the running peers said in their
    /// hello.
    pub fn new(types: &[String], served: &BTreeSet<String>, required: &[Required]) -> Coverage {
        let mut c = Coverage::default();
        for r in required {
            if served.contains(&r.name) {
                c.required_served.push(r.name.clone());
                continue;
            }
            let (message, hint) = if types.contains(&r.name) {
                (
                    format!("{} is required, but no peer serves it", r.name),
                    "register it in this repository's peer (with its decode and encode functions), or take it out of [peers] required".to_string(),
                )
            } else {
                let near = crate::diag::did_you_mean(&r.name, types.iter().map(String::as_str));
                (
                    format!("{} is required, but it is not a message of the contracts", r.name),
                    match near {
                        Some(n) => format!("did you mean `{n}`?"),
                        None => "name a message of the contracts (`msgpact contracts update` says what a new release removed)".to_string(),
                    },
                )
            };
            c.required_unserved.push(Unserved { name: r.name.clone(), location: r.location.clone(), message, hint });
        }
        c.unserved =
            types.iter().filter(|t| !served.contains(*t) && !required.iter().any(|r| &r.name == *t)).cloned().collect();
        c
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn required_served_and_the_rest() {
        let types: Vec<String> = ["a.A", "a.B", "a.C", "a.D"].iter().map(|s| s.to_string()).collect();
        let served: BTreeSet<String> = ["a.A", "a.C"].iter().map(|s| s.to_string()).collect();
        let req = |n: &str| Required { name: n.into(), location: "msgpact.toml:3:5".into() };
        let c = Coverage::new(&types, &served, &[req("a.A"), req("a.B"), req("a.c")]);
        assert_eq!(c.required_served, ["a.A"]);
        let unserved: Vec<(&str, &str)> =
            c.required_unserved.iter().map(|u| (u.name.as_str(), u.message.as_str())).collect();
        assert_eq!(
            unserved,
            [
                ("a.B", "a.B is required, but no peer serves it"),
                ("a.c", "a.c is required, but it is not a message of the contracts")
            ]
        );
        assert_eq!(c.required_unserved[1].hint, "did you mean `a.C`?");
        assert_eq!(c.unserved, ["a.D"]);
    }
}
