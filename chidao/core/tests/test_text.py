from chidao.core.text import fold, vi_sort_key


def test_fold_removes_diacritics_and_case():
    assert fold("Sở Tài chính ĐỒNG THÁP") == "so tai chinh dong thap"
    assert fold("  Ủy   ban ") == "uy ban"


def test_vietnamese_alphabet_order():
    names = ["Đồng Tháp", "Dương", "Ấp", "Ăn", "An Giang", "Bình", "Ơn", "Ô", "O", "Ư", "Uyên"]
    assert sorted(names, key=vi_sort_key) == [
        "An Giang", "Ăn", "Ấp", "Bình", "Dương", "Đồng Tháp", "O", "Ô", "Ơn", "Uyên", "Ư",
    ]  # fmt: skip


def test_tones_order_only_between_equal_letters():
    words = ["mạ", "má", "mã", "mả", "mà", "ma", "mai"]
    assert sorted(words, key=vi_sort_key) == ["ma", "mà", "mả", "mã", "má", "mạ", "mai"]


def test_key_is_plain_lowercase_ascii():
    key = vi_sort_key("Ủy ban nhân dân xã Mỹ Thiện")
    assert key.isascii() and key == key.lower() and key.isalnum()
