//! rustfmt's layout, without rustfmt: the generated Rust is laid out as `rustfmt --edition 2021` with its
//! default settings lays it out, whatever is installed and whatever the project's own rustfmt.toml says.
//!
//! Most of the generated text has one layout whatever the contracts say. What follows does not: the
//! statements, match arms, struct fields and attributes where a long name pushes a line past rustfmt's
//! limits, after which rustfmt breaks it at its brackets. This module makes those decisions the way
//! rustfmt makes them (its `overflow`, `matches` and `rewrite_assign_rhs` logic, for the few expression
//! kinds the generator writes): a call on one line when it fits (and, with several arguments, when they
//! take at most `fn_call_width` columns); else its only argument overflowing when that argument is a call
//! itself; else one argument per line. tests/codegen/tools.rs runs `rustfmt --check` over output made
//! from contracts whose names sweep across these limits.
//!
//! The contracts' names (identifiers of up to 50 characters) are what the sweep covers; where rustfmt
//! cannot fit a line even broken (much longer names), it keeps the text as written, and this module
//! writes that line unbroken: the code stays valid, rustfmt may then lay out a few lines differently.

/// rustfmt's `max_width`.
pub(super) const MAX_WIDTH: usize = 100;
/// `fn_call_width` (60% of `max_width`): the widest argument list of a call kept on one line.
const FN_CALL_WIDTH: usize = 60;
/// `attr_fn_like_width` (70% of `max_width`): the same for an attribute such as `#[serde(...)]`.
const ATTR_FN_LIKE_WIDTH: usize = 70;
/// `array_width` (60% of `max_width`): the widest array literal kept on one line.
const ARRAY_WIDTH: usize = 60;
/// `chain_width` (60% of `max_width`): the widest method chain kept on one line.
const CHAIN_WIDTH: usize = 60;
/// `tab_spaces`.
const INDENT: usize = 4;

/// An expression, as far as its layout goes.
#[derive(Clone, Debug)]
pub(super) enum Expr {
    /// Text that never breaks: a path, a literal, `v.len()`, `*v as f64`.
    Atom(String),
    /// A function or method call (`rt::check_len(...)`, `t.serialize_element(...)`): when its arguments
    /// go one per line, the last one gets a trailing comma.
    Call(String, Vec<Expr>),
    /// A macro call (`format!(...)`): like a call, without the trailing comma.
    Macro(String, Vec<Expr>),
    /// A tuple `(a, b)`: like a call without a name.
    Tuple(Vec<Expr>),
    /// An array literal `[a, b]`: like a tuple, within `array_width` rather than `fn_call_width`.
    Array(Vec<Expr>),
    /// A path with generic arguments, such as `rt::roundtrip::<chat::ChatRequest>`: breaks like a type.
    Path(Type),
    /// `&expr`.
    Ref(Box<Expr>),
    /// `expr?`.
    Try(Box<Expr>),
}

impl Expr {
    pub(super) fn atom(s: impl Into<String>) -> Expr {
        Expr::Atom(s.into())
    }

    pub(super) fn call(callee: impl Into<String>, args: Vec<Expr>) -> Expr {
        Expr::Call(callee.into(), args)
    }

    pub(super) fn format(args: Vec<Expr>) -> Expr {
        Expr::Macro("format!".into(), args)
    }

    pub(super) fn reference(self) -> Expr {
        Expr::Ref(Box::new(self))
    }

    pub(super) fn try_(self) -> Expr {
        Expr::Try(Box::new(self))
    }

    /// The expression on one line.
    pub(super) fn flat(&self) -> String {
        match self {
            Expr::Atom(s) => s.clone(),
            Expr::Call(f, args) | Expr::Macro(f, args) => format!("{f}({})", flat_list(args)),
            Expr::Tuple(items) => format!("({})", flat_list(items)),
            Expr::Array(items) => format!("[{}]", flat_list(items)),
            Expr::Path(t) => t.flat(),
            Expr::Ref(e) => format!("&{}", e.flat()),
            Expr::Try(e) => format!("{}?", e.flat()),
        }
    }

    /// A call or macro call, possibly behind `&` or `?` (rustfmt's `is_nested_call`).
    fn is_nested_call(&self) -> bool {
        match self {
            Expr::Call(..) | Expr::Macro(..) => true,
            Expr::Ref(e) | Expr::Try(e) => e.is_nested_call(),
            _ => false,
        }
    }

