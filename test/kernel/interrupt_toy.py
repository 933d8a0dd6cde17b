"""Interrupt a running %toy cell in the scalinglab kernel and report what happened, as one JSON line.

Usage: python3 interrupt_toy.py [--kernel scalinglab] [--cwd DIR]

Starts the kernel with jupyter_client, warms the toy backend up, reads tf.memory().numTensors, starts
a toy of a million steps, interrupts the kernel (KernelManager.interrupt_kernel: SIGINT, the kernel
spec's default interrupt_mode) once its progress bar has advanced, keeps listening for two seconds,
then runs two more cells. Run by test/kernel/interrupt.test.ts, which checks the report.
"""
import argparse
import json
import re
import time

from jupyter_client.manager import start_new_kernel

STEP = re.compile(r"step (\d+)/(\d+)")


def run(kc, code, timeout=120):
    """Executes `code`, waits for its idle status; returns its text outputs and reply status."""
    msg_id = kc.execute(code)
    texts = []
    deadline = time.time() + timeout
    while time.time() < deadline:
        msg = kc.get_iopub_msg(timeout=timeout)
        if msg["parent_header"].get("msg_id") != msg_id:
            continue
        kind, content = msg["msg_type"], msg["content"]
        if kind == "stream":
            texts.append(content["text"])
        elif kind == "error":
            texts.append(f"{content['ename']}: {content['evalue']}")
        elif kind == "status" and content["execution_state"] == "idle":
            break
    return "".join(texts), reply_to(kc, msg_id, timeout)


def reply_to(kc, msg_id, timeout):
    """The status of the execute_reply to `msg_id` (other shell replies, e.g. kernel_info, skipped)."""
    while True:
        reply = kc.get_shell_msg(timeout=timeout)
        if reply["parent_header"].get("msg_id") == msg_id:
            return reply["content"]["status"]


def progress_step(content):
    text = content.get("data", {}).get("text/plain", "")
    m = STEP.search(text if isinstance(text, str) else "".join(text))
    return int(m.group(1)) if m else None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--kernel", default="scalinglab")
    ap.add_argument("--cwd", default=".")
    a = ap.parse_args()
    km, kc = start_new_kernel(kernel_name=a.kernel, cwd=a.cwd)
    report = {}
    try:
        warm, _ = run(kc, "import * as tf from '@tensorflow/tfjs';\n"
                          "import { runToy } from 'scalinglab';\n"
                          "await runToy('softmax-time', { steps: 5, batch: 8, fitRange: [0.01, 1] });\n"
                          "console.log('tensors', tf.memory().numTensors)")
        report["tensorsBefore"] = int(re.search(r"tensors (\d+)", warm).group(1))

        msg_id = kc.execute("%toy t = softmax-time --steps 1000000")
        steps = []  # (seconds since start, step) of every progress update
        started, interrupted_at, idle_at, reply_status = time.time(), None, None, None
        texts = []
        while time.time() - started < 120:
            if interrupted_at is not None and time.time() - interrupted_at > 2.0:
                break
            try:
                msg = kc.get_iopub_msg(timeout=0.2)
            except Exception:  # queue.Empty: nothing within 0.2 s
                continue
            if msg["parent_header"].get("msg_id") != msg_id:
                continue
            kind, content = msg["msg_type"], msg["content"]
            now = time.time() - started
            if kind in ("display_data", "update_display_data"):
                step = progress_step(content)
                if step is not None:
                    steps.append((now, step))
            elif kind == "stream":
                texts.append(content["text"])
            elif kind == "error":
                texts.append(f"{content['ename']}: {content['evalue']}")
            elif kind == "status" and content["execution_state"] == "idle":
                idle_at = now
            # interrupt once the bar has advanced twice (the toy is really training)
            if interrupted_at is None and len(steps) >= 3 and steps[-1][1] > steps[0][1]:
                km.interrupt_kernel()
                interrupted_at = time.time()
                report["interruptedAt"] = interrupted_at - started
                report["stepAtInterrupt"] = steps[-1][1]
        reply_status = reply_to(kc, msg_id, 30)
        report["progress"] = steps
        report["toyReply"] = reply_status
        report["toyText"] = "".join(texts)
        report["idleAt"] = idle_at

        time.sleep(0.5)  # tslab aborts requests that arrive within 200 ms of a failed cell
        after, status = run(kc, "console.log('tensors', tf.memory().numTensors)")
        report["tensorsAfter"] = int(re.search(r"tensors (\d+)", after).group(1)) if "tensors" in after else None
        report["nextCell"] = {"status": status, "text": after}
        more, status = run(kc, "%toy again = softmax-time --steps 40 --batch 8 --fitRange [0.01,1] --no-progress\nconsole.log('ran', again.options.steps)")
        report["nextToy"] = {"status": status, "text": more}
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)
    print(json.dumps(report))


if __name__ == "__main__":
    main()
