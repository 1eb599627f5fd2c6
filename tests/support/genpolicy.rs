//! A seeded generator of whole packages and of facts for them, for the
//! differential (`tests/differential.rs`) and metamorphic
//! (`tests/metamorphic.rs`) tests.
//!
//! It aims at the shapes that scope and memoization bugs need: quantifiers
//! nested in quantifiers (over a list of records and over a list inside each
//! record), computed values that hold quantifiers and are read from inside
//! other quantifiers, from several rules, messages and outputs, in every
//! order of first use; optional values narrowed by presence tests or given a
//! default with `otherwise`; `when` blocks whose shared condition reads the
//! same computed values.
//!
//! Every generated package checks (a test fails if one does not). Division
//! is left out, and numbers stay small, so a generated request is always
//! decided: a fault is then a finding, not noise.
#![allow(dead_code)]

/// A small deterministic generator (SplitMix64). A fuzzer steers it by
/// handing it bytes ([`Rng::from_bytes`]): each draw takes the next one,
/// and SplitMix64 takes over when they run out.
pub struct Rng(u64, Vec<u8>);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed ^ 0x9e37_79b9_7f4a_7c15, Vec::new())
    }

    /// Draws steered by `bytes`, one a draw, in order.
    pub fn from_bytes(bytes: &[u8]) -> Self {
        let mut rest = bytes.to_vec();
        rest.reverse();
        Rng(bytes.len() as u64, rest)
    }

    pub fn next(&mut self) -> u64 {
        if let Some(b) = self.1.pop() {
            return u64::from(b);
        }
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (`n > 0`).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    /// True with probability `p` in 100.
    pub fn chance(&mut self, p: usize) -> bool {
        self.below(100) < p
    }

    pub fn pick<'a, T>(&mut self, xs: &'a [T]) -> &'a T {
        &xs[self.below(xs.len())]
    }
}

/// The schema every generated package shares.
pub const SCHEMA: &str = "package gen
requests are identified by r.id
schema r {
  id:    string
  a:     int
  b:     int
  x:     decimal
  flag:  bool
  k:     one of p, q, z
  opt:   optional int
  dflt:  optional int
  od:    optional decimal
  items: list of int
  lines: list of { price: decimal, qty: int, st: one of open, blocked, tag: optional string, subs: list of int }
}
";

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Ty {
    Int,
    Dec,
    Bool,
    /// `optional int`, only ever tested for presence (narrowed)
    OptInt,
    /// `optional int`, only ever read with a default (`otherwise`): a
    /// presence test before it would make the default an error
    OptDefault,
}

/// A quantifier variable in scope: its name and whether it is a line
/// (a record of `r.lines`) or a whole number.
#[derive(Clone)]
struct Var {
    name: String,
    line: bool,
}

struct Gen<'r> {
    rng: &'r mut Rng,
    /// The computed values that may be read: name and type.
    lets: Vec<(String, Ty)>,
    /// Fresh names for quantifier variables.
    fresh: usize,
}

