"""Every notebook in notebooks/ executed by nbclient against the installed ae4j kernel.

Each must run without error outputs, show at least one PNG, and where it evaluates a model's loss before
and after training ("evaluate M on D: loss X" lines), the later loss must be lower. Neither the saved
notebook nor its fresh outputs may hold a temporary path. A section notebook (14.N-....ipynb, one per
section of chapter 14) opens with its section's title and ends with its measured claim: its last code cell
prints a line "Claim (14.N): ..." with the measured numbers. notebooks/README.md lists every notebook.
Each notebook's execution time is printed, and all of them together at the end.
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
SECTION = re.compile(r"^14\.(\d+)-[a-z0-9-]+\.ipynb$")
TEMPORARY = re.compile(r"/tmp/|/var/folders/|ae4j-notebook-reports")
TIMES = {}


def output_text(outputs):
    """The text a list of outputs shows: streams (a line may arrive in several stream messages, so they are
    joined as they are), and the plain text of results and displays, each on lines of its own."""
    text = ""
    for o in outputs:
        if o.output_type == "stream":
            text += o.text
        elif o.output_type in ("execute_result", "display_data") and "text/plain" in o.data:
            text += f"\n{o.data['text/plain']}\n"
        elif o.output_type == "error":
            text += f"\n{o.ename}: {o.evalue}\n"
    return text


def claim_problems(section, nb):
    """What is wrong with a section notebook's title and final claim (empty when nothing is)."""
    problems = []
    if not nb.cells or nb.cells[0].cell_type != "markdown" or not nb.cells[0].source.startswith(f"# 14.{section} "):
        problems.append(f"the first cell is a markdown title starting '# 14.{section} '")
    code = [c for c in nb.cells if c.cell_type == "code"]
    last = output_text(code[-1].outputs) if code else ""
    claims = [line for line in last.splitlines() if line.startswith(f"Claim (14.{section}): ")]
    if not claims:
        problems.append(f"the last code cell prints a line starting 'Claim (14.{section}): ', found: {last[-300:]!r}")
    elif not re.search(r"\d\.\d", claims[0].split(":", 1)[1]):
        problems.append(f"the claim states measured numbers: {claims[0]!r}")
    return problems


class Notebooks(unittest.TestCase):

    @classmethod
    def tearDownClass(cls):
        if TIMES:
            print("\nnotebook execution times:")
            for name, seconds in TIMES.items():
                print(f"  {seconds:7.1f} s  {name}")
            print(f"  {sum(TIMES.values()):7.1f} s  in all ({len(TIMES)} notebooks)")

    def test_there_are_notebooks(self):
        self.assertIn("quickstart.ipynb", [p.name for p in NOTEBOOKS])

    def test_one_notebook_per_section(self):
        sections = sorted(int(SECTION.match(p.name).group(1)) for p in NOTEBOOKS if SECTION.match(p.name))
        self.assertEqual(sections, list(range(1, 10)), "one notebook for each of sections 14.1 to 14.9")

    def test_the_readme_lists_every_notebook(self):
        readme = (ROOT / "notebooks" / "README.md").read_text()
        for path in NOTEBOOKS:
            self.assertIn(f"({path.name})", readme, f"notebooks/README.md links {path.name}")

    def test_saved_notebooks_hold_no_temporary_paths(self):
        for path in NOTEBOOKS:
            with self.subTest(notebook=path.name):
                self.assertIsNone(TEMPORARY.search(path.read_text()), "no temporary path in the saved notebook")

    def test_the_claim_check_fails_without_a_claim(self):
        nb = nbformat.v4.new_notebook()
        nb.cells = [nbformat.v4.new_markdown_cell("# 14.3 Depth"), nbformat.v4.new_code_cell("x")]
        nb.cells[1].outputs = [nbformat.v4.new_output("stream", name="stdout", text="error 8.62\n")]
        self.assertEqual(len(claim_problems(3, nb)), 1)
        nb.cells[1].outputs = [nbformat.v4.new_output("stream", name="stdout", text="Claim (14.3): better\n")]
        self.assertEqual(len(claim_problems(3, nb)), 1, "a claim without numbers")
        nb.cells[1].outputs = [nbformat.v4.new_output("stream", name="stdout", text="Claim (14.3): error 8.62 vs 11.9\n")]
        self.assertEqual(claim_problems(3, nb), [])
        # The kernel may send one line in several stream messages.
        nb.cells[1].outputs = [nbformat.v4.new_output("stream", name="stdout", text="Claim (14.3): error "),
                               nbformat.v4.new_output("stream", name="stdout", text="8.62 vs 11.9\n")]
        self.assertEqual(claim_problems(3, nb), [])
        self.assertEqual(len(claim_problems(4, nb)), 2, "another section's title and claim")

    def test_every_notebook_runs(self):
        for path in NOTEBOOKS:
            with self.subTest(notebook=path.name):
                nb = nbformat.read(path, as_version=4)
                t0 = time.time()
                NotebookClient(nb, kernel_name="ae4j", timeout=1800,
                               resources={"metadata": {"path": str(path.parent)}}).execute()
                TIMES[path.name] = time.time() - t0
                print(f"\n{path.name}: executed in {TIMES[path.name]:.1f} s")
                outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs]
                errors = [f"{o.ename}: {o.evalue}" for o in outputs if o.output_type == "error"]
                self.assertEqual(errors, [])
                pngs = [o for o in outputs if o.output_type in ("display_data", "execute_result") and "image/png" in o.data]
                self.assertGreaterEqual(len(pngs), 1, "pictures are shown")
                shown = output_text(outputs)
                self.assertIsNone(TEMPORARY.search(shown), "no temporary path in the outputs")
                text = "".join(o.text for o in outputs if o.output_type == "stream" and o.name == "stdout")
                losses = {}
                for model, data, value in LOSS.findall(text):
                    losses.setdefault((model, data), []).append(float(value))
                for key, values in losses.items():
                    if len(values) >= 2:
                        print(f"{path.name}: loss of {key[0]} on {key[1]}: {values[0]:.3f} -> {values[-1]:.3f}")
                        self.assertLess(values[-1], values[0], f"the loss of {key} went down")
                section = SECTION.match(path.name)
                if section:
                    self.assertEqual(claim_problems(int(section.group(1)), nb), [])
                    claim = [line for line in output_text(
                        [c for c in nb.cells if c.cell_type == "code"][-1].outputs).splitlines()
                        if line.startswith("Claim")][0]
                    print(f"{path.name}: {claim}")
                if path.name == "quickstart.ipynb":
                    self.assertIn(("dae", "test"), losses)
                    self.assertGreaterEqual(len(losses[("dae", "test")]), 2)
                    live = [o for o in outputs if o.output_type == "display_data" and "text/html" in o.data
                            and "<progress" in o.data["text/html"]]
                    self.assertEqual(len(live), 1, "one live training display, updated in place")
                    self.assertIn("done: 3 epochs", live[0].data["text/plain"])


if __name__ == "__main__":
    unittest.main()
