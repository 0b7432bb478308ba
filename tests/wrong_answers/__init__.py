"""Her lab için makul yanlış cevaplar: alıştırma kimliği → cevap bölgesine konacak kod.

Her alıştırmanın en az bir yanlış cevabı olmalı ve kontrolü onu reddetmeli
(``tests/test_labs.py``).
"""
