"""What a Python researcher would write for one Signum step (separable quadratic, Gaussian noise),
timed in float64 and float32, so `npm run bench:cpu` can quote a ratio measured on the same machine
in the same invocation. Usage: python3 numpy_signum_peer.py [coordinates]"""
import sys
import time

import numpy as np

coords = int(sys.argv[1]) if len(sys.argv) > 1 else 1 << 20
steps = 30
for dtype in (np.float64, np.float32):
    gen = np.random.default_rng(0)
    curv = (gen.random(coords) + 0.5).astype(dtype)
    x = gen.standard_normal(coords).astype(dtype)
    mom = np.zeros(coords, dtype)
    beta, lr = dtype(0.1), dtype(1e-3)

    def one_step():
        grad = curv * x + gen.standard_normal(coords, dtype=dtype)
        mom[:] += beta * (grad - mom)
        x[:] -= lr * np.sign(mom)

    one_step()
    start = time.perf_counter()
    for _ in range(steps):
        one_step()
    per = (time.perf_counter() - start) / steps
    print(f"numpy {np.dtype(dtype).name}: {per * 1e3:.2f} ms/step, {coords / per / 1e6:.0f} Mcoord-steps/s")