    /// Whether, as the only argument of a call, this may start on the call's line and break inside
    /// (rustfmt's `can_be_overflowed_expr` for one argument).
    fn overflows(&self) -> bool {
        match self {
            Expr::Call(..) | Expr::Macro(..) | Expr::Tuple(..) | Expr::Array(..) => true,
            Expr::Ref(e) | Expr::Try(e) => e.overflows(),
            Expr::Atom(_) | Expr::Path(_) => false,
        }
    }

    /// The lines of this expression starting at column `col`, continuation lines indented from `indent`,
    /// with `reserve` characters still to come after it on its last line (`;`, `,`, `)?;`). The first
    /// line is returned without leading spaces, the others with theirs; `None` when nothing fits.
    pub(super) fn lines(&self, col: usize, indent: usize, reserve: usize) -> Option<Vec<String>> {
        self.rewrite(col, indent, reserve, MAX_WIDTH)
    }

    /// As [`Expr::lines`], with the first line at most `first_width` columns wide from `col`.
    fn rewrite(&self, col: usize, indent: usize, reserve: usize, first_width: usize) -> Option<Vec<String>> {
        match self {
            Expr::Atom(s) => (col + s.len() + reserve <= MAX_WIDTH && s.len() <= first_width).then(|| vec![s.clone()]),
            // rustfmt budgets a path's generic arguments without their closing `>` and what follows it
            // (a line of `rt::roundtrip::<...>,` may take 102 columns).
            Expr::Path(t) if col + t.flat().len() - 1 <= MAX_WIDTH => Some(vec![t.flat()]),
            Expr::Path(t) => t.lines(col, indent, reserve),
            Expr::Ref(e) => {
                let mut lines = e.rewrite(col + 1, indent, reserve, first_width.checked_sub(1)?)?;
                lines[0].insert(0, '&');
                Some(lines)
            }
            Expr::Try(e) => {
                let mut lines = e.rewrite(col, indent, reserve + 1, first_width)?;
                lines.last_mut()?.push('?');
                Some(lines)
            }
            Expr::Call(f, args) => List::call(f).lines(args, col, indent, reserve, first_width),
            Expr::Macro(f, args) => {
                List { sep: Separator::Between, ..List::call(f) }.lines(args, col, indent, reserve, first_width)
            }
            Expr::Tuple(items) => List::call("").lines(items, col, indent, reserve, first_width),
            Expr::Array(items) => {
                let list = List { open: "[".into(), close: ']', limit: ARRAY_WIDTH, sep: Separator::Trailing };
                list.lines(items, col, indent, reserve, first_width)
            }
        }
    }
}

fn flat_list(items: &[Expr]) -> String {
    items.iter().map(Expr::flat).collect::<Vec<_>>().join(", ")
}

/// Whether a list broken one item per line ends with a comma.
#[derive(Clone, Copy, PartialEq)]
enum Separator {
    /// Calls, tuples, arrays: `a,\nb,\n`.
    Trailing,
    /// Macros and attributes: `a,\nb\n` (rustfmt keeps a macro's or attribute's last comma as written).
    Between,
}

/// A bracketed list of expressions: the arguments of a call or macro, a tuple, an array.
struct List {
    /// `f(`, `format!(`, `(`, `[`.
    open: String,
    close: char,
    /// The widest the items may be on one line, when there are several.
    limit: usize,
    sep: Separator,
}

impl List {
    fn call(f: &str) -> List {
        List { open: format!("{f}("), close: ')', limit: FN_CALL_WIDTH, sep: Separator::Trailing }
    }

    /// rustfmt's layout of a list: on one line; else an only item that is itself a list overflowing
    /// (starting on this line and breaking inside); else one item per line. An only item that is a call
    /// gets at most `fn_call_width` columns for its first line (rustfmt's `last_item_shape`, "to avoid
    /// them being deeply nested"), even when the whole list would fit on the line.
    fn lines(
        &self,
        items: &[Expr],
        col: usize,
        indent: usize,
        reserve: usize,
        first_width: usize,
    ) -> Option<Vec<String>> {
        let open = &self.open;
        if let [only] = items {
            if only.is_nested_call() {
                let room = first_width.checked_sub(open.len())?.min(FN_CALL_WIDTH);
                if let Some(lines) = only.rewrite(col + open.len(), indent, reserve + 1, room) {
                    return Some(self.wrap(lines));
                }
            }
        }
        let flat = format!("{open}{}{}", flat_list(items), self.close);
        let list_width = flat.len() - open.len() - 1;
        let fits = col + flat.len() + reserve <= MAX_WIDTH && flat.len() <= first_width;
        if fits && (items.len() <= 1 || list_width <= self.limit) {
            return Some(vec![flat]);
        }
        if let [only] = items {
            if only.overflows() && !only.is_nested_call() {
                let room = first_width.checked_sub(open.len())?;
                if let Some(lines) = only.rewrite(col + open.len(), indent, reserve + 1, room) {
                    return Some(self.wrap(lines));
                }
            }
        }
        if open.len() > first_width || col + open.len() > MAX_WIDTH {
            return None;
        }
        let mut lines = vec![open.clone()];
        lines.extend(vertical(items, self.sep, indent + INDENT)?);
        lines.push(format!("{}{}", " ".repeat(indent), self.close));
        Some(lines)
    }

