"""Realistic Vietnamese task contents for the demo, by sector block (khối)."""

# What a leader asks, with "{place}" for the unit's area where it fits.
TASKS = {
    "KT": [
        "Tham mưu phương án phân bổ chi tiết kế hoạch vốn đầu tư công năm {year}",
        "Đẩy nhanh tiến độ giải ngân vốn đầu tư công các dự án chậm tiến độ",
        "Rà soát, tháo gỡ vướng mắc trong công tác bồi thường, giải phóng mặt bằng dự án cao tốc",
        "Xây dựng kế hoạch phát triển hạ tầng khu công nghiệp giai đoạn 2026-2030",
        "Kiểm tra tình hình sạt lở bờ sông và đề xuất giải pháp khắc phục khẩn cấp",
        "Báo cáo tình hình sản xuất lúa vụ Đông Xuân và tiêu thụ nông sản",
        "Tham mưu phương án ứng phó xâm nhập mặn mùa khô {year}",
        "Hoàn thiện hồ sơ điều chỉnh quy hoạch sử dụng đất cấp tỉnh",
        "Tổ chức đối thoại với doanh nghiệp về thủ tục đầu tư, đất đai",
        "Đề xuất danh mục dự án kêu gọi đầu tư năm {year}",
        "Kiểm tra công tác quản lý chất lượng công trình xây dựng trên địa bàn",
        "Rà soát các dự án chậm triển khai để thu hồi chủ trương đầu tư",
        "Tham mưu ban hành bảng giá đất điều chỉnh",
        "Báo cáo tình hình thu ngân sách nhà nước và các giải pháp tăng thu",
        "Triển khai chương trình OCOP và hỗ trợ tiêu thụ sản phẩm",
    ],
    "VX": [
        "Chuẩn bị các điều kiện tổ chức kỳ thi tốt nghiệp trung học phổ thông năm {year}",
        "Triển khai các biện pháp phòng, chống dịch sốt xuất huyết",
        "Rà soát, sắp xếp mạng lưới trường lớp sau hợp nhất đơn vị hành chính",
        "Tổ chức các hoạt động kỷ niệm ngày Quốc khánh 2/9",
        "Báo cáo tình hình thực hiện chính sách bảo hiểm y tế học sinh, sinh viên",
        "Kiểm tra công tác bảo đảm an toàn thực phẩm dịp Tết Nguyên đán",
        "Xây dựng kế hoạch phát triển du lịch cộng đồng",
        "Thực hiện chính sách hỗ trợ người có công và hộ nghèo",
        "Đề xuất giải pháp nâng cao tỷ lệ bao phủ bảo hiểm xã hội tự nguyện",
        "Tổ chức tuyên truyền về chuyển đổi số trong lĩnh vực y tế",
        "Báo cáo kết quả xây dựng trường đạt chuẩn quốc gia",
        "Kiểm tra hoạt động các cơ sở giáo dục ngoài công lập",
    ],
    "NC": [
        "Tham mưu phương án sắp xếp tổ chức bộ máy các cơ quan chuyên môn",
        "Giải quyết dứt điểm các vụ khiếu nại, tố cáo kéo dài",
        "Triển khai cao điểm tấn công trấn áp tội phạm dịp cuối năm",
        "Rà soát văn bản quy phạm pháp luật do UBND tỉnh ban hành",
        "Báo cáo kết quả thực hiện cải cách hành chính quý",
        "Kiểm tra công tác tiếp công dân tại các xã, phường",
        "Tham mưu kế hoạch tuyển dụng công chức cấp xã năm {year}",
        "Tổ chức diễn tập khu vực phòng thủ",
        "Đánh giá tình hình thực hiện chính quyền địa phương hai cấp",
        "Xử lý kiến nghị của cử tri trước kỳ họp Hội đồng nhân dân",
    ],
}

PRODUCTS = [
    ("Tờ trình UBND tỉnh", False),
    ("Báo cáo", False),
    ("Kế hoạch", False),
    ("Quyết định của UBND tỉnh", True),
    ("Văn bản trả lời", False),
]

SUMMARIES = {
    "letter": "Về việc triển khai ý kiến chỉ đạo của Chủ tịch UBND tỉnh",
    "conclusion": "Thông báo kết luận của lãnh đạo UBND tỉnh tại buổi làm việc",
    "instruction": "Chỉ thị về tăng cường công tác quản lý nhà nước",
    "decision": "Quyết định giao nhiệm vụ",
    "plan": "Kế hoạch triển khai thực hiện",
    "meeting": "",
    "other": "Ý kiến chỉ đạo",
}

MEETINGS = [
    "Phiên họp thường kỳ UBND tỉnh tháng {month}",
    "Hội nghị giao ban kinh tế - xã hội",
    "Buổi làm việc với các sở, ngành về giải ngân vốn đầu tư công",
    "Hội nghị trực tuyến với các xã, phường",
]

PROGRESS = [
    "Đã tổ chức họp triển khai, phân công cán bộ phụ trách.",
    "Đang tổng hợp số liệu từ các đơn vị liên quan.",
    "Đã hoàn thành dự thảo, đang lấy ý kiến các sở, ngành.",
    "Đang chờ ý kiến phối hợp của đơn vị liên quan.",
    "Đã trình lãnh đạo đơn vị xem xét trước khi ban hành.",
]

DIFFICULTIES = [
    "Chưa nhận được số liệu của các đơn vị phối hợp.",
    "Vướng mắc về nguồn kinh phí thực hiện.",
    "Quy định hiện hành chưa hướng dẫn cụ thể, đề nghị cho ý kiến.",
]

GUIDANCE = [
    "Đề nghị đơn vị chủ động phối hợp, báo cáo kết quả trước hạn.",
    "Giao Sở Tài chính cân đối, bố trí kinh phí.",
    "Thống nhất áp dụng theo hướng dẫn của Bộ; báo cáo nếu phát sinh vướng mắc.",
]

LATE_REASONS = [
    ("objective", "Chờ ý kiến của các bộ, ngành Trung ương.", "Tăng cường phối hợp, theo dõi sát."),
    ("subjective", "Cán bộ phụ trách nghỉ ốm, chậm bàn giao.", "Phân công cán bộ dự phòng."),
    ("objective", "Thời tiết bất lợi ảnh hưởng thi công.", "Tăng ca, bổ sung nhân lực."),
]
