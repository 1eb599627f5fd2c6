//! The formatter: one canonical layout for `.policy` files, comments kept.
//!
//! It prints the syntax tree back as text (so the result parses to the same
//! tree), with minimal parentheses, two-space indentation, aligned schema
//! fields, and long expressions broken at `and`/`or`, arguments and list
//! elements. Comments are taken from the source text and put back before the
//! declaration, field or clause they preceded, or at the end of the line they
//! ended. Blank lines between declarations are kept (at most one).

use std::fmt::Write as _;

use crate::diag::{codes, Diagnostic, Diagnostics};
use crate::source::{SourceFile, Sources};
use crate::syntax::ast::{
    BinOp, Effect, Expr, ExprKind, File, Ident, IsTest, Item, Quant, Rule, Template, TemplatePart,
    TypeExpr, UnOp,
};
use crate::syntax::lexicon::{self, power};

/// The widest line the formatter aims for.
const WIDTH: usize = 100;

/// Marks where a trailing comment starts, until its block is aligned.
const ALIGN: char = '\u{1}';

/// Aligns the trailing comments of the lines after byte `from` of `out`.
fn align_comments(out: &mut String, from: usize) {
    let block = out.split_off(from.min(out.len()));
    let width = block
        .lines()
        .filter_map(|l| l.find(ALIGN))
        .max()
        .unwrap_or(0);
    for line in block.split_inclusive('\n') {
        match line.split_once(ALIGN) {
            Some((code, comment)) => {
                out.push_str(code);
                out.push_str(&" ".repeat(width - code.len() + 1));
                out.push_str(comment);
            }
            None => out.push_str(line),
        }
    }
}

/// Formats one `.policy` file. A file with syntax errors is not formatted:
/// its diagnostics are returned instead.
///
/// ```
/// let text = "package  demo\nlet x=1+2 # three\n";
/// let formatted = pactum::format_source("demo.policy", text).unwrap();
/// assert_eq!(formatted, "package demo\nlet x = 1 + 2 # three\n");
/// // Formatting is idempotent.
/// assert_eq!(pactum::format_source("demo.policy", &formatted).unwrap(), formatted);
/// ```
pub fn format_source(name: &str, text: &str) -> Result<String, Diagnostics> {
    // A byte-order mark is kept as it was; the layout is that of the text
    // after it, which is what the parser reads (`SourceFile::policy`).
    let bom = text.starts_with(crate::source::BOM);
    let file = SourceFile::policy(name, text);
    let formatted = format_file(file)?;
    Ok(if bom {
        format!("{}{formatted}", crate::source::BOM)
    } else {
        formatted
    })
}

/// [`format_source`] on a policy file without its byte-order mark.
fn format_file(file: SourceFile) -> Result<String, Diagnostics> {
    let mut sources = Sources::default();
    let id = sources.add(file);
    let text = sources
        .get(id)
        .map(|f| f.text().to_owned())
        .unwrap_or_default();
    let text = text.as_str();
    let crate::syntax::Parsed {
        file,
        diagnostics: mut diags,
    } = crate::syntax::parse(&sources, id, &crate::Limits::default());
    if diags.has_errors() {
        return Err(diags);
    }
    for item in &file.items {
        if let Item::Rule(r) = item {
            if let Some(first) = r.repeated.first() {
                let d = Diagnostic::new(
                    codes::CHECK_RULE_SHAPE,
                    format!("rule `{}` has a clause twice", r.name.node),
                )
                .at(&sources, *first, "repeated clause")
                .help(
                    "join the two clauses into one before formatting (`pactum validate` explains)",
                );
                diags.push(d);
                return Err(diags);
            }
        }
    }
    let comments = comments(text);
    let mut p = Printer {
        text,
        out: String::new(),
        comments,
        next_comment: 0,
    };
    p.file(&file);
    Ok(p.finish())
}

/// Prints a syntax tree without its comments: for rewrites of the tree
/// (the metamorphic tests of the `testing` feature), whose spans no longer
/// say where comments stood.
#[cfg(feature = "testing")]
pub(crate) fn print(file: &File) -> String {
    let mut p = Printer {
        text: "",
        out: String::new(),
        comments: Vec::new(),
        next_comment: 0,
    };
    p.file(file);
    p.finish()
}