    /// The item's lines between this list's brackets.
    fn wrap(&self, mut lines: Vec<String>) -> Vec<String> {
        lines[0].insert_str(0, &self.open);
        lines.last_mut().expect("a layout has a line").push(self.close);
        lines
    }
}

/// Items one per line at `indent`, each with its separator. rustfmt leaves room for a comma after every
/// item, the last one of a macro's arguments included.
fn vertical(items: &[Expr], sep: Separator, indent: usize) -> Option<Vec<String>> {
    let mut lines = Vec::new();
    let pad = " ".repeat(indent);
    for (i, item) in items.iter().enumerate() {
        let mut item_lines = item.lines(indent, indent, 1)?;
        item_lines[0].insert_str(0, &pad);
        if i + 1 < items.len() || sep == Separator::Trailing {
            item_lines.last_mut()?.push(',');
        }
        lines.extend(item_lines);
    }
    Some(lines)
}

/// A statement `expr;` (or any `end`) at `indent`, as lines with their indentation. When nothing fits,
/// the statement stays on one line, as rustfmt leaves it.
pub(super) fn statement(indent: usize, expr: &Expr, end: &str) -> Vec<String> {
    let pad = " ".repeat(indent);
    match expr.lines(indent, indent, end.len()) {
        Some(mut lines) => {
            lines[0].insert_str(0, &pad);
            lines.last_mut().expect("a layout has a line").push_str(end);
            lines
        }
        None => vec![format!("{pad}{}{end}", expr.flat())],
    }
}

/// `head = expr;` (`let msg = "..."`, `pub const X: &str = "..."`), or `head:` and the type of a struct
/// field (`pub name: Type,`): on one line, else the right-hand side on the next line indented once more
/// (rustfmt's `rewrite_assign_rhs`); `sep` is ` =` or `:`.
pub(super) fn assign(indent: usize, head: &str, sep: &str, rhs: &Rhs, end: &str) -> Vec<String> {
    let pad = " ".repeat(indent);
    let col = indent + head.len() + sep.len() + 1;
    let same = rhs.lines(col, indent, end.len());
    if let Some(lines) = &same {
        if lines.len() == 1 {
            return vec![format!("{pad}{head}{sep} {}{end}", lines[0])];
        }
    }
    let next_indent = indent + INDENT;
    let next = rhs.lines(next_indent, next_indent, end.len());
    let use_next = match (&same, &next) {
        (_, None) => false,
        (None, Some(_)) => true,
        (Some(same), Some(next)) => prefer_next_line(same, next),
    };
    let (mut lines, first) = match (use_next, same, next) {
        (true, _, Some(next)) => (next, format!("{pad}{head}{sep}\n{}", " ".repeat(next_indent))),
        (false, Some(same), _) => (same, format!("{pad}{head}{sep} ")),
        _ => return vec![format!("{pad}{head}{sep} {}{end}", rhs.flat())],
    };
    lines[0].insert_str(0, &first);
    lines.last_mut().expect("a layout has a line").push_str(end);
    lines.join("\n").split('\n').map(String::from).collect()
}

/// rustfmt's `prefer_next_line`: the right-hand side goes to the next line when it fits there on one
/// line, or with fewer lines, or without opening a bracket at the end of its first line.
fn prefer_next_line(same: &[String], next: &[String]) -> bool {
    let ends_open = |lines: &[String], c: char| lines[0].ends_with(c);
    next.len() == 1
        || same.len() > next.len() + 1
        || ['(', '{', '['].iter().any(|&c| ends_open(same, c) && !ends_open(next, c))
}

/// The right-hand side of [`assign`]: an expression, or a type (which breaks at its `<`).
#[derive(Clone, Debug)]
pub(super) enum Rhs {
    Expr(Expr),
    Type(Type),
}

impl Rhs {
    fn lines(&self, col: usize, indent: usize, reserve: usize) -> Option<Vec<String>> {
        match self {
            Rhs::Expr(e) => e.lines(col, indent, reserve),
            Rhs::Type(t) => t.lines(col, indent, reserve),
        }
    }

