"""Runs `contentlib` commands in forked children and SIGKILLs them on request (for test_kill).

Started once with ``CONTENTLIB_HOME`` set: it imports the command once, prints
``ready``, then reads one JSON request a line, ``{"args": [...], "delay": s}``:
a child runs ``contentlib ARGS`` (the real command, with a fresh app and fresh
connections) and is killed with SIGKILL after ``delay`` seconds unless it has
finished (``delay`` null: it runs to the end). One JSON answer a line.
"""

import json
import os
import signal
import sys
import time

import catalog.cli  # warm: each child starts in milliseconds, so kills land in the work itself


def run(args, delay, log):
    start = time.monotonic()
    pid = os.fork()
    if pid == 0:  # the child: the command, its output to the log
        fd = os.open(log, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
        os.dup2(fd, 1)
        os.dup2(fd, 2)
        code = 0
        try:
            catalog.cli.cli.main(args=args, prog_name="contentlib")
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else 1
        except BaseException:
            import traceback

            traceback.print_exc()
            code = 1
        os._exit(code)
    done, status = 0, 0
    if delay is not None:
        while time.monotonic() - start < delay:
            done, status = os.waitpid(pid, os.WNOHANG)
            if done:
                break
            time.sleep(0.002)
        else:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            return {"killed": True, "rc": None, "seconds": time.monotonic() - start}
    if not done:
        _, status = os.waitpid(pid, 0)
    return {"killed": False, "rc": os.waitstatus_to_exitcode(status), "seconds": time.monotonic() - start}


def main():
    log = os.path.join(os.environ["CONTENTLIB_HOME"], "..", "commands.log")
    print("ready", flush=True)
    for line in sys.stdin:
        req = json.loads(line)
        print(json.dumps(run(req["args"], req.get("delay"), log)), flush=True)


if __name__ == "__main__":
    main()