/// A comment in the source: where it starts and its text (from `#`).
#[derive(Debug)]
struct Comment {
    offset: usize,
    text: String,
}

/// Every comment of `text`, in order (a `#` inside a string is not one).
fn comments(text: &str) -> Vec<Comment> {
    let mut out = Vec::new();
    let mut line_start = 0;
    for line in text.split_inclusive('\n') {
        let mut in_string = false;
        let mut escaped = false;
        for (i, c) in line.char_indices() {
            if in_string {
                match c {
                    _ if escaped => escaped = false,
                    '\\' => escaped = true,
                    '"' => in_string = false,
                    _ => {}
                }
                continue;
            }
            match c {
                '"' => in_string = true,
                '#' => {
                    out.push(Comment {
                        offset: line_start + i,
                        text: line.get(i..).unwrap_or("").trim_end().to_string(),
                    });
                    break;
                }
                _ => {}
            }
        }
        line_start += line.len();
    }
    out
}

struct Printer<'a> {
    text: &'a str,
    out: String,
    comments: Vec<Comment>,
    next_comment: usize,
}

/// How tightly `e` binds its operands: the parser's binding powers.
fn prec(e: &Expr) -> u8 {
    match &e.kind {
        ExprKind::Binary(op, _, _) => lexicon::binary_entry(*op).1,
        ExprKind::Unary(UnOp::Not, _) => power::NOT,
        ExprKind::Is { .. } => power::COMPARE,
        ExprKind::Unary(UnOp::Neg, _) => power::NEG,
        // Open to the right: they take everything after them.
        ExprKind::If(..) | ExprKind::Quant { .. } => 0,
        _ => power::POSTFIX,
    }
}

impl<'a> Printer<'a> {
    fn finish(mut self) -> String {
        self.out = self.out.replace(ALIGN, " ");
        // Comments after the last declaration.
        let rest: Vec<String> = self
            .comments
            .drain(self.next_comment..)
            .map(|c| c.text)
            .collect();
        for c in rest {
            self.out.push_str(&c);
            self.out.push('\n');
        }
        let mut s = self.out.trim_end().to_string();
        // An empty (or blank) file stays empty: a lone newline is not a
        // layout, and `fmt --check` must not call an empty file unformatted.
        if !s.is_empty() {
            s.push('\n');
        }
        s
    }

    fn line_of(&self, offset: usize) -> usize {
        self.text.get(..offset).unwrap_or("").matches('\n').count()
    }

    /// Whether the source line before the one holding `offset` is blank.
    fn blank_before(&self, offset: usize) -> bool {
        let line = self.line_of(offset);
        line > 0
            && self
                .text
                .lines()
                .nth(line - 1)
                .is_some_and(|l| l.trim().is_empty())
    }

    /// Prints the comments that come before `offset`, each on its own line,
    /// and a blank line where the source had one.
    fn leading(&mut self, offset: usize, indent: &str) {
        while let Some(c) = self.comments.get(self.next_comment) {
            if c.offset >= offset {
                break;
            }
            let (start, text) = (c.offset, c.text.clone());
            self.blank_line_if(start);
            let _ = writeln!(self.out, "{indent}{text}");
            self.next_comment += 1;
        }
        self.blank_line_if(offset);
    }

    /// Keeps one blank line where the source had one before `offset`'s line
    /// (never at the start of the file or of a block, never two).
    fn blank_line_if(&mut self, offset: usize) {
        if self.blank_before(offset)
            && !self.out.is_empty()
            && !self.out.ends_with("{\n")
            && !self.out.ends_with("\n\n")
        {
            self.out.push('\n');
        }
    }

    /// Ends a printed line, adding the trailing comment written on the
    /// source line of `offset`, if any.
    fn end_line(&mut self, offset: usize) {
        self.end_lines(offset, offset);
    }

    /// Ends a printed line, adding as one trailing comment every comment
    /// written on the source lines from `start`'s to `end`'s.
    fn end_lines(&mut self, start: usize, end: usize) {
        let last = self.line_of(end);
        let mut texts = Vec::new();
        while let Some(c) = self.comments.get(self.next_comment) {
            if c.offset < start || self.line_of(c.offset) > last {
                break;
            }
            texts.push(c.text.clone());
            self.next_comment += 1;
        }
        if !texts.is_empty() {
            // Marked, so that a block can align its trailing comments.
            self.out.push(ALIGN);
            self.out.push_str(&texts.join(" "));
        }
        self.out.push('\n');
    }