    fn flat(&self) -> String {
        match self {
            Rhs::Expr(e) => e.flat(),
            Rhs::Type(t) => t.flat(),
        }
    }
}

/// A Rust type as far as its layout goes: a path, or a path with generic arguments.
#[derive(Clone, Debug, PartialEq)]
pub(super) enum Type {
    Path(String),
    Generic(String, Vec<Type>),
}

impl Type {
    pub(super) fn flat(&self) -> String {
        match self {
            Type::Path(p) => p.clone(),
            Type::Generic(p, args) => {
                format!("{p}<{}>", args.iter().map(Type::flat).collect::<Vec<_>>().join(", "))
            }
        }
    }

    /// On one line if it fits, else its generic arguments one per line (each with a trailing comma).
    fn lines(&self, col: usize, indent: usize, reserve: usize) -> Option<Vec<String>> {
        let flat = self.flat();
        if col + flat.len() + reserve <= MAX_WIDTH {
            return Some(vec![flat]);
        }
        let Type::Generic(p, args) = self else { return None };
        let inner = indent + INDENT;
        let mut lines = vec![format!("{p}<")];
        for a in args {
            let mut item = a.lines(inner, inner, 1)?;
            item[0].insert_str(0, &" ".repeat(inner));
            item.last_mut()?.push(',');
            lines.extend(item);
        }
        lines.push(format!("{}>", " ".repeat(indent)));
        Some(lines)
    }
}

/// A match arm `pat => body,` at `indent`: the body on the arm's line when it fits there on one line;
/// else in a block on the next lines when it fits there on one line; else broken on the arm's line
/// (rustfmt's `rewrite_match_body`, where a call, unlike a literal, stays on the arm's line broken rather
/// than go into a block broken).
pub(super) fn match_arm(indent: usize, pat: &str, body: &Expr) -> Vec<String> {
    let pad = " ".repeat(indent);
    let head = format!("{pad}{pat} => ");
    let same = body.lines(head.len(), indent, 1);
    if let Some(lines) = &same {
        if lines.len() == 1 {
            return vec![format!("{head}{},", lines[0])];
        }
    }
    let inner = indent + INDENT;
    let next = body.lines(inner, inner, 0);
    let block = |lines: Vec<String>| {
        let mut out = vec![format!("{head}{{"), format!("{}{}", " ".repeat(inner), lines[0])];
        out.extend(lines[1..].iter().cloned());
        out.push(format!("{pad}}}"));
        out
    };
    let arm_line = |mut lines: Vec<String>| {
        lines[0].insert_str(0, &head);
        lines.last_mut().expect("a layout has a line").push(',');
        lines
    };
    match (same, next) {
        (Some(same), Some(next)) if prefer_next_line(&same, &next) => block(next),
        (Some(same), _) if body.overflows() => arm_line(same),
        (Some(same), Some(next)) if same.len() > 1 => block(next),
        (None, Some(next)) => block(next),
        (Some(same), _) => arm_line(same),
        (None, None) => vec![format!("{head}{},", body.flat())],
    }
}

/// `#[name(args)]` at `indent`: on one line when the arguments take at most `attr_fn_like_width`
/// columns and the line fits, else one argument per line without a trailing comma.
pub(super) fn attribute(indent: usize, name: &str, args: &[&str]) -> Vec<String> {
    let pad = " ".repeat(indent);
    let list = args.join(", ");
    let flat = format!("{pad}#[{name}({list})]");
    if flat.len() <= MAX_WIDTH && list.len() <= ATTR_FN_LIKE_WIDTH {
        return vec![flat];
    }
    let inner = " ".repeat(indent + INDENT);
    let mut lines = vec![format!("{pad}#[{name}(")];
    for (i, a) in args.iter().enumerate() {
        lines.push(format!("{inner}{a}{}", if i + 1 < args.len() { "," } else { "" }));
    }
    lines.push(format!("{pad})]"));
    lines
}

/// A field of a struct literal, `name: receiver.method(...)?,` at `indent`: on one line when it fits and
/// the chain takes at most `chain_width` columns, else the method call on the next line, indented once
/// more (a receiver longer than the indent width never keeps its first call on its line).
pub(super) fn struct_field(indent: usize, name: &str, receiver: &str, calls: &str) -> Vec<String> {
    let pad = " ".repeat(indent);
    let chain = format!("{receiver}{calls}");
    let line = format!("{pad}{name}: {chain},");
    // The `?` that ends the chain takes a column of rustfmt's budget twice: lines of 99 columns break.
    if line.len() < MAX_WIDTH - 1 && chain.len() <= CHAIN_WIDTH {
        return vec![line];
    }
    vec![format!("{pad}{name}: {receiver}"), format!("{pad}{}{calls},", " ".repeat(INDENT))]
}

