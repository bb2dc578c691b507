#!/usr/bin/python3
"""PyTorch side of `ae4j bench compare` (bench/src/main/java/ae4j/bench/CompareBench.java drives it).

Trains the same models as the ae4j side, on the same Fashion-MNIST rows, with the same initial weights
(read from the safetensors file the ae4j worker wrote), objective, optimizer, batch and thread count.

It is a worker speaking JSON lines: after start-up it prints {"type": "ready", ...} (BLAS library and
kernel threadpoolctl reports, a 1024^3 matmul GFLOP/s as a configuration check), then answers commands
read from stdin, one per line:
  run    fresh copy of the initial weights and a fresh Adam; the objective on the first rows (untimed);
         one timed epoch (or, in encode mode, timed passes of the encoder) -> {"type": "result", ...}
  initial  the objective on the first rows at the initial weights (encode mode: the mean code)
         -> {"type": "initial", ...}
  grads  gradient of the objective on the first batch at the initial weights -> {"type": "grads", ...}
  quit   -> {"type": "memory", "vmhwm_kb": ...} and exit

PyTorch is set up to run at its best on this kind of machine, in this process only:
  * OpenBLAS with the OpenMP threading layer (Debian libopenblas0-openmp) in front of the system's
    libblas.so.3 / libopenblas.so.0 alternatives, through LD_LIBRARY_PATH (Debian's torch links both);
  * OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE unset (when set for an older CPU, OpenBLAS picks slower kernels),
    except with --isa avx2 (the ae4j side restricted to AVX2 on an AVX-512 machine, AE4J_ISA=avx2): then
    OpenBLAS's Haswell kernels and ATEN_CPU_CAPABILITY=avx2, so both sides run the same instruction set;
  * GLIBC_TUNABLES raising malloc's mmap and trim thresholds (otherwise every large tensor is a fresh
    mmap, and page faults make throughput vary a lot between identical runs);
  * the thread count set with torch.set_num_threads and threadpoolctl.
The environment has to be right before the dynamic loader and malloc start, so the script re-executes
itself once with it when started without.
"""

import argparse
import gzip
import json
import os
import struct
import sys
import time

TUNABLES = "glibc.malloc.mmap_threshold=33554432:glibc.malloc.trim_threshold=4294967296"
MARK = "AE4J_COMPARE_ENV"


def openblas_dir():
    import platform
    arch = {"x86_64": "x86_64-linux-gnu", "aarch64": "aarch64-linux-gnu"}.get(platform.machine(), "")
    d = "/usr/lib/%s/openblas-openmp" % arch
    return d if os.path.exists(os.path.join(d, "libblas.so.3")) else None


def ensure_environment(isa):
    """Re-executes this script with the environment PyTorch needs, unless that was done already."""
    if os.environ.get(MARK) == "1":
        return
    env = dict(os.environ)
    env.pop("OPENBLAS_CORETYPE", None)
    env.pop("OPENBLAS_L2_SIZE", None)
    env.pop("ATEN_CPU_CAPABILITY", None)
    env.pop("ONEDNN_MAX_CPU_ISA", None)
    if isa == "avx2":
        env["OPENBLAS_CORETYPE"] = "Haswell"  # OpenBLAS's AVX2 + FMA kernels
        env["ATEN_CPU_CAPABILITY"] = "avx2"  # PyTorch's own vectorized kernels
        env["ONEDNN_MAX_CPU_ISA"] = "AVX2"  # oneDNN, should an operation go there
    env["GLIBC_TUNABLES"] = TUNABLES
    d = openblas_dir()
    if d is None:
        fail("OpenBLAS with OpenMP is not installed (no /usr/lib/<arch>/openblas-openmp/libblas.so.3); "
             "install the Debian package libopenblas0-openmp")
    old = env.get("LD_LIBRARY_PATH", "")
    env["LD_LIBRARY_PATH"] = d + (":" + old if old else "")
    env[MARK] = "1"
    os.execve(sys.executable, [sys.executable] + sys.argv, env)


def cpu_capability(torch):
    """The instruction set PyTorch's own vectorized kernels run with (chosen at start-up; ATEN_CPU_CAPABILITY)."""
    for line in torch.__config__.show().splitlines():
        if "CPU capability usage:" in line:
            return line.split(":", 1)[1].strip()
    return None


