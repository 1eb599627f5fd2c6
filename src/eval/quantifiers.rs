//! Quantifiers over lists: `any`, `all`, `count` and `sum`.

use super::*;

impl<'p> Evaluator<'p> {
    #[inline]
    pub(super) fn quant(
        &mut self,
        e: &'p Expr,
        kind: Quant,
        list: &'p Expr,
        body: Option<&'p Expr>,
        slot: usize,
    ) -> R {
        let Value::List(items) = self.present(list)?.into_owned() else {
            return Ok(Value::Absent);
        };
        self.locals.truncate(slot);
        let mut count: i64 = 0;
        let mut sum = Value::Int(0);
        let mut result = matches!(kind, Quant::All);
        for item in items.iter() {
            self.locals.truncate(slot);
            self.step(e)?;
            self.locals.push(item.clone());
            let v = match body {
                Some(b) => self.eval(b),
                None => Ok(item.clone()),
            };
            let v = match v {
                Ok(v) => v,
                Err(f) => {
                    self.locals.truncate(slot);
                    return Err(f);
                }
            };
            match kind {
                Quant::Any if v == Value::Bool(true) => {
                    result = true;
                    break;
                }
                Quant::All if v != Value::Bool(true) => {
                    result = false;
                    break;
                }
                Quant::Count if body.is_none() || v == Value::Bool(true) => {
                    count = count.saturating_add(1)
                }
                Quant::Sum => {
                    sum = match self.arith(e, Arith::Add, list, body.unwrap_or(list), &sum, &v) {
                        Ok(s) => s,
                        Err(f) => {
                            self.locals.truncate(slot);
                            return Err(f);
                        }
                    };
                }
                _ => {}
            }
        }
        self.locals.truncate(slot);
        Ok(match kind {
            Quant::Any | Quant::All => Value::Bool(result),
            Quant::Count => Value::Int(count),
            Quant::Sum => sum,
        })
    }
}
