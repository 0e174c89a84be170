//! Case conversions every generator starts from: contract names are written in any case (`user_id`,
//! `sampleRate`, `with-audio`), and each language turns them into its own convention from these two; the
//! language folders then escape what their language forbids (`rust/names.rs`, `python/names.rs`,
//! `go/names.rs`).

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
}
