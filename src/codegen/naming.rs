//! Case conversions every generator starts from: contract names are written in any case (`user_id`,
//! `sampleRate`, `with-audio`), and each language turns them into its own convention from these two; the
//! language folders then escape what their language forbids (`rust/names.rs`, `python/names.rs`,
//! `go/names.rs`) with [`assign`], which gives every name of one namespace a distinct, allowed spelling.
use std::collections::HashSet;

/// Gives every candidate of one namespace a name: first, in order, every candidate that is allowed and not
/// taken keeps its spelling; then each of the others tries `escape(candidate, 1)`, `escape(candidate, 2)`,
/// ... until one is allowed and free. So a name only changes when it must, and the same candidates always
/// get the same names. `escape` must eventually give a free name (appending grows it each attempt).
pub fn assign(
    candidates: &[String],
    allowed: impl Fn(&str) -> bool,
    escape: impl Fn(&str, usize) -> String,
) -> Vec<String> {
    assign_with(candidates, allowed, |_, cand, attempt| escape(cand, attempt))
}

/// [`assign`] with an escape that also knows the candidate's position (`escape(index, candidate, attempt)`),
/// for namespaces whose kinds of names escape differently.
pub fn assign_with(
    candidates: &[String],
    allowed: impl Fn(&str) -> bool,
    escape: impl Fn(usize, &str, usize) -> String,
) -> Vec<String> {
    let mut taken: HashSet<String> = HashSet::new();
    let mut out: Vec<Option<String>> = vec![None; candidates.len()];
    for (i, cand) in candidates.iter().enumerate() {
        if allowed(cand) && !taken.contains(cand) {
            taken.insert(cand.clone());
            out[i] = Some(cand.clone());
        }
    }
    for (i, cand) in candidates.iter().enumerate() {
        if out[i].is_none() {
            let mut attempt = 1;
            let mut s = escape(i, cand, attempt);
            while !allowed(&s) || taken.contains(&s) {
                attempt += 1;
                s = escape(i, cand, attempt);
            }
            taken.insert(s.clone());
            out[i] = Some(s);
        }
    }
    out.into_iter().map(Option::unwrap_or_default).collect()
}

/// The escape most languages use: `_` appended once per attempt (`type_`, `type__`).
pub fn underscores(cand: &str, attempt: usize) -> String {
    format!("{cand}{}", "_".repeat(attempt))
}

/// `user_id` -> `UserId`, `audio-format` -> `AudioFormat`.
pub fn pascal_case(s: &str) -> String {
    s.split(['_', '-', '.'])
        .filter(|p| !p.is_empty())
        .map(|p| {
            let mut c = p.chars();
            c.next().map(|f| f.to_ascii_uppercase().to_string() + c.as_str()).unwrap_or_default()
        })
        .collect()
}

/// `UserID` -> `user_id`, `sampleRate` -> `sample_rate`.
pub fn snake_case(s: &str) -> String {
    let mut out = String::new();
    let chars: Vec<char> = s.chars().collect();
    for (i, &ch) in chars.iter().enumerate() {
        if ch.is_ascii_uppercase() {
            let prev_lower = i > 0 && (chars[i - 1].is_ascii_lowercase() || chars[i - 1].is_ascii_digit());
            let next_lower = chars.get(i + 1).is_some_and(|n| n.is_ascii_lowercase());
            if i > 0 && (prev_lower || (next_lower && chars[i - 1].is_ascii_uppercase())) && !out.ends_with('_') {
                out.push('_');
            }
            out.push(ch.to_ascii_lowercase());
        } else if ch == '-' {
            out.push('_');
        } else {
            out.push(ch);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn case_conversions() {
        assert_eq!(pascal_case("user_id"), "UserId");
        assert_eq!(pascal_case("with-audio"), "WithAudio");
        assert_eq!(snake_case("UserID"), "user_id");
        assert_eq!(snake_case("sampleRate"), "sample_rate");
        assert_eq!(snake_case("HTTPServer"), "http_server");
    }

    #[test]
    fn assign_keeps_free_names_and_escapes_the_rest() {
        let cands: Vec<String> = ["type", "user_id", "user_id", "user_id_", "ok"].map(String::from).into();
        let names = assign(&cands, |s| s != "type", underscores);
        assert_eq!(names, ["type_", "user_id", "user_id__", "user_id_", "ok"]);
        let numbered = assign(&cands[1..3], |_| true, |c, n| format!("{c}{}", n + 1));
        assert_eq!(numbered, ["user_id", "user_id2"]);
    }
}
