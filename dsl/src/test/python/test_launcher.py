"""The launcher ./ae4j as a user meets it: under a pseudo-terminal the training bar is live (it shows
while training runs, not all at once at the end); through a pipe the output is plain lines, one per epoch,
with no carriage returns and nothing cut; a NUL in a diagnostic gets through as text.

Run by `./ae4j test` after the Maven build (so the launcher does not rebuild); by hand:
    AE4J_ROOT=$PWD /usr/bin/python3 -m unittest discover -s dsl/src/test/python -v
"""

import fcntl
import os
import pty
import re
import select
import struct
import subprocess
import tempfile
import termios
import time
import unittest

ROOT = os.environ.get("AE4J_ROOT") or os.path.abspath(os.path.join(os.path.dirname(__file__), "../../../.."))
LAUNCHER = os.path.join(ROOT, "ae4j")
EPOCHS = 6

# Synthetic data and a model whose epochs take a visible time even on an idle machine (measured: 0.2 s an epoch
# at 100,000 examples/s with 20,000 examples, too short for the timing below; 80,000 give 0.5-4 s).
PROGRAM = """
data blobs = gaussian_mixture(k: 4, dim: 64, spread: 0.2, n: 80000, seed: 1)
model m {
  input x[64]
  encoder f { dense 256 tanh; dense 16 tanh }
  decoder g { dense 256 tanh; dense 64 }
  minimize mse(x, g(f(x)))
}
train m on blobs { epochs: %d, batch: 16, optimizer: adam(lr: 1e-3), seed: 1 }
""" % EPOCHS


class LauncherTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.dir = tempfile.TemporaryDirectory()
        cls.program = os.path.join(cls.dir.name, "slow.ae")
        with open(cls.program, "w") as f:
            f.write(PROGRAM)
        # Builds the project if the sources changed (not timed below).
        subprocess.run([LAUNCHER, "version"], check=True, stdout=subprocess.DEVNULL, timeout=900)

    @classmethod
    def tearDownClass(cls):
        cls.dir.cleanup()

    def test_bar_is_live_on_a_terminal(self):
        master, slave = pty.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 30, 100, 0, 0))
        env = dict(os.environ, TERM="xterm")
        proc = subprocess.Popen(
            [LAUNCHER, "run", self.program, "--out", os.path.join(self.dir.name, "tty-out")],
            stdin=slave, stdout=slave, stderr=slave, env=env, close_fds=True)
        os.close(slave)
        chunks = []  # (seconds since start, bytes)
        start = time.monotonic()
        while True:
            ready, _, _ = select.select([master], [], [], 120)
            if not ready:
                proc.kill()
                self.fail("no output for 120 s")
            try:
                data = os.read(master, 65536)
            except OSError:  # EIO: the terminal's last writer has gone
                break
            if not data:
                break
            chunks.append((time.monotonic() - start, data))
        proc.wait(timeout=60)
        os.close(master)
        text = b"".join(c for _, c in chunks).decode("utf-8", "replace")
        self.assertEqual(0, proc.returncode, text)

        def first_time(pattern):
            seen = b""
            for t, c in chunks:
                seen += c
                if re.search(pattern, seen):
                    return t
            self.fail("never saw %r in:\n%s" % (pattern, text))

        bar = first_time(rb"\rtrain m \[[=> ]{20}\] +\d+%% epoch 1/%d" % EPOCHS)
        epoch1 = first_time(rb"train m epoch 1/%d train [0-9.]+" % EPOCHS)
        done = first_time(rb"train m: done after")
        # The bar is drawn while training runs, long before it ends; each epoch's line when the epoch ends.
        self.assertLess(bar, epoch1, text)
        self.assertGreater(done - bar, 1.5, "the bar appeared only %.2f s before the end:\n%s" % (done - bar, text))
        self.assertGreater(done - epoch1, 1.0, "epoch 1's line came only at the end:\n%s" % text)
        self.assertNotIn("WARNING: Using incubator modules", text)
        # The bar fits the terminal's 100 columns.
        bars = [p.replace("\x1b[K", "") for p in re.split(r"[\r\n]", text) if p.startswith("train m [")]
        self.assertGreater(len(bars), 2 * EPOCHS, "the bar was redrawn only %d times:\n%s" % (len(bars), text))
        for piece in bars:
            self.assertLessEqual(len(piece), 99, repr(piece))

    def test_piped_output_is_one_plain_line_per_epoch(self):
        r = subprocess.run(
            [LAUNCHER, "run", self.program, "--out", os.path.join(self.dir.name, "pipe-out"), "--epochs", "3"],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=600)
        text = r.stdout.decode("utf-8")
        self.assertEqual(0, r.returncode, text)
        self.assertNotIn("\r", text)
        self.assertNotIn("\x1b", text)
        self.assertNotIn("WARNING: Using incubator modules", text)
        epochs = [l for l in text.splitlines() if l.startswith("train m epoch ")]
        self.assertEqual(["train m epoch %d/3" % e for e in (1, 2, 3)], [l[:len("train m epoch 1/3")] for l in epochs], text)
        for l in epochs:
            self.assertRegex(l, r"^train m epoch \d/3 train \d+\.\d{5} [\d,]+ ex/s \d+\.\d s$")

    def test_a_nul_in_a_diagnostic_and_the_order_of_streams(self):
        bad = os.path.join(self.dir.name, "nul.ae")
        with open(bad, "wb") as f:
            f.write(b"model m {\x00 }\n")
        r = subprocess.run([LAUNCHER, "check", bad], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=300)
        text = r.stdout.decode("utf-8", "replace")
        self.assertEqual(1, r.returncode, text)
        self.assertIn("nul.ae:1:10: error: unexpected character U+0000", text)
        self.assertNotIn("binary file matches", text)
        self.assertTrue(text.rstrip().endswith("1 error"), text)

    def test_incubator_warning_hidden_but_other_jvm_messages_kept(self):
        env = dict(os.environ, JAVA_TOOL_OPTIONS="-Xmx512m")
        r = subprocess.run([LAUNCHER, "version"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, timeout=300)
        err = r.stderr.decode("utf-8")
        self.assertEqual(0, r.returncode, err)
        self.assertIn("Picked up JAVA_TOOL_OPTIONS: -Xmx512m", err)
        self.assertNotIn("incubator", err)
        self.assertIn("Vector", r.stdout.decode("utf-8"))

    def test_help_and_did_you_mean_through_the_launcher(self):
        def run(*args):
            r = subprocess.run([LAUNCHER, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=300)
            return r.returncode, r.stdout.decode("utf-8"), r.stderr.decode("utf-8")

        code, out, err = run()
        self.assertEqual(0, code, err)
        for command in ("run", "check", "fmt", "emit", "version", "demo", "bench", "kernel", "notebook",
                        "notebooks", "jshell", "test", "completion"):
            self.assertRegex(out, r"(?m)^  %s +\S" % command)
        # a Java command and commands the launcher runs in bash answer --help alike, without running anything
        for args, usage in ((["run", "--help"], "Usage: ae4j run"), (["test", "--help"], "Usage: ae4j test"),
                            (["kernel", "install", "--help"], "Usage: ae4j kernel install"),
                            (["jshell", "-h"], "Usage: ae4j jshell"), (["bench", "compare", "--help"],
                                                                         "Usage: ae4j bench compare")):
            code, out, err = run(*args)
            self.assertEqual(0, code, " ".join(args) + ": " + err)
            self.assertIn(usage, out)
        code, out, err = run("chek", "x.ae")
        self.assertEqual(1, code)
        self.assertIn("unknown command 'chek'; did you mean 'check'", err)
        code, out, err = run("notebooks", "refesh")
        self.assertEqual(1, code)
        self.assertIn("did you mean 'refresh'", err)


if __name__ == "__main__":
    unittest.main()