impl Gen<'_> {
    fn var(&mut self, prefix: &str) -> String {
        self.fresh += 1;
        format!("{prefix}{}", self.fresh)
    }

    fn let_of(&mut self, ty: Ty) -> Option<String> {
        let xs: Vec<&String> = self
            .lets
            .iter()
            .filter(|(_, t)| *t == ty)
            .map(|(n, _)| n)
            .collect();
        if xs.is_empty() {
            None
        } else {
            Some(xs[self.rng.below(xs.len())].clone())
        }
    }

    fn int(&mut self, depth: u32, scope: &[Var]) -> String {
        let lines: Vec<&Var> = scope.iter().filter(|v| v.line).collect();
        let ints: Vec<&Var> = scope.iter().filter(|v| !v.line).collect();
        if depth == 0 || self.rng.chance(35) {
            return match self.rng.below(9) {
                0 => "r.a".into(),
                1 => "r.b".into(),
                2 => self.rng.below(4).to_string(),
                3 => "length(r.items)".into(),
                4 if !ints.is_empty() => ints[self.rng.below(ints.len())].name.clone(),
                5 if !lines.is_empty() => {
                    format!("{}.qty", lines[self.rng.below(lines.len())].name)
                }
                6 => format!("(r.dflt otherwise {})", self.rng.below(3)),
                7 => match self.let_of(Ty::Int) {
                    Some(l) => l,
                    None => "r.b".into(),
                },
                8 => match self.let_of(Ty::OptDefault) {
                    Some(l) => format!("({l} otherwise r.a)"),
                    None => "r.a".into(),
                },
                _ => "1".into(),
            };
        }
        let d = depth - 1;
        match self.rng.below(7) {
            0 | 1 => {
                let op = *self.rng.pick(&["+", "-", "*"]);
                format!("({} {op} {})", self.int(d, scope), self.int(d, scope))
            }
            2 => format!(
                "(if {} then {} else {})",
                self.bool(d, scope),
                self.int(d, scope),
                self.int(d, scope)
            ),
            3 => {
                let (list, var) = self.list(scope);
                let mut inner = scope.to_vec();
                inner.push(var.clone());
                format!(
                    "(count {} in {list} where {})",
                    var.name,
                    self.bool(d, &inner)
                )
            }
            4 => {
                let v = self.var("i");
                let list = self.int_list(scope);
                let mut inner = scope.to_vec();
                inner.push(Var {
                    name: v.clone(),
                    line: false,
                });
                format!("(sum {v} in {list} of {})", self.int(d, &inner))
            }
            5 => format!("max({}, {})", self.int(d, scope), self.int(d, scope)),
            _ => format!("(-{})", self.int(d, scope)),
        }
    }

    fn dec(&mut self, depth: u32, scope: &[Var]) -> String {
        let lines: Vec<&Var> = scope.iter().filter(|v| v.line).collect();
        if depth == 0 || self.rng.chance(35) {
            return match self.rng.below(7) {
                0 => "r.x".into(),
                1 => (*self.rng.pick(&["1.5", "0.25", "2.00", "0.005"])).into(),
                2 if !lines.is_empty() => {
                    format!("{}.price", lines[self.rng.below(lines.len())].name)
                }
                3 => "(r.od otherwise 0.50)".into(),
                4 => match self.let_of(Ty::Dec) {
                    Some(l) => l,
                    None => "r.x".into(),
                },
                5 => {
                    let v = self.var("s");
                    format!("(sum {v} in r.lines of {v}.price)")
                }
                _ => "0.10".into(),
            };
        }
        let d = depth - 1;
        match self.rng.below(6) {
            0 | 1 => {
                let op = *self.rng.pick(&["+", "-"]);
                format!("({} {op} {})", self.dec(d, scope), self.dec(d, scope))
            }
            2 => format!("({} * {})", self.dec(d, scope), self.int(0, scope)),
            3 => format!("round({}, 2)", self.dec(d, scope)),
            4 => {
                let v = self.var("m");
                let mut inner = scope.to_vec();
                inner.push(Var {
                    name: v.clone(),
                    line: true,
                });
                format!("(sum {v} in r.lines of {})", self.dec(d, &inner))
            }
            _ => format!(
                "(if {} then {} else {})",
                self.bool(d, scope),
                self.dec(d, scope),
                self.dec(d, scope)
            ),
        }
    }

    /// A list to quantify over, with the variable it binds.
    fn list(&mut self, scope: &[Var]) -> (String, Var) {
        if self.rng.chance(50) {
            let name = self.var("l");
            ("r.lines".into(), Var { name, line: true })
        } else {
            let list = self.int_list(scope);
            let name = self.var("i");
            (list, Var { name, line: false })
        }
    }

    /// A list of whole numbers: `r.items`, or the `subs` of a line in scope.
    fn int_list(&mut self, scope: &[Var]) -> String {
        let lines: Vec<&Var> = scope.iter().filter(|v| v.line).collect();
        if !lines.is_empty() && self.rng.chance(60) {
            format!("{}.subs", lines[self.rng.below(lines.len())].name)
        } else {
            "r.items".into()
        }
    }

    /// A whole number that reads no optional value.
    fn plain(&mut self) -> String {
        match self.rng.below(3) {
            0 => "r.a".into(),
            1 => "r.b".into(),
            _ => self.rng.below(4).to_string(),
        }
    }

    fn cmp(&mut self) -> &'static str {
        const OPS: [&str; 6] = ["<", "<=", "==", "!=", ">", ">="];
        OPS[self.rng.below(OPS.len())]
    }

    fn bool(&mut self, depth: u32, scope: &[Var]) -> String {
        let lines: Vec<&Var> = scope.iter().filter(|v| v.line).collect();
        if depth == 0 || self.rng.chance(30) {
            return match self.rng.below(10) {
                0 => "r.flag".into(),
                1 => format!("r.k is {}", self.rng.pick(&["p", "q", "z"])),
                2 if !lines.is_empty() => {
                    let l = lines[self.rng.below(lines.len())].name.clone();
                    format!("{l}.st is {}", self.rng.pick(&["open", "blocked"]))
                }
                3 if !lines.is_empty() => {
                    let l = lines[self.rng.below(lines.len())].name.clone();
                    format!(
                        "({l}.tag is present and {l}.tag == \"{}\")",
                        self.rng.pick(&["a", "b"])
                    )
                }
                // After a presence test the value is narrowed: `otherwise` on it
                // would be refused, so the other side is plain.
                4 => format!(
                    "(r.opt is present and r.opt {} {})",
                    self.cmp(),
                    self.plain()
                ),
                5 => match self.let_of(Ty::Bool) {
                    Some(l) => l,
                    None => "r.flag".into(),
                },
                6 => match self.let_of(Ty::OptInt) {
                    Some(l) => format!("({l} is present and {l} {} {})", self.cmp(), self.plain()),
                    None => "r.flag".into(),
                },
                7 => "r.opt is absent".into(),
                _ => {
                    let op = self.cmp();
                    format!("{} {op} {}", self.int(0, scope), self.int(0, scope))
                }
            };
        }
        let d = depth - 1;
        if !lines.is_empty() && self.rng.chance(25) {
            // Inside a quantifier: a computed value read first, then the
            // quantifier's own variable (the order that once lost it).
            let l = lines[self.rng.below(lines.len())].name.clone();
            let computed = match self.let_of(Ty::Dec) {
                Some(c) => format!("{l}.price <= {c}"),
                None => self.bool(d, scope),
            };
            return format!(
                "({computed} and {l}.st is {})",
                self.rng.pick(&["open", "blocked"])
            );
        }
        match self.rng.below(9) {
            0 => format!("({} and {})", self.bool(d, scope), self.bool(d, scope)),
            1 => format!("({} or {})", self.bool(d, scope), self.bool(d, scope)),
            2 => format!("(not {})", self.bool(d, scope)),
            3 => {
                let op = self.cmp();
                format!("{} {op} {}", self.int(d, scope), self.int(d, scope))
            }
            4 => {
                let op = self.cmp();
                format!("{} {op} {}", self.dec(d, scope), self.dec(d, scope))
            }
            _ => {
                let q = *self.rng.pick(&["any", "all"]);
                let (list, var) = self.list(scope);
                let mut inner = scope.to_vec();
                inner.push(var.clone());
                format!(
                    "({q} {} in {list} where {})",
                    var.name,
                    self.bool(d, &inner)
                )
            }
        }
    }
}

