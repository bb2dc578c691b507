"""The ae4j kernel driven by a real Jupyter client (Debian's jupyter_client and jupyter_kernel_test).

Run by ./ae4j test after the Maven build, with the kernelspec installed in a temporary JUPYTER_PATH.
"""
import base64
import os
import re
import struct
import subprocess
import tempfile
import time
import unittest
from queue import Empty

import jupyter_kernel_test as jkt
from jupyter_client.kernelspec import KernelSpecManager
from jupyter_client.manager import start_new_kernel
from jupyter_client.session import Session

KERNEL = "ae4j"

SMALL = """%%ae
data blobs = gaussian_mixture(k: 3, dim: 4, n: 3000, seed: 1)
model ae {
  input x[4]
  encoder f { dense 3 tanh }
  decoder g { dense 4 }
  minimize mse(x, g(f(x)))
}
"""


class ProtocolConformance(jkt.KernelTests):
    """jupyter_kernel_test's protocol checks: replies, streams, errors, completion, is_complete, inspect."""

    kernel_name = KERNEL
    language_name = "java"
    file_extension = ".jshell"

    code_hello_world = 'System.out.println("hello, world");'
    code_stderr = 'System.err.println("to stderr");'
    code_generate_error = 'throw new IllegalStateException("expected failure");'
    code_execute_result = [
        {"code": "6 * 7", "result": "42"},
        {"code": 'String s = "ab"; s + s', "result": "abab"},
    ]
    code_display_data = [
        {"code": "display(new java.awt.image.BufferedImage(4, 4, java.awt.image.BufferedImage.TYPE_INT_RGB));",
         "mime": "image/png"},
        {"code": 'html("<b>bold</b>");', "mime": "text/html"},
    ]
    completion_samples = [
        {"text": "ByteArrayOutputStr", "matches": {"ByteArrayOutputStream"}},
        {"text": "%%ae\nanalyze m on d { jacobian_sp", "matches": {"jacobian_spectrum"}},
        {"text": "%%ae\nmodel m {\n  encoder f { dense 3 sigm", "matches": {"sigmoid"}},
    ]
    complete_code_samples = ["1 + 1;", "int x = 2;", "%%ae\nmodel m { input x[2] }"]
    incomplete_code_samples = ["for (int i = 0; i < 3; i++) {", "%%ae\nmodel m {"]
    invalid_code_samples = ["int x = 2; }", "%%ae\nmodel m { } }"]
    code_inspect_sample = "%%ae\nrelu"


