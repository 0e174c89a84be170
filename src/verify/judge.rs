//! Judging: a peer's reply becomes a [`Verdict`] ([`judge`]), and a verdict becomes what it means for the
//! gate ([`assess`]): the interop class, the outcome under the peer's and the package's policy, the fix hint
//! in the peer's own library terms, the place in the contract, and whether the peer expects the failure.
//! A must-reject case (`reject.*`) passes when the peer refuses it and is `accepts-invalid` when it answers
//! ok; the policy of its kind (`accepts-unknown-key`) comes before that of the class.
use super::canonical;
use super::compare::compare;
use super::context::{Ctx, Done, Item, LivePeer, Producer};
use super::exchange::{status_of, Raw};
use super::hints::{classify_error, hint_for, malformed_hint, reject_hint, Written};
use super::verdict::{Detail, Outcome, Verdict};
use crate::classes::{default_gate, default_reject_gate, Class, PolicyKey};
use crate::golden::Origin;
use crate::peer::protocol::Status;
use crate::wire::format::hex_short;
use crate::wire::{decode, Value};
use bytes::Bytes;

/// A reply turned into a verdict; `ok` replies are compared with the canonical vector.
pub(super) fn judge(ctx: &Ctx, it: &Item, raw: Raw) -> (Verdict, Option<Bytes>) {
    let case = &ctx.cases[it.case];
    if it.producer == Producer::Previous {
        if let Err(m) = canonical::message(ctx.c, case.message, &decode(&it.payload).unwrap_or(Value::Nil), "$") {
            // The old vector does not fit the current contract: the schema change itself is breaking.
            let note = format!(
                "the vector of {} does not fit the current contract: {}",
                ctx.previous.as_deref().unwrap_or("the earlier version"),
                m.reason
            );
            let detail = Detail {
                path: m.path,
                offset: None,
                expected: "(the current contract)".into(),
                actual: hex_short(&it.payload, 10),
                class: m.class,
                note,
                also: Vec::new(),
                malformed: false,
            };
            return (Verdict::DifferentValue { detail }, None);
        }
    }
    let Raw::Reply { status, case: reply_case, error, body } = raw else {
        return (Verdict::NotRun { reason: "no reply".into() }, None);
    };
    let error = error.unwrap_or_default();
    if let Some(kind) = case.reject() {
        // A must-reject payload: refusing it is the pass; answering ok is accepting it.
        match status_of(status.as_deref(), reply_case.as_deref(), &case.id) {
            Ok(Status::Ok) => {
                let decoded =
                    decode(&body).map_or_else(|e| format!("(not one MessagePack value: {e})"), |v| v.render());
                let why = crate::golden::reject::why(ctx.c, case);
                let output = hex_short(&body, 16);
                return (Verdict::AcceptsInvalid { reject: kind, why, decoded, output }, None);
            }
            Ok(Status::DecodeError) => return (Verdict::Refused { error }, None),
            _ => {}
        }
    }
    match status_of(status.as_deref(), reply_case.as_deref(), &case.id) {
        Err(reason) => (Verdict::BadReply { reason }, None),
        Ok(Status::Ok) => (compare(ctx.c, case.message, &case.value, &case.bytes, &body), Some(body)),
        Ok(Status::DecodeError) => (Verdict::DecodeError { error }, None),
        Ok(Status::EncodeError) => (Verdict::EncodeError { error }, None),
        Ok(Status::UnknownType) => (Verdict::UnknownType { error }, None),
        Ok(Status::InternalError) => (Verdict::InternalError { error }, None),
    }
}

/// What a verdict means for the run.
pub(super) struct Assessment {
    pub class: Option<Class>,
    pub outcome: Outcome,
    pub hint: String,
    /// `contracts/chat.yaml:31:9`: where the field (or message) the verdict is about is declared.
    pub location: String,
    /// The entry of the peer's expected-failure list that accepts this failure (index and reason).
    pub expected: Option<(usize, String)>,
}