/// A generated package: the shared schema, computed values (some holding
/// quantifiers, some optional, some reading earlier ones), deny rules, a
/// `when` block, notes reading `allowed`, messages that interpolate computed
/// values, and outputs.
pub fn package(seed: u64) -> String {
    package_from(&mut Rng::new(seed))
}

/// [`package`], drawing from `rng`.
pub fn package_from(rng: &mut Rng) -> String {
    let mut g = Gen {
        rng,
        lets: Vec::new(),
        fresh: 0,
    };
    let mut t = String::from(SCHEMA);
    let n_lets = 2 + g.rng.below(5);
    let mut lets = Vec::new();
    for i in 0..n_lets {
        let ty = *g.rng.pick(&[
            Ty::Int,
            Ty::Dec,
            Ty::Dec,
            Ty::Bool,
            Ty::OptInt,
            Ty::OptDefault,
        ]);
        let body = match ty {
            Ty::Int => g.int(3, &[]),
            Ty::Dec => g.dec(3, &[]),
            Ty::Bool => g.bool(3, &[]),
            Ty::OptInt => "r.opt".to_string(),
            Ty::OptDefault => "r.dflt".to_string(),
        };
        lets.push((format!("c{i}"), ty, body));
        // Later computed values may read this one.
        g.lets.push((format!("c{i}"), ty));
    }
    // Declared in an order of their own: the language allows any.
    let mut order: Vec<usize> = (0..lets.len()).collect();
    for i in (1..order.len()).rev() {
        let j = g.rng.below(i + 1);
        order.swap(i, j);
    }
    for &i in &order {
        let (name, _, body) = &lets[i];
        t.push_str(&format!("let {name} = {body}\n"));
    }
    let shown: Vec<String> = g
        .lets
        .iter()
        .filter(|(_, ty)| matches!(ty, Ty::Int | Ty::Dec | Ty::Bool))
        .map(|(n, _)| n.clone())
        .collect();
    let interp = |rng: &mut Rng| -> String {
        if shown.is_empty() || rng.chance(30) {
            "{r.id}".to_string()
        } else {
            format!("{{{}}}", shown[rng.below(shown.len())])
        }
    };
    let n_denies = 1 + g.rng.below(4);
    for i in 0..n_denies {
        let c = g.bool(3, &[]);
        let m = interp(g.rng);
        t.push_str(&format!(
            "rule d{i} {{\n  deny D{i}\n  when {c}\n  message \"d{i} {m}\"\n  help \"h{i}\"\n}}\n"
        ));
    }
    if g.rng.chance(60) {
        let guard = g.bool(2, &[]);
        t.push_str(&format!("when {guard} {{\n"));
        for i in 0..1 + g.rng.below(3) {
            let c = g.bool(2, &[]);
            let m = interp(g.rng);
            t.push_str(&format!(
                "  rule w{i} {{\n    deny W{i}\n    when {c}\n    message \"w{i} {m}\"\n    help \"h\"\n  }}\n"
            ));
        }
        t.push_str("}\n");
    }
    for i in 0..g.rng.below(3) {
        let c = g.bool(2, &[]);
        let m = interp(g.rng);
        t.push_str(&format!(
            "rule n{i} {{\n  note N{i}\n  when allowed or {c}\n  message \"n{i} {m}\"\n}}\n"
        ));
    }
    t.push_str(&format!("output oi = {}\n", g.int(3, &[])));
    t.push_str(&format!(
        "output od = if allowed then {} else 0.0\n",
        g.dec(3, &[])
    ));
    t.push_str(&format!("output ob = {}\n", g.bool(3, &[])));
    t
}

