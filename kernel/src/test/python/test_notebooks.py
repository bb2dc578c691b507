"""Every notebook in notebooks/ executed by nbclient against the installed ae4j kernel.

Each must run without error outputs, show at least one PNG, and where it evaluates a model's loss before
and after training ("evaluate M on D: loss X" lines), the later loss must be lower.
"""
import os
import pathlib
import re
import time
import unittest

import nbformat
from nbclient import NotebookClient

ROOT = pathlib.Path(os.environ.get("AE4J_ROOT", pathlib.Path(__file__).resolve().parents[4]))
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
LOSS = re.compile(r"^evaluate (\w+) on (\w+): loss ([0-9.]+)", re.M)


class Notebooks(unittest.TestCase):

    def test_there_are_notebooks(self):
        self.assertIn("quickstart.ipynb", [p.name for p in NOTEBOOKS])

    def test_every_notebook_runs(self):
        for path in NOTEBOOKS:
            with self.subTest(notebook=path.name):
                nb = nbformat.read(path, as_version=4)
                t0 = time.time()
                NotebookClient(nb, kernel_name="ae4j", timeout=1800,
                               resources={"metadata": {"path": str(path.parent)}}).execute()
                print(f"\n{path.name}: executed in {time.time() - t0:.1f} s")
                outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs]
                errors = [f"{o.ename}: {o.evalue}" for o in outputs if o.output_type == "error"]
                self.assertEqual(errors, [])
                pngs = [o for o in outputs if o.output_type in ("display_data", "execute_result") and "image/png" in o.data]
                self.assertGreaterEqual(len(pngs), 1, "pictures are shown")
                text = "".join(o.text for o in outputs if o.output_type == "stream" and o.name == "stdout")
                losses = {}
                for model, data, value in LOSS.findall(text):
                    losses.setdefault((model, data), []).append(float(value))
                for key, values in losses.items():
                    if len(values) >= 2:
                        print(f"{path.name}: loss of {key[0]} on {key[1]}: {values[0]:.3f} -> {values[-1]:.3f}")
                        self.assertLess(values[-1], values[0], f"the loss of {key} went down")
                if path.name == "quickstart.ipynb":
                    self.assertIn(("dae", "test"), losses)
                    self.assertGreaterEqual(len(losses[("dae", "test")]), 2)
                    live = [o for o in outputs if o.output_type == "display_data" and "text/html" in o.data
                            and "<progress" in o.data["text/html"]]
                    self.assertEqual(len(live), 1, "one live training display, updated in place")
                    self.assertIn("done: 3 epochs", live[0].data["text/plain"])


if __name__ == "__main__":
    unittest.main()