    fn file(&mut self, file: &File) {
        let mut i = 0;
        while let Some(item) = file.items.get(i) {
            if let Item::Rule(r) = item {
                if !r.guards.is_empty() {
                    // A `when` block: the run of rules sharing its guard.
                    let mut j = i;
                    let mut group = Vec::new();
                    while let Some(Item::Rule(other)) = file.items.get(j) {
                        if other.guards.first().map(|g| g.span) != r.guards.first().map(|g| g.span)
                        {
                            break;
                        }
                        group.push(other);
                        j += 1;
                    }
                    self.when_block(&group, 0, "");
                    i = j;
                    continue;
                }
            }
            self.item(item);
            i += 1;
        }
    }

    fn when_block(&mut self, rules: &[&Rule], level: usize, indent: &str) {
        let Some(guard) = rules.first().and_then(|r| r.guards.get(level)) else {
            for r in rules {
                self.rule(r, indent);
            }
            return;
        };
        let start = guard.span.start as usize;
        self.leading(start, indent);
        let cond = self.expr_block(guard, indent.len() + 5, indent);
        let _ = write!(self.out, "{indent}when {cond} {{");
        self.end_lines(start, guard.span.end as usize);
        let inner = format!("{indent}  ");
        let mut i = 0;
        while let Some(r) = rules.get(i) {
            if r.guards.len() > level + 1 {
                let key = r.guards.get(level + 1).map(|g| g.span);
                let mut j = i;
                while rules
                    .get(j)
                    .is_some_and(|o| o.guards.get(level + 1).map(|g| g.span) == key)
                {
                    j += 1;
                }
                self.when_block(rules.get(i..j).unwrap_or(&[]), level + 1, &inner);
                i = j;
            } else {
                self.rule(r, &inner);
                i += 1;
            }
        }
        let _ = writeln!(self.out, "{indent}}}");
    }

    fn item(&mut self, item: &Item) {
        match item {
            Item::Package(n) => {
                self.leading(n.span.start as usize, "");
                let _ = write!(self.out, "package {}", n.node);
                self.end_line(n.span.start as usize);
            }
            Item::Identify(parts, span) => {
                self.leading(span.start as usize, "");
                let path: Vec<&str> = parts.iter().map(|p| &*p.node).collect();
                let _ = write!(self.out, "requests are identified by {}", path.join("."));
                self.end_line(span.start as usize);
            }
            Item::Type(n, t) => {
                self.leading(n.span.start as usize, "");
                let _ = write!(self.out, "type {} = ", n.node);
                self.type_expr(t, "", n.span.start as usize);
            }
            Item::Schema { name, optional, ty } => {
                self.leading(name.span.start as usize, "");
                let opt = if *optional { "optional " } else { "" };
                let _ = write!(self.out, "{opt}schema {} ", name.node);
                match ty {
                    TypeExpr::Record(fields, _) => {
                        self.record_block(fields, "", name.span.start as usize)
                    }
                    other => self.type_expr(other, "", name.span.start as usize),
                }
            }
            Item::Let(n, e) | Item::Output(n, e) => {
                let kw = if matches!(item, Item::Let(..)) {
                    "let"
                } else {
                    "output"
                };
                let start = n.span.start as usize;
                self.leading(start, "");
                let head = format!("{kw} {} = ", n.node);
                let one = self.expr(e, 0);
                if head.len() + one.len() <= WIDTH {
                    let _ = write!(self.out, "{head}{one}");
                } else if matches!(e.kind, ExprKind::Call(..) | ExprKind::List(..)) {
                    // Brackets open on the same line.
                    let _ = write!(self.out, "{head}{}", self.broken(e, ""));
                } else if 2 + one.len() <= WIDTH {
                    let _ = write!(self.out, "{kw} {} =\n  {one}", n.node);
                } else {
                    let _ = write!(self.out, "{kw} {} =\n  {}", n.node, self.broken(e, "  "));
                }
                self.end_lines(start, e.span.end as usize);
            }
            Item::Rule(r) => self.rule(r, ""),
        }
    }