/// A request for the generated schema, as JSON.
pub fn facts(seed: u64) -> String {
    facts_from(&mut Rng::new(seed.wrapping_mul(31).wrapping_add(7)), seed)
}

/// [`facts`], drawing from `rng`; `seed` names the request.
pub fn facts_from(rng: &mut Rng, seed: u64) -> String {
    let decs = ["0", "1.5", "2.25", "0.005", "3", "10.50", "-1.25"];
    let int = |rng: &mut Rng| rng.below(9) as i64 - 2;
    let ints = |rng: &mut Rng| -> Vec<i64> {
        (0..rng.below(4)).map(|_| rng.below(7) as i64 - 1).collect()
    };
    let mut lines = Vec::new();
    for _ in 0..rng.below(4) {
        let mut l = serde_json::json!({
            "price": decs[rng.below(decs.len())],
            "qty": int(rng),
            "st": if rng.chance(50) { "open" } else { "blocked" },
            "subs": ints(rng),
        });
        if rng.chance(50) {
            l["tag"] = (if rng.chance(50) { "a" } else { "b" }).into();
        }
        lines.push(l);
    }
    let k = ["p", "q", "z"][rng.below(3)];
    let mut r = serde_json::json!({
        "id": format!("req-{seed}"),
        "a": int(rng),
        "b": int(rng),
        "x": decs[rng.below(decs.len())],
        "flag": rng.chance(50),
        "k": k,
        "items": ints(rng),
        "lines": lines,
    });
    if rng.chance(60) {
        r["opt"] = int(rng).into();
    }
    if rng.chance(50) {
        r["dflt"] = int(rng).into();
    }
    if rng.chance(50) {
        r["od"] = decs[rng.below(decs.len())].into();
    }
    serde_json::json!({ "r": r }).to_string()
}
