"""The ae4j kernel in a real browser: Debian's Jupyter Notebook server and headless Chromium driven by Selenium.

The kernelspec is installed into a temporary prefix (`KernelMain install --prefix`), a notebook server runs on
127.0.0.1 on a free port with a random token, and a new notebook with the ae4j kernel is opened in Chromium. A
%%ae cell that trains a small synthetic model is run from the page (shift-enter in the cell); the live training
display must be seen updating before training ends, and a PNG must be in the output at the end. Screenshots
go to kernel/target/browser/ for people to look at.

Run by ./ae4j test (which installs chromium, chromium-driver, python3-selenium and jupyter-notebook).
"""
import json
import os
import secrets
import shutil
import socket
import subprocess
import tempfile
import time
import unittest
import urllib.request

from jupyter_client.kernelspec import KernelSpecManager
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

KERNEL = "ae4j"
ROOT = os.environ.get("AE4J_ROOT", os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", "..", "..")))
SHOTS = os.path.join(ROOT, "kernel", "target", "browser")

CELL = """%%ae
# a small synthetic model, trained long enough to watch (a few seconds even on an idle machine)
data blobs = gaussian_mixture(k: 4, dim: 16, n: 100000, seed: 1)
model ae {
  input x[16]
  encoder f { dense 8 tanh }
  decoder g { dense 16 }
  minimize mse(x, g(f(x)))
}
train ae on blobs { epochs: 6, batch: 32, seed: 2, validation: 0.1 }
"""

CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync",
                  "--disable-dev-shm-usage", "--window-size=1280,1400"]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def need(path, package):
    if not os.path.exists(path):
        raise RuntimeError(f"{path} is missing: install Debian's {package} (./ae4j test installs it)")


