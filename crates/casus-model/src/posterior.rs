//! The parameters' uncertainty: a Gaussian posterior over the fitted
//! parameters (the Laplace approximation at the fit) and draws from it.
//!
//! Why: a forecast at one parameter vector reports only its Monte Carlo
//! error, yet the fitted values are uncertain — several sit on their priors
//! because the cases say little about them. The Laplace approximation takes
//! the curvature of the negative log-posterior at the fit: its inverse is the
//! covariance of a Gaussian around the fitted values. Forecasts with
//! `--posterior` run blocks of replications under parameter vectors drawn
//! from it, so their intervals carry both kinds of uncertainty.
//!
//! The parameters no fit reads (the war channels, the leader's weights,
//! structural constants) are not drawn: they are assumptions, varied by
//! sweeps (`casus sweep`), not estimates with a posterior.

use crate::forecast::stream;
use crate::params::Params;
use nalgebra::{DMatrix, SymmetricEigen};
use rand_distr::{Distribution, StandardNormal};

/// A Gaussian over named parameters: mean and covariance, checked positive
/// definite on construction (its Cholesky factor is kept for drawing).
#[derive(Clone, Debug, PartialEq)]
pub struct Posterior {
    names: Vec<String>,
    mean: Vec<f64>,
    covariance: Vec<Vec<f64>>,
    /// Lower Cholesky factor of the covariance, row-major.
    factor: Vec<Vec<f64>>,
}

impl Posterior {
    /// A posterior over `names` (parameters of [`Params`]) with `mean` and
    /// `covariance` (symmetric, positive definite, one row per name).
    pub fn new(
        names: Vec<String>,
        mean: Vec<f64>,
        covariance: Vec<Vec<f64>>,
    ) -> Result<Posterior, String> {
        let n = names.len();
        for name in &names {
            if !Params::NAMES.contains(&name.as_str()) {
                return Err(format!("unknown parameter `{name}` in the posterior"));
            }
        }
        let mut sorted = names.clone();
        sorted.sort();
        sorted.dedup();
        if sorted.len() != n {
            return Err("a parameter is named twice in the posterior".into());
        }
        if mean.len() != n || covariance.len() != n || covariance.iter().any(|r| r.len() != n) {
            return Err(format!(
                "the posterior names {n} parameters: its mean needs {n} values and its covariance {n} rows of {n}"
            ));
        }
        if mean
            .iter()
            .chain(covariance.iter().flatten())
            .any(|v| !v.is_finite())
        {
            return Err("the posterior holds a number that is not finite".into());
        }
        for (i, row) in covariance.iter().enumerate() {
            for (j, &a) in row.iter().enumerate().take(i) {
                let b = covariance[j][i];
                if (a - b).abs() > 1e-9 * (1.0 + a.abs().max(b.abs())) {
                    return Err(format!(
                        "the covariance is not symmetric: row {}, column {} is {a} but row {}, column {} is {b}",
                        i + 1,
                        j + 1,
                        j + 1,
                        i + 1
                    ));
                }
            }
        }
        let m = DMatrix::from_fn(n, n, |i, j| covariance[i][j]);
        let chol = nalgebra::Cholesky::new(m)
            .ok_or("the covariance is not positive definite (a variance is 0 or negative, or rows depend on each other)")?;
        let l = chol.l();
        let factor = (0..n)
            .map(|i| (0..n).map(|j| l[(i, j)]).collect())
            .collect();
        Ok(Posterior {
            names,
            mean,
            covariance,
            factor,
        })
    }

    pub fn names(&self) -> &[String] {
        &self.names
    }

    pub fn mean(&self) -> &[f64] {
        &self.mean
    }

    pub fn covariance(&self) -> &[Vec<f64>] {
        &self.covariance
    }

