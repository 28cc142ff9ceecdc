"""The standard provincial apparatus after the 2025 reorganisation (Nghị định 45/2025/NĐ-CP).

Used by the import command to give each imported province its Office divisions, sector blocks
and departments. Codes are the abbreviations used in document symbols (e.g. 123/STC-NS).
"""

# (code, name, display order)
SECTOR_BLOCKS = [
    ("KT", "Khối Kinh tế", 10),
    ("VX", "Khối Văn hóa - Xã hội", 20),
    ("NC", "Khối Nội chính", 30),
]

# Divisions of the Office of the Provincial People's Committee (phòng thuộc Văn phòng UBND).
OFFICE_DIVISIONS = [
    ("TH", "Phòng Tổng hợp"),
    ("KT", "Phòng Kinh tế"),
    ("KGVX", "Phòng Khoa giáo - Văn xã"),
    ("NC", "Phòng Nội chính"),
    ("HCTC", "Phòng Hành chính - Tổ chức"),
    ("QTTV", "Phòng Quản trị - Tài vụ"),
]

# (code, name, sector block code)
DEPARTMENTS = [
    ("SNV", "Sở Nội vụ", "NC"),
    ("STP", "Sở Tư pháp", "NC"),
    ("TTr", "Thanh tra tỉnh", "NC"),
    ("CAT", "Công an tỉnh", "NC"),
    ("BCHQS", "Bộ Chỉ huy Quân sự tỉnh", "NC"),
    ("STC", "Sở Tài chính", "KT"),
    ("SXD", "Sở Xây dựng", "KT"),
    ("SNNMT", "Sở Nông nghiệp và Môi trường", "KT"),
    ("SCT", "Sở Công Thương", "KT"),
    ("SKHCN", "Sở Khoa học và Công nghệ", "KT"),
    ("BQLKKT", "Ban Quản lý các khu công nghiệp", "KT"),
    ("BQLDA", "Ban Quản lý dự án đầu tư xây dựng tỉnh", "KT"),
    ("THUE", "Thuế tỉnh", "KT"),
    ("SGDĐT", "Sở Giáo dục và Đào tạo", "VX"),
    ("SYT", "Sở Y tế", "VX"),
    ("SVHTTDL", "Sở Văn hóa, Thể thao và Du lịch", "VX"),
    ("SDTTG", "Sở Dân tộc và Tôn giáo", "VX"),
    ("BHXH", "Bảo hiểm xã hội tỉnh", "VX"),
    ("BPTTH", "Báo và Phát thanh, Truyền hình", "VX"),
    ("TCT", "Trường Chính trị", "VX"),
]