class Client(unittest.TestCase):
    """Behaviour beyond the protocol: %%ae cells, shared objects, live training display, errors, interrupt."""

    @classmethod
    def setUpClass(cls):
        cls.km, cls.kc = start_new_kernel(kernel_name=KERNEL)

    @classmethod
    def tearDownClass(cls):
        cls.kc.stop_channels()
        cls.km.shutdown_kernel(now=True)

    def run_cell(self, code, timeout=300):
        outputs = []
        reply = self.kc.execute_interactive(code, timeout=timeout, output_hook=outputs.append)
        return reply["content"], outputs

    def test_dsl_error_names_cell_line_and_column(self):
        reply, outputs = self.run_cell("%%ae\nmodel m {\n  input x[4]\n  encoder f { dense 3 rleu }\n"
                                       "  decoder g { dense 4 }\n  minimize mse(x, g(f(x)))\n}\n")
        self.assertEqual(reply["status"], "error")
        self.assertEqual(reply["ename"], "AeError")
        errors = [m for m in outputs if m["msg_type"] == "error"]
        self.assertEqual(len(errors), 1)
        trace = "\n".join(errors[0]["content"]["traceback"])
        # The fourth line of the cell (the %%ae line is line 1), column 23, with the line and a caret.
        self.assertRegex(trace, r"In\[\d+\]:4:23: error: unknown activation 'rleu'; did you mean 'relu'\?")
        self.assertIn("  encoder f { dense 3 rleu }", trace)
        self.assertIn("^^^^", trace)
        self.assertNotIn("at ae4j.", trace)  # no Java stack trace for a user's mistake
        # The kernel is alive and the next cell runs.
        reply, _ = self.run_cell("1 + 1")
        self.assertEqual(reply["status"], "ok")

    def test_java_compile_error_points_at_the_line(self):
        reply, outputs = self.run_cell('int a = 1;\nStrin b = "x";')
        self.assertEqual(reply["status"], "error")
        trace = "\n".join("\n".join(m["content"]["traceback"]) for m in outputs if m["msg_type"] == "error")
        self.assertRegex(trace, r"In\[\d+\]:2:1: error: cannot find symbol")

    def test_models_and_data_are_shared_with_java_cells_and_training_is_live(self):
        reply, outputs = self.run_cell(SMALL)
        self.assertEqual(reply["status"], "ok", reply)
        html = [m for m in outputs if m["msg_type"] == "display_data" and "text/html" in m["content"]["data"]]
        self.assertTrue(any("model ae" in m["content"]["data"]["text/html"] for m in html), "model summary shown")

        reply, outputs = self.run_cell("ae.loss(blobs)")
        before = float(self.value(outputs))

        reply, outputs = self.run_cell("%%ae\ntrain ae on blobs { epochs: 4, batch: 50, seed: 2 }\n")
        self.assertEqual(reply["status"], "ok", reply)
        shown = [m for m in outputs if m["msg_type"] == "display_data" and "display_id" in m["content"].get("transient", {})]
        self.assertEqual(len(shown), 1, "one live training display")
        display_id = shown[0]["content"]["transient"]["display_id"]
        updates = [m for m in outputs if m["msg_type"] == "update_display_data"]
        self.assertGreaterEqual(len(updates), 1)
        self.assertTrue(all(u["content"]["transient"]["display_id"] == display_id for u in updates))
        final = updates[-1]["content"]["data"]
        self.assertIn("done: 4 epochs", final["text/plain"])
        self.assertIn("<progress", final["text/html"])
        self.assertIn("examples/s", final["text/html"])
        # One chart per training cell: the live display ends as the loss figure; no second loss chart.
        self.assertIn("image/png", final, "the final update carries the loss figure")
        self.assertIn("data:image/png;base64,", final["text/html"])
        pngs = [m for m in outputs if m["msg_type"] == "display_data" and "image/png" in m["content"]["data"]]
        self.assertEqual(pngs, [], "no separate loss chart besides the live one")
        # The loss kinds are named, and epochs count from 1 (epoch 4 of 4 is the last).
        self.assertIn("last batch loss", final["text/html"])
        self.assertIn("epoch 4 mean training loss", final["text/html"])
        self.assertNotRegex(final["text/plain"], r"\d\.\d{6,}", "numbers with a few digits")

        # The model trained in a %%ae cell is the object Java cells see.
        reply, outputs = self.run_cell("ae.loss(blobs)")
        after = float(self.value(outputs))
        self.assertLess(after, before)
        reply, outputs = self.run_cell("ae.encode(blobs.row(0)).length")
        self.assertEqual(self.value(outputs), "3")

        # A later cell trains it further from its current weights.
        self.run_cell("%%ae\ntrain ae on blobs { epochs: 2, batch: 50, seed: 3 }\n")
        reply, outputs = self.run_cell("ae.loss(blobs)")
        self.assertLess(float(self.value(outputs)), after)

    def complete(self, code):
        msg_id = self.kc.complete(code, len(code))
        reply = self.kc.get_shell_msg(timeout=30)
        while reply["parent_header"].get("msg_id") != msg_id:
            reply = self.kc.get_shell_msg(timeout=30)
        self.assertEqual(reply["content"]["status"], "ok")
        return reply["content"]

    def test_completion_by_context(self):
        # The analyses inside evaluate/analyze blocks: a handful, not all of the language's words.
        everywhere = set(self.complete("%%ae\n")["matches"])
        analyses = set(self.complete("%%ae\nevaluate m on d { ")["matches"])
        self.assertIn("reconstruction", analyses)
        self.assertIn("jacobian_spectrum", analyses)
        self.assertNotIn("relu", analyses)
        self.assertNotIn("model", analyses)
        self.assertLess(len(analyses), len(everywhere) / 3, (len(analyses), len(everywhere)))
        self.assertEqual(set(self.complete("%%ae\nanalyze m on d {\n  ")["matches"]), analyses)
        self.assertNotIn("loss", self.complete("%%ae\nevaluate m on d { loss, ")["matches"])
        # The options inside train blocks, the optimizers after optimizer:, an optimizer's parameters.
        options = set(self.complete("%%ae\ntrain m on d { ")["matches"])
        self.assertTrue({"epochs", "batch", "optimizer", "seed", "validation"} <= options, options)
        self.assertNotIn("relu", options)
        self.assertNotIn("epochs", self.complete("%%ae\ntrain m on d { epochs: 2, ")["matches"])
        optimizers = set(self.complete("%%ae\ntrain m on d { epochs: 2, optimizer: ")["matches"])
        self.assertTrue({"adam", "sgd"} <= optimizers, optimizers)
        self.assertNotIn("epochs", optimizers)
        reply = self.complete("%%ae\ntrain m on d { optimizer: ad")
        self.assertIn("adam", reply["matches"])
        self.assertEqual(reply["cursor_start"], len("%%ae\ntrain m on d { optimizer: "))
        self.assertIn("lr", self.complete("%%ae\ntrain m on d { optimizer: adam(")["matches"])
        # Magic names.
        self.assertEqual(self.complete("%ma")["matches"], ["%maven"])
        self.assertEqual(set(self.complete("%%t")["matches"]), {"%%time"})

    def test_a_one_epoch_run_shows_one_readable_chart(self):
        reply, _ = self.run_cell(SMALL.replace("model ae", "model one").replace("blobs", "blobs1"))
        self.assertEqual(reply["status"], "ok", reply)
        reply, outputs = self.run_cell("%%ae\ntrain one on blobs1 { epochs: 1, batch: 50, seed: 2, validation: 0.2 }\n")
        self.assertEqual(reply["status"], "ok", reply)
        displays = [m for m in outputs if m["msg_type"] == "display_data"]
        # besides the chart, the cell lists the files it wrote as links relative to the notebook's folder
        links = [m for m in displays if m["content"]["data"]["text/plain"].startswith("files:")]
        shown = [m for m in displays if m not in links]
        self.assertEqual(len(shown), 1, [list(m["content"]["data"]) for m in shown])
        self.assertEqual(len(links), 1, [m["content"]["data"]["text/plain"] for m in links])
        self.assertIn('<a href="ae4j-outputs/one/loss.png"', links[0]["content"]["data"]["text/html"])
        updates = [m for m in outputs if m["msg_type"] == "update_display_data"]
        first = shown[0]["content"]["data"]["text/plain"]
        self.assertIn("epoch 1/1", first, "epochs count from 1 while training")
        final = updates[-1]["content"]["data"]
        self.assertIn("done: 1 epoch in", final["text/plain"])
        self.assertIn("epoch 1 mean training loss", final["text/plain"])
        self.assertIn("validation loss", final["text/plain"])
        self.assertIn("image/png", final)
        png = base64.b64decode(final["image/png"])
        self.assertEqual(png[:8], b"\x89PNG\r\n\x1a\n")
        width, height = struct.unpack(">II", png[16:24])
        self.assertGreaterEqual(width, 400)

    def test_samples_and_interpolate_show_their_pictures(self):
        """analyze ... { samples, interpolate } in a %%ae cell, and Model.sample / interpolate from Java."""
        reply, _ = self.run_cell("%%ae\ndata ring = circle(radius: 2, n: 500, noise: 0.1, seed: 1)\n"
                                 "model rdae {\n  input x[2]\n  corrupt x~ = gaussian(x, sigma: 0.3)\n"
                                 "  encoder f { dense 16 relu }\n  decoder g { dense 2 }\n"
                                 "  minimize mse(x, g(f(x~)))\n}\n"
                                 "train rdae on ring { epochs: 3, batch: 50, seed: 1 }\n"
                                 "analyze rdae on ring { samples(n: 20, steps: 10, thin: 1), interpolate(a: 0, b: 7) }\n")
        self.assertEqual(reply["status"], "ok", reply)
        reply, outputs = self.run_cell('%%ae\nanalyze rdae on ring { samples(n: 20, steps: 10, thin: 1), interpolate }\n')
        self.assertEqual(reply["status"], "ok", reply)
        text = "".join(m["content"].get("text", "") for m in outputs if m["msg_type"] == "stream")
        self.assertIn("energy distance to ring", text)
        self.assertIn("interpolate rdae on ring", text)
        pngs = [m for m in outputs if m["msg_type"] == "display_data" and "image/png" in m["content"]["data"]]
        self.assertGreaterEqual(len(pngs), 2, "samples.png and interpolate.png are shown")

        reply, outputs = self.run_cell("rdae.sample(ring)")
        self.assertEqual(reply["status"], "ok", reply)
        data = [m["content"]["data"] for m in outputs if m["msg_type"] in ("execute_result", "display_data")]
        self.assertTrue(any("image/png" in d and "energy distance" in d.get("text/html", "") for d in data), data)
        reply, outputs = self.run_cell("rdae.interpolate(ring, 0, 7, 8)")
        data = [m["content"]["data"] for m in outputs if m["msg_type"] in ("execute_result", "display_data")]
        self.assertTrue(any("image/png" in d for d in data), data)

    def test_interrupt_stops_training_and_keeps_the_model(self):
        reply, _ = self.run_cell(SMALL.replace("model ae", "model slow").replace("n: 3000", "n: 200000")
                                 .replace("blobs", "many") + "evaluate slow on many { loss }\n")
        self.assertEqual(reply["status"], "ok", reply)
        reply, outputs = self.run_cell("float[] w0 = Ae4j.session().model(\"slow\").model().params()[0].clone(); w0.length")
        msg_id = self.kc.execute("%%ae\ntrain slow on many { epochs: 500, batch: 16 }\n")
        # Wait until training shows progress, then interrupt.
        deadline = time.time() + 120
        started = False
        while time.time() < deadline and not started:
            try:
                m = self.kc.get_iopub_msg(timeout=1)
            except Empty:
                continue
            if m["parent_header"].get("msg_id") == msg_id and m["msg_type"] in ("display_data", "update_display_data"):
                started = True
        self.assertTrue(started, "training started")
        time.sleep(1.0)
        t0 = time.time()
        self.km.interrupt_kernel()
        reply = self.kc.get_shell_msg(timeout=60)
        while reply["parent_header"].get("msg_id") != msg_id:
            reply = self.kc.get_shell_msg(timeout=60)
        latency = time.time() - t0
        print(f"\ninterrupt: training stopped and the cell replied {latency:.3f} s after the interrupt request")
        self.assertEqual(reply["content"]["status"], "error")
        self.assertEqual(reply["content"]["ename"], "Interrupted")
        self.assertLess(latency, 5.0)
        # The kernel is alive; the model kept the weights trained so far and still works.
        reply, outputs = self.run_cell("!java.util.Arrays.equals(w0, Ae4j.session().model(\"slow\").model().params()[0])")
        self.assertEqual(self.value(outputs), "true")
        reply, outputs = self.run_cell("Double.isFinite(slow.loss(many))")
        self.assertEqual(self.value(outputs), "true")

    def test_interrupt_stops_a_java_loop(self):
        msg_id = self.kc.execute("while (true) { }")
        time.sleep(1.5)
        self.km.interrupt_kernel()
        reply = self.kc.get_shell_msg(timeout=30)
        while reply["parent_header"].get("msg_id") != msg_id:
            reply = self.kc.get_shell_msg(timeout=30)
        self.assertEqual(reply["content"]["status"], "error")
        reply, outputs = self.run_cell("21 * 2")
        self.assertEqual(self.value(outputs), "42")

    def value(self, outputs):
        results = [m for m in outputs if m["msg_type"] == "execute_result"]
        self.assertEqual(len(results), 1, [m["msg_type"] for m in outputs])
        return results[0]["content"]["data"]["text/plain"]


