//! The 1,000-vector suite: the example contracts with each message's examples repeated under new names.
use super::*;

// the 1,000-vector suite

/// One `examples:` block of one message: where it ends (insertion point) and its entries.
pub(crate) struct ExampleBlock {
    pub(crate) file: usize,
    pub(crate) insert_at: usize,
    pub(crate) entries: Vec<(String, Vec<String>)>,
}

pub(crate) fn indent(line: &str) -> usize {
    line.len() - line.trim_start().len()
}

/// Copies `src/*.yaml` to `dst/` with `extra` more examples, round-robin over every example of the messages
/// whose `examples:` block index is in `only` (all when `None`): example `name` is repeated as `r<k>-name`.
/// Examples do not change the wire hash. Returns the number of `examples:` blocks.
pub(crate) fn expand_contracts(src: &Path, dst: &Path, extra: usize, only: Option<&[usize]>) -> usize {
    let _ = std::fs::remove_dir_all(dst);
    std::fs::create_dir_all(dst).unwrap();
    let mut files: Vec<(PathBuf, Vec<String>)> = Vec::new();
    let mut entries: Vec<_> = std::fs::read_dir(src).unwrap().map(|e| e.unwrap().path()).collect();
    entries.sort();
    for p in entries {
        if p.extension().and_then(|e| e.to_str()) == Some("yaml") {
            let text = std::fs::read_to_string(&p).unwrap();
            files.push((p, text.lines().map(str::to_string).collect()));
        }
    }
    let mut blocks: Vec<ExampleBlock> = Vec::new();
    for (fi, (_, lines)) in files.iter().enumerate() {
        let mut i = 0;
        while i < lines.len() {
            if lines[i].trim() == "examples:" && indent(&lines[i]) == 4 {
                let mut j = i + 1;
                let mut block = ExampleBlock { file: fi, insert_at: i + 1, entries: Vec::new() };
                while j < lines.len() && (lines[j].trim().is_empty() || indent(&lines[j]) >= 6) {
                    let l = &lines[j];
                    if indent(l) == 6 && l.trim_end().ends_with(':') {
                        block.entries.push((l.trim().trim_end_matches(':').to_string(), vec![]));
                    }
                    if !l.trim().is_empty() {
                        if let Some(e) = block.entries.last_mut() {
                            if indent(l) > 6 {
                                e.1.push(l.clone());
                            }
                        }
                        block.insert_at = j + 1;
                    }
                    j += 1;
                }
                blocks.push(block);
                i = j;
            } else {
                i += 1;
            }
        }
    }
    assert!(!blocks.is_empty(), "no examples: blocks found in {}", src.display());
    assert!(extra == 0 || only.is_none_or(|o| !o.is_empty()), "no messages to repeat examples of");
    let mut additions: Vec<Vec<String>> = vec![Vec::new(); blocks.len()];
    let mut left = extra;
    let mut k = 1;
    while left > 0 {
        for (bi, b) in blocks.iter().enumerate().filter(|(bi, _)| only.is_none_or(|o| o.contains(bi))) {
            for (name, body) in &b.entries {
                if left == 0 {
                    break;
                }
                additions[bi].push(format!("      r{k}-{name}:"));
                additions[bi].extend(body.iter().cloned());
                left -= 1;
            }
        }
        k += 1;
    }
    for (fi, (path, lines)) in files.iter().enumerate() {
        let mut out: Vec<String> = lines.clone();
        // insert from the bottom up so earlier insertion points stay valid
        let mut mine: Vec<(usize, &Vec<String>)> =
            blocks.iter().zip(&additions).filter(|(b, _)| b.file == fi).map(|(b, a)| (b.insert_at, a)).collect();
        mine.sort_by_key(|m| std::cmp::Reverse(m.0));
        for (at, add) in mine {
            out.splice(at..at, add.iter().cloned());
        }
        std::fs::write(dst.join(path.file_name().unwrap()), out.join("\n") + "\n").unwrap();
    }
    blocks.len()
}

pub(crate) struct Suite {
    pub(crate) dir: PathBuf,
    pub(crate) contracts: PathBuf,
    pub(crate) golden: PathBuf,
    pub(crate) c: Contracts,
    pub(crate) cases: Vec<golden::Case>,
}

pub(crate) fn build_suite(work: &Path) -> Suite {
    let (orig, d) = Contracts::load_dir(&root().join("contracts"));
    assert!(!d.has_errors(), "the example contracts do not load");
    let base = golden::generate(&orig).len();
    assert!(base <= VECTORS, "the example contracts already give {base} cases");
    let dir = work.join("suite");
    let _ = std::fs::remove_dir_all(&dir);
    let contracts = dir.join("contracts");
    let golden_dir = dir.join("golden");
    // A message used as a field type elsewhere gets one more edge case per example in each user (edges of
    // a message-typed field are its examples), so only messages where one more example makes exactly one
    // more case are expanded.
    let blocks = expand_contracts(&root().join("contracts"), &contracts, 0, None);
    let leaves: Vec<usize> = (0..blocks)
        .filter(|b| {
            expand_contracts(&root().join("contracts"), &contracts, 1, Some(&[*b]));
            let (c, _) = Contracts::load_dir(&contracts);
            golden::generate(&c).len() == base + 1
        })
        .collect();
    expand_contracts(&root().join("contracts"), &contracts, VECTORS - base, Some(&leaves));
    let (c, d) = Contracts::load_dir(&contracts);
    assert!(!d.has_errors(), "the expanded contracts do not load:\n{}", d.render_all(&c.sources));
    assert_eq!(
        msgpact::contract::hash::wire_hash(&c),
        msgpact::contract::hash::wire_hash(&orig),
        "examples changed the wire hash"
    );
    let cases = golden::generate(&c);
    assert_eq!(cases.len(), VECTORS, "the expanded contracts give {} cases", cases.len());
    store::write(&golden_dir, &store::expected(&c, &cases)).unwrap();
    eprintln!(
        "suite: {base} golden cases of contracts/ expanded to {} in {} ({} of {blocks} messages' examples repeated)",
        cases.len(),
        dir.display(),
        leaves.len()
    );
    Suite { dir, contracts, golden: golden_dir, c, cases }
}
