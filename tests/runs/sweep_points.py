"""Point functions for the sweep tests (importable by worker processes)."""

import os
import time


def square(config: dict) -> dict:
    return {"y": config["x"] ** 2, "pid": os.getpid()}


def slow_logged(config: dict) -> dict:
    """Sleep, and append the point to a log so tests can see what was computed
    (with ``ready``: first touch ``READY.PID`` so a test knows it started)."""
    if "ready" in config:
        open(f"{config['ready']}.{os.getpid()}", "w").close()
    time.sleep(config["sleep"])
    with open(config["log"], "a") as fh:
        fh.write(f"{config['x']}\n")
    return {"y": config["x"] * 10}


def failing(config: dict) -> dict:
    if config["x"] == 2:
        raise RuntimeError("boom")
    return {"y": config["x"]}