    fn rule(&mut self, r: &Rule, indent: &str) {
        let start = r.span.start as usize;
        self.leading(start, indent);
        let _ = write!(self.out, "{indent}rule {} {{", r.name.node);
        self.end_line(start);
        let inner = format!("{indent}  ");
        if let Some((effect, code)) = &r.effect {
            let at = effect.span.start as usize;
            self.leading(at, &inner);
            let kw = if effect.node == Effect::Deny {
                "deny"
            } else {
                "note"
            };
            let _ = write!(self.out, "{inner}{kw} {}", code.node);
            self.end_line(at);
        }
        if let Some(w) = &r.when {
            let at = w.span.start as usize;
            self.leading(at, &inner);
            let cond = self.expr_block(w, inner.len() + 5, &inner);
            let _ = write!(self.out, "{inner}when {cond}");
            self.end_lines(at, w.span.end as usize);
        }
        for (kw, t) in [("message", &r.message), ("help", &r.help)] {
            if let Some(t) = t {
                let at = t.span.start as usize;
                self.leading(at, &inner);
                let _ = write!(self.out, "{inner}{kw} {}", self.template(t));
                self.end_lines(at, t.span.end as usize);
            }
        }
        // Comments inside the rule, after its last clause.
        self.leading(r.span.end as usize, &inner);
        let _ = writeln!(self.out, "{indent}}}");
    }

    /// An expression after a keyword at column `col`: on one line when it
    /// fits, else broken with continuation lines indented under `indent`.
    fn expr_block(&self, e: &Expr, col: usize, indent: &str) -> String {
        let one = self.expr(e, 0);
        if col + one.len() <= WIDTH {
            one
        } else {
            self.broken(e, &format!("{indent}  "))
        }
    }

    /// `e` broken over lines: `and`/`or` chains one operand a line, calls and
    /// lists one element a line, `if` one branch a line.
    fn broken(&self, e: &Expr, indent: &str) -> String {
        match &e.kind {
            ExprKind::Binary(op @ (BinOp::And | BinOp::Or), _, _) => {
                let mut parts = Vec::new();
                chain(e, *op, &mut parts);
                let p = prec(e);
                let mut s = String::new();
                for (i, part) in parts.iter().enumerate() {
                    let text = self.fits_or_break(part, p + 1, indent);
                    if i == 0 {
                        s.push_str(&text);
                    } else {
                        let _ = write!(s, "\n{indent}{} {text}", op.symbol());
                    }
                }
                s
            }
            ExprKind::Call(name, args) if !args.is_empty() => {
                let inner = format!("{indent}  ");
                let mut s = format!("{}(", name.node);
                for a in args {
                    let _ = write!(s, "\n{inner}{},", self.fits_or_break(a, 0, &inner));
                }
                let _ = write!(s, "\n{indent})");
                s
            }
            ExprKind::List(items) if !items.is_empty() => {
                let inner = format!("{indent}  ");
                let mut s = String::from("[");
                for a in items {
                    let _ = write!(s, "\n{inner}{},", self.fits_or_break(a, 0, &inner));
                }
                let _ = write!(s, "\n{indent}]");
                s
            }
            ExprKind::If(c, t, f) => format!(
                "if {}\n{indent}then {}\n{indent}else {}",
                self.fits_or_break(c, 0, indent),
                self.fits_or_break(t, 0, indent),
                self.fits_or_break(f, 0, indent)
            ),
            _ => self.expr(e, 0),
        }
    }

    fn fits_or_break(&self, e: &Expr, min: u8, indent: &str) -> String {
        let one = self.expr(e, min);
        if indent.len() + one.len() <= WIDTH || prec(e) < min {
            one
        } else {
            self.broken(e, indent)
        }
    }

