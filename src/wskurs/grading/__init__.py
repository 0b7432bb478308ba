"""Lab'ların aracı: lab üretimi (``generator``), yargıç (``judge``), yalıtım (``sandbox``), toplu
notlandırma (``batch``, ``cluster``), not defteri dışa aktarımı (``gradebook``), pytest eklentisi,
bir gönderimi çalıştıran pytest'in girişi (``lab_pytest``) ve ``wskurs`` komutu (``cli``). Lab biçimi
``wskurs.labformat``'tadır.
"""

import sys as _sys

# nbformat jsonschema'yı, jsonschema da (kuruluysa) rfc3987_syntax'ı içe aktarır; o modül içe
# aktarılırken ~35 Lark ayrıştırıcısı kurar: süreç başına ≈0,8 s işlemci (jsonschema#1428), oysa
# notlandırma her gönderimde yeni bir süreç başlatır. Bu paket yalnızca defter okur; defter şeması
# "iri" biçimini kullanmaz. Modül sys.modules'ta None olunca içe aktarma ModuleNotFoundError verir ve
# jsonschema yalnızca o biçim denetleyicisini atlar. Modül daha önce yüklenmişse dokunulmaz.
_sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[arg-type]
