"""Başlarken defterinin (0. bölüm) deneme alıştırması: notlandırmanın nasıl göründüğünü
gösterir, hiçbir lab'ın cevabını vermez."""

from __future__ import annotations

from fastapi import FastAPI

from wskurs.checks.client import open_ws, receive
from wskurs.checks.core import Mismatch, Namespace, exercise, run_app

__all__: list[str] = []


@exercise("0.1", title="Deneme: toplama endpoint'i", points=1)
async def add(ns: Namespace) -> None:
    app = await ns.get("toplama_app", FastAPI, what="bir FastAPI uygulaması")
    async with run_app(app) as server:
        for text, expected in [("3 4", "7"), ("10 -2", "8")]:
            ws = await open_ws(server.ws_url("/topla"))
            async with ws:
                await ws.send(text)
                reply = await receive(ws, f"'{text}' mesajının yanıtı")
                if reply != expected:
                    raise Mismatch(
                        f"'{text}' için yanıt yanlış.",
                        expected=repr(expected),
                        got=repr(reply),
                        hint="Gelen metnin parçaları da metindir: toplamadan önce `int(...)` ile sayıya çevirin.",
                    )