    /// `e` on one line, in parentheses when its precedence is below `min`.
    fn expr(&self, e: &Expr, min: u8) -> String {
        let s = match &e.kind {
            ExprKind::Bool(b) => b.to_string(),
            ExprKind::Int(t) | ExprKind::Decimal(t) => t.to_string(),
            ExprKind::Str(t) => self.template(t),
            ExprKind::None => "none".into(),
            ExprKind::Name(n) => n.to_string(),
            ExprKind::Field(inner, f) => {
                format!("{}.{}", self.expr(inner, power::POSTFIX), f.node)
            }
            ExprKind::Call(n, args) => {
                let args: Vec<String> = args.iter().map(|a| self.expr(a, 0)).collect();
                format!("{}({})", n.node, args.join(", "))
            }
            ExprKind::List(items) => {
                let items: Vec<String> = items.iter().map(|a| self.expr(a, 0)).collect();
                format!("[{}]", items.join(", "))
            }
            ExprKind::Unary(UnOp::Not, x) => format!("not {}", self.expr(x, power::NOT)),
            ExprKind::Unary(UnOp::Neg, x) => format!("-{}", self.expr(x, power::NEG)),
            ExprKind::Binary(op, a, b) => {
                let p = prec(e);
                format!(
                    "{} {} {}",
                    self.expr(a, p),
                    op.symbol(),
                    self.expr(b, p + 1)
                )
            }
            ExprKind::Is {
                subject,
                negated,
                test,
            } => {
                let not = if *negated { "not " } else { "" };
                let test = match test {
                    IsTest::Present => "present".to_string(),
                    IsTest::Absent => "absent".to_string(),
                    IsTest::Variant(v) => v.node.to_string(),
                };
                format!("{} is {not}{test}", self.expr(subject, power::COMPARE))
            }
            ExprKind::If(c, t, f) => format!(
                "if {} then {} else {}",
                self.expr(c, 0),
                self.expr(t, 0),
                self.expr(f, 0)
            ),
            ExprKind::Quant {
                kind,
                var,
                list,
                body,
            } => {
                let (kw, sep) = match kind {
                    Quant::Any => ("any", "where"),
                    Quant::All => ("all", "where"),
                    Quant::Count => ("count", "where"),
                    Quant::Sum => ("sum", "of"),
                };
                let mut s = format!("{kw} {} in {}", var.node, self.expr(list, power::POSTFIX));
                if let Some(b) = body {
                    let _ = write!(s, " {sep} {}", self.expr(b, 0));
                }
                s
            }
        };
        let open_right = matches!(e.kind, ExprKind::If(..) | ExprKind::Quant { .. });
        if prec(e) < min || (open_right && min > 0) {
            format!("({s})")
        } else {
            s
        }
    }

    fn template(&self, t: &Template) -> String {
        let mut s = String::from("\"");
        for p in &t.parts {
            match p {
                TemplatePart::Text(text) => {
                    for c in text.chars() {
                        match lexicon::escape_of(c) {
                            Some(escape) => s.push_str(escape),
                            None => s.push(c),
                        }
                    }
                }
                TemplatePart::Expr(e) => {
                    let _ = write!(s, "{{{}}}", self.expr(e, 0));
                }
            }
        }
        s.push('"');
        s
    }

    /// A type on the current line; a record that does not fit becomes a
    /// block. Ends the line.
    fn type_expr(&mut self, t: &TypeExpr, indent: &str, at: usize) {
        let one = type_inline(t);
        let col = self.out.rsplit('\n').next().map_or(0, str::len);
        match t {
            TypeExpr::Record(fields, _)
                if col + one.len() > WIDTH || self.has_comments_inside(t) =>
            {
                self.record_block(fields, indent, at)
            }
            _ => {
                self.out.push_str(&one);
                self.end_lines(at, t.span().end as usize);
            }
        }
    }

    fn has_comments_inside(&self, t: &TypeExpr) -> bool {
        let span = match t {
            TypeExpr::Record(_, s) => *s,
            _ => return false,
        };
        self.comments
            .iter()
            .skip(self.next_comment)
            .any(|c| c.offset > span.start as usize && c.offset < span.end as usize)
    }

    /// `{`, one field a line with aligned types, `}`. Ends the line.
    fn record_block(&mut self, fields: &[(Ident, TypeExpr)], indent: &str, at: usize) {
        self.out.push('{');
        self.end_line(at);
        let from = self.out.len();
        let inner = format!("{indent}  ");
        let width = fields.iter().map(|(n, _)| n.node.len()).max().unwrap_or(0);
        for (name, ty) in fields {
            let start = name.span.start as usize;
            self.leading(start, &inner);
            let pad = " ".repeat(width - name.node.len());
            let _ = write!(self.out, "{inner}{}: {pad}", name.node);
            self.type_expr(ty, &inner, start);
        }
        align_comments(&mut self.out, from);
        let _ = writeln!(self.out, "{indent}}}");
    }
}