/// The class, outcome, hint and location of the verdict of `d`, consumed by `peer`.
pub(super) fn assess(ctx: &Ctx, peer: &LivePeer, d: &Done) -> Assessment {
    let case = &ctx.cases[d.item.case];
    let mut path = match &d.verdict {
        Verdict::SameValue { detail } | Verdict::DifferentValue { detail } => detail.path.clone(),
        Verdict::DecodeError { error } | Verdict::EncodeError { error } | Verdict::InternalError { error } => {
            path_in(error)
        }
        _ => "$".to_string(),
    };
    let class = match &d.verdict {
        Verdict::AcceptsInvalid { .. } => Some(Class::AcceptsInvalid),
        Verdict::SameValue { detail } | Verdict::DifferentValue { detail } => Some(detail.class),
        Verdict::DecodeError { error } | Verdict::EncodeError { error } | Verdict::InternalError { error } => {
            classify_error(ctx.c, case.message, error)
        }
        _ => None,
    };
    let package = ctx.c.package_of(case.message);
    // An error that names no field is about the message, whatever case it came with; one whose class has a
    // single home in the message (its timestamp field) is about that field.
    let message_wide = path == "$" && matches!(d.verdict, Verdict::EncodeError { .. } | Verdict::InternalError { .. });
    if message_wide && class == Some(Class::TimestampForm) {
        let fields = &ctx.c.message(case.message).fields;
        if let Some(f) = fields.iter().find(|f| f.ty == crate::contract::Type::Timestamp) {
            path = format!("$.{}", f.name);
        }
    }
    let reject = case.reject();
    // The peer's policy, then the repository's (msgpact.toml), then the package's, then the default; for a
    // must-reject payload accepted, at each level the kind's own key (`accepts-unknown-key`) before the class's.
    let repository = |k: PolicyKey| ctx.opts.policy.iter().find(|(c, _)| *c == k).map(|(_, g)| *g);
    let gate = |cl: Class| match reject {
        Some(kind) if cl == Class::AcceptsInvalid => peer
            .manifest
            .reject_gate(kind)
            .or_else(|| peer.manifest.gate(cl))
            .or_else(|| repository(PolicyKey::Reject(kind)))
            .or_else(|| repository(PolicyKey::Class(cl)))
            .or_else(|| package.gate_of(PolicyKey::Reject(kind)))
            .or_else(|| package.gate(cl))
            .unwrap_or_else(|| default_reject_gate(kind)),
        _ => peer
            .manifest
            .gate(cl)
            .or_else(|| repository(PolicyKey::Class(cl)))
            .or_else(|| package.gate(cl))
            .unwrap_or_else(|| default_gate(cl)),
    };
    let mut outcome = d.verdict.outcome(class, gate);
    let field = match case.origin {
        Origin::Reject { field: Some(fi), .. } => Some(&ctx.c.message(case.message).fields[fi]),
        _ => ctx.c.field_at(case.message, &path),
    };
    let language =
        if peer.hello.language.is_empty() { peer.manifest.language.as_str() } else { peer.hello.language.as_str() };
    let mut hint = match (&d.verdict, reject) {
        (Verdict::AcceptsInvalid { .. }, Some(kind)) => reject_hint(kind, language, field),
        (Verdict::DifferentValue { detail }, _) if detail.malformed && detail.class != Class::BinVsStr => {
            malformed_hint(language, field.map(|f| f.name.as_str()))
        }
        _ => class.map(|cl| hint_for(cl, language, field, written_at(d, &path))).unwrap_or_default(),
    };
    // The other findings of the payload, each with its own remedy when it needs another one.
    for a in d.verdict.detail().map_or(&[][..], |x| &x.also[..]) {
        let more = hint_for(a.class, language, ctx.c.field_at(case.message, &a.path), written_at(d, &a.path));
        if !more.is_empty() && !hint.contains(&more) {
            hint = format!("{hint}; and {more}");
        }
    }
    let mut expected = None;
    if outcome == Outcome::Fail {
        if let Some(i) = peer.expected.find(&ctx.names[d.item.case], &case.id) {
            outcome = Outcome::Xfail;
            expected = Some((i, peer.expected.entries[i].reason.clone()));
        }
    }
    // A verdict about the whole payload of an edge case is about the field the case varies.
    let span = match (path.as_str(), case.origin) {
        ("$", _) if message_wide => ctx.c.message(case.message).span,
        ("$", Origin::Edge { field }) | (_, Origin::Reject { field: Some(field), .. }) => {
            ctx.c.message(case.message).fields[field].span
        }
        (_, Origin::Reject { field: None, .. }) => ctx.c.message(case.message).span,
        _ => ctx.c.locate(case.message, &path),
    };
    Assessment { class, outcome, hint, location: ctx.c.sources.render(span), expected }
}

/// What the peer wrote at a top-level field path (`$.name`): nil, or no key at all.
fn written_at(d: &Done, path: &str) -> Option<Written> {
    let name = path.strip_prefix("$.").filter(|n| !n.contains(['.', '[']))?;
    let output = decode(d.output.as_deref()?).ok()?;
    match output {
        Value::Map(_) => match output.get(name) {
            None => Some(Written::Absent),
            Some(Value::Nil) => Some(Written::Nil),
            Some(_) => None,
        },
        _ => None,
    }
}

/// The first field path (`$.a.b[2]`) a peer's error message mentions, or `$`.
fn path_in(error: &str) -> String {
    let Some(start) = error.find("$.").or_else(|| error.find("$[")) else { return "$".into() };
    error[start..]
        .chars()
        .take_while(|c| c.is_alphanumeric() || matches!(c, '$' | '.' | '_' | '[' | ']' | '-'))
        .collect()
}
