#pragma once
// Tail probabilities of the drift statistics under "nothing changed" (docs/insights.md#drift): a
// PSI, KS distance or mean shift counts towards a verdict only when chance is an unlikely
// explanation of it. Without this a window of a hundred values drifts by sampling noise alone.
#include <cstdint>

namespace faceloop::insights {

/// P(X >= x) for X ~ chi-square with `dof` > 0 degrees of freedom (the regularized upper incomplete
/// gamma Q(dof / 2, x / 2)). 1 for x <= 0.
double ChiSquareSurvival(double x, double dof);

/// P(K >= lambda) for the Kolmogorov distribution K: 2 sum_k (-1)^(k-1) exp(-2 k^2 lambda^2).
double KolmogorovSurvival(double lambda);

/// P(|Z| >= |z|) for a standard normal Z.
double NormalTwoSided(double z);

/// n1 n2 / (n1 + n2): the sample size that two-sample statistics scale with.
double EffectiveSize(std::int64_t n1, std::int64_t n2);

/// The p-value of a PSI over `groups` bins between samples of n1 and n2 values: PSI n_eff is
/// asymptotically chi-square with groups - 1 degrees of freedom when both come from one
/// distribution (PSI is the symmetrised Kullback-Leibler divergence, whose 2n-scaled form is).
double PsiPValue(double psi, int groups, std::int64_t n1, std::int64_t n2);

/// The asymptotic p-value of a two-sample KS distance, with Stephens' small-sample correction
/// lambda = (sqrt(n_eff) + 0.12 + 0.11 / sqrt(n_eff)) D. Ties (binned or discrete values) make it
/// conservative: the true p-value is smaller.
double KsPValue(double distance, std::int64_t n1, std::int64_t n2);

/// The two-sided p-value of a difference of means (Welch's z: the samples are large enough that the
/// normal stands in for Student's t): (m2 - m1) / sqrt(s1^2 / n1 + s2^2 / n2).
double MeanDifferencePValue(double mean1, double sd1, std::int64_t n1, double mean2, double sd2, std::int64_t n2);

}  // namespace faceloop::insights