fn chain<'e>(e: &'e Expr, op: BinOp, out: &mut Vec<&'e Expr>) {
    match &e.kind {
        ExprKind::Binary(o, a, b) if *o == op => {
            chain(a, op, out);
            out.push(b);
        }
        _ => out.push(e),
    }
}

/// A type on one line.
fn type_inline(t: &TypeExpr) -> String {
    match t {
        TypeExpr::Prim(p) => lexicon::prim_name(p.node).to_string(),
        TypeExpr::Optional(inner, _) => format!("optional {}", type_inline(inner)),
        TypeExpr::List(inner, _) => format!("list of {}", type_inline(inner)),
        TypeExpr::Enum(vs, _) => {
            let names: Vec<&str> = vs.iter().map(|v| &*v.node).collect();
            format!("one of {}", names.join(", "))
        }
        TypeExpr::Record(fields, _) => {
            let fs: Vec<String> = fields
                .iter()
                .map(|(n, t)| format!("{}: {}", n.node, type_inline(t)))
                .collect();
            format!("{{ {} }}", fs.join(", "))
        }
        TypeExpr::Named(n) => n.node.to_string(),
    }
}

/// The syntax tree of a file with every span zeroed, for comparing the
/// meaning of two texts (tests of the formatter).
#[cfg(any(test, feature = "testing"))]
pub fn shape(name: &str, text: &str) -> Option<String> {
    let mut sources = Sources::default();
    let id = sources.add(SourceFile::policy(name, text));
    let parsed = crate::syntax::parse(&sources, id, &crate::Limits::default());
    if parsed.diagnostics.has_errors() {
        return None;
    }
    let file = parsed.file;
    let debug = format!("{:?}", file.items);
    // Spans print as `Span { file: 0, start: N, end: M }`: drop them.
    let mut out = String::with_capacity(debug.len());
    let mut rest = debug.as_str();
    while let Some(i) = rest.find("Span {") {
        out.push_str(rest.get(..i).unwrap_or(""));
        rest = rest.get(i..).unwrap_or("");
        let end = rest.find('}').map_or(rest.len(), |j| j + 1);
        rest = rest.get(end..).unwrap_or("");
    }
    out.push_str(rest);
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fmt(s: &str) -> String {
        format_source("t.policy", s).unwrap()
    }

    #[test]
    fn minimal_parentheses_keep_the_meaning() {
        let src = "package p\nlet x = (a + b) * c\nlet y = a + (b * c)\nlet z = not (a and b)\nlet w = (if a then 1 else 2) + 3\n";
        let out = fmt(src);
        assert!(out.contains("let x = (a + b) * c"), "{out}");
        assert!(out.contains("let y = a + b * c"), "{out}");
        assert!(out.contains("let z = not (a and b)"), "{out}");
        assert!(out.contains("let w = (if a then 1 else 2) + 3"), "{out}");
        assert_eq!(shape("a", src), shape("b", &out));
    }

    #[test]
    fn comments_are_kept_in_place() {
        let src = "# head\npackage p\n\n# about x\nlet x = 1 # one\nschema s {\n  # the a\n  a: int # trailing\n  bb: string\n}\n# tail\n";
        let out = fmt(src);
        assert_eq!(
            out,
            "# head\npackage p\n\n# about x\nlet x = 1 # one\nschema s {\n  # the a\n  a:  int # trailing\n  bb: string\n}\n# tail\n"
        );
        assert_eq!(fmt(&out), out);
    }

    #[test]
    fn when_blocks_are_rebuilt() {
        let src = "package p\nwhen a { rule r { deny R when b message \"m\" help \"h\" } rule s { note S message \"n\" } }\n";
        let out = fmt(src);
        assert!(
            out.contains("when a {\n  rule r {\n    deny R\n    when b\n"),
            "{out}"
        );
        assert_eq!(shape("a", src), shape("b", &out));
        assert_eq!(fmt(&out), out);
    }

    #[test]
    fn strings_keep_their_escapes() {
        let src = "package p\nlet s = \"a \\\"q\\\" {{x}} {n + 1} \\\\ \\n\"\n";
        let out = fmt(src);
        assert_eq!(shape("a", src), shape("b", &out));
        assert_eq!(fmt(&out), out);
    }
}
