"""Invented names for the demo's synthetic workers."""

MALE = ["Ahmad", "Budi", "Joko", "Slamet", "Agus", "Eko", "Dedi", "Hendra", "Rudi", "Bambang", "Sugeng",
        "Wahyu", "Imam", "Yusuf", "Fajar", "Rizki", "Teguh", "Sutrisno", "Mulyadi", "Arif"]
FEMALE = ["Siti", "Sri", "Dewi", "Wati", "Nur", "Rina", "Yuni", "Endang", "Lestari", "Ani", "Sumarni",
          "Fitri", "Indah", "Ratna", "Kartini", "Suryani", "Wulan", "Tuti", "Aminah", "Rahayu"]
FAMILY = ["Santoso", "Wijaya", "Hidayat", "Saputra", "Pratama", "Setiawan", "Nugroho", "Kurniawan",
          "Rahman", "Susanto", "Hasibuan", "Siregar", "Purnomo", "Hakim", "Maulana", "Syahputra",
          "Firmansyah", "Gunawan", "Hartono", "Wibowo", ""]
