"""Kursun motoru: çekirdek içi gerçek sunucular ve alt süreçler.

``server`` (çekirdekteki uvicorn), ``uvicorn_process`` ve ``redis_server`` (ayrı süreçler),
``service`` (üçünün ortak günlük, adres ve durdurma düzeni), ``processes`` (pid'iyle durdurma),
``watchdog`` (kilitlenen event loop), ``clients`` (okumayan istemci, ``wait_until``), ``ports``,
``timing`` (``scaled``), ``browser_base`` ve ``pages`` (tarayıcının adresi), ``notebooks``
(``make notebooks``). Bu paket ``lessons``, ``checks`` ya da ``grading``'i içe aktarmaz.
"""
