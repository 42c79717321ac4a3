"""The Signum step (separable quadratic, Gaussian noise, float32) as a PyTorch user would write it,
eager and under torch.compile, on the GPU, so `npm run bench:gpu` can quote ratios measured on the
same device in the same invocation. Prints one line per variant:
  torch <variant> R x d: <ms> ms/step
Usage: python3 torch_signum_peer.py [R d] ...   (pairs; default 64 1048576 8 65536).
Exits 3 without output when torch or a CUDA device is missing (the caller then omits the rows)."""
import sys
import time

try:
    import torch
except ImportError:
    sys.exit(3)
if not torch.cuda.is_available():
    sys.exit(3)

args = [int(a) for a in sys.argv[1:]] or [64, 1 << 20, 8, 1 << 16]
shapes = list(zip(args[0::2], args[1::2]))
dev = torch.device("cuda")


def step(x, m, curv, beta, lr):
    g = curv * x + torch.randn_like(x)
    m.add_(beta * (g - m))
    x.sub_(lr * torch.sign(m))


compiled = None
try:
    compiled = torch.compile(step)
except Exception:  # torch.compile needs a working Triton toolchain
    compiled = None

for R, d in shapes:
    for name, fn in (("eager", step), ("compile", compiled)):
        if fn is None:
            continue
        gen = torch.Generator(device=dev).manual_seed(0)
        curv = torch.rand((R, d), device=dev, generator=gen) + 0.5
        x = torch.randn((R, d), device=dev, generator=gen)
        m = torch.zeros((R, d), device=dev)
        for _ in range(10):  # warm-up (and compilation)
            fn(x, m, curv, 0.1, 1e-3)
        torch.cuda.synchronize()
        steps = 200 if R * d <= (1 << 20) else 50
        start = time.perf_counter()
        for _ in range(steps):
            fn(x, m, curv, 0.1, 1e-3)
        torch.cuda.synchronize()
        per = (time.perf_counter() - start) / steps
        print(f"torch {name} {R} x {d}: {per * 1e3:.4f} ms/step", flush=True)
