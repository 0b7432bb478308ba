"""Lab'ların aracı: lab üretimi (``generator``), yargıç (``judge``), yalıtım (``sandbox``), toplu
notlandırma (``batch``, ``cluster``), not defteri dışa aktarımı (``gradebook``), pytest eklentisi
ve ``wskurs`` komutu (``cli``). Lab biçimi ``wskurs.labformat``'tadır.
"""