class MagicsTest(unittest.TestCase):
    """The magics IJava users expect: %lsmagic, %classpath, %maven, %time and %%time, and a clear error for others."""

    @classmethod
    def setUpClass(cls):
        cls.km, cls.kc = start_new_kernel(kernel_name=KERNEL)

    @classmethod
    def tearDownClass(cls):
        cls.kc.stop_channels()
        cls.km.shutdown_kernel(now=True)

    def run_cell(self, code, timeout=300):
        outputs = []
        reply = self.kc.execute_interactive(code, timeout=timeout, output_hook=outputs.append)
        return reply["content"], outputs

    def stdout(self, outputs):
        return "".join(m["content"]["text"] for m in outputs
                       if m["msg_type"] == "stream" and m["content"]["name"] == "stdout")

    def result(self, outputs):
        results = [m["content"]["data"]["text/plain"] for m in outputs if m["msg_type"] == "execute_result"]
        return results[0] if results else None

    def wall_seconds(self, text):
        m = re.search(r"Wall time: ([0-9.]+) (µs|ms|s)\n", text)
        self.assertIsNotNone(m, text)
        return float(m.group(1)) * {"µs": 1e-6, "ms": 1e-3, "s": 1.0}[m.group(2)]

    def test_lsmagic_lists_line_and_cell_magics(self):
        reply, outputs = self.run_cell("%lsmagic")
        self.assertEqual(reply["status"], "ok", reply)
        text = self.stdout(outputs)
        line, cell = text.split("Cell magics")
        for name in ("%classpath", "%lsmagic", "%maven", "%time"):
            self.assertRegex(line, "\n  " + name + "[ :]")
        for name in ("%%ae", "%%time"):
            self.assertIn("  " + name, cell)

    def test_unknown_magic_is_an_error_listing_the_known_ones(self):
        for code, what in [("%mavne org.x:y:1", "unknown line magic '%mavne'"),
                           ("%%timeit\n1 + 1", "unknown cell magic '%%timeit'"),
                           ("1 + 1;\n%%time\n2", "the cell magic %%time must be on the cell's first line")]:
            with self.subTest(code):
                reply, _ = self.run_cell(code)
                self.assertEqual(reply["status"], "error")
                self.assertEqual(reply["ename"], "MagicError")
                self.assertIn(what, reply["evalue"])
                if "unknown" in what:
                    self.assertIn("%classpath, %lsmagic, %maven, %time", reply["evalue"])
                    self.assertIn("%%ae, %%time", reply["evalue"])
                self.assertNotIn("JShell", reply["evalue"])

    def test_time_measures_the_wall_time_of_a_statement_and_of_a_cell(self):
        reply, outputs = self.run_cell("%time Thread.sleep(400)")
        self.assertEqual(reply["status"], "ok", reply)
        self.assertGreaterEqual(self.wall_seconds(self.stdout(outputs)), 0.4)
        self.assertLess(self.wall_seconds(self.stdout(outputs)), 30)
        # %time's statement's value is the cell's value; the lines around it run in order.
        reply, outputs = self.run_cell("int base = 40;\n%time base + 2")
        self.assertEqual(self.result(outputs), "42")
        reply, outputs = self.run_cell("%%time\nThread.sleep(300);\nThread.sleep(300);\n\"done\"")
        self.assertEqual(reply["status"], "ok", reply)
        self.assertEqual(self.result(outputs), "done")
        self.assertGreaterEqual(self.wall_seconds(self.stdout(outputs)), 0.6)
        # %%time over an ae4j cell, and errors in the timed cell keep the cell's line numbers.
        reply, outputs = self.run_cell("%%time\n%%ae\ndata t = circle(radius: 1, n: 100, seed: 1)\n")
        self.assertEqual(reply["status"], "ok", reply)
        self.wall_seconds(self.stdout(outputs))
        reply, outputs = self.run_cell("%%time\nint ok = 1;\nStrin s = \"x\";")
        self.assertEqual(reply["status"], "error")
        self.assertRegex(reply["evalue"], r"In\[\d+\]:3:1: error: cannot find symbol")
        reply, _ = self.run_cell("%time")
        self.assertIn("%time needs a statement", reply["evalue"])

    def test_classpath_adds_a_folder_and_a_jar_and_prints_the_class_path(self):
        java = KernelSpecManager().get_kernel_spec(KERNEL).argv[0]
        javac = os.path.join(os.path.dirname(java), "javac")
        jar = os.path.join(os.path.dirname(java), "jar")
        with tempfile.TemporaryDirectory() as tmp:
            for pkg, cls, text in [("greet", "Hello", "hello from a folder"), ("other", "Hi", "hi from a jar")]:
                os.makedirs(os.path.join(tmp, "src", pkg))
                with open(os.path.join(tmp, "src", pkg, cls + ".java"), "w") as f:
                    f.write(f"package {pkg}; public class {cls} {{ public String say() {{ return \"{text}\"; }} }}")
            subprocess.run([javac, "-d", os.path.join(tmp, "classes"), os.path.join(tmp, "src", "greet", "Hello.java")],
                           check=True)
            subprocess.run([javac, "-d", os.path.join(tmp, "jarclasses"), os.path.join(tmp, "src", "other", "Hi.java")],
                           check=True)
            os.makedirs(os.path.join(tmp, "libs"))
            subprocess.run([jar, "cf", os.path.join(tmp, "libs", "hi.jar"), "-C", os.path.join(tmp, "jarclasses"), "."],
                           check=True)

            reply, _ = self.run_cell("new greet.Hello().say()")
            self.assertEqual(reply["status"], "error", "not on the class path before %classpath")
            reply, outputs = self.run_cell(f"%classpath {tmp}/classes\nnew greet.Hello().say()")
            self.assertEqual(reply["status"], "ok", reply)
            self.assertEqual(self.result(outputs), "hello from a folder")
            reply, outputs = self.run_cell(f"%classpath {tmp}/libs/*\nnew other.Hi().say()")
            self.assertEqual(self.result(outputs), "hi from a jar")
            self.assertIn(f"added to the class path: {tmp}/libs/hi.jar", self.stdout(outputs))
            reply, outputs = self.run_cell("%classpath")
            printed = self.stdout(outputs)
            self.assertIn(f"  {tmp}/classes\n", printed)
            self.assertIn(f"  {tmp}/libs/hi.jar\n", printed)
            self.assertIn("jupyter-jvm-basekernel", printed, "the kernel's own class path too")
            reply, _ = self.run_cell(f"%classpath {tmp}/missing.jar")
            self.assertEqual(reply["status"], "error")
            self.assertIn(f"{tmp}/missing.jar does not exist", reply["evalue"])

    def test_maven_resolves_an_artifact_with_its_dependencies_from_the_local_repository(self):
        # junit-jupiter-api is a test dependency of this build: in ~/.m2, and not on the kernel's class path.
        root = os.environ.get("AE4J_ROOT", os.path.join(os.path.dirname(__file__), "..", "..", "..", ".."))
        with open(os.path.join(root, "pom.xml")) as f:
            version = re.search(r"<junit.version>([^<]+)</junit.version>", f.read()).group(1)
        reply, _ = self.run_cell("org.opentest4j.AssertionFailedError.class")
        self.assertEqual(reply["status"], "error", "not on the class path before %maven")
        reply, outputs = self.run_cell(f"%maven org.junit.jupiter:junit-jupiter-api:{version}")
        self.assertEqual(reply["status"], "ok", reply)
        text = self.stdout(outputs)
        self.assertRegex(text, rf"%maven org.junit.jupiter:junit-jupiter-api:{re.escape(version)}: [4-9] jars .*"
                               r"from the local repository")
        # The artifact and a dependency it brought (opentest4j) are usable from Java cells.
        reply, outputs = self.run_cell(
            "String caught = null;\n"
            "try { org.junit.jupiter.api.Assertions.assertEquals(1, 2); }"
            " catch (org.opentest4j.AssertionFailedError e) { caught = e.getMessage(); }\ncaught")
        self.assertEqual(reply["status"], "ok", reply)
        self.assertEqual(self.result(outputs), "expected: <1> but was: <2>")
        for bad, what in [("%maven junit", "is not Maven coordinates: write group:artifact:version"),
                          ("%maven", "%maven needs coordinates")]:
            reply, _ = self.run_cell(bad)
            self.assertEqual(reply["status"], "error")
            self.assertIn(what, reply["evalue"])