class Browser(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        for path, package in [("/usr/bin/chromium", "chromium"), ("/usr/bin/chromedriver", "chromium-driver"),
                              ("/usr/bin/jupyter-notebook", "jupyter-notebook")]:
            need(path, package)
        cls.tmp = tempfile.mkdtemp(prefix="ae4j-browser-")
        cls.server = None
        cls.driver = None
        try:
            cls.start()
        except BaseException:
            cls.tearDownClass()
            raise

    @classmethod
    def start(cls):
        # The kernelspec in a temporary prefix, with the JDK and class path of the spec ./ae4j test installed.
        spec = KernelSpecManager().get_kernel_spec(KERNEL)
        java = spec.argv[0]
        classpath = spec.argv[spec.argv.index("-cp") + 1]
        prefix = os.path.join(cls.tmp, "prefix")
        subprocess.run([java, "--add-modules", "jdk.incubator.vector", "-cp", classpath, "ae4j.kernel.KernelMain",
                        "install", "--prefix", prefix, "--java", java, "--classpath", classpath],
                       check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        kernel_dir = os.path.join(prefix, "share", "jupyter", "kernels", KERNEL)
        assert os.path.isfile(os.path.join(kernel_dir, "kernel.json")), kernel_dir

        notebooks = os.path.join(cls.tmp, "notebooks")
        os.makedirs(notebooks)
        with open(os.path.join(notebooks, "live.ipynb"), "w") as f:
            json.dump({"cells": [{"cell_type": "code", "execution_count": None, "metadata": {}, "outputs": [],
                                  "source": ""}],
                       "metadata": {"kernelspec": {"name": KERNEL, "display_name": "ae4j (Java 25)",
                                                   "language": "java"}},
                       "nbformat": 4, "nbformat_minor": 5}, f)

        cls.port = free_port()
        cls.token = secrets.token_hex(16)
        env = dict(os.environ)
        env.update(JUPYTER_PATH=os.path.join(prefix, "share", "jupyter"),
                   JUPYTER_DATA_DIR=os.path.join(cls.tmp, "data"),
                   JUPYTER_CONFIG_DIR=os.path.join(cls.tmp, "config"),
                   JUPYTER_RUNTIME_DIR=os.path.join(cls.tmp, "runtime"),
                   HOME=cls.tmp)
        env.pop("JUPYTER_CONFIG_PATH", None)
        cls.log = open(os.path.join(cls.tmp, "server.log"), "w")
        cls.server = subprocess.Popen(
            ["/usr/bin/python3", "-m", "notebook", "--no-browser", "--allow-root", "--ip=127.0.0.1",
             f"--port={cls.port}", "--port-retries=0", f"--NotebookApp.token={cls.token}",
             f"--notebook-dir={notebooks}", "--NotebookApp.open_browser=False"],
            env=env, stdout=cls.log, stderr=subprocess.STDOUT)
        cls.base = f"http://127.0.0.1:{cls.port}"
        deadline = time.time() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{cls.base}/api/kernelspecs?token={cls.token}", timeout=5) as r:
                    specs = json.load(r)["kernelspecs"]
                    break
            except OSError:
                if cls.server.poll() is not None or time.time() > deadline:
                    raise RuntimeError("the notebook server did not start:\n" + cls.server_log())
                time.sleep(0.5)
        assert KERNEL in specs, f"the server does not see the ae4j kernel: {list(specs)}"
        assert "kernel.js" in specs[KERNEL]["resources"], specs[KERNEL]["resources"]

        options = webdriver.ChromeOptions()
        options.binary_location = "/usr/bin/chromium"
        for flag in CHROMIUM_FLAGS + [f"--user-data-dir={os.path.join(cls.tmp, 'chromium')}"]:
            options.add_argument(flag)
        cls.driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
        cls.driver.set_page_load_timeout(60)

    @classmethod
    def server_log(cls):
        try:
            with open(os.path.join(cls.tmp, "server.log")) as f:
                return f.read()[-4000:]
        except OSError:
            return ""

    @classmethod
    def tearDownClass(cls):
        if cls.driver is not None:
            cls.driver.quit()
        if cls.server is not None:
            cls.server.terminate()
            try:
                cls.server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                cls.server.kill()
                cls.server.wait()
            cls.log.close()
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def js(self, script):
        return self.driver.execute_script(script)

    def wait_for(self, script, what, timeout=120):
        deadline = time.time() + timeout
        while time.time() < deadline:
            value = self.js(script)
            if value:
                return value
            time.sleep(0.2)
        self.screenshot("failure")
        self.fail(f"timed out waiting for {what}\nserver log:\n{self.server_log()}")

    def screenshot(self, name):
        os.makedirs(SHOTS, exist_ok=True)
        path = os.path.join(SHOTS, name + ".png")
        self.driver.save_screenshot(path)
        return path

    def test_a_training_cell_runs_in_the_page_with_a_live_display_and_a_chart(self):
        d = self.driver
        d.get(f"{self.base}/notebooks/live.ipynb?token={self.token}")
        self.wait_for("return window.Jupyter && Jupyter.notebook && Jupyter.notebook.kernel"
                      " && Jupyter.notebook.kernel.is_connected() && Jupyter.notebook.kernel.name",
                      "the ae4j kernel to start")
        self.assertEqual(self.js("return Jupyter.notebook.kernel.name"), KERNEL)
        self.wait_for("return document.querySelector('#kernel_indicator_icon.kernel_idle_icon') !== null",
                      "the kernel to be idle")
        # The cell's text, then shift-enter in the cell, as a user runs it.
        self.js("Jupyter.notebook.get_cell(0).set_text(" + json.dumps(CELL) + ");")
        editor = d.find_element(By.CSS_SELECTOR, ".cell .CodeMirror")
        editor.click()

        # %%ae highlighting from the kernelspec's kernel.js: the ae4j CodeMirror mode on this cell.
        mode = self.wait_for("var m = Jupyter.notebook.get_cell(0).code_mirror.getOption('mode');"
                             " return m === 'magic_ae4j' ? m : null;", "the ae4j highlighting mode", timeout=30)
        self.assertEqual(mode, "magic_ae4j")
        keywords = self.js("return Array.from(document.querySelectorAll('.cell .CodeMirror .cm-keyword'))"
                           ".map(e => e.textContent)")
        self.assertTrue({"data", "model", "encoder", "train", "on"} <= set(keywords), keywords)
        builtins = self.js("return Array.from(document.querySelectorAll('.cell .CodeMirror .cm-builtin'))"
                           ".map(e => e.textContent)")
        self.assertTrue({"gaussian_mixture", "dense", "tanh", "mse"} <= set(builtins), builtins)
        self.screenshot("highlighted")

        ActionChains(d).key_down(Keys.SHIFT).send_keys(Keys.ENTER).key_up(Keys.SHIFT).perform()
        t0 = time.time()
        seen = []  # (seconds, progress value, progress max, cell still running)
        live_shot = None
        mid_shot = None
        chart_while_running = False
        deadline = time.time() + 300
        while time.time() < deadline:
            state = self.js("""
                var cell = Jupyter.notebook.get_cell(0);
                var p = cell.element[0].querySelector('.output_area progress');
                return {running: cell.element[0].querySelector('.input_prompt').textContent.indexOf('*') >= 0,
                        value: p ? p.value : null, max: p ? p.max : null,
                        chart: cell.element[0].querySelector('.output_area img') !== null};""")
            if state["value"] is not None:
                seen.append((time.time() - t0, state["value"], state["max"], state["running"]))
                chart_while_running |= state["running"] and state["chart"]
                # Screenshots while training: when progress first shows, and past 30% (the chart drawn).
                if state["running"] and state["value"] < state["max"]:
                    if len(seen) == 1:
                        live_shot = self.screenshot("training-started")
                    elif not mid_shot and state["value"] > 0.3 * state["max"]:
                        mid_shot = self.screenshot("training-live")
            if not state["running"] and seen and (time.time() - t0) > 1:
                break
            time.sleep(0.15)
        while_running = sorted({v for _, v, m, running in seen if running and v < m})
        print(f"\nbrowser: {len(seen)} looks at the live display; progress values seen while training: "
              f"{while_running[:5]}{'...' if len(while_running) > 5 else ''} ({len(while_running)} distinct); "
              f"cell ran {time.time() - t0:.1f} s")
        self.assertGreaterEqual(len(while_running), 2, f"the display updated while training ran: {seen[:20]}")
        self.assertIsNotNone(live_shot)
        self.assertTrue(chart_while_running, "the live loss chart was drawn before training ended")

        # The end: the bar full, the cell done without an error, a PNG chart in the output.
        self.assertFalse(self.js("return Jupyter.notebook.get_cell(0).element[0]"
                                 ".querySelector('.input_prompt').textContent.indexOf('*') >= 0"))
        final = self.js("""
            var out = Jupyter.notebook.get_cell(0).element[0].querySelector('.output');
            var p = out.querySelector('progress');
            var imgs = Array.from(out.querySelectorAll('img')).filter(i => i.src.indexOf('data:image/png') === 0);
            return {value: p && p.value, max: p && p.max, text: out.textContent,
                    errors: out.querySelectorAll('.output_error').length,
                    pngs: imgs.length, width: imgs.length ? imgs[0].naturalWidth : 0};""")
        self.assertEqual(final["errors"], 0, final["text"][:2000])
        self.assertEqual(final["value"], final["max"])
        self.assertIn("done: 6 epochs", final["text"])
        self.assertIn("epoch 6 mean training loss", final["text"])
        self.assertEqual(final["pngs"], 1, "one chart for the training: " + final["text"][:500])
        self.assertGreater(final["width"], 300, "the chart decoded as an image")
        d.execute_script("arguments[0].scrollIntoView();", d.find_element(By.CSS_SELECTOR, ".cell .output"))
        path = self.screenshot("trained")
        with open(path, "rb") as f:
            self.assertEqual(f.read(8), b"\x89PNG\r\n\x1a\n")
        print(f"browser: screenshots in {SHOTS}")


if __name__ == "__main__":
    unittest.main()
