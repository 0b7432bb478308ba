"""Bölümlerin kullandığı (öğretmediği) yardımcılar: kaynak dosyadan parça göstermek, CPU işleri,
yük istemcisi, yayın ölçümü, çerçeve resmi, grafikler, sürüm tablosu.

Bu paketi yalnızca defterler ve testler içe aktarır; ``engine``'i kullanır.
"""
