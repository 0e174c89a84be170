//! The Go import path of `--out`: `--go-import-path`, or the module of the nearest go.mod above it plus the
//! directory below that module; generated packages import each other and the runtime by it.
use super::super::Options;
use crate::codegen::CodegenError;
use std::path::{Component, Path, PathBuf};

/// The import path of `opts.out`: `--go-import-path`, else the module of the nearest go.mod above it plus
/// the relative directory.
pub(super) fn import_path(opts: &Options) -> Result<String, CodegenError> {
    if let Some(p) = &opts.go_import_path {
        let p = p.trim().trim_end_matches('/');
        if p.is_empty() || p.contains(char::is_whitespace) || p.contains('\\') {
            return Err(format!("`{p}` is not a Go import path").into());
        }
        return Ok(p.to_string());
    }
    let abs = if opts.out.is_absolute() {
        opts.out.clone()
    } else {
        std::env::current_dir()
            .map_err(|e| CodegenError(format!("cannot read the current directory: {e}")))?
            .join(&opts.out)
    };
    let abs = normalize(&abs);
    for dir in abs.ancestors() {
        let gomod = dir.join("go.mod");
        let Ok(text) = std::fs::read_to_string(&gomod) else { continue };
        let module =
            module_path(&text).ok_or_else(|| CodegenError(format!("{}: no `module` line", gomod.display())))?;
        let rel: Vec<String> = abs
            .strip_prefix(dir)
            .unwrap_or(Path::new(""))
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect();
        return Ok(if rel.is_empty() { module } else { format!("{module}/{}", rel.join("/")) });
    }
    Err(format!("no go.mod found above {}; pass --go-import-path", opts.out.display()).into())
}

/// Removes `.` and resolves `..` without touching the file system (the directory may not exist yet).
pub(super) fn normalize(p: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in p.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other.as_os_str()),
        }
    }
    out
}

/// The module path of a go.mod file.
pub(super) fn module_path(gomod: &str) -> Option<String> {
    gomod.lines().find_map(|l| {
        let l = l.split("//").next().unwrap_or("").trim();
        let rest = l.strip_prefix("module")?;
        if !rest.starts_with(|c: char| c.is_whitespace() || c == '"') {
            return None;
        }
        let m = rest.trim().trim_matches('"').trim_matches('`').to_string();
        (!m.is_empty()).then_some(m)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codegen::Lang;

    #[test]
    fn module_lines() {
        assert_eq!(module_path("// c\nmodule github.com/a/b // x\n\ngo 1.22\n").as_deref(), Some("github.com/a/b"));
        assert_eq!(module_path("module \"example.com/q\"\n").as_deref(), Some("example.com/q"));
        assert_eq!(module_path("modules x\n"), None);
    }

    #[test]
    fn import_path_from_go_mod() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("go.mod"), "module example.com/svc\n\ngo 1.22\n").unwrap();
        let opts =
            |out: PathBuf, p: Option<&str>| Options { lang: Lang::Go, out, go_import_path: p.map(str::to_string) };
        assert_eq!(import_path(&opts(dir.path().join("gen/./types"), None)).unwrap(), "example.com/svc/gen/types");
        assert_eq!(import_path(&opts(dir.path().to_path_buf(), None)).unwrap(), "example.com/svc");
        assert_eq!(import_path(&opts(dir.path().join("x"), Some("a.b/c/"))).unwrap(), "a.b/c");
        assert!(import_path(&opts(PathBuf::from("/nonexistent-msgpact-dir/x"), None))
            .unwrap_err()
            .0
            .contains("go.mod"));
    }
}
