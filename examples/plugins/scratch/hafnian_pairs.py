"""From scratch, on hafnians: E[Z_1...Z_n] with every pairing given the average covariance.

    heurcheck estimate examples/plugins/scratch/hafnian_pairs.py:AveragePairing \
        examples/instances/hafnian-6-tree.json

What it reads from the instance (`heurcheck.domains.hafnian.Covariance`): `matrix`, the n x n
covariance Sigma of the centred Gaussian vector Z (Y = E[Z_1...Z_n] = haf(Sigma)); it does not use
`tree`, the product tree that propagation estimators follow. By Wick's theorem Y sums, over the
(n-1)!! perfect matchings of 1..n, the product of Sigma over the matched pairs; this estimator
replaces every pair's covariance by the average off-diagonal entry. The hafnian domain has no
argument atoms. An odd n gives 0 (exactly, like the truth).
"""

from heurcheck import Arguments
from heurcheck.domains.hafnian import Covariance


class AveragePairing:
    """(n-1)!! * (mean off-diagonal covariance)^(n/2) for even n, 0 for odd n."""

    name = "average-pairing"
    domains = frozenset({"hafnian"})
    traceable = True

    def estimate(self, cov: Covariance, arguments: Arguments):
        sigma = cov.matrix
        n = len(sigma)
        if n % 2:
            return 0
        off = [sigma[i][j] for i in range(n) for j in range(n) if i != j]
        average = sum(off) / len(off)
        matchings = 1
        for k in range(n - 1, 0, -2):
            matchings *= k
        return matchings * average ** (n // 2)