def emit(obj):
    sys.stdout.write(json.dumps(obj) + "\n")
    sys.stdout.flush()


def fail(message):
    emit({"type": "error", "message": message})
    sys.exit(1)


# ----------------------------------------------------------------------------------------------- models
# The same architectures as CompareModels.java (the .ae sources there). Parameter names follow ae4j's
# (f.0.weight, f.0.bias, ..., g.0.bias): load_state_dict(strict=True) checks names and shapes.

SIG, RELU, LIN = "sigmoid", "relu", "identity"
MODELS = {
    "mid": dict(enc=[(784, 256, RELU), (256, 64, SIG)], dec=[(64, 256, RELU), (256, 784, SIG)]),
    "deep": dict(enc=[(784, 1000, SIG), (1000, 500, SIG), (500, 250, SIG), (250, 30, LIN)],
                 dec=[(30, 250, SIG), (250, 500, SIG), (500, 1000, SIG), (1000, 784, SIG)]),
    "dae": dict(enc=[(784, 256, RELU), (256, 64, SIG)], dec=[(64, 256, RELU), (256, 784, SIG)], sigma=0.3),
    "cae": dict(enc=[(784, 512, SIG)], tied=True, contractive=0.1),
}


def build(torch, name):
    nn = torch.nn
    F = torch.nn.functional
    spec = MODELS[name]
    act = {SIG: torch.sigmoid, RELU: torch.relu, LIN: (lambda z: z)}

    class TiedBias(nn.Module):
        def __init__(self, n):
            super().__init__()
            self.bias = nn.Parameter(torch.zeros(n))

    class AE(nn.Module):
        def __init__(self):
            super().__init__()
            self.f = nn.ModuleList([nn.Linear(i, o) for i, o, _ in spec["enc"]])
            self.f_act = [act[a] for _, _, a in spec["enc"]]
            if spec.get("tied"):
                self.g = nn.ModuleList([TiedBias(i) for i, _, _ in reversed(spec["enc"])])
            else:
                self.g = nn.ModuleList([nn.Linear(i, o) for i, o, _ in spec["dec"]])
                self.g_act = [act[a] for _, _, a in spec["dec"]]
            self.sigma = spec.get("sigma", 0.0)
            self.contractive = spec.get("contractive", 0.0)

        def encode(self, x):
            h = x
            for lin, a in zip(self.f, self.f_act):
                h = a(lin(h))
            return h

        def logits(self, h):
            """Decoder up to its last pre-activation (the Bernoulli loss takes logits)."""
            if spec.get("tied"):
                z = h
                for k, b in enumerate(self.g):
                    w = self.f[len(self.f) - 1 - k].weight
                    z = F.linear(z, w.t(), b.bias)
                    if k < len(self.g) - 1:
                        z = self.f_act[len(self.f) - 1 - k](z)  # mirrored activations (one layer here)
                return z
            z = h
            last = len(self.g) - 1
            for k, (lin, a) in enumerate(zip(self.g, self.g_act)):
                z = lin(z)
                if k < last:
                    z = a(z)
            return z

        def objective(self, x, training):
            """Bernoulli NLL summed over pixels, batch mean (+ 0.1 ||df/dx||_F^2 for the CAE)."""
            xin = x + self.sigma * torch.randn_like(x) if (training and self.sigma > 0) else x
            h = self.encode(xin)
            z = self.logits(h)
            loss = F.binary_cross_entropy_with_logits(z, x, reduction="sum") / x.shape[0]
            if self.contractive > 0:
                # one sigmoid layer: ||dh/dx||_F^2 = sum_j (h_j (1 - h_j))^2 ||W_j||^2, per example
                s = h * (1 - h)
                w = self.f[0].weight
                loss = loss + self.contractive * ((s * s) @ (w * w).sum(1)).sum() / x.shape[0]
            return loss

    return AE()


