//! A small line diff, for showing what changed in a twin right in the terminal or a CI log.

/// `-`/`+` lines of the difference between `old` and `new`, at most `max` of them.
pub fn lines(old: &str, new: &str, max: usize) -> Vec<String> {
    let a: Vec<&str> = old.lines().collect();
    let b: Vec<&str> = new.lines().collect();
    // Longest common subsequence table; twins are small (tens to hundreds of lines).
    let (n, m) = (a.len(), b.len());
    if n * m > 4_000_000 {
        return vec![format!("- ({n} lines)"), format!("+ ({m} lines)")];
    }
    let mut t = vec![vec![0u32; m + 1]; n + 1];
    for i in (0..n).rev() {
        for j in (0..m).rev() {
            t[i][j] = if a[i] == b[j] { t[i + 1][j + 1] + 1 } else { t[i + 1][j].max(t[i][j + 1]) };
        }
    }
    let (mut i, mut j) = (0, 0);
    let mut out = Vec::new();
    while (i < n || j < m) && out.len() < max {
        if i < n && j < m && a[i] == b[j] {
            i += 1;
            j += 1;
        } else if i < n && (j == m || t[i + 1][j] >= t[i][j + 1]) {
            out.push(format!("- {}", a[i]));
            i += 1;
        } else {
            out.push(format!("+ {}", b[j]));
            j += 1;
        }
    }
    if i < n || j < m {
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
}
