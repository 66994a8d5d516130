"""Execute one Jupyter notebook headless and report, per cell, whether it failed and why.

Used by scripts/notebooks.js (publishing, the smoke check of kernel-setup, the notebook tests).

Why not plain `jupyter nbconvert --execute`: the tslab kernel answers a failing cell with
status 'error' but no ename/evalue/traceback and prints the error on stderr instead, so nbconvert
reports "<Error>: " with no text. This runner records every execute_reply, and when a cell fails it
takes the error text from the cell's stderr stream (and any 'error' outputs), writes it into the
executed notebook as an 'error' output, and exits 1.

Usage:
  python3 run_notebook.py NOTEBOOK.ipynb [--kernel filtermine] [--out-ipynb P] [--out-html P]
                          [--report P.json] [--cell-timeout S] [--startup-timeout S] [--quiet]

Exit status: 0 when every cell ran with status 'ok' and no 'error' output; 1 when a cell failed or
the kernel died or timed out; 2 on bad arguments or an unreadable notebook.
"""

import argparse
import json
import os
import re
import sys
import time

try:
    import nbformat
    from nbclient import NotebookClient
except ImportError as e:  # pragma: no cover - reported to the user by the caller
    print(f"run_notebook: this Python ({sys.executable}) lacks Jupyter's nbclient/nbformat: {e}", file=sys.stderr)
    sys.exit(3)

ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
NO_TEXT = "(the kernel reported an error but printed no message)"


def _stream_text(cell, name):
    return "".join(o.get("text", "") for o in cell.get("outputs", [])
                   if o.get("output_type") == "stream" and o.get("name") == name)


def _error_outputs_text(cell):
    parts = []
    for o in cell.get("outputs", []):
        if o.get("output_type") == "error":
            tb = "\n".join(ANSI.sub("", line) for line in o.get("traceback", []))
            head = f"{o.get('ename', '')}: {o.get('evalue', '')}".strip(": ")
            parts.append(tb if tb.strip() else head)
    return "\n".join(p for p in parts if p.strip())


def _has_error_output(cell):
    return any(o.get("output_type") == "error" for o in cell.get("outputs", []))


def _cell_error_text(cell):
    text = "\n".join(t for t in (_error_outputs_text(cell), _stream_text(cell, "stderr").strip()) if t)
    return text.strip() or NO_TEXT


def _export_html(nb, path):
    from nbconvert import HTMLExporter
    exporter = HTMLExporter()
    # Published pages must work offline: no MathJax or require.js from a CDN (require.js would also
    # turn bundled UMD libraries such as plotly into AMD modules instead of globals).
    for trait, value in (("mathjax_url", ""), ("require_js_url", "")):
        if exporter.has_trait(trait):
            setattr(exporter, trait, value)
    name = os.path.splitext(os.path.basename(path))[0]
    body, _ = exporter.from_notebook_node(nb, resources={"metadata": {"name": name}})
    # Drop the <script src=""> left by the blanked URLs and any script still pointing at the network.
    body = re.sub(r'<script[^>]*\bsrc="(?:https?://[^"]*)?"[^>]*>\s*</script>\s*', "", body)
    with open(path, "w", encoding="utf-8") as f:
        f.write(body)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("notebook")
    ap.add_argument("--kernel", default="filtermine")
    ap.add_argument("--out-ipynb")
    ap.add_argument("--out-html")
    ap.add_argument("--report")
    ap.add_argument("--cell-timeout", type=int, default=1800)
    ap.add_argument("--startup-timeout", type=int, default=180)
    ap.add_argument("--quiet", action="store_true")
    args = ap.parse_args(argv)

    try:
        nb = nbformat.read(args.notebook, as_version=4)
    except Exception as e:  # noqa: BLE001 - any read error is a usage error here
        print(f"run_notebook: cannot read {args.notebook}: {e}", file=sys.stderr)
        return 2

    code_cells = [i for i, c in enumerate(nb.cells) if c.cell_type == "code"]
    replies = {}
    started = {}
    timings = {}
    t0 = time.time()

    def on_cell_start(cell, cell_index, **_):
        started[cell_index] = time.time()

    def on_cell_executed(cell, cell_index, execute_reply, **_):
        timings[cell_index] = time.time() - started.get(cell_index, time.time())
        content = (execute_reply or {}).get("content", {})
        status = content.get("status", "missing")
        if status == "ok" and _has_error_output(cell):
            status = "error"
        replies[cell_index] = status
        if not args.quiet:
            n = code_cells.index(cell_index) + 1 if cell_index in code_cells else cell_index + 1
            print(f"    cell {n}/{len(code_cells)} {status} ({timings[cell_index]:.1f} s)", flush=True)

    failure = None
    try:
        client = NotebookClient(
            nb,
            kernel_name=args.kernel,
            timeout=args.cell_timeout if args.cell_timeout > 0 else None,
            startup_timeout=args.startup_timeout,
            allow_errors=False,
            record_timing=True,
            resources={"metadata": {"path": os.path.dirname(os.path.abspath(args.notebook))}},
            on_cell_start=on_cell_start,
            on_cell_executed=on_cell_executed,
        )
        client.execute()
    except Exception as e:  # noqa: BLE001 - CellExecutionError, DeadKernelError, timeouts, kernel start failures
        failure = e
    total = time.time() - t0

    # The failing cell: the first whose reply was not 'ok' or that holds an 'error' output.
    bad = next((i for i in code_cells if replies.get(i, "ok") != "ok" or _has_error_output(nb.cells[i])), None)
    error = None
    if bad is not None:
        cell = nb.cells[bad]
        text = _cell_error_text(cell)
        if not _has_error_output(cell):
            lines = text.splitlines()
            # tslab prints "evalmachine.<anonymous>:2" and the code line first; the message is the "XxxError: ..." line.
            message = next((l for l in lines if re.match(r"^\w*(Error|Exception)\b[^:]*:", l)), lines[0] if lines else NO_TEXT)
            cell.outputs.append(nbformat.v4.new_output("error", ename="CellError", evalue=message, traceback=lines))
        error = {"cell_index": bad, "cell_number": code_cells.index(bad) + 1, "source": cell.source,
                 "text": text, "kind": replies.get(bad, "error")}
    elif failure is not None:
        # Died outside a cell reply: kernel start-up failure, dead kernel, timeout.
        running = next((i for i in code_cells if i in started and i not in replies), None)
        error = {"cell_index": running, "cell_number": code_cells.index(running) + 1 if running is not None else None,
                 "source": nb.cells[running].source if running is not None else "",
                 "text": f"{type(failure).__name__}: {failure}".strip(), "kind": type(failure).__name__}

    if args.out_ipynb:
        nbformat.write(nb, args.out_ipynb)
    if args.out_html:
        _export_html(nb, args.out_html)

    report = {
        "notebook": args.notebook,
        "kernel": args.kernel,
        "ok": error is None,
        "seconds": round(total, 3),
        "cells": [{"cell_index": i, "status": replies.get(i, "not run"), "seconds": round(timings.get(i, 0.0), 3),
                   "stdout": _stream_text(nb.cells[i], "stdout")} for i in code_cells],
        "error": error,
    }
    if args.report:
        with open(args.report, "w", encoding="utf-8") as f:
            json.dump(report, f, indent=1)
    return 0 if error is None else 1


if __name__ == "__main__":
    sys.exit(main())
