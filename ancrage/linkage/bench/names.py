"""Name pools of the synthetic refugee-name benchmark, by origin group.

Each entry is a set of spellings of one name, separated by ``/``: the transliteration variants met
in real files (French, English, German and OFPRA transliterations; Ukrainian and Russian forms). The
first spelling is the most frequent. ``SCRIPTS`` gives the original-script form of the commonest.
"""

GROUPS: dict[str, dict[str, object]] = {
    "arabic": {
        "countries": ("SY", "SD"),
        "male": (
            "Mohammad/Mohammed/Muhammad/Mohamed, Ahmad/Ahmed, Yousef/Youssef/Yusuf, "
            "Abdulrahman/Abdel Rahman/Abderrahmane, Omar/Umar, Ali, Hassan/Hasan, Hussein/Husain, "
            "Khaled/Khalid, Mahmoud/Mahmud, Ibrahim/Ebrahim, Mustafa/Moustafa/Mostafa, Abdullah/Abdallah, "
            "Osman/Othman/Usman, Hamza/Hamzah, Karim/Kareem, Samir/Sameer, Tarek/Tariq/Tarik, Walid/Waleed, "
            "Jamal/Gamal, Adel/Adil, Bilal, Anas, Majed/Majid, Fadi, Rami, Bashar, Nizar, Issa/Isa, "
            "Suleiman/Sulaiman/Soliman, Yasser/Yasir, Ammar, Zakaria/Zakariya, Hisham/Hicham, Nabil, "
            "Faisal/Faysal, Ayman, Mazen, Ghassan, Marwan, Sami, Tamer, Wael, Ziad/Ziyad, Kamal, Hamid"
        ),
        "female": (
            "Fatima/Fatma/Fatimah, Aisha/Aicha/Ayesha, Mariam/Maryam/Meriem, Nour/Noor, Amina/Aminah, Rania, "
            "Huda/Houda, Layla/Leila/Laila, Zainab/Zeinab, Samira, Hana/Hanaa, Asma/Asmaa, Salma, Rasha, "
            "Dalia, Reem/Rim, Lina, Hiba, Yasmin/Yasmine, Khadija/Khadidja, Ghada, Rawan, Sara/Sarah, "
            "Nada, Doaa/Duaa, Israa/Esraa, Alaa, Manal, Suha/Souha, Wafa"
        ),
        "family": (
            "Al Ahmad/Alahmad, Al Hassan/Alhassan/El Hassan, Haddad, Khalil, Othman/Osman, Abdallah/Abdullah, "
            "Al Khatib/Alkhatib/El Khatib, Hamdan, Mansour/Mansur, Al Ali/Alali, Ibrahim, Saleh/Salih, "
            "Youssef/Yousef, Darwish/Darwiche, Nasser/Nasir, Shaker/Chaker, Hammoud/Hamoud, Al Masri/Almasri, "
            "Qasim/Kassem/Qassem, Suleiman/Sulaiman, Bakri/Bakry, Adam/Adem, Abdelrahim/Abdel Rahim, "
            "Idris/Idriss, Al Hussein/Alhussein, Jaber/Jabir, Hijazi/Hejazi, Zaher/Zahir, Farah, Nassar, "
            "Sabbagh/Sabagh, Kurdi, Al Homsi/Alhomsi, Halabi, Shami/Chami, Tahhan/Tahan, Zein/Zain, "
            "Awad/Awwad, Issa/Eissa, Mustafa/Moustafa, Hamad, Khoury/Khouri, Salem/Salim, Jaafar/Jafar, "
            "Abbas, Naji, Rashid/Rachid, Taha, Mahmoud/Mahmud, Eltayeb/El Tayeb, Abakar/Abbakar, Elnour/El Nour"
        ),
    },
    "persian": {
        "countries": ("AF", "IR"),
        "male": (
            "Mohammad/Mohammed/Muhammad, Ahmad/Ahmed, Ali, Hossein/Hussein/Husain, Reza, Mehdi/Mahdi, Amir, "
            "Hamid, Javad/Jawad, Mostafa/Mustafa, Gholam/Ghulam/Golam, Farid/Fareed, Masoud/Massoud/Masood, "
            "Saeed/Said/Sayed, Mojtaba/Mujtaba, Hamed, Naser/Nasser, Omid/Umid, Behzad, Karim, Rahim/Raheem, "
            "Jalal, Sohrab, Navid/Naveed, Arash, Kamran, Farhad, Shahram, Zaher/Zahir, Wahid/Vahid, "
            "Rasul/Rasool, Qasem/Ghasem/Kasem, Yaqub/Yaghoub/Yakub, Morteza/Murtaza, Nasir/Naseer, "
            "Sadegh/Sadiq, Ebrahim/Ibrahim, Esmail/Ismail, Jamshid, Fardin, Milad, Babak, Siavash/Siavosh"
        ),
        "female": (
            "Fatemeh/Fatima/Fatemah, Zahra/Zahrah, Maryam/Mariam, Masoumeh/Masuma, Soraya/Suraya, Parisa, "
            "Shirin, Nasrin, Farzaneh/Farzana, Mahboubeh/Mahbooba, Roya, Leila/Laila, Somayeh/Sumaya, "
            "Khadijeh/Khadija, Zeinab/Zainab, Shabnam, Mina, Tahmineh/Tahmina, Narges/Nargis, Homa, "
            "Sima, Fereshteh/Fereshta, Marzieh/Marzia, Sakineh/Sakina, Hakimeh/Hakima, Nilofar/Niloufar, "
            "Mahtab, Golnaz, Azadeh/Azada, Elham"
        ),
        "family": (
            "Ahmadi/Ahmady, Mohammadi/Muhammadi, Hosseini/Husseini/Hussaini, Rezaei/Rezai/Rezaee, Karimi, "
            "Rahimi/Raheemi, Hashemi/Hashimi, Jafari/Jaafari, Sadeghi/Sadiqi, Haidari/Heidari/Haydari, Azizi, "
            "Soltani/Sultani, Nazari, Rahmani, Amiri, Ghorbani/Qurbani, Nouri/Noori/Nuri, Sharifi, Habibi, "
            "Yousefi/Yusufi, Kazemi/Kazimi, Mousavi/Musavi/Moosavi, Jalali, Samadi, Hakimi, Moradi/Muradi, "
            "Akbari, Alizadeh/Alizada, Hassanzadeh/Hasanzada, Faizi/Feyzi, Ghaderi/Qaderi/Kaderi, Bakhshi, "
            "Rostami/Rustami, Ebrahimi/Ibrahimi, Ansari, Sadat, Hamidi, Najafi, Safavi, Tavakoli, Zamani, "
            "Asadi, Bahrami, Mirzaei/Mirzai, Golzari, Abbasi, Shirazi, Naderi, Faraji, Mansouri/Mansuri"
        ),
    },
    "pashto": {
        "countries": ("AF",),
        "male": (
            "Gul/Gol, Zabihullah/Zabiullah/Zabihollah, Naqibullah/Naqeebullah, Rahmatullah/Rahmatollah, "
            "Hekmatullah/Hikmatullah, Samiullah/Sami Ullah, Noorullah/Nurullah, Asadullah/Assadullah, "
            "Ehsanullah/Ihsanullah, Jan/Jaan, Wali, Ajmal, Bilal, Faridoon/Fereydoun/Faridun, "
            "Haroon/Harun/Haroun, Idrees/Idris, Jawed/Javed/Jawid, Khalid/Khaled, Mirwais/Mir Wais, "
            "Nasrullah/Nasrollah, Rohullah/Ruhullah, Sardar, Sher/Shir, Taj, Yama, Zalmai/Zalmay, Aziz, "
            "Ismail/Esmail/Ismael, Habib/Habeeb, Abdul Wahid/Abdulwahid, Abdul Qadir/Abdulqadir/Abdul Kader, "
            "Gulbuddin, Shafiullah/Shafiqullah, Inayatullah/Enayatullah, Qudratullah/Kudratullah, Lutfullah, "
            "Safiullah, Abdul Basir/Abdulbasir, Sayed Agha/Sayedagha, Baryalai/Baryalay, Shahzad, Amanullah"
        ),
        "female": (
            "Malalai/Malala, Palwasha, Zarghona/Zarghuna, Nazia/Naziya, Gulalai/Gulali, Shabana, "
            "Spogmai/Spozhmai, Bibi, Rahima/Raheema, Nasima/Naseema, Zarmina, Mursal, Laila/Leila, "
            "Farishta/Fereshta, Wazhma/Wajma, Hadia/Hadiya, Gulnaz, Sadia/Saadia, Zarlasht, Storai/Storay, "
            "Nadia, Marina, Shaista, Arzo/Arezo, Ghazal"
        ),
        "family": (
            "Khan, Popal/Popalzai, Durrani/Durani, Safi, Wardak/Vardak, Mohmand/Momand, Stanikzai/Stanekzai, "
            "Ahmadzai/Ahmadzay, Yousafzai/Yusufzai/Yousufzai, Shinwari/Shinwary, Afridi, Mangal, Zadran, "
            "Niazi, Karzai, Barakzai, Noorzai/Nurzai, Achakzai, Alokozay/Alokozai, Sherzad/Shirzad, "
            "Hotak/Hotaki, Jalalzai, Kakar, Mansoor/Mansour, Taraki/Tarakai, Zazai, Sultanzai, "
            "Omarzai/Umarzai, Helmandi, Kandahari, Khogyani/Khugiani, Sahak, Samadi, Ghaznawi/Ghaznavi, "
            "Lodin/Lodi, Tokhi, Andar, Jaji, Waziri, Mashwani, Hamdard, Amarkhel, Sabir/Saber"
        ),
    },
    "tigrinya": {
        "countries": ("ER",),
        "male": (
            "Tesfay/Tesfaye/Tesfai, Mehari/Mehary, Yonas/Jonas, Dawit/Dawitt, Filmon/Filimon, Robel/Robiel, "
            "Samuel/Samiel, Mulugeta, Berhane/Berhan, Haile/Hayle, Kidane/Kidan, Tekle/Teklay, "
            "Goitom/Guitom, Habtom, Yemane/Yemaneh, Amanuel/Emmanuel, Daniel, Mussie/Musie, Aron/Aaron, "
            "Henok/Henock, Nahom/Nahum, Efrem/Ephrem, Biniam/Biniyam/Binyam, Kibrom/Kbrom, "
            "Tsegay/Tsegaye/Tsegai, Weldu/Woldu, Abraham/Abrham, Michael/Mikael, Ermias/Yermias, "
            "Semere/Semre, Simon, Temesgen, Zerai/Zeray, Ghebre/Gebre, Yohannes/Yohanes, Fitsum, Natnael, "
            "Awet, Merhawi/Merhawy, Senay, Tewelde/Tewolde, Hagos, Solomon/Salomon, Isaias/Isayas"
        ),
        "female": (
            "Helen/Hellen, Selam/Salam, Senait/Senayt, Yordanos, Luwam/Luam, Rahel/Rachel, Saba, Meron, "
            "Freweini/Frewoyni, Eden, Feven/Fiven, Winta, Hiwet, Mebrat, Tsega, Lidia/Lydia, Ruta, Semhar, "
            "Almaz, Abeba, Elsa, Yohana/Yohanna, Rigat, Milen/Milena, Ariam, Segen, Danait, Tirhas, "
            "Adiam, Hanna/Hana"
        ),
        "family": (
            "Gebremedhin/Ghebremedhin/Gebre Medhin, Gebremeskel/Ghebremeskel, Tesfamariam/Tesfa Mariam, "
            "Haile/Hayle, Tekle/Teklay, Woldemichael/Weldemichael/Wolde Michael, Kidane, Berhe/Berhie, "
            "Asmerom, Habte/Habtai, Ghirmay/Girmay/Ghirmai, Mehari, Tesfay/Tesfaye, Yemane, Okbay/Ogbai, "
            "Kahsay/Kahsai, Andemariam, Mebrahtu/Mebrahtom, Negash, Zerezghi, Abraha/Abrha, Weldu/Woldu, "
            "Tewelde/Tewolde, Hagos, Beyene/Beyne, Estifanos/Stefanos, Gebrehiwet/Ghebrehiwet, "
            "Araya/Araia, Fessehaye/Fisehaye, Measho/Meshesha, Teklehaimanot, Mengisteab/Mengsteab, "
            "Gebreyesus/Ghebreyesus, Tsegay/Tsegaye, Desta, Ghebremariam/Gebremariam, Solomon, Isaak/Isaac, "
            "Berhane, Ogbazghi, Kiflom, Sereke, Yohannes/Yohanes, Amanuel, Efrem/Ephrem, Goitom"
        ),
    },
    "cyrillic": {
        "countries": ("UA", "RU"),
        "male": (
            "Oleksandr/Aleksandr/Alexandre/Alexander, Andriy/Andrii/Andrey/Andrei, "
            "Dmytro/Dmitri/Dmitry/Dmitriy, Serhiy/Serhii/Sergey/Sergei, Volodymyr/Vladimir/Wolodymyr, "
            "Mykola/Nikolai/Nikolay, Yevhen/Evgeniy/Yevgeny/Ievgen, Oleh/Oleg, Ihor/Igor, "
            "Yuriy/Yurii/Iouri/Yuri, Vasyl/Vasily/Vassili, Mykhailo/Mikhail/Mykhaylo, Pavlo/Pavel, "
            "Maksym/Maxim/Maksim, Artem/Artyom, Bohdan/Bogdan, Taras, Roman, Vitaliy/Vitalii/Vitaly, "
            "Anatoliy/Anatolii, Ruslan, Magomed/Mahomed, Akhmed/Ahmed, Islam, Ramzan, Aslan, Adam, "
            "Khasan/Hasan, Usman/Ousman, Zelimkhan/Zelimhan, Shamil/Chamil, Timur/Temur, Rustam/Roustam, "
            "Ilyas/Iliyas, Denys/Denis, Kyrylo/Kirill, Stanislav, Viktor/Victor, Ivan, Petro/Petr/Pyotr"
        ),
        "female": (
            "Olena/Elena/Yelena, Tetiana/Tatiana/Tatyana, Nataliia/Natalia/Natalya, Iryna/Irina, "
            "Yuliia/Yulia/Julia/Ioulia, Oksana, Svitlana/Svetlana, Anastasiia/Anastasia, "
            "Kateryna/Ekaterina/Yekaterina, Mariia/Maria, Liudmyla/Lyudmila/Ludmila, Halyna/Galina, "
            "Viktoriia/Viktoria/Victoria, Daria/Dariia/Darya, Khava/Hava, Zarema, Madina/Medina, Petimat, "
            "Luiza/Louiza, Alina, Valentyna/Valentina, Larysa/Larisa, Nadiia/Nadezhda, Liliia/Lilia, "
            "Inna, Ganna/Hanna/Anna, Sofiia/Sofia, Polina, Yana, Marina"
        ),
        "family": (
            "Shevchenko/Chevtchenko/Schewtschenko, Kovalenko/Kowalenko, Bondarenko, Tkachenko/Tkatchenko, "
            "Kravchenko/Kravtchenko, Melnyk/Melnik, Ivanenko, Boyko/Boiko, Kovalchuk/Kovaltchouk, "
            "Oliinyk/Oleinik/Oliynyk, Lysenko, Marchenko, Savchenko, Rudenko, Moroz, Polishchuk/Polischuk, "
            "Ivanov/Ivanoff, Petrov/Petroff, Smirnov/Smirnoff, Kuznetsov/Kouznetsov/Kuznetzov, Popov, "
            "Sokolov, Volkov, Kadyrov/Kadirov, Magomedov/Mahomedov, Akhmatov/Ahmatov, Dudayev/Dudaev, "
            "Basayev/Basaev, Umarov/Oumarov, Yusupov/Iusupov, Isayev/Isaev, Murtazaliev/Murtazaliyev, "
            "Khasanov/Hasanov, Zakayev/Zakaev, Tsarnaev/Tsarnayev, Herasymenko/Gerasimenko, "
            "Hrytsenko/Gritsenko, Romanenko, Pavlenko, Kharchenko/Harchenko, Zinchenko, Klymenko/Klimenko, "
            "Levchenko, Kostenko, Hončar/Honchar/Gonchar, Morozov, Novikov, Fedorov/Fyodorov, Lebedev, "
            "Kozlov, Vasiliev/Vasilyev, Tkachuk, Savchuk, Kuzmenko, Didenko, Yakovenko/Iakovenko"
        ),
    },
    "west_african": {
        "countries": ("GN",),
        "male": (
            "Mamadou/Mamadu/Mamoudou, Ibrahima/Ibrahim, Alpha, Abdoulaye/Abdoulay/Abdullahi, "
            "Ousmane/Ousman/Usman, Amadou/Ahmadou/Amadu, Boubacar/Aboubacar/Boubakar, "
            "Mohamed/Mouhamed/Mohammed, Alseny/Alsény, Sekou/Sékou, Souleymane/Souleimane/Suleiman, "
            "Lansana, Moussa/Musa, Thierno/Tierno, Cheick/Cheikh, Oumar/Omar, Aliou/Aliyu, Mamady/Mamadi, "
            "Fodé/Fode, Karamoko, Saliou/Saliu, Issiaga/Issiagha, Ismaël/Ismael, Lamine/Lamin, Yaya/Yahya, "
            "Daouda/Dauda, Seydou/Seidou, Bakary/Bakari, Kabinet, Mory, Sidiki/Siddiki, Naby/Nabi, Sory, "
            "Elhadj/El Hadj, Facinet, Abdourahmane/Abdourahman, Amara, Morlaye/Morlay, Almamy"
        ),
        "female": (
            "Fatoumata/Fatumata/Fatoumatou, Mariama/Mariame, Aissatou/Aïssatou/Aysatou, "
            "Kadiatou/Kadiatu/Khadiatou, Hawa/Awa, Oumou/Umu, Djenabou/Jenabu, Fanta, Aminata/Aminatou, "
            "Ramatoulaye/Ramatulai, Binta, Hadja, Nene/Néné, Kadidiatou, Sira, Makalé/Makale, Salematou, "
            "Mbalou/M'Balou, Tenin, Assiatou/Asiatou, Hassanatou, Mamata, Tiguidanké/Tiguidanke, "
            "Saran, Adama, Maimouna/Maïmouna, Safiatou, Dalanda, Houleymatou, Koumba"
        ),
        "family": (
            "Diallo/Jallo/Jalloh, Barry/Bari, Bah/Ba, Sow/Sou, Camara/Kamara, Condé/Conde/Konde, "
            "Keita/Keïta, Touré/Toure, Soumah/Souma/Sumah, Sylla/Silla, Cissé/Cisse, Traoré/Traore, "
            "Kourouma/Kuruma, Bangoura/Bangura, Sangaré/Sangare, Doumbouya/Dumbuya, Kanté/Kante, Fofana, "
            "Baldé/Balde, Kaba, Sidibé/Sidibe, Konaté/Konate, Chérif/Cherif/Sherif, Kouyaté/Kouyate, "
            "Diakité/Diakite, Millimono/Milimono, Haba, Loua/Lua, Guilavogui, Kolié/Kolie, Sakho/Sacko/Sako, "
            "Tounkara, Dramé/Drame, Bamba, Fadiga, Magassouba, Kaloga, Dabo, Koivogui, Onivogui, Sampil, "
            "Yansané/Yansane, Tolno, Béavogui/Beavogui, Lamah, Sagno, Kamano, Sandouno, Oularé/Oulare"
        ),
    },
}

