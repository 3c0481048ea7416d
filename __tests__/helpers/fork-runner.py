"""Runs one Python command-line program (a module as `python -m` does, or a script file) many
times, each run in a child forked from a parent that imported the program's dependencies once.

Each child starts from the same state a fresh `python3 -m <module> ARGS...` (or `python3 SCRIPT
ARGS...`) would reach after its imports: its own argv, stdin from /dev/null, stdout and stderr
captured, its own exit status. Only the import time (most of a run for cloud-init and ufw) is
paid once instead of once per run, so a test can put every case through the real program.

Input (stdin): JSON {"module": str} or {"script": str}, "preload": [module names], "runs": [[args]].
Output (stdout): JSON [{"status": int, "stdout": str, "stderr": str}] in the order of "runs".
"""

import importlib
import json
import os
import runpy
import sys
import tempfile


def run_child(job, args, out_path, err_path):
    null = os.open(os.devnull, os.O_RDONLY)
    os.dup2(null, 0)
    out = os.open(out_path, os.O_WRONLY | os.O_TRUNC)
    err = os.open(err_path, os.O_WRONLY | os.O_TRUNC)
    os.dup2(out, 1)
    os.dup2(err, 2)
    # Python's own stream objects still buffer for the old descriptors: give them new ones.
    sys.stdin = open(0, "r", closefd=False)
    sys.stdout = open(1, "w", closefd=False)
    sys.stderr = open(2, "w", closefd=False)
    status = 0
    try:
        if "module" in job:
            sys.argv = [job["module"], *args]
            runpy.run_module(job["module"], run_name="__main__", alter_sys=True)
        else:
            sys.argv = [job["script"], *args]
            runpy.run_path(job["script"], run_name="__main__")
    except SystemExit as exit_:
        code = exit_.code
        if code is None:
            status = 0
        elif isinstance(code, int):
            status = code
        else:
            print(code, file=sys.stderr)
            status = 1
    except BaseException:  # noqa: BLE001 - an uncaught exception: what python itself prints, exit 1
        import traceback

        traceback.print_exc()
        status = 1
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    finally:
        os._exit(status & 0xFF)


def main():
    job = json.load(sys.stdin)
    for name in job.get("preload", []):
        importlib.import_module(name)
    if "module" in job:
        # `python -m` runs the module's code as __main__ without importing it first: keep what
        # it imports, forget the module itself (runpy warns when it is already imported).
        sys.modules.pop(job["module"], None)
    results = []
    with tempfile.TemporaryDirectory(prefix="fork-runner-") as scratch:
        out_path = os.path.join(scratch, "stdout")
        err_path = os.path.join(scratch, "stderr")
        for args in job["runs"]:
            for path in (out_path, err_path):
                open(path, "w").close()
            sys.stdout.flush()
            sys.stderr.flush()
            pid = os.fork()
            if pid == 0:
                run_child(job, args, out_path, err_path)
            _, wait_status = os.waitpid(pid, 0)
            status = os.waitstatus_to_exitcode(wait_status)
            with open(out_path, encoding="utf-8", errors="replace") as out, open(err_path, encoding="utf-8", errors="replace") as err:
                results.append({"status": status, "stdout": out.read(), "stderr": err.read()})
    json.dump(results, sys.stdout)


if __name__ == "__main__":
    main()