class HostileInput(unittest.TestCase):
    """Messages and cells meant to break the kernel. Each one gets a clear answer (or is logged and dropped) and
    the kernel keeps answering, with the variables defined before still there."""

    @classmethod
    def setUpClass(cls):
        cls.km, cls.kc = start_new_kernel(kernel_name=KERNEL)

    @classmethod
    def tearDownClass(cls):
        cls.kc.stop_channels()
        cls.km.shutdown_kernel(now=True)

    @classmethod
    def restart(cls):
        cls.kc.stop_channels()
        cls.km.shutdown_kernel(now=True)
        cls.km, cls.kc = start_new_kernel(kernel_name=KERNEL)

    def setUp(self):
        # A case that killed the kernel (or its shell thread) fails on its own, not every case after it.
        if not self.km.is_alive() or self.answer("0", timeout=10) is None:
            self.restart()
        self.run_cell('String kept = "defined before";')

    def run_cell(self, code, timeout=60):
        outputs = []
        reply = self.kc.execute_interactive(code, timeout=timeout, output_hook=outputs.append)
        return reply["content"], outputs

    def answer(self, code, timeout=20):
        """The text of the cell's value, or None when the kernel does not answer within the timeout."""
        try:
            reply, outputs = self.run_cell(code, timeout=timeout)
        except TimeoutError:
            return None
        results = [m["content"]["data"]["text/plain"] for m in outputs if m["msg_type"] == "execute_result"]
        return results[0] if results else reply

    def assert_alive(self):
        self.assertEqual(self.answer("6 * 7"), "42", "the kernel answers the next cell")
        self.assertEqual(self.answer("kept"), "defined before", "and keeps what earlier cells defined")

    def reply_to(self, msg_id, timeout=20):
        deadline = time.time() + timeout
        while time.time() < deadline:
            try:
                m = self.kc.get_shell_msg(timeout=1)
            except Empty:
                continue
            if m["parent_header"].get("msg_id") == msg_id:
                return m["content"]
        self.fail(f"no reply within {timeout} s")

    def signed_frames(self, header, content=b"{}", metadata=b"{}"):
        parts = [header, b"{}", metadata, content]
        return [b"<IDS|MSG>", self.kc.session.sign(parts)] + parts

    def stream_text(self, outputs, name="stdout"):
        return "".join(m["content"]["text"] for m in outputs
                       if m["msg_type"] == "stream" and m["content"]["name"] == name)

    def error_text(self, outputs):
        return "\n".join("\n".join(m["content"]["traceback"]) for m in outputs if m["msg_type"] == "error")

    # Messages

    def test_message_signed_with_a_wrong_key_is_dropped(self):
        Session(key=b"not the connection key").send(
            self.kc.shell_channel.socket, "execute_request",
            {"code": "int signedWithWrongKey = 1;", "silent": False, "store_history": True,
             "user_expressions": {}, "allow_stdin": False})
        self.assert_alive()
        reply, _ = self.run_cell("signedWithWrongKey")
        self.assertEqual(reply["status"], "error", "the forged cell did not run")
        # The control channel (interrupt, shutdown) too.
        Session(key=b"not the connection key").send(self.kc.control_channel.socket, "kernel_info_request", {})
        msg = self.kc.session.msg("kernel_info_request", {})
        self.kc.control_channel.send(msg)
        reply = self.kc.get_control_msg(timeout=20)
        self.assertEqual(reply["parent_header"]["msg_id"], msg["header"]["msg_id"])
        self.assertEqual(reply["content"]["status"], "ok")

    def test_malformed_json_is_dropped(self):
        header = self.kc.session.pack(self.kc.session.msg_header("execute_request"))
        for what, frames in [("header", self.signed_frames(b"{not json")),
                             ("content", self.signed_frames(header, b'{"code": ')),
                             ("header that is not an object", self.signed_frames(b"[1, 2]")),
                             ("metadata nested 100,000 deep", self.signed_frames(
                                 header, b'{"code": "1"}', b'{"a": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"))]:
            with self.subTest(what):
                self.kc.shell_channel.socket.send_multipart(frames)
                self.assert_alive()

    def test_message_with_missing_frames_does_not_swallow_the_next_request(self):
        header = self.kc.session.pack(self.kc.session.msg_header("execute_request"))
        for what, frames in [("no <IDS|MSG> delimiter", [b"junk", b"more junk"]),
                             ("two frames short", self.signed_frames(header)[:4])]:
            with self.subTest(what):
                self.kc.shell_channel.socket.send_multipart(frames)
                self.assert_alive()

    def test_unknown_message_type_is_ignored(self):
        self.kc.session.send(self.kc.shell_channel.socket, "frobnicate_request", {"code": "1"})
        self.assert_alive()

    def test_execute_request_without_code_is_an_error_naming_the_field(self):
        msg = self.kc.session.msg("execute_request", {"silent": False})
        self.kc.shell_channel.send(msg)
        reply = self.reply_to(msg["header"]["msg_id"])
        self.assertEqual(reply["status"], "error")
        self.assertIn("'code'", reply["evalue"])
        self.assertNotIn("NullPointerException", str(reply))
        self.assert_alive()

    def test_requests_without_code_or_with_the_cursor_outside_the_code_are_answered(self):
        for kind, content, status in [
                ("is_complete_request", {}, "invalid"),
                ("complete_request", {"cursor_pos": 3}, "ok"),
                ("inspect_request", {"cursor_pos": 3, "detail_level": 0}, "ok"),
                ("complete_request", {"code": "%%ae\nrel", "cursor_pos": 500}, "ok"),
                ("complete_request", {"code": "Sys", "cursor_pos": -5}, "ok"),
                ("inspect_request", {"code": "%%ae\nrel", "cursor_pos": 500, "detail_level": 0}, "ok")]:
            with self.subTest(kind, content=content):
                msg = self.kc.session.msg(kind, content)
                self.kc.shell_channel.send(msg)
                reply = self.reply_to(msg["header"]["msg_id"], timeout=10)
                self.assertEqual(reply["status"], status, reply)
        self.assert_alive()

    def shutdown_ends_the_kernel(self, cell, wait):
        km, kc = start_new_kernel(kernel_name=KERNEL)
        try:
            msg_id = kc.execute(cell)
            time.sleep(wait)
            km.request_shutdown()
            deadline = time.time() + 20
            while km.is_alive() and time.time() < deadline:
                time.sleep(0.1)
            self.assertFalse(km.is_alive(), "the kernel ended on its own after shutdown_request")
            self.assertEqual(km.provisioner.process.returncode, 0)
        finally:
            kc.stop_channels()
            km.shutdown_kernel(now=True)

    def test_shutdown_request_still_ends_the_kernel(self):
        # The exit guard refuses cells' exits, not the kernel's own.
        self.shutdown_ends_the_kernel("System.exit(0);", wait=3)

    def test_shutdown_request_ends_a_kernel_whose_cell_cannot_stop(self):
        # What the user does after being told an interrupt cannot stop the cell: restart the kernel.
        self.shutdown_ends_the_kernel("java.util.stream.LongStream.range(0, Long.MAX_VALUE).sum()", wait=3)

    # Cells

    def test_system_exit_is_refused_and_the_kernel_lives(self):
        for code, call in [("System.exit(0);", "System.exit"),
                           ("Runtime.getRuntime().exit(1);", "System.exit"),
                           ("Runtime.getRuntime().halt(0);", "Runtime.halt"),
                           ("java.util.function.IntConsumer quit = System::exit; quit.accept(2);", "System.exit"),
                           # library code that exits: the ae4j command line's main
                           ('ae4j.dsl.cli.Main.main(new String[0]);', "System.exit")]:
            with self.subTest(code):
                reply, outputs = self.run_cell(code, timeout=30)
                self.assertEqual(reply["status"], "error", reply)
                self.assertIn(call + " would end the kernel and every model in it", reply["evalue"])
                self.assertIn("restart the kernel", self.error_text(outputs))
                self.assert_alive()

    def test_system_exit_in_a_thread_the_cell_started_is_refused(self):
        reply, outputs = self.run_cell("Thread t = new Thread(() -> System.exit(3)); t.start(); t.join();")
        self.assertEqual(reply["status"], "ok", reply)
        self.assert_alive()


    def test_deep_recursion_is_an_error_with_a_short_trace(self):
        self.run_cell("int depth(int n) { return n == 0 ? 0 : 1 + depth(n - 1); }")
        reply, outputs = self.run_cell("depth(100_000_000)")
        self.assertEqual(reply["status"], "error")
        trace = self.error_text(outputs)
        self.assertIn("java.lang.StackOverflowError: the calls nested too deeply", trace)
        self.assertLess(len(trace.splitlines()), 20, trace[:2000])
        self.assertRegex(trace, r"In\[\d+\] depth\n.*repeated \d+ more times")
        self.assert_alive()

    def test_enormous_output_is_truncated_with_a_note(self):
        t0 = time.time()
        reply, outputs = self.run_cell(
            'String line = "x".repeat(1023); for (int i = 0; i < 50 * 1024; i++) System.out.println(line);',
            timeout=120)
        self.assertEqual(reply["status"], "ok", reply)
        out = self.stream_text(outputs)
        line = "x" * 1023 + "\n"
        self.assertTrue(out.startswith(line * 1000), "the first megabyte arrives whole")
        self.assertLess(len(out), 1100 * 1024)
        self.assertRegex(out, r"output truncated: the cell wrote 50\.0 MB to stdout; the notebook shows the first 1\.0 MB")
        print(f"\n50 MB of output: cell answered in {time.time() - t0:.1f} s with {len(outputs)} messages")
        reply, outputs = self.run_cell('System.out.println("the next cell prints normally");')
        self.assertEqual(self.stream_text(outputs), "the next cell prints normally\n")

    def test_a_flood_of_tiny_writes_arrives_whole_in_few_messages(self):
        reply, outputs = self.run_cell("for (int i = 0; i < 200_000; i++) System.out.println();", timeout=120)
        self.assertEqual(reply["status"], "ok", reply)
        streams = [m for m in outputs if m["msg_type"] == "stream"]
        self.assertEqual(self.stream_text(outputs).count("\n"), 200_000, "no line lost")
        self.assertLess(len(streams), 1000)

    def test_binary_garbage_and_nul_are_printed(self):
        reply, outputs = self.run_cell(
            'System.out.print("a\\0b\\u0001"); System.out.write(new byte[] {(byte) 0xff, 0, 65, 10}); System.out.flush();')
        self.assertEqual(reply["status"], "ok", reply)
        self.assertEqual(self.stream_text(outputs), "a\x00b\x01\ufffd\x00A\n")
        self.assert_alive()

    def test_closing_system_out_and_err_does_not_silence_later_cells(self):
        self.run_cell("System.out.close(); System.err.close();")
        reply, outputs = self.run_cell('System.out.println("still here"); System.err.println("me too");')
        self.assertEqual(self.stream_text(outputs), "still here\n")
        self.assertEqual(self.stream_text(outputs, "stderr"), "me too\n")

    def interrupt(self, code, wait_for_reply):
        msg_id = self.kc.execute(code)
        time.sleep(1.5)
        self.km.interrupt_kernel()
        return self.reply_to(msg_id, timeout=30) if wait_for_reply else msg_id

    def test_interrupt_stops_a_sleeping_cell(self):
        reply = self.interrupt("Thread.sleep(Long.MAX_VALUE);", wait_for_reply=True)
        self.assertEqual(reply["status"], "error")
        self.assertEqual(reply["ename"], "Interrupted")
        self.assert_alive()

    def test_interrupt_that_cannot_stop_library_code_says_so(self):
        # A loop inside the JDK never looks at the stop flag, and Java 25 has no Thread.stop: the kernel can only
        # tell the user, within seconds, what is going on and what to do.
        msg_id = self.interrupt("java.util.stream.LongStream.range(0, Long.MAX_VALUE).sum()", wait_for_reply=False)
        try:
            deadline = time.time() + 20
            note = ""
            while time.time() < deadline and "restart the kernel" not in note:
                try:
                    m = self.kc.get_iopub_msg(timeout=1)
                except Empty:
                    continue
                if m["parent_header"].get("msg_id") == msg_id and m["msg_type"] == "stream":
                    note += m["content"]["text"]
            self.assertIn("did not stop", note)
            self.assertIn("restart the kernel", note)
        finally:
            self.restart()  # the loop never ends


if __name__ == "__main__":
    unittest.main()