    /// The posterior standard deviation of a parameter, if it is drawn.
    pub fn sd(&self, name: &str) -> Option<f64> {
        let i = self.names.iter().position(|n| n == name)?;
        Some(self.covariance[i][i].sqrt())
    }

    /// Draw `k` under `seed`: `base` with the posterior's parameters set to
    /// mean + L·z, z standard normal from its own stream. The stream of draw
    /// k is `stream(seed, u64::MAX − k)`, which no replication uses (their
    /// indices stay below 10^9), so the draws do not depend on how many
    /// replications are run, nor in which order.
    pub fn draw(&self, base: &Params, seed: u64, k: u64) -> Params {
        let mut rng = stream(seed, u64::MAX - k);
        let z: Vec<f64> = (0..self.names.len())
            .map(|_| StandardNormal.sample(&mut rng))
            .collect();
        let mut p = base.clone();
        for (i, name) in self.names.iter().enumerate() {
            let v = self.mean[i]
                + self.factor[i][..=i]
                    .iter()
                    .zip(&z)
                    .map(|(l, z)| l * z)
                    .sum::<f64>();
            p = p.with(name, v).expect("names checked on construction");
        }
        p
    }
}

/// The Hessian of `f` at `x` by central differences of step `h`: 2n + 2n(n−1)
/// evaluations, run in parallel and collected in index order, so the matrix
/// is the same bytes whatever the thread count.
pub fn hessian(f: &(dyn Fn(&[f64]) -> f64 + Sync), x: &[f64], h: f64) -> Vec<Vec<f64>> {
    use rayon::prelude::*;
    let n = x.len();
    let at = |steps: &[(usize, f64)]| {
        let mut y = x.to_vec();
        for (i, s) in steps {
            y[*i] += s;
        }
        f(&y)
    };
    let f0 = f(x);
    let pairs: Vec<(usize, usize)> = (0..n).flat_map(|i| (0..=i).map(move |j| (i, j))).collect();
    let values: Vec<f64> = pairs
        .par_iter()
        .map(|&(i, j)| {
            if i == j {
                (at(&[(i, h)]) - 2.0 * f0 + at(&[(i, -h)])) / (h * h)
            } else {
                (at(&[(i, h), (j, h)]) - at(&[(i, h), (j, -h)]) - at(&[(i, -h), (j, h)])
                    + at(&[(i, -h), (j, -h)]))
                    / (4.0 * h * h)
            }
        })
        .collect();
    let mut m = vec![vec![0.0; n]; n];
    for (&(i, j), v) in pairs.iter().zip(values) {
        m[i][j] = v;
        m[j][i] = v;
    }
    m
}

