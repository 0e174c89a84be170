//! Medians and spreads of repeated measurements, and how the figures are printed.
use super::*;

// statistics

#[derive(Clone, Debug, Default)]
pub(crate) struct Series(pub(crate) Vec<f64>);

impl Series {
    pub(crate) fn push(&mut self, v: f64) {
        self.0.push(v);
    }
    pub(crate) fn sorted(&self) -> Vec<f64> {
        let mut s = self.0.clone();
        s.sort_by(f64::total_cmp);
        s
    }
    pub(crate) fn quantile(&self, q: f64) -> f64 {
        let s = self.sorted();
        if s.is_empty() {
            return f64::NAN;
        }
        let pos = q * (s.len() - 1) as f64;
        let (lo, hi) = (pos.floor() as usize, pos.ceil() as usize);
        s[lo] + (s[hi] - s[lo]) * (pos - lo as f64)
    }
    pub(crate) fn median(&self) -> f64 {
        self.quantile(0.5)
    }
    pub(crate) fn min(&self) -> f64 {
        self.quantile(0.0)
    }
    pub(crate) fn max(&self) -> f64 {
        self.quantile(1.0)
    }
    /// `median (min..max, IQR a..b)` with `f` formatting each number.
    pub(crate) fn show(&self, f: impl Fn(f64) -> String) -> String {
        format!(
            "{} (min {} .. max {}; IQR {} .. {}; n={})",
            f(self.median()),
            f(self.min()),
            f(self.max()),
            f(self.quantile(0.25)),
            f(self.quantile(0.75)),
            self.0.len()
        )
    }
    pub(crate) fn json(&self) -> Json {
        json!({ "median": self.median(), "min": self.min(), "max": self.max(), "p25": self.quantile(0.25), "p75": self.quantile(0.75), "values": self.0 })
    }
}

pub(crate) fn us(x: f64) -> String {
    format!("{x:.1} µs")
}
pub(crate) fn ms(x: f64) -> String {
    format!("{x:.1} ms")
}
pub(crate) fn secs(x: f64) -> String {
    format!("{x:.3} s")
}
pub(crate) fn ratio(x: f64) -> String {
    format!("{x:.2}x")
}
pub(crate) fn rate(x: f64) -> String {
    format!("{x:.0}/s")
}
