"""Execute one notebook headless in a Jupyter kernel and check every cell.

Usage: python3 run_notebook.py NOTEBOOK.ipynb [--out OUT.ipynb] [--kernel scalinglab] [--timeout S]
                                              [--inplace]

Fails (exit 1, one line that names the notebook and the cell) when a cell errors, or when a code
cell produced no output and is not tagged "no-output". Execution stops at the first error: tslab
aborts requests for 200 ms after an error, so running on would hide later cells behind empty outputs.
Prints a JSON report on stdout: per cell its index, seconds and the output types and mime types.
"""
import argparse
import json
import sys
import time

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError, DeadKernelError, CellTimeoutError


def cell_label(nb_path, index, cell):
    first = next((l for l in cell.source.splitlines() if l.strip()), "").strip()
    if len(first) > 60:
        first = first[:57] + "..."
    return f"{nb_path}: cell {index} ({first!r})"


def error_text(cell):
    parts = []
    for out in cell.get("outputs", []):
        if out.get("output_type") == "error":
            parts.append(f"{out.get('ename')}: {out.get('evalue')}")
        elif out.get("output_type") == "stream" and out.get("name") == "stderr":
            parts.append(out.get("text", ""))
    text = "\n".join(p.strip() for p in parts if p.strip())
    return text[-2000:] if text else "(no error text)"


class TimedClient(NotebookClient):
    """Records wall time per cell (tslab's own timestamps are taken when a request arrives)."""

    def __init__(self, *a, **kw):
        super().__init__(*a, **kw)
        self.cell_seconds = {}

    async def async_execute_cell(self, cell, cell_index, execution_count=None, store_history=True):
        t0 = time.time()
        try:
            return await super().async_execute_cell(cell, cell_index, execution_count, store_history)
        finally:
            self.cell_seconds[cell_index] = time.time() - t0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("notebook")
    ap.add_argument("--out")
    ap.add_argument("--inplace", action="store_true")
    ap.add_argument("--kernel", default="scalinglab")
    ap.add_argument("--timeout", type=int, default=900)
    a = ap.parse_args()

    nb = nbformat.read(a.notebook, as_version=4)
    client = TimedClient(nb, kernel_name=a.kernel, timeout=a.timeout, allow_errors=False,
                         resources={"metadata": {"path": __import__("os").path.dirname(a.notebook) or "."}})
    started = time.time()
    failure = None
    try:
        client.execute()
    except CellExecutionError as err:
        failure = ("error", err)
    except CellTimeoutError as err:
        failure = ("timeout", err)
    except DeadKernelError as err:
        failure = ("dead kernel", err)
    except Exception as err:  # e.g. NoSuchKernel: nothing ran
        print(f"{a.notebook}: could not run in kernel '{a.kernel}': {type(err).__name__}: {err}\n"
              "  How to fix: register the kernel with `npm start` (or run through `npm test`, which sets JUPYTER_PATH).",
              file=sys.stderr)
        sys.exit(2)
    seconds = time.time() - started

    report = {"notebook": a.notebook, "seconds": round(seconds, 2), "cells": [], "ok": True}
    problems = []
    executed = sorted(client.cell_seconds)
    last_run = executed[-1] if executed else -1
    for i, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        outs = cell.get("outputs", [])
        mimes = sorted({m for o in outs for m in o.get("data", {}).keys()})
        report["cells"].append({
            "index": i,
            "seconds": round(client.cell_seconds.get(i, 0.0), 2),
            "outputs": [o.get("output_type") + (":" + o.get("name") if o.get("name") else "") for o in outs],
            "mimes": mimes,
        })
        if i > last_run:
            continue
        if failure and i == last_run:
            kind, err = failure
            problems.append(f"{cell_label(a.notebook, i, cell)} failed ({kind}): {error_text(cell) if kind == 'error' else str(err)[-500:]}")
            continue
        tags = cell.get("metadata", {}).get("tags", [])
        if not outs and "no-output" not in tags and cell.source.strip():
            problems.append(f"{cell_label(a.notebook, i, cell)} produced no output "
                            "(tag the cell 'no-output' if that is intended)")
    if failure and not problems:
        problems.append(f"{a.notebook}: {failure[0]}: {str(failure[1])[-500:]}")

    out_path = a.notebook if a.inplace else a.out
    if out_path:
        nbformat.write(nb, out_path)
    if problems:
        report["ok"] = False
        report["problems"] = problems
    print(json.dumps(report))
    if problems:
        for p in problems:
            print(p, file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
