"""Gerçek bir Jupyter çekirdeğini testlerden sürmek: hücre çalıştır, çıktıları topla,
kes (interrupt), yeniden başlat; bir ders defterini çalıştırıp çekirdeği açık tutmak."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from queue import Empty
from typing import Any

import nbformat
from jupyter_client.manager import KernelManager

from wskurs.engine.timing import scaled

__all__ = ["CellRun", "Kernel", "kernel_session", "notebook_kernel"]


@dataclass
class CellRun:
    """Bir hücrenin sonucu: bu hücreye ait çıktılar ve (varsa) hata adı."""

    stdout: str = ""
    stderr: str = ""
    error: str | None = None
    evalue: str = ""
    data: list[dict[str, Any]] = field(default_factory=list)
    foreign: list[dict[str, Any]] = field(default_factory=list)
    """Bu hücre çalışırken gelen ama başka bir hücreye ait çıktı mesajları."""
    idle: bool = True


class Kernel:
    def __init__(self, cwd: Path) -> None:
        self.manager = KernelManager(kernel_name="python3")
        self.manager.start_kernel(cwd=str(cwd))
        self.client = self.manager.client()
        self.client.start_channels()
        self.client.wait_for_ready(timeout=scaled(60))

    def run(self, code: str, *, timeout: float = 60, interrupt_after: float | None = None) -> CellRun:
        msg_id = self.client.execute(code)
        timer = None
        if interrupt_after is not None:
            timer = threading.Timer(interrupt_after, self.manager.interrupt_kernel)
            timer.start()
        result = CellRun()
        try:
            while True:
                try:
                    msg = self.client.get_iopub_msg(timeout=timeout)
                except Empty:
                    result.idle = False
                    return result
                kind, content = msg["msg_type"], msg["content"]
                if msg["parent_header"].get("msg_id") != msg_id:
                    if kind in ("stream", "display_data", "execute_result", "error"):
                        result.foreign.append(msg)
                    continue
                if kind == "status" and content["execution_state"] == "idle":
                    return result
                if kind == "stream":
                    if content["name"] == "stdout":
                        result.stdout += content["text"]
                    else:
                        result.stderr += content["text"]
                elif kind in ("display_data", "execute_result"):
                    result.data.append(content["data"])
                elif kind == "error":
                    result.error, result.evalue = content["ename"], content["evalue"]
        finally:
            if timer is not None:
                timer.cancel()

    def value(self, expression: str) -> str:
        """Bir ifadenin değerini (``print`` çıktısı olarak) döndürür; hata olursa fırlatır."""
        run = self.run(f"print({expression})")
        if run.error:
            raise RuntimeError(f"{run.error}: {run.evalue}")
        return run.stdout.strip()

    def restart(self) -> None:
        self.manager.restart_kernel(now=True)
        self.client.wait_for_ready(timeout=scaled(60))

    def shutdown(self) -> None:
        self.client.stop_channels()
        self.manager.shutdown_kernel(now=True)


@contextmanager
def kernel_session(cwd: Path) -> Iterator[Kernel]:
    kernel = Kernel(cwd)
    try:
        yield kernel
    finally:
        kernel.shutdown()


@contextmanager
def notebook_kernel(path: Path, *, timeout: float = 120) -> Iterator[Kernel]:
    """Bir defterin bütün kod hücrelerini sırayla çalıştırır ve çekirdeği açık bırakır
    (ör. defterin başlattığı sunucuya tarayıcıyla bağlanmak için)."""
    nb = nbformat.read(path, as_version=4)
    with kernel_session(path.parent) as kernel:
        for index, cell in enumerate(nb.cells):
            if cell.cell_type != "code":
                continue
            run = kernel.run(cell.source, timeout=timeout)
            expected_error = "raises-exception" in cell.metadata.get("tags", [])
            if run.error and not expected_error:
                raise AssertionError(f"{path.name} hücre {index}: {run.error}: {run.evalue}")
        yield kernel