def read_safetensors(torch, path):
    with open(path, "rb") as fh:
        n = struct.unpack("<Q", fh.read(8))[0]
        header = json.loads(fh.read(n))
        data = fh.read()
    out = {}
    for key, info in header.items():
        if key == "__metadata__":
            continue
        if info["dtype"] != "F32":
            fail("%s: tensor %s has dtype %s, expected F32" % (path, key, info["dtype"]))
        a, b = info["data_offsets"]
        out[key] = torch.frombuffer(bytearray(data[a:b]), dtype=torch.float32).reshape(info["shape"])
    return out


def read_images(torch, path):
    """All images of an IDX file as one float32 tensor (count x pixels), scaled 1/255, without extra copies."""
    import warnings
    with gzip.open(path, "rb") as fh:
        raw = fh.read()
    magic, count, rows, cols = struct.unpack(">IIII", raw[:16])
    if magic != 2051:
        fail("%s is not an IDX images file" % path)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the bytes object is read-only; only .float() below reads it
        pixels = torch.frombuffer(raw, dtype=torch.uint8, count=count * rows * cols, offset=16)
    x = pixels.reshape(count, rows * cols).float()
    del pixels, raw
    x.mul_(1.0 / 255.0)
    return x


def vmhwm_kb():
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return -1