/// `if self.field.is_some() {` at `indent`, the chain one element per line past `chain_width`.
pub(super) fn if_some(indent: usize, field: &str) -> Vec<String> {
    let pad = " ".repeat(indent);
    let chain = format!("self.{field}.is_some()");
    if chain.len() <= CHAIN_WIDTH && indent + "if  {".len() + chain.len() <= MAX_WIDTH {
        return vec![format!("{pad}if {chain} {{")];
    }
    let inner = " ".repeat(indent + INDENT);
    vec![format!("{pad}if self"), format!("{inner}.{field}"), format!("{inner}.is_some()"), format!("{pad}{{")]
}

/// `if let PATTERN = EXPR {` at `indent`: on one line when it fits, else the expression on the next line,
/// indented once more, and the brace on a line of its own.
pub(super) fn if_let(indent: usize, pattern: &str, expr: &str) -> Vec<String> {
    let pad = " ".repeat(indent);
    let line = format!("{pad}if let {pattern} = {expr} {{");
    if line.len() <= MAX_WIDTH {
        return vec![line];
    }
    vec![format!("{pad}if let {pattern} ="), format!("{pad}{}{expr}", " ".repeat(INDENT)), format!("{pad}{{")]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lit(s: &str) -> Expr {
        Expr::atom(format!("{s:?}"))
    }

    #[test]
    fn calls_stay_on_one_line_until_a_limit() {
        let check = |name: &str| {
            Expr::call("rt::check_len", vec![Expr::atom("path"), lit(name), Expr::atom("v.len()"), Expr::atom("None")])
                .try_()
        };
        assert_eq!(statement(12, &check("text"), ";"), ["            rt::check_len(path, \"text\", v.len(), None)?;"]);
        // 61 columns of arguments: one per line, though the line would fit in 100.
        let long = check(&"x".repeat(38));
        assert_eq!(long.flat().len() - "rt::check_len()?".len(), 61);
        assert!(12 + long.flat().len() < MAX_WIDTH, "the statement would fit on its line");
        assert_eq!(statement(12, &long, ";").len(), 6);
        assert_eq!(statement(12, &long, ";")[5], "            )?;");
    }

    #[test]
    fn an_only_argument_that_is_a_call_overflows() {
        let err = Expr::call(
            "Err",
            vec![Expr::call("serde::de::Error::custom", vec![Expr::format(vec![lit("`{other}` is not common.Role")])])],
        );
        assert_eq!(
            match_arm(16, "other", &err),
            [
                "                other => Err(serde::de::Error::custom(format!(",
                "                    \"`{other}` is not common.Role\"",
                "                ))),",
            ]
        );
    }

    #[test]
    fn long_arms_go_into_blocks() {
        let v = format!("Role::{}", "V".repeat(60));
        assert_eq!(match_arm(16, &v, &lit("w")).len(), 1);
        let arm = match_arm(16, &v, &lit(&"w".repeat(20)));
        assert_eq!(arm.len(), 3, "{arm:?}");
        assert!(arm[0].ends_with(" => {") && arm[2] == "                }");
    }

    #[test]
    fn attributes_and_types_break_at_their_brackets() {
        let args = ["default", "skip_serializing_if = \"Option::is_none\"", "deserialize_with = \"rt::present\""];
        let attr = attribute(8, "serde", &args);
        assert_eq!(attr.len(), 5);
        assert_eq!(attr[3], "            deserialize_with = \"rt::present\"");
        // Too long for the field's line and for the next line: the generic argument goes on a line of its own.
        let ty = Type::Generic("Option".into(), vec![Type::Path("x".repeat(80))]);
        let field = assign(8, "pub f", ":", &Rhs::Type(ty), ",");
        assert_eq!(field[0], "        pub f: Option<");
        assert_eq!(field.last().unwrap(), "        >,");
    }

    #[test]
    fn long_if_let_puts_the_expression_and_the_brace_on_lines_of_their_own() {
        assert_eq!(if_let(12, "Some(v)", "&self.x"), ["            if let Some(v) = &self.x {"]);
        let long = format!("&self.{}", "y".repeat(64));
        assert_eq!(
            if_let(12, "Some(Some(v))", &long),
            [
                "            if let Some(Some(v)) =".to_string(),
                format!("                {long}"),
                "            {".into()
            ]
        );
    }
}