/// The Laplace covariance from the Hessian of a negative log-posterior: its
/// inverse, after raising every eigenvalue below `floor` to it. With a
/// Gaussian prior of precision `floor` the curvature is at least `floor` in
/// every direction where the likelihood is concave; where it is not (a flat
/// or saddle direction, or a fit that stopped short of the optimum) the data
/// are taken to say nothing, so that direction keeps the prior's width.
/// Returns the covariance and how many eigenvalues were raised.
pub fn laplace_covariance(hessian: &[Vec<f64>], floor: f64) -> (Vec<Vec<f64>>, usize) {
    let n = hessian.len();
    let m = DMatrix::from_fn(n, n, |i, j| 0.5 * (hessian[i][j] + hessian[j][i]));
    let eig = SymmetricEigen::new(m);
    let mut raised = 0;
    let inv: Vec<f64> = eig
        .eigenvalues
        .iter()
        .map(|&l| {
            if l < floor {
                raised += 1;
                1.0 / floor
            } else {
                1.0 / l
            }
        })
        .collect();
    let q = &eig.eigenvectors;
    // Each entry computed once, for i ≤ j, and mirrored: symmetric to the last bit.
    let mut cov = vec![vec![0.0; n]; n];
    for i in 0..n {
        for j in i..n {
            let v: f64 = (0..n).map(|k| q[(i, k)] * inv[k] * q[(j, k)]).sum();
            cov[i][j] = v;
            cov[j][i] = v;
        }
    }
    (cov, raised)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params() -> Params {
        let pairs: Vec<(&str, f64)> = Params::NAMES.iter().map(|n| (*n, 0.5)).collect();
        Params::from_pairs(&pairs).unwrap()
    }

    #[test]
    fn the_hessian_of_a_quadratic_is_its_matrix() {
        // f = ½ xᵀAx with A = [[4, 1], [1, 3]].
        let f = |x: &[f64]| 0.5 * (4.0 * x[0] * x[0] + 2.0 * x[0] * x[1] + 3.0 * x[1] * x[1]);
        let h = hessian(&f, &[0.3, -0.7], 1e-3);
        for (got, want) in h.iter().flatten().zip([4.0, 1.0, 1.0, 3.0]) {
            assert!((got - want).abs() < 1e-6, "{h:?}");
        }
    }

    #[test]
    fn the_laplace_covariance_inverts_the_curvature_and_keeps_the_prior_width_where_the_data_are_flat()
     {
        let (cov, raised) = laplace_covariance(&[vec![4.0, 0.0], vec![0.0, -2.0]], 1.0);
        assert_eq!(raised, 1);
        assert!((cov[0][0] - 0.25).abs() < 1e-12 && (cov[1][1] - 1.0).abs() < 1e-12);
        assert_eq!(cov[0][1], cov[1][0]);
    }

    #[test]
    fn draws_have_the_posteriors_mean_and_covariance_and_repeat_by_seed_and_index() {
        let names = vec!["cohesion".to_string(), "trust".to_string()];
        let cov = vec![vec![0.25, 0.1], vec![0.1, 0.5]];
        let post = Posterior::new(names, vec![2.0, -1.0], cov).unwrap();
        let base = params();
        let n = 40_000;
        let xs: Vec<(f64, f64)> = (0..n)
            .map(|k| {
                let p = post.draw(&base, 7, k);
                assert_eq!(p.obligation, 0.5, "undrawn parameters stay as given");
                (p.cohesion, p.trust)
            })
            .collect();
        let m0 = xs.iter().map(|x| x.0).sum::<f64>() / n as f64;
        let m1 = xs.iter().map(|x| x.1).sum::<f64>() / n as f64;
        let c = |f: &dyn Fn(&(f64, f64)) -> f64| xs.iter().map(f).sum::<f64>() / n as f64;
        assert!((m0 - 2.0).abs() < 0.01 && (m1 + 1.0).abs() < 0.015);
        assert!((c(&|x| (x.0 - m0).powi(2)) - 0.25).abs() < 0.01);
        assert!((c(&|x| (x.1 - m1).powi(2)) - 0.5).abs() < 0.02);
        assert!((c(&|x| (x.0 - m0) * (x.1 - m1)) - 0.1).abs() < 0.01);
        assert_eq!(post.draw(&base, 7, 12), post.draw(&base, 7, 12));
        assert_ne!(post.draw(&base, 7, 12), post.draw(&base, 8, 12));
    }

    #[test]
    fn a_covariance_that_is_not_positive_definite_or_names_an_unknown_parameter_is_refused() {
        let two = || vec!["cohesion".to_string(), "trust".to_string()];
        let e = Posterior::new(two(), vec![0.0; 2], vec![vec![1.0, 2.0], vec![2.0, 1.0]]);
        assert!(e.unwrap_err().contains("not positive definite"));
        let e = Posterior::new(two(), vec![0.0; 2], vec![vec![1.0, 0.5], vec![0.4, 1.0]]);
        assert!(e.unwrap_err().contains("not symmetric"));
        let e = Posterior::new(vec!["nope".into()], vec![0.0], vec![vec![1.0]]);
        assert!(e.unwrap_err().contains("unknown parameter `nope`"));
    }
}