# Original-script spellings (Arabic script for the Arabic, Persian and Pashto groups; Cyrillic).
SCRIPTS: dict[str, str] = {
    "Mohammad": "محمد",
    "Ahmad": "أحمد",
    "Yousef": "يوسف",
    "Omar": "عمر",
    "Ali": "علي",
    "Hassan": "حسن",
    "Hussein": "حسين",
    "Khaled": "خالد",
    "Mahmoud": "محمود",
    "Ibrahim": "إبراهيم",
    "Mustafa": "مصطفى",
    "Abdullah": "عبدالله",
    "Abdulrahman": "عبد الرحمن",
    "Osman": "عثمان",
    "Karim": "كريم",
    "Samir": "سمير",
    "Fatima": "فاطمة",
    "Aisha": "عائشة",
    "Mariam": "مريم",
    "Nour": "نور",
    "Amina": "أمينة",
    "Zainab": "زينب",
    "Layla": "ليلى",
    "Huda": "هدى",
    "Haddad": "حداد",
    "Khalil": "خليل",
    "Hamdan": "حمدان",
    "Mansour": "منصور",
    "Saleh": "صالح",
    "Darwish": "درويش",
    "Nasser": "ناصر",
    "Othman": "عثمان",
    "Abdallah": "عبدالله",
    "Suleiman": "سليمان",
    "Idris": "إدريس",
    "Farah": "فرح",
    "Awad": "عوض",
    "Abbas": "عباس",
    "Taha": "طه",
    "Hossein": "حسین",
    "Reza": "رضا",
    "Mehdi": "مهدی",
    "Amir": "امیر",
    "Hamid": "حمید",
    "Farid": "فرید",
    "Fatemeh": "فاطمه",
    "Zahra": "زهرا",
    "Maryam": "مریم",
    "Shirin": "شیرین",
    "Leila": "لیلا",
    "Ahmadi": "احمدی",
    "Mohammadi": "محمدی",
    "Hosseini": "حسینی",
    "Rezaei": "رضایی",
    "Karimi": "کریمی",
    "Rahimi": "رحیمی",
    "Hashemi": "هاشمی",
    "Jafari": "جعفری",
    "Haidari": "حیدری",
    "Azizi": "عزیزی",
    "Soltani": "سلطانی",
    "Nazari": "نظری",
    "Rahmani": "رحمانی",
    "Amiri": "امیری",
    "Habibi": "حبیبی",
    "Yousefi": "یوسفی",
    "Akbari": "اکبری",
    "Gul": "ګل",
    "Khan": "خان",
    "Wali": "ولي",
    "Aziz": "عزیز",
    "Ajmal": "اجمل",
    "Habib": "حبیب",
    "Niazi": "نیازی",
    "Safi": "صافی",
    "Durrani": "درانی",
    "Oleksandr": "Олександр",
    "Aleksandr": "Александр",
    "Andriy": "Андрій",
    "Andrey": "Андрей",
    "Dmytro": "Дмитро",
    "Dmitri": "Дмитрий",
    "Serhiy": "Сергій",
    "Sergey": "Сергей",
    "Volodymyr": "Володимир",
    "Vladimir": "Владимир",
    "Mykola": "Микола",
    "Nikolai": "Николай",
    "Ihor": "Ігор",
    "Igor": "Игорь",
    "Olena": "Олена",
    "Elena": "Елена",
    "Tetiana": "Тетяна",
    "Tatiana": "Татьяна",
    "Iryna": "Ірина",
    "Irina": "Ирина",
    "Oksana": "Оксана",
    "Svitlana": "Світлана",
    "Magomed": "Магомед",
    "Ruslan": "Руслан",
    "Shevchenko": "Шевченко",
    "Kovalenko": "Коваленко",
    "Bondarenko": "Бондаренко",
    "Tkachenko": "Ткаченко",
    "Kravchenko": "Кравченко",
    "Melnyk": "Мельник",
    "Ivanenko": "Іваненко",
    "Boyko": "Бойко",
    "Ivanov": "Иванов",
    "Petrov": "Петров",
    "Smirnov": "Смирнов",
    "Kuznetsov": "Кузнецов",
    "Popov": "Попов",
    "Kadyrov": "Кадыров",
    "Magomedov": "Магомедов",
    "Umarov": "Умаров",
    "Yusupov": "Юсупов",
    "Lysenko": "Лисенко",
    "Marchenko": "Марченко",
    "Savchenko": "Савченко",
    "Moroz": "Мороз",
}
