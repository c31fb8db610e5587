"""Name lists and origin profiles for the synthetic population (domain.md §2.3 and §4).

Every name is written once per line: ``original script = Latin|variants *weight``. The original
script is left out where the country writes in Latin letters; the first Latin variant is the most
common spelling, the others are the transliterations met in asylum, OFPRA or residence-card papers.
All persons built from these lists are fictitious.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Name:
    original: str | None
    variants: tuple[str, ...]
    weight: int = 1


def _names(block: str) -> tuple[Name, ...]:
    names = []
    for raw in block.strip().splitlines():
        line = raw.strip()
        if not line:
            continue
        weight = 1
        if " *" in line:
            line, count = line.rsplit(" *", 1)
            weight = int(count)
        original: str | None = None
        if "=" in line:
            original, line = (part.strip() for part in line.split("=", 1))
        variants = tuple(v.strip() for v in line.split("|") if v.strip())
        names.append(Name(original, variants, weight))
    return tuple(names)


@dataclass(frozen=True)
class Origin:
    """A country of origin: who comes from it, how names are written, which languages are spoken."""

    code: str  # nationality (ISO 3166 alpha-2, or XXA for stateless persons)
    weight: float
    script: str  # ISO 15924 code of the original-script names (Latn when there are none)
    male: tuple[Name, ...]
    female: tuple[Name, ...]
    last: tuple[Name, ...]
    birth_countries: tuple[str, ...]
    birth_places: tuple[str, ...]
    natives: tuple[tuple[str, int], ...]  # mother tongues (ISO 639-3) with weights
    extras: tuple[tuple[str, str, float], ...] = ()  # (language, proficiency, probability)
    francophone: bool = False
    male_share: float = 0.64
    family_share: float = 0.3
    wife_takes_surname: bool = False
    patronymic: bool = False  # children carry their father's first name as last name
    female_surname_suffix: tuple[str, str] = ("", "")  # (original, Latin) added for women
    consulates: tuple[tuple[str, str], ...] = ()  # (country of residence, consulate) for reunification
    original_share: float = 0.9
    two_first_names: float = 0.0


# --- Afghanistan (Dari / Pashto, Perso-Arabic script) -------------------------------------------------

AF_MALE = _names("""
محمد = Mohammad|Mohammed|Muhammad *8
احمد = Ahmad|Ahmed *3
علی = Ali *3
عبدالله = Abdullah|Abdollah|Abdulla *2
حمید = Hamid *2
نور = Noor|Nur
جاوید = Javid|Jawid|Javed *2
فرید = Farid|Fareed
رحیم = Rahim|Raheem
کریم = Karim|Kareem *2
مسعود = Masoud|Massoud|Masud
شفیق = Shafiq|Shafik
سهراب = Sohrab|Suhrab
نجیب = Najib|Najeeb
ولی = Wali|Vali
جمشید = Jamshid|Jamshed
بصیر = Basir|Baseer
ناصر = Nasir|Naser|Nasser
حبیب = Habib
ادریس = Idris|Edris
یوسف = Yousef|Yusuf|Yousuf *2
عزیز = Aziz
رشید = Rashid|Rasheed
شکیب = Shakib|Shakeeb
فرهاد = Farhad
مرتضی = Murtaza|Mortaza
الیاس = Elyas|Ilyas
خالد = Khalid|Khaled
همایون = Humayun|Homayoun
ضیا = Zia|Ziya
اسد = Asad|Assad
نصرالله = Nasrullah|Nasrollah
امین = Amin|Ameen
بلال = Bilal|Belal
ذکریا = Zakaria|Zakariya
""")

AF_FEMALE = _names("""
فاطمه = Fatima|Fatemeh|Fatema *3
مریم = Maryam|Mariam *2
زهرا = Zahra *2
شبنم = Shabnam
فریبا = Fariba
نازنین = Nazanin
ملالی = Malalai|Malali
پروین = Parwin|Parvin
سمیرا = Samira
لیلا = Laila|Leila|Layla
نرگس = Nargis|Narges
زینب = Zainab|Zeynab
مینا = Mina
شکیلا = Shakila
حمیده = Hamida|Hamideh
فرزانه = Farzana|Farzaneh
سوسن = Sosan|Susan
مرسل = Mursal
زرغونه = Zarghona|Zarghuna
ستاره = Setara|Sitara
خدیجه = Khadija|Khadijeh
رقیه = Roqia|Ruqia
گلالی = Gulalai|Gulali
هما = Homa|Huma
عایشه = Aisha|Ayesha
""")

AF_LAST = _names("""
احمدزی = Ahmadzai|Ahmadzay *2
حیدری = Haidari|Heydari|Haydari *2
پوپلزی = Popalzai|Popalzay
محمدی = Mohammadi|Muhammadi *3
رحیمی = Rahimi *2
کریمی = Karimi *2
هاشمی = Hashimi|Hashemi
نوری = Noori|Nouri|Nuri
صدیقی = Siddiqi|Sediqi|Seddiqi
عزیزی = Azizi *2
قادری = Qaderi|Ghaderi
یوسفزی = Yousafzai|Yusufzai
وردک = Wardak|Vardak
سلطانی = Soltani|Sultani
امیری = Amiri *2
رسولی = Rasuli|Rasouli
جلالی = Jalali
شینواری = Shinwari
مومند = Momand|Mohmand
ستانکزی = Stanekzai|Stanikzai
کاکر = Kakar|Kakkar
نظری = Nazari *2
صافی = Safi
اکبری = Akbari
عثمانی = Osmani|Usmani
رضایی = Rezaei|Rezayi|Rezai *2
حسینی = Hosseini|Husseini|Hussaini *2
علیزاده = Alizada|Alizadeh
نیازی = Niazi|Niyazi
بارکزی = Barakzai|Barakzay
ابراهیمی = Ebrahimi|Ibrahimi
سادات = Sadat|Saadat
جعفری = Jafari|Jaafari
کوهستانی = Kohistani|Kuhistani
""")

# --- Syria (Arabic) ---------------------------------------------------------------------------------

SY_MALE = _names("""
محمد = Mohammed|Mohamad|Muhammad *6
أحمد = Ahmad|Ahmed *3
خالد = Khaled|Khalid *2
عمر = Omar|Umar *2
يوسف = Youssef|Yusuf|Yousef *2
حسن = Hassan|Hasan
حسين = Hussein|Hussain|Houssein
إبراهيم = Ibrahim|Ebrahim
محمود = Mahmoud|Mahmud *2
علي = Ali *2
عبد الرحمن = Abdulrahman|Abdelrahman
عبد الله = Abdullah|Abdallah
فادي = Fadi
سامر = Samer
باسل = Bassel|Basel
رامي = Rami
ماهر = Maher
طارق = Tarek|Tariq
وائل = Wael|Wail
مازن = Mazen
هاني = Hani
زياد = Ziad|Ziyad
عمار = Ammar
أنس = Anas
مصطفى = Mustafa|Moustafa
بلال = Bilal|Belal
غياث = Ghiath|Ghiyath
نزار = Nizar
عدنان = Adnan
""")

SY_FEMALE = _names("""
فاطمة = Fatima|Fatma *2
مريم = Mariam|Maryam *2
نور = Nour|Noor *2
رشا = Rasha
ريم = Reem|Rim
هبة = Hiba|Heba
سلمى = Salma
لينا = Lina
رنا = Rana
دعاء = Douaa|Doaa
آية = Aya|Ayah
سارة = Sara|Sarah
ياسمين = Yasmine|Yasmin
هدى = Houda|Huda|Hoda
أسماء = Asma|Asmaa
منى = Mona|Muna
رغد = Raghad
ولاء = Walaa
بتول = Batoul|Batul
لمى = Lama
روان = Rawan
غادة = Ghada
""")

SY_LAST = _names("""
الأحمد = Alahmad|Al-Ahmad
الحسن = Alhasan|Al-Hassan
الخطيب = Al-Khatib|Alkhatib|El Khatib
الحلبي = Al-Halabi|Alhalabi
الشامي = Al-Shami|Alchami
المصري = Al-Masri|Almasri
العلي = Al-Ali|Alali
حداد = Haddad *2
الحمصي = Al-Homsi|Alhomsi
درويش = Darwish|Darwich
قاسم = Kassem|Qasem|Qassim
النجار = Al-Najjar|Alnajjar|Najjar
حمدان = Hamdan
العمر = Al-Omar|Alomar
الزعبي = Al-Zoubi|Alzoubi|Zoubi
سليمان = Suleiman|Sleiman|Soliman
العبدالله = Al-Abdallah|Alabdullah
الحسين = Al-Hussein|Alhussein
الجاسم = Al-Jassem|Aljasem
شيخو = Sheikho|Cheikho
عثمان = Othman|Osman
الرفاعي = Al-Rifai|Alrefai
السيد = Al-Sayed|Elsayed
الكردي = Al-Kurdi|Alkurdi
مراد = Mourad|Murad
خليل = Khalil
صالح = Saleh|Salih
النعيمي = Al-Nuaimi|Alnuaimi
الخليل = Al-Khalil|Alkhalil
حسو = Hasso|Hesso
عيسى = Issa|Eissa
""")

# --- Sudan (Arabic; Sudanese spellings write ج as "g") ---------------------------------------------------

SD_MALE = _names("""
محمد = Mohamed|Mohammed|Muhammed *6
أحمد = Ahmed|Ahmad *3
عثمان = Osman|Othman *2
آدم = Adam|Adem *3
إبراهيم = Ibrahim|Ibraheem *2
عبد الرحيم = Abdelrahim|Abdul Rahim
الطيب = Eltayeb|Altayeb
حامد = Hamid|Hamed
يعقوب = Yagoub|Yacoub|Yaqub
إسماعيل = Ismail|Ismael
موسى = Musa|Moussa|Mousa *2
عيسى = Issa|Eisa
بشير = Bashir|Bachir
نور الدين = Nureldin|Nour Eldin
عبد الله = Abdalla|Abdallah *2
مصطفى = Mustafa|Mostafa
هارون = Haroun|Harun
جمعة = Gumaa|Juma|Jumaa
صديق = Siddig|Siddiq
الفاتح = Elfatih|Alfatih
مجدي = Magdi|Majdi
عمر = Omer|Omar *2
خالد = Khalid|Khaled
ياسر = Yasir|Yasser
أبكر = Abakar|Abaker
إدريس = Idriss|Idris
""")

SD_FEMALE = _names("""
فاطمة = Fatima|Fatma *2
عائشة = Aisha|Aicha
آمنة = Amna|Amina
مريم = Mariam|Maryam
حواء = Hawa|Hawaa *2
زينب = Zeinab|Zainab
سعاد = Suad|Souad
نفيسة = Nafisa|Nefisa
هالة = Hala
إخلاص = Ikhlas
سلمى = Salma
رحمة = Rahma
أمل = Amal
سارة = Sara|Sarah
مناهل = Manahil
تسنيم = Tasneem|Tasnim
""")

SD_LAST = _names("""
آدم = Adam *2
عبد الله = Abdalla|Abdallah *2
إسحاق = Ishag|Ishaq|Ishak
عثمان = Osman *2
إبراهيم = Ibrahim *2
حسن = Hassan|Hasan
يوسف = Yousif|Yousef
الطاهر = Eltahir|Al-Tahir
النور = Elnour|Alnour
بشير = Bashir|Bachir
عبد الرحمن = Abdelrahman|Abdulrahman
موسى = Mousa|Musa
هارون = Haroun|Harun
علي = Ali
الأمين = Elamin|Al-Amin
جبريل = Jibril|Gibril
إدريس = Idris|Idriss
خميس = Khamis|Khamees
بخيت = Bakhit|Bakheet
صالح = Salih|Saleh
دفع الله = Dafalla|Dafallah
الحاج = Elhaj|Alhaj
عيسى = Eisa|Issa
عوض = Awad
سليمان = Suliman|Soliman
أبكر = Abakar|Abaker
يحيى = Yahya|Yahia
""")

# --- Iran (Persian, Perso-Arabic script) --------------------------------------------------------------

IR_MALE = _names("""
علی = Ali *2
رضا = Reza *2
محمد = Mohammad|Mohamad *3
حسین = Hossein|Hussein *2
مهدی = Mehdi|Mahdi *2
امیر = Amir
سعید = Saeed|Said
مجید = Majid
بهروز = Behrouz|Behruz
کاوه = Kaveh
آرش = Arash
پیمان = Peyman|Payman
فرشید = Farshid
نیما = Nima
بابک = Babak
""")

IR_FEMALE = _names("""
مریم = Maryam *2
فاطمه = Fatemeh|Fatima
زهرا = Zahra
سارا = Sara
نازنین = Nazanin
شیرین = Shirin
لیلا = Leila|Leyla
مهسا = Mahsa
نیلوفر = Niloufar|Nilufar
پریسا = Parisa
الهام = Elham
سمانه = Samaneh
""")

IR_LAST = _names("""
محمدی = Mohammadi
حسینی = Hosseini
احمدی = Ahmadi
رضایی = Rezaei|Rezaee
کریمی = Karimi
موسوی = Mousavi|Musavi
جعفری = Jafari|Jaafari
قاسمی = Ghasemi|Qasemi
رحیمی = Rahimi
صادقی = Sadeghi|Sadeqi
کاظمی = Kazemi
نوری = Nouri|Noori
اکبری = Akbari
طاهری = Taheri
شریفی = Sharifi
حیدری = Heidari|Heydari
بهرامی = Bahrami
زارعی = Zarei|Zareie
نجفی = Najafi
""")

# --- Eritrea (Tigrinya, Ge'ez script; the last name is the father's first name) ----------------------

ER_MALE = _names("""
ዮሃንስ = Yohannes|Yohanes *2
ተስፋይ = Tesfay|Tesfai
ሚካኤል = Michael|Mikael
ዳዊት = Dawit *2
ሰለሞን = Solomon|Selomon
ኣማኑኤል = Amanuel|Emmanuel
ሄኖክ = Henok
ፊልሞን = Filmon|Filimon
ብርሃነ = Berhane|Birhane
ክብሮም = Kibrom
መብራህቱ = Mebrahtu
ተክለ = Tekle
ኣብርሃም = Abraham
ሳሙኤል = Samuel
ዮናስ = Yonas
ኪዳነ = Kidane
ገብረመድህን = Gebremedhin|Ghebremedhin
ሃብቶም = Habtom
ፍስሃ = Fisseha|Fsaha
ዓወት = Awet
መሓሪ = Mehari|Mihari
ሙሴ = Musie|Muse
ጴጥሮስ = Petros
ዘካርያስ = Zekarias|Zacharias
ሮቤል = Robel
ናትናኤል = Natnael|Nathanael
""")

ER_FEMALE = _names("""
ሳባ = Saba
ሉላ = Lula
ሄለን = Helen
ኤልሳ = Elsa
ሰላም = Selam|Salam
ፍረወይኒ = Freweyni|Frewoini
ማርታ = Martha|Marta
ሩታ = Ruta
ትርሓስ = Tirhas|Terhas
ሃይማኖት = Haimanot|Haymanot
ዮርዳኖስ = Yordanos
ሚርያም = Miriam|Mieriam
ኣስመረት = Asmeret
ሃና = Hana|Hanna
ሰናይት = Senait|Senayt
ሊድያ = Lidia|Lydia
ኣዜብ = Azeb
ኣብረኸት = Abrehet
ለምለም = Lemlem
ሳሮን = Saron
""")

ER_LAST = _names("""
ተስፋይ = Tesfay|Tesfai *2
ገብረሂወት = Gebrehiwet|Ghebrehiwet
ኪዳነ = Kidane
ሃብተ = Habte
ወልደሚካኤል = Woldemichael|Weldemichael
ገብረመስቀል = Gebremeskel|Ghebremeskel
ተወልደ = Tewolde|Tewelde
በርሀ = Berhe *2
ሃይለ = Haile
ዮሃንስ = Yohannes
ኣብርሃ = Abraha
ገብሩ = Gebru
ተኽለ = Tekle
ሰመረ = Semere
ኣስፍሃ = Asfaha
ዘርኣይ = Zerai|Zeray
ወልዱ = Woldu|Weldu
ሙሉጌታ = Mulugeta
ግርማይ = Girmay|Ghirmay
ሃብቶም = Habtom
ተስፋማርያም = Tesfamariam
ኣለም = Alem
ንጉሰ = Negusse|Nigusse
መሓሪ = Mehari
ኪሮስ = Kiros
""")

# --- Ethiopia (Amharic, Ge'ez script) ------------------------------------------------------------------

ET_MALE = _names("""
ደረጀ = Dereje
ተስፋዬ = Tesfaye
ዮሴፍ = Yosef|Yoseph
ብርሃኑ = Birhanu|Berhanu
ጌታቸው = Getachew
አበበ = Abebe
ሙሉጌታ = Mulugeta
ዳንኤል = Daniel
ሰለሞን = Solomon
ቴዎድሮስ = Tewodros
አብዲ = Abdi
ከድር = Kedir
ሐሰን = Hassen|Hasen
ኤርሚያስ = Ermias
""")

ET_FEMALE = _names("""
ትዕግስት = Tigist
መቅደስ = Mekdes
ሄለን = Helen
ብርቱካን = Birtukan
ፀሐይ = Tsehay|Tsehai
አልማዝ = Almaz
ሰላማዊት = Selamawit
ሂሩት = Hirut
ፋጡማ = Fatuma
ዘውዲቱ = Zewditu
ቤተልሔም = Bethlehem|Betelhem
""")

ET_LAST = _names("""
ደረጀ = Dereje
ተስፋዬ = Tesfaye
ገብሩ = Gebru
አለሙ = Alemu
በቀለ = Bekele
ታደሰ = Tadesse|Tadese
ወልደማርያም = Woldemariam|Weldemariam
ከበደ = Kebede
ግርማ = Girma
አየለ = Ayele
ኃይሉ = Hailu
አበራ = Abera|Aberra
ሙሐመድ = Mohammed|Muhammed
ጫላ = Chala|Tchala
""")

# --- Ukraine (Cyrillic; national transliteration first, French spelling second) -------------------

UA_MALE = _names("""
Олександр = Oleksandr|Olexandre *3
Андрій = Andrii|Andriy *2
Дмитро = Dmytro *2
Сергій = Serhii|Serhiy|Sergii *2
Іван = Ivan
Максим = Maksym|Maxime
Володимир = Volodymyr
Михайло = Mykhailo|Mykhaylo
Юрій = Yurii|Iouri
Олег = Oleh|Oleg
Віктор = Viktor
Тарас = Taras
Богдан = Bohdan
Артем = Artem
Денис = Denys
Євген = Yevhen|Ievgen
Роман = Roman
Ігор = Ihor|Igor
Павло = Pavlo
Микола = Mykola
""")

UA_FEMALE = _names("""
Олена = Olena|Elena *3
Наталія = Nataliia|Natalia *2
Ірина = Iryna|Irina *2
Тетяна = Tetiana|Tetyana *2
Світлана = Svitlana
Юлія = Yuliia|Iuliia *2
Оксана = Oksana *2
Катерина = Kateryna
Анастасія = Anastasiia|Anastasia
Марія = Mariia|Maria
Людмила = Liudmyla|Lyudmyla
Ольга = Olha|Olga
Вікторія = Viktoriia|Victoria
Галина = Halyna
Софія = Sofiia|Sofia
Дарина = Daryna
Надія = Nadiia
Валентина = Valentyna
Аліна = Alina
Ганна = Hanna|Anna
""")

UA_LAST = _names("""
Шевченко = Shevchenko|Chevtchenko *2
Коваленко = Kovalenko *2
Бондаренко = Bondarenko *2
Ткаченко = Tkachenko|Tkatchenko
Кравченко = Kravchenko|Kravtchenko
Олійник = Oliinyk|Oliynyk
Шевчук = Shevchuk|Chevtchouk
Поліщук = Polishchuk
Бойко = Boiko|Boyko *2
Ткачук = Tkachuk
Мельник = Melnyk *2
Савченко = Savchenko
Руденко = Rudenko
Мороз = Moroz
Лисенко = Lysenko
Петренко = Petrenko
Марченко = Marchenko
Клименко = Klymenko
Павленко = Pavlenko
Литвиненко = Lytvynenko
Кузьменко = Kuzmenko
Гончаренко = Honcharenko
Кравчук = Kravchuk
Ковальчук = Kovalchuk
Романенко = Romanenko
Сидоренко = Sydorenko
Карпенко = Karpenko
Левченко = Levchenko
Федоренко = Fedorenko
Захарченко = Zakharchenko
""")

# --- Russia, Chechnya (Cyrillic; women's surnames take -а) ---------------------------------------

RU_MALE = _names("""
Магомед = Magomed *2
Ахмед = Akhmed|Ahmed
Ислам = Islam
Адам = Adam
Муса = Musa|Moussa
Руслан = Ruslan|Rouslan
Аслан = Aslan
Хасан = Khasan|Hassan
Ибрагим = Ibragim|Ibrahim
Мансур = Mansur|Mansour
Саид = Said
Умар = Umar|Oumar
Шамиль = Shamil|Chamil
Зелимхан = Zelimkhan
""")

RU_FEMALE = _names("""
Зарема = Zarema
Хеда = Kheda|Heda
Малика = Malika
Луиза = Luiza|Louisa
Айшат = Aishat|Aychat
Седа = Seda
Петимат = Petimat
Мадина = Madina
Марьям = Maryam
Элина = Elina
""")

RU_LAST = _names("""
Магомедов = Magomedov
Исаев = Isaev|Issaev
Мусаев = Musaev|Moussaev
Алиев = Aliev|Aliyev
Хасанов = Khasanov
Умаров = Umarov|Oumarov
Ибрагимов = Ibragimov
Абдулаев = Abdulaev|Abdoulaev
Эльмурзаев = Elmurzaev
Батаев = Bataev
Садулаев = Sadulaev
Хаджиев = Khadzhiev|Hadjiev
Межидов = Mezhidov|Mejidov
Юсупов = Yusupov|Iousoupov
Цакаев = Tsakaev
""")

# --- Latin-script origins ------------------------------------------------------------------------------

GE_MALE = _names("""
Giorgi|Guiorgui *2
Davit|David *2
Levan
Nika
Irakli|Irakly
Zurab|Zourab
Lasha|Lacha
Giga|Guiga
Tornike
Mamuka|Mamouka
Gela|Guela
Vakhtang|Vaxtang
Temur|Temour
Beka
Shota|Chota
""")

GE_FEMALE = _names("""
Nino *2
Tamar|Tamari
Mariam
Ketevan|Ketevane
Natia
Eka|Ekaterine
Salome
Ana|Anna
Lela
Maia|Maya
Tinatin
Nana
Sopho|Sophio
""")

GE_LAST = _names("""
Beridze
Kapanadze
Gelashvili|Guelachvili
Maisuradze
Giorgadze|Guiorgadze
Lomidze
Tsiklauri|Tsiklaouri
Bolkvadze
Nozadze
Abashidze|Abachidze
Gogoladze
Chikovani|Tchikovani
Japaridze|Djaparidze
Tsertsvadze
Khutsishvili|Khoutsichvili
Mikeladze
Kharaishvili|Kharaichvili
Dolidze
Kiknadze
Shengelia|Chenguelia
""")

TR_MALE = _names("""
Mehmet|Mehmed *3
Ahmet|Ahmed *2
Mustafa *2
Ali *2
Hüseyin|Huseyin
Hasan
İbrahim|Ibrahim
Murat
Ömer|Omer
Yusuf
Emre
Serkan
Deniz
Rojhat
Welat|Velat
Şervan|Servan
Baran
Azad
Dilovan
Zana
""")

TR_FEMALE = _names("""
Ayşe|Ayse *2
Fatma *2
Zeynep
Emine
Elif
Hatice
Merve
Leyla
Gülistan|Gulistan
Rojda
Berfin
Dilan
Zozan
Sevda
Hülya|Hulya
Nurcan
""")

TR_LAST = _names("""
Yılmaz|Yilmaz *2
Kaya *2
Demir *2
Şahin|Sahin
Çelik|Celik
Yıldız|Yildiz
Aydın|Aydin
Öztürk|Ozturk
Arslan
Doğan|Dogan
Kılıç|Kilic
Aslan
Çetin|Cetin
Kara
Koç|Koc
Kurt
Özdemir|Ozdemir
Acar
Polat
Tekin
Bozkurt
Güneş|Gunes
Ekinci
Bulut
Tunç|Tunc
Ateş|Ates
""")

GN_MALE = _names("""
Mamadou|Mamadu *5
Alpha *2
Ibrahima *2
Amadou *2
Ousmane|Usman
Abdoulaye|Abdulaye *2
Boubacar *2
Mohamed|Mouhamed *2
Sékou|Sekou
Mamady
Moussa
Lansana
Alseny
Thierno|Tierno *2
Souleymane|Suleymane
Oumar
Aboubacar
Alhassane
Fodé|Fode
Saïdou|Saidou
Mory
Kerfalla
Aliou *2
Sadou
""")

GN_FEMALE = _names("""
Mariama|Mariam *2
Fatoumata|Fatimatou *3
Aïssatou|Aissatou *2
Hadja
Kadiatou|Khadiatou *2
Fanta
Djénabou|Dienabou
Hawa
Aminata
Kadidiatou
Oumou
Nènè|Nene
Saran
Mabinty
Binta
Rouguiatou|Roughiatou
Mariame
Halimatou
""")

GN_LAST = _names("""
Diallo *6
Barry|Bari *4
Bah|Ba *4
Sow *3
Camara|Kamara *3
Condé|Conde
Keïta|Keita
Touré|Toure
Sylla|Sila
Soumah|Souma
Cissé|Cisse
Baldé|Balde *2
Kourouma
Traoré|Traore
Doumbouya
Kaba
Diakité|Diakite
Sangaré|Sangare
Bangoura *2
Fofana
Kanté|Kante
Sidibé|Sidibe
Chérif|Cherif
Yattara
Kaloga
Konaté|Konate
""")

CI_MALE = _names("""
Kouassi *2
Yao *2
Konan
Koffi|Kofi
Kouadio
N'Guessan|Nguessan
Amani
Issouf
Drissa
Seydou
Lassina
Bakary
Karim
Moussa
Adama
Siaka
Souleymane
Yacouba|Yakouba
Ibrahim
Serge
Jean-Marc
Hervé|Herve
Arsène|Arsene
Christian
""")

CI_FEMALE = _names("""
Aya *2
Adjoua
Affoué|Affoue
Akissi
Amenan
Ahou
Mariam
Fatoumata
Awa
Salimata
Rokia
Aminata
Nathalie
Christelle
Grâce|Grace
Prisca
Estelle
Bintou
""")

CI_LAST = _names("""
Kouassi *2
Koffi
Konan *2
Yao
Kouamé|Kouame
N'Guessan|Nguessan
Koné|Kone *3
Ouattara|Wattara *3
Coulibaly|Kulibaly *3
Traoré|Traore
Bamba
Touré|Toure
Diomandé|Diomande
Doumbia
Soro
Kouadio
Aka
Brou
Tano
Yéo|Yeo
Silué|Silue
Fofana
Dosso
Sanogo
Bakayoko
Méité|Meite
""")

CD_MALE = _names("""
Jean-Paul
Patrick
Christian
Fiston *2
Héritier|Heritier
Dieudonné|Dieudonne
Glody
Exaucé|Exauce
Trésor|Tresor
Blaise
Joseph
Emmanuel
Papy
Serge
Israël|Israel
Bienvenu
Christophe
Jonathan
Daniel
Eric
Cédric|Cedric
Mardochée|Mardochee
""")

CD_FEMALE = _names("""
Grâce|Grace *2
Merveille *2
Christelle
Sarah|Sara
Ruth
Esther
Divine
Gloire
Nathalie
Rachel
Jolie
Bénédicte|Benedicte
Chancelvie
Dorcas
Mireille
Naomie
Patience
Plamedie
Bénie|Benie
""")

CD_LAST = _names("""
Mukendi|Moukendi *2
Kabongo *2
Tshibangu|Tshibangou
Ilunga *2
Kalonji|Kalondji
Mbuyi|Mbouyi
Kasongo
Ngoy
Lukusa
Mulumba|Moulumba
Mutombo
Nsimba
Makiese
Lumbala
Mbala
Nkongolo
Mpiana
Kayembe
Banza
Kanku
Mwamba
Bokanga
Ngalula
Matondo
Luzolo
Kiala
Ndombe
Lusamba
""")

ML_MALE = _names("""
Moussa *2
Mamadou *2
Boubacar
Seydou
Adama
Bakary
Souleymane
Drissa
Modibo
Oumar
Siaka
Sidiki
Fousseyni
Lassana
Youssouf|Yousouf
""")

ML_FEMALE = _names("""
Aminata
Fatoumata *2
Mariam
Kadiatou
Oumou
Awa
Rokia
Assitan
Djénéba|Djeneba
Salimata
Hawa
Kadidia
""")

ML_LAST = _names("""
Traoré|Traore *3
Keïta|Keita *2
Coulibaly *3
Diarra *2
Diakité|Diakite
Konaté|Konate
Sissoko|Cissoko
Dembélé|Dembele
Camara
Sangaré|Sangare
Touré|Toure
Doumbia
Kanouté|Kanoute
Sacko
Maïga|Maiga
Cissé|Cisse
Samaké|Samake
Tounkara
Bagayoko
Dicko
""")

SO_MALE = _names("""
Mohamed|Maxamed|Mohammed *5
Abdi|Cabdi *2
Ahmed|Axmed *2
Hassan|Xasan
Ali|Cali *2
Omar|Cumar
Yusuf|Yuusuf
Ibrahim|Ibraahim
Abdullahi|Cabdullaahi *2
Mahad
Abdirahman|Cabdiraxmaan
Farah|Faarax
Hussein|Xuseen
Ismail|Ismaaciil
Mustafe
Liban
Guled
Said|Saciid
""")

SO_FEMALE = _names("""
Fadumo|Faadumo *2
Hodan
Amina|Aamina
Khadija|Khadiijo
Asha|Caasha
Sahra|Saxra
Hawa|Xaawo
Ayan|Ayaan
Ifrah|Ifraax
Nimco
Sagal
Deqa|Deeqa
Ubah|Ubax
Hibo
Filsan
Ikran
""")

SO_LAST = _names("""
Mohamed|Maxamed *3
Ali|Cali *2
Hassan|Xasan
Abdi|Cabdi
Farah|Faarax
Warsame
Osman|Cismaan
Jama|Jaamac
Nur|Nuur
Ahmed|Axmed
Aden|Aadan
Hussein|Xuseen
Elmi|Cilmi
Yusuf|Yuusuf
Omar|Cumar
Guled
Dahir|Daahir
Abdullahi|Cabdullaahi
Hersi|Xirsi
Samatar
Musse|Muuse
Ismail|Ismaaciil
Duale|Ducaale
""")

BD_MALE = _names("""
Mohammad|Md *3
Abdul
Rahim
Karim
Shahidul
Rafiqul
Mizanur
Habibur
Rashed
Tanvir
Sumon
Shakil
Jahid
Arif
Nazmul
""")

BD_FEMALE = _names("""
Fatema|Fatima
Nusrat
Sumaiya
Taslima
Rupa
Shirin
Nasrin
Ayesha
Sharmin
Farzana
""")

BD_LAST = _names("""
Rahman *3
Hossain|Hossen|Hussain *3
Islam *2
Uddin *2
Ahmed
Alam
Miah|Mia
Chowdhury|Chowdhuri
Sarker|Sarkar
Khan
Haque|Hoque
Mollah|Molla
Sheikh
""")

# Names of the generated professionals (referents added to keep caseloads realistic).
FRENCH_STAFF_FIRST = (
    "Camille",
    "Julien",
    "Marion",
    "Nicolas",
    "Émilie",
    "Antoine",
    "Pauline",
    "Mathieu",
    "Aurélie",
    "Guillaume",
    "Laure",
    "Sébastien",
    "Élise",
    "Romain",
    "Anne",
    "Vincent",
    "Gaëlle",
    "Erwan",
    "Solenn",
    "Yann",
    "Loïc",
    "Soizic",
    "Morgane",
    "Ronan",
    "Nolwenn",
    "Malo",
    "Enora",
    "Ewen",
    "Katell",
    "Brieuc",
    "Samia",
    "Karima",
    "Moussa",
    "Linh",
    "Rachid",
    "Awa",
    "Mehdi",
    "Sonia",
    "Jérôme",
    "Hélène",
)
FRENCH_STAFF_LAST = (
    "Le Gall",
    "Le Roux",
    "Hamon",
    "Morvan",
    "Le Bihan",
    "Riou",
    "Jaouen",
    "Le Guen",
    "Kerhervé",
    "Le Moal",
    "Cadiou",
    "Quéré",
    "Ollivier",
    "Le Meur",
    "Hervé",
    "Gicquel",
    "Lebreton",
    "Perrin",
    "Garnier",
    "Bernard",
    "Dubois",
    "Moreau",
    "Simon",
    "Laurent",
    "Lefebvre",
    "Michel",
    "Leroy",
    "Roux",
    "David",
    "Bertrand",
    "Fournier",
    "Girard",
    "Bonnet",
    "Lambert",
    "Fontaine",
    "Rousseau",
    "Faure",
    "Nguyen",
    "Mendes",
    "Ouedraogo",
    "Rahmani",
    "Kaya",
    "Haddad",
    "Traoré",
    "Diop",
)

_SYRIAN_PLACES = ("Alep", "Damas", "Homs", "Idleb", "Deir ez-Zor", "Hassaké", "Raqqa", "Deraa", "Hama", "Qamichli")

ORIGINS: tuple[Origin, ...] = (
    Origin(
        code="AF",
        weight=30,
        script="Arab",
        male=AF_MALE,
        female=AF_FEMALE,
        last=AF_LAST,
        birth_countries=("AF",),
        birth_places=(
            "Kaboul",
            "Hérat",
            "Mazar-e Charif",
            "Kandahar",
            "Jalalabad",
            "Ghazni",
            "Kunduz",
            "Baghlan",
            "Laghman",
            "Wardak",
            "Parwan",
            "Téhéran",
        ),
        natives=(("prs", 60), ("pus", 40)),
        extras=(("fas", "fluent", 0.1), ("eng", "basic", 0.15), ("urd", "basic", 0.08)),
        male_share=0.78,
        family_share=0.3,
        consulates=(
            ("PK", "Ambassade de France à Islamabad"),
            ("IR", "Ambassade de France à Téhéran"),
            ("AF", "Ambassade de France à Islamabad"),
        ),
    ),
    Origin(
        code="SD",
        weight=8,
        script="Arab",
        male=SD_MALE,
        female=SD_FEMALE,
        last=SD_LAST,
        birth_countries=("SD",),
        birth_places=(
            "Khartoum",
            "Omdurman",
            "Nyala",
            "El Geneina",
            "El Fasher",
            "Kassala",
            "Zalingei",
            "Kadugli",
            "El Obeid",
        ),
        natives=(("ara", 70), ("fvr", 18), ("zag", 12)),
        extras=(("ara", "fluent", 1.0), ("eng", "basic", 0.25)),
        male_share=0.88,
        family_share=0.12,
        consulates=(("EG", "Consulat général de France au Caire"), ("TD", "Ambassade de France à N'Djamena")),
    ),
    Origin(
        code="UA",
        weight=8,
        script="Cyrl",
        male=UA_MALE,
        female=UA_FEMALE,
        last=UA_LAST,
        birth_countries=("UA",),
        birth_places=(
            "Kyiv",
            "Kharkiv",
            "Odesa",
            "Dnipro",
            "Zaporijjia",
            "Marioupol",
            "Mykolaïv",
            "Kherson",
            "Lviv",
            "Soumy",
            "Tchernihiv",
        ),
        natives=(("ukr", 80), ("rus", 20)),
        extras=(("rus", "fluent", 0.7), ("ukr", "fluent", 0.5), ("eng", "basic", 0.4)),
        male_share=0.3,
        family_share=0.6,
        wife_takes_surname=True,
        original_share=0.95,
    ),
    Origin(
        code="SY",
        weight=7,
        script="Arab",
        male=SY_MALE,
        female=SY_FEMALE,
        last=SY_LAST,
        birth_countries=("SY",),
        birth_places=_SYRIAN_PLACES,
        natives=(("ara", 85), ("kmr", 15)),
        extras=(("ara", "fluent", 1.0), ("eng", "basic", 0.25), ("tur", "basic", 0.1)),
        male_share=0.62,
        family_share=0.55,
        consulates=(
            ("TR", "Consulat général de France à Istanbul"),
            ("LB", "Ambassade de France au Liban"),
            ("JO", "Ambassade de France en Jordanie"),
        ),
    ),
    Origin(
        code="ER",
        weight=7,
        script="Ethi",
        male=ER_MALE,
        female=ER_FEMALE,
        last=ER_LAST,
        birth_countries=("ER",),
        birth_places=("Asmara", "Keren", "Massaoua", "Mendefera", "Adi Keyh", "Dekemhare", "Barentu"),
        natives=(("tir", 85), ("tig", 15)),
        extras=(("amh", "basic", 0.3), ("ara", "basic", 0.15), ("eng", "basic", 0.2)),
        male_share=0.66,
        family_share=0.2,
        patronymic=True,
        consulates=(
            ("ET", "Ambassade de France à Addis-Abeba"),
            ("UG", "Ambassade de France à Kampala"),
            ("KE", "Ambassade de France à Nairobi"),
        ),
    ),
    Origin(
        code="GN",
        weight=6,
        script="Latn",
        male=GN_MALE,
        female=GN_FEMALE,
        last=GN_LAST,
        birth_countries=("GN",),
        birth_places=("Conakry", "Labé", "Kankan", "Nzérékoré", "Kindia", "Mamou", "Boké", "Pita", "Dalaba"),
        natives=(("ful", 50), ("sus", 30), ("emk", 20)),
        francophone=True,
        male_share=0.7,
        family_share=0.2,
        two_first_names=0.3,
        consulates=(("GN", "Ambassade de France en Guinée (Conakry)"),),
    ),
    Origin(
        code="TR",
        weight=6,
        script="Latn",
        male=TR_MALE,
        female=TR_FEMALE,
        last=TR_LAST,
        birth_countries=("TR",),
        birth_places=("Istanbul", "Diyarbakır", "Ankara", "Mardin", "Van", "Şanlıurfa", "Izmir", "Batman", "Hakkari"),
        natives=(("tur", 55), ("kmr", 45)),
        extras=(("tur", "fluent", 1.0), ("eng", "basic", 0.3)),
        male_share=0.7,
        family_share=0.4,
        wife_takes_surname=True,
        consulates=(("TR", "Consulat général de France à Istanbul"),),
    ),
    Origin(
        code="CI",
        weight=5,
        script="Latn",
        male=CI_MALE,
        female=CI_FEMALE,
        last=CI_LAST,
        birth_countries=("CI",),
        birth_places=("Abidjan", "Bouaké", "Daloa", "Korhogo", "Yamoussoukro", "San-Pédro", "Man", "Gagnoa"),
        natives=(("fra", 40), ("dyu", 35), ("bci", 25)),
        francophone=True,
        male_share=0.6,
        family_share=0.25,
        consulates=(("CI", "Consulat général de France à Abidjan"),),
    ),
    Origin(
        code="CD",
        weight=5,
        script="Latn",
        male=CD_MALE,
        female=CD_FEMALE,
        last=CD_LAST,
        birth_countries=("CD",),
        birth_places=("Kinshasa", "Goma", "Bukavu", "Lubumbashi", "Kisangani", "Mbuji-Mayi", "Kananga", "Uvira"),
        natives=(("lin", 50), ("swa", 30), ("lua", 20)),
        francophone=True,
        male_share=0.5,
        family_share=0.4,
        consulates=(("CD", "Ambassade de France à Kinshasa"), ("UG", "Ambassade de France à Kampala")),
    ),
    Origin(
        code="SO",
        weight=4,
        script="Latn",
        male=SO_MALE,
        female=SO_FEMALE,
        last=SO_LAST,
        birth_countries=("SO",),
        birth_places=("Mogadiscio", "Kismayo", "Baidoa", "Beledweyne", "Hargeisa", "Galkayo"),
        natives=(("som", 100),),
        extras=(("ara", "basic", 0.4), ("eng", "basic", 0.3)),
        male_share=0.55,
        family_share=0.3,
        patronymic=True,
        consulates=(("KE", "Ambassade de France à Nairobi"), ("ET", "Ambassade de France à Addis-Abeba")),
    ),
    Origin(
        code="BD",
        weight=2,
        script="Latn",
        male=BD_MALE,
        female=BD_FEMALE,
        last=BD_LAST,
        birth_countries=("BD",),
        birth_places=("Dacca", "Sylhet", "Chittagong", "Comilla", "Noakhali"),
        natives=(("ben", 100),),
        extras=(("eng", "basic", 0.4),),
        male_share=0.92,
        family_share=0.1,
    ),
    Origin(
        code="GE",
        weight=2,
        script="Latn",
        male=GE_MALE,
        female=GE_FEMALE,
        last=GE_LAST,
        birth_countries=("GE",),
        birth_places=("Tbilissi", "Koutaïssi", "Batoumi", "Roustavi", "Zougdidi", "Gori"),
        natives=(("kat", 100),),
        extras=(("rus", "fluent", 0.6), ("eng", "basic", 0.2)),
        male_share=0.55,
        family_share=0.5,
        wife_takes_surname=True,
    ),
    Origin(
        code="IR",
        weight=2,
        script="Arab",
        male=IR_MALE,
        female=IR_FEMALE,
        last=IR_LAST,
        birth_countries=("IR",),
        birth_places=("Téhéran", "Ispahan", "Chiraz", "Tabriz", "Machhad", "Ahvaz", "Kermanshah", "Sanandaj"),
        natives=(("fas", 85), ("ckb", 15)),
        extras=(("eng", "basic", 0.45),),
        male_share=0.6,
        family_share=0.35,
        consulates=(("TR", "Consulat général de France à Istanbul"),),
    ),
    Origin(
        code="ML",
        weight=2,
        script="Latn",
        male=ML_MALE,
        female=ML_FEMALE,
        last=ML_LAST,
        birth_countries=("ML",),
        birth_places=("Bamako", "Kayes", "Ségou", "Mopti", "Sikasso", "Gao", "Tombouctou"),
        natives=(("bam", 75), ("snk", 25)),
        francophone=True,
        male_share=0.85,
        family_share=0.15,
        two_first_names=0.1,
    ),
    Origin(
        code="RU",
        weight=1.5,
        script="Cyrl",
        male=RU_MALE,
        female=RU_FEMALE,
        last=RU_LAST,
        birth_countries=("RU",),
        birth_places=("Grozny", "Goudermes", "Ourous-Martan", "Chali", "Argoun"),
        natives=(("che", 100),),
        extras=(("rus", "fluent", 1.0),),
        male_share=0.5,
        family_share=0.6,
        wife_takes_surname=True,
        female_surname_suffix=("а", "a"),
    ),
    Origin(
        code="ET",
        weight=1.5,
        script="Ethi",
        male=ET_MALE,
        female=ET_FEMALE,
        last=ET_LAST,
        birth_countries=("ET",),
        birth_places=("Addis-Abeba", "Gondar", "Dire Dawa", "Mekele", "Bahir Dar", "Jimma"),
        natives=(("amh", 60), ("orm", 30), ("tir", 10)),
        extras=(("amh", "fluent", 0.4), ("eng", "basic", 0.3)),
        male_share=0.55,
        family_share=0.2,
        patronymic=True,
        consulates=(("ET", "Ambassade de France à Addis-Abeba"),),
    ),
    # Stateless persons (Bidoun, Palestinians born in Syria or Lebanon, stateless Kurds).
    Origin(
        code="XXA",
        weight=1.5,
        script="Arab",
        male=SY_MALE,
        female=SY_FEMALE,
        last=SY_LAST,
        birth_countries=("SY", "LB", "KW", "IQ"),
        birth_places=("Damas", "Beyrouth", "Koweït", "Bagdad", "Hassaké", "Saïda"),
        natives=(("ara", 85), ("kmr", 15)),
        extras=(("ara", "fluent", 1.0), ("eng", "basic", 0.3)),
        male_share=0.6,
        family_share=0.45,
        consulates=(("LB", "Ambassade de France au Liban"),),
    ),
)

# French names of the languages, for notes ("avec interprète en dari").
LANGUAGE_NAMES_FR = {
    "prs": "dari",
    "pus": "pachto",
    "fas": "persan",
    "ara": "arabe",
    "kmr": "kurde (kurmandji)",
    "ckb": "kurde (sorani)",
    "tir": "tigrinya",
    "tig": "tigré",
    "amh": "amharique",
    "orm": "oromo",
    "som": "somali",
    "ful": "peul",
    "sus": "soussou",
    "emk": "malinké",
    "dyu": "dioula",
    "bci": "baoulé",
    "lin": "lingala",
    "swa": "swahili",
    "lua": "tshiluba",
    "ukr": "ukrainien",
    "rus": "russe",
    "tur": "turc",
    "kat": "géorgien",
    "che": "tchétchène",
    "ben": "bengali",
    "bam": "bambara",
    "snk": "soninké",
    "fvr": "four",
    "zag": "zaghawa",
    "eng": "anglais",
    "fra": "français",
    "urd": "ourdou",
}