def gemm_gflops(torch, n=1024, seconds=0.6):
    a = torch.randn(n, n)
    b = torch.randn(n, n)
    c = a @ b
    best = 0.0
    for _ in range(5):
        t0 = time.perf_counter()
        k = 0
        while True:
            torch.mm(a, b, out=c)
            k += 1
            dt = time.perf_counter() - t0
            if dt > seconds / 5:
                break
        best = max(best, 2.0 * n ** 3 * k / dt / 1e9)
    return best


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--model", required=True, choices=sorted(MODELS))
    p.add_argument("--mode", default="train", choices=["train", "encode"])
    p.add_argument("--batch", type=int, required=True)
    p.add_argument("--threads", type=int, required=True)
    p.add_argument("--examples", type=int, default=0, help="first N training images (0: all)")
    p.add_argument("--init", required=True, help="safetensors file with the initial weights (ae4j's)")
    p.add_argument("--images", default="/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz")
    p.add_argument("--warmup", type=int, default=40, help="warm-up steps (or encode batches) at start")
    p.add_argument("--passes", type=int, default=1, help="encode mode: passes over the data per run")
    p.add_argument("--check-rows", type=int, default=10000, help="rows for the untimed initial objective")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--foreach", default="auto", choices=["auto", "on", "off"],
                   help="Adam's multi-tensor (foreach) implementation; auto: the faster, measured at start")
    p.add_argument("--isa", default="native", choices=["native", "avx2"],
                   help="avx2: OpenBLAS and PyTorch kernels restricted to AVX2 (as the ae4j side under AE4J_ISA=avx2)")
    args = p.parse_args()
    ensure_environment(args.isa)

    import torch
    from threadpoolctl import threadpool_info, threadpool_limits
    torch.set_num_threads(args.threads)
    limits = threadpool_limits(limits=args.threads)  # kept for the life of the process
    blas = [i for i in threadpool_info() if i.get("user_api") == "blas"]
    blas_info = {k: blas[0].get(k) for k in ("internal_api", "version", "architecture", "threading_layer",
                                              "num_threads", "filepath")} if blas else {}
    gflops = gemm_gflops(torch)

    # All images in memory as float32, as the ae4j worker holds them (--examples only limits the rows used).
    x = read_images(torch, args.images)
    n = min(args.examples, x.shape[0]) if args.examples > 0 else x.shape[0]
    x = x[:n]
    d = x.shape[1]
    torch.manual_seed(args.seed)
    model = build(torch, args.model)
    init = read_safetensors(torch, args.init)
    own = model.state_dict()
    init = {k: v.reshape(own[k].shape) if k in own else v for k, v in init.items()}
    model.load_state_dict(init, strict=True)
    init = {k: v.clone() for k, v in model.state_dict().items()}
    b = args.batch
    rows_check = min(n, args.check_rows)

    def adam(foreach):
        kw = {"lr": 1e-3, "betas": (0.9, 0.999), "eps": 1e-8}
        if foreach is not None:
            kw["foreach"] = foreach
        return torch.optim.Adam(model.parameters(), **kw)

    def reset():
        model.load_state_dict(init, strict=True)

    def initial_objective():
        with torch.no_grad():
            s = 0.0
            for i in range(0, rows_check, b):
                xb = x[i:min(i + b, rows_check)]
                s += model.objective(xb, training=False).item() * xb.shape[0]
        return s / rows_check

    def epoch(opt, steps=None):
        g = torch.Generator().manual_seed(args.seed)
        t0 = time.perf_counter()
        perm = torch.randperm(n, generator=g)
        total = 0.0
        seen = 0
        for k, i in enumerate(range(0, n, b)):
            if steps is not None and k >= steps:
                break
            xb = x[perm[i:i + b]]
            opt.zero_grad(set_to_none=True)
            loss = model.objective(xb, training=True)
            loss.backward()
            opt.step()
            total += loss.item() * xb.shape[0]
            seen += xb.shape[0]
        return time.perf_counter() - t0, total / max(seen, 1), seen

    def encode_pass():
        with torch.inference_mode():
            for i in range(0, n, b):
                model.encode(x[i:i + b])

    foreach = None
    foreach_times = {}
    if args.mode == "train":
        steps = max(1, args.warmup)
        candidates = {"auto": [False, True], "on": [True], "off": [False]}[args.foreach]
        for fe in candidates * 2:  # twice each, keep the second (warm) measurement
            reset()
            dt, _, _ = epoch(adam(fe), steps)
            foreach_times[fe] = dt
        foreach = min(foreach_times, key=foreach_times.get)
    else:
        for _ in range(max(1, args.warmup // 10)):
            encode_pass()
    reset()

    emit({"type": "ready", "side": "pytorch", "torch": torch.__version__, "threads": torch.get_num_threads(),
          "cpu_capability": cpu_capability(torch),
          "blas": blas_info, "gemm1024_gflops": gflops, "examples": n,
          "adam_foreach": foreach, "adam_foreach_warmup_seconds": {str(k): v for k, v in foreach_times.items()},
          "env": {"LD_LIBRARY_PATH": os.environ.get("LD_LIBRARY_PATH"), "GLIBC_TUNABLES": os.environ.get("GLIBC_TUNABLES"),
                  "OPENBLAS_CORETYPE": os.environ.get("OPENBLAS_CORETYPE"),
                  "ATEN_CPU_CAPABILITY": os.environ.get("ATEN_CPU_CAPABILITY"),
                  "ONEDNN_MAX_CPU_ISA": os.environ.get("ONEDNN_MAX_CPU_ISA"),
                  "OPENBLAS_L2_SIZE": os.environ.get("OPENBLAS_L2_SIZE")}})

    for line in sys.stdin:
        cmd = line.strip()
        if cmd == "run":
            reset()
            torch.manual_seed(args.seed)
            if args.mode == "train":
                before = initial_objective()
                seconds, final, seen = epoch(adam(foreach))
                emit({"type": "result", "seconds": seconds, "examples": seen, "initial_loss": before,
                      "final_loss": final})
            else:
                t0 = time.perf_counter()
                for _ in range(args.passes):
                    encode_pass()
                seconds = time.perf_counter() - t0
                with torch.inference_mode():
                    check = model.encode(x[:rows_check]).double().mean().item()
                emit({"type": "result", "seconds": seconds, "examples": n * args.passes, "initial_loss": check,
                      "final_loss": None})
        elif cmd == "initial":
            reset()
            if args.mode == "train":
                emit({"type": "initial", "loss": initial_objective()})
            else:
                with torch.inference_mode():
                    emit({"type": "initial", "loss": model.encode(x[:rows_check]).double().mean().item()})
        elif cmd == "grads":
            reset()
            model.zero_grad(set_to_none=True)
            loss = model.objective(x[:b], training=False)
            loss.backward()
            emit({"type": "grads", "loss": loss.item(),
                  "norms": {k: v.grad.double().norm().item() for k, v in model.named_parameters()}})
        elif cmd == "quit":
            emit({"type": "memory", "vmhwm_kb": vmhwm_kb()})
            return
        elif cmd:
            fail("unknown command '%s'" % cmd)
    del limits


if __name__ == "__main__":
    main()
