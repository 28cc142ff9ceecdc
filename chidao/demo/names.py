"""Vietnamese name parts for demo people, drawn with a seeded random generator."""

import random

SURNAMES = [
    "Nguyễn", "Trần", "Lê", "Phạm", "Huỳnh", "Hoàng", "Võ", "Phan", "Trương", "Bùi",
    "Đặng", "Đỗ", "Ngô", "Hồ", "Dương", "Đinh", "Lâm", "Châu", "Mai", "Tạ",
]  # fmt: skip
MIDDLE = {
    "m": ["Văn", "Minh", "Quốc", "Thanh", "Hữu", "Công", "Đức", "Hoàng", "Tấn", "Phước"],
    "f": ["Thị", "Ngọc", "Thu", "Kim", "Thanh", "Mỹ", "Bích", "Hồng", "Thùy", "Diễm"],
}
GIVEN = {
    "m": ["Hùng", "Dũng", "Phong", "Tâm", "Khải", "Nghĩa", "Thắng", "Hiếu", "Trí", "Lộc",
          "Tuấn", "Bảo", "Sơn", "Hải", "Vinh", "Khoa", "Nhân", "Thịnh", "Duy", "Quang"],
    "f": ["Lan", "Hương", "Trang", "Ngân", "Thảo", "Hạnh", "Phượng", "Yến", "Tuyết", "Nhung",
          "Loan", "Hà", "Vy", "Mai", "Quyên", "Trinh", "Diệu", "Xuân", "Linh", "Oanh"],
}  # fmt: skip


def full_name(rng: random.Random) -> str:
    sex = rng.choice("mf")
    return f"{rng.choice(SURNAMES)} {rng.choice(MIDDLE[sex])} {rng.choice(GIVEN[sex])}"
