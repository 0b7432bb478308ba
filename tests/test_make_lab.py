"""`make lab` JupyterLab'ı kursla açar (burada tarayıcısız başlatılıp API'si yoklanır)."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import time
import urllib.request

from labtools import ROOT


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_make_lab_serves_the_course():
    """`make lab` JupyterLab'ı 127.0.0.1'de başlatır ve kursun defterlerini sunar."""
    port = free_port()
    args = f"--no-browser --port={port} --IdentityProvider.token=kurs --ServerApp.port_retries=0"
    process = subprocess.Popen(
        ["make", "--no-print-directory", "lab", f"LAB_ARGS={args}"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    try:
        names = None
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and process.poll() is None:
            try:
                url = f"http://127.0.0.1:{port}/api/contents/notebooks?token=kurs"
                with urllib.request.urlopen(url, timeout=2) as response:
                    names = [item["name"] for item in json.load(response)["content"]]
                break
            except OSError:
                time.sleep(0.5)
        assert names is not None, process.stdout.read() if process.poll() is not None else "JupyterLab yanıt vermedi"
        assert "00_baslarken.ipynb" in names and "01_websocket_nedir.ipynb" in names
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/?token=kurs", timeout=5) as response:
            assert "/lab/tree/notebooks/00_baslarken.ipynb" in response.url, response.url
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
