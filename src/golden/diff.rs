//! A line diff (similar's), for showing what changed in a twin right in the terminal or a CI log.
use similar::{ChangeTag, TextDiff};

/// `-`/`+` lines of the difference between `old` and `new`, at most `max` of them (then `  …`).
pub fn lines(old: &str, new: &str, max: usize) -> Vec<String> {
    let diff = TextDiff::from_lines(old, new);
    let mut changes = diff.iter_all_changes().filter(|c| c.tag() != ChangeTag::Equal);
    let mut out: Vec<String> = changes
        .by_ref()
        .take(max)
        .map(|c| {
            let sign = if c.tag() == ChangeTag::Delete { '-' } else { '+' };
            format!("{sign} {}", c.value().trim_end_matches(['\n', '\r']))
        })
        .collect();
    if changes.next().is_some() {
        out.push("  …".into());
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn shows_changed_lines_only() {
        let d = super::lines("a\nb\nc\n", "a\nx\nc\n", 10);
        assert_eq!(d, vec!["- b", "+ x"]);
    }

    #[test]
    fn stops_at_max_and_says_so() {
        let d = super::lines("a\nb\nc\n", "x\ny\nz\n", 2);
        assert_eq!(d.len(), 3);
        assert_eq!(d[2], "  …");
        assert!(super::lines("same\n", "same\n", 5).is_empty());
    }
}
