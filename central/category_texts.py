"""Translations of the default report categories (central/categories.py).

`TRANSLATIONS` maps each English name, hint, question label and option label to its
Polish (pl, informal "ty"), Romanian (ro, polite "dumneavoastră"), Lithuanian (lt,
polite "Jūs") and Bulgarian (bg, polite "Вие") text. `texts` builds the language
mapping a category carries; English text with no entry here stays English only, so a
kiosk falls back to English for it.

Keep the words plain and short: residents read them standing at a kiosk.
"""

from __future__ import annotations

TRANSLATIONS: dict[str, dict[str, str]] = {
    # Fly tipping
    "Fly tipping": {
        "pl": "Dzikie wysypisko śmieci",
        "ro": "Gunoi aruncat ilegal",
        "lt": "Neteisėtai išmestos atliekos",
        "bg": "Незаконно изхвърлени отпадъци",
    },
    "Rubbish dumped on a street, verge or open land": {
        "pl": "Śmieci wyrzucone na ulicy, poboczu lub w terenie",
        "ro": "Gunoi aruncat pe stradă, pe marginea drumului sau pe teren liber",
        "lt": "Atliekos, išmestos gatvėje, pakelėje ar atviroje vietoje",
        "bg": "Боклук, изхвърлен на улицата, край пътя или на открито",
    },
    "How much is there?": {
        "pl": "Ile tego jest?",
        "ro": "Cât gunoi este?",
        "lt": "Kiek jų yra?",
        "bg": "Колко боклук има?",
    },
    "One or two bags": {
        "pl": "Jeden lub dwa worki",
        "ro": "Un sac sau doi",
        "lt": "Vienas ar du maišai",
        "bg": "Една или две торби",
    },
    "A car boot load": {
        "pl": "Tyle, ile mieści bagażnik samochodu",
        "ro": "Cât încape într-un portbagaj de mașină",
        "lt": "Tiek, kiek telpa į automobilio bagažinę",
        "bg": "Колкото събира багажник на кола",
    },
    "A van load or more": {
        "pl": "Pełna furgonetka lub więcej",
        "ro": "Cât încape într-o dubă sau mai mult",
        "lt": "Pilnas furgonas ar daugiau",
        "bg": "Колкото събира бус или повече",
    },
    "Could it be dangerous (needles, asbestos, chemicals)?": {
        "pl": "Czy to może być niebezpieczne (igły, azbest, chemikalia)?",
        "ro": "Ar putea fi periculos (ace, azbest, substanțe chimice)?",
        "lt": "Ar tai gali būti pavojinga (adatos, asbestas, chemikalai)?",
        "bg": "Може ли да е опасно (игли, азбест, химикали)?",
    },
    # Abandoned vehicle
    "Abandoned vehicle": {
        "pl": "Porzucony pojazd",
        "ro": "Vehicul abandonat",
        "lt": "Palikta transporto priemonė",
        "bg": "Изоставено превозно средство",
    },
    "A vehicle that looks left for good: untaxed, damaged or not moved for weeks": {
        "pl": "Pojazd, który wygląda na porzucony: bez podatku drogowego, uszkodzony lub nieruszany od tygodni",
        "ro": "Un vehicul care pare lăsat definitiv: fără taxa de drum, avariat sau nemutat de săptămâni",
        "lt": "Transporto priemonė, kuri atrodo palikta visam laikui: be kelių mokesčio, apgadinta ar savaitėmis nejudinta",
        "bg": "Превозно средство, което изглежда изоставено: без платен данък, повредено или неместено от седмици",
    },
    "What is the registration number, if you can see it?": {
        "pl": "Jaki jest numer rejestracyjny, jeśli go widzisz?",
        "ro": "Care este numărul de înmatriculare, dacă îl vedeți?",
        "lt": "Koks valstybinis numeris, jei jį matote?",
        "bg": "Какъв е регистрационният номер, ако го виждате?",
    },
    "How long has it been there?": {
        "pl": "Jak długo tam stoi?",
        "ro": "De cât timp este acolo?",
        "lt": "Kiek laiko ji ten stovi?",
        "bg": "От колко време е там?",
    },
    "A few days": {
        "pl": "Kilka dni",
        "ro": "Câteva zile",
        "lt": "Kelias dienas",
        "bg": "Няколко дни",
    },
    "A few weeks": {
        "pl": "Kilka tygodni",
        "ro": "Câteva săptămâni",
        "lt": "Kelias savaites",
        "bg": "Няколко седмици",
    },
    "Months or more": {
        "pl": "Miesiące lub dłużej",
        "ro": "Luni sau mai mult",
        "lt": "Mėnesius ar ilgiau",
        "bg": "Месеци или повече",
    },
    "I don't know": {
        "pl": "Nie wiem",
        "ro": "Nu știu",
        "lt": "Nežinau",
        "bg": "Не знам",
    },
    "Is it burnt out or badly damaged?": {
        "pl": "Czy jest spalony lub mocno uszkodzony?",
        "ro": "Este ars sau grav avariat?",
        "lt": "Ar ji sudegusi ar smarkiai apgadinta?",
        "bg": "Изгоряло ли е или силно повредено?",
    },
    # Fly posting
    "Fly posting": {
        "pl": "Nielegalne plakaty",
        "ro": "Afișe lipite ilegal",
        "lt": "Neteisėti plakatai",
        "bg": "Незаконни плакати",
    },
    "Posters or stickers put up without permission": {
        "pl": "Plakaty lub naklejki umieszczone bez pozwolenia",
        "ro": "Afișe sau autocolante puse fără permisiune",
        "lt": "Plakatai ar lipdukai, priklijuoti be leidimo",
        "bg": "Плакати или стикери, поставени без разрешение",
    },
    "How many are there?": {
        "pl": "Ile ich jest?",
        "ro": "Câte sunt?",
        "lt": "Kiek jų yra?",
        "bg": "Колко са?",
    },
    "One or two": {
        "pl": "Jeden lub dwa",
        "ro": "Unul sau două",
        "lt": "Vienas ar du",
        "bg": "Един или два",
    },
    "Several": {
        "pl": "Kilka",
        "ro": "Mai multe",
        "lt": "Keli",
        "bg": "Няколко",
    },
    "Lots, covering a wall or a structure": {
        "pl": "Dużo, zakrywają ścianę lub konstrukcję",
        "ro": "Foarte multe, acoperă un zid sau o construcție",
        "lt": "Daug, dengia sieną ar statinį",
        "bg": "Много, покриват стена или съоръжение",
    },
    # Graffiti
    "Graffiti": {
        "pl": "Graffiti",
        "ro": "Graffiti",
        "lt": "Grafičiai",
        "bg": "Графити",
    },
    "Paint or marker on walls, bridges, signs or street furniture": {
        "pl": "Farba lub marker na ścianach, mostach, znakach, ławkach i innych sprzętach na ulicy",
        "ro": "Vopsea sau marker pe ziduri, poduri, indicatoare sau mobilier stradal",
        "lt": "Dažai ar flomasteris ant sienų, tiltų, ženklų ar gatvės įrenginių",
        "bg": "Боя или маркер по стени, мостове, табели или улично обзавеждане",
    },
    "Is it offensive or racist?": {
        "pl": "Czy jest obraźliwe lub rasistowskie?",
        "ro": "Este jignitor sau rasist?",
        "lt": "Ar tai įžeidžiama ar rasistiška?",
        "bg": "Обидни или расистки ли са?",
    },
    # Used by graffiti, litter and potholes.
    "Where is it?": {
        "pl": "Gdzie to jest?",
        "ro": "Unde se află?",
        "lt": "Kur tai yra?",
        "bg": "Къде се намира?",
    },
    "On a council building, sign or bench": {
        "pl": "Na budynku, znaku lub ławce należących do rady",
        "ro": "Pe o clădire, un indicator sau o bancă a consiliului",
        "lt": "Ant savivaldybės pastato, ženklo ar suoliuko",
        "bg": "На сграда, табела или пейка на общината",
    },
    "On a private wall or property": {
        "pl": "Na prywatnym murze lub posesji",
        "ro": "Pe un zid sau o proprietate privată",
        "lt": "Ant privačios sienos ar nuosavybės",
        "bg": "На частна стена или имот",
    },
    "Somewhere else": {
        "pl": "Gdzie indziej",
        "ro": "În altă parte",
        "lt": "Kitur",
        "bg": "На друго място",
    },
    # Litter
    "Litter": {
        "pl": "Porozrzucane śmieci",
        "ro": "Gunoaie pe jos",
        "lt": "Šiukšlės",
        "bg": "Разпилян боклук",
    },
    "Litter on a street, path or park that needs clearing": {
        "pl": "Śmieci na ulicy, ścieżce lub w parku, które trzeba posprzątać",
        "ro": "Gunoaie pe stradă, pe alee sau în parc, care trebuie strânse",
        "lt": "Šiukšlės gatvėje, take ar parke, kurias reikia surinkti",
        "bg": "Боклук по улица, алея или в парк, който трябва да се почисти",
    },
    "Street or pavement": {
        "pl": "Na ulicy lub chodniku",
        "ro": "Pe stradă sau trotuar",
        "lt": "Gatvėje ar ant šaligatvio",
        "bg": "На улица или тротоар",
    },
    "Park or green space": {
        "pl": "W parku lub na terenie zielonym",
        "ro": "În parc sau spațiu verde",
        "lt": "Parke ar žaliojoje zonoje",
        "bg": "В парк или зелена площ",
    },
    "Around an overflowing bin": {
        "pl": "Wokół przepełnionego kosza",
        "ro": "În jurul unui coș de gunoi prea plin",
        "lt": "Prie perpildytos šiukšliadėžės",
        "bg": "Около препълнено кошче",
    },
    # Dog fouling
    "Dog fouling": {
        "pl": "Psie odchody",
        "ro": "Excremente de câine",
        "lt": "Šunų ekskrementai",
        "bg": "Кучешки изпражнения",
    },
    "Dog mess on a pavement, path or play area": {
        "pl": "Psie odchody na chodniku, ścieżce lub placu zabaw",
        "ro": "Excremente de câine pe trotuar, pe alee sau pe locul de joacă",
        "lt": "Šunų ekskrementai ant šaligatvio, tako ar žaidimų aikštelėje",
        "bg": "Кучешки изпражнения по тротоар, алея или детска площадка",
    },
    "Is it in or near a children's play area?": {
        "pl": "Czy to jest na placu zabaw dla dzieci lub blisko niego?",
        "ro": "Este pe un loc de joacă pentru copii sau lângă unul?",
        "lt": "Ar tai vaikų žaidimų aikštelėje ar šalia jos?",
        "bg": "На детска площадка ли е или близо до такава?",
    },
    "Does this happen often here?": {
        "pl": "Czy zdarza się to tu często?",
        "ro": "Se întâmplă des aici?",
        "lt": "Ar tai čia dažnai nutinka?",
        "bg": "Често ли се случва тук?",
    },
    # Missed bin collection
    "Missed bin collection": {
        "pl": "Nieodebrane śmieci",
        "ro": "Pubelă negolită",
        "lt": "Neištuštintas konteineris",
        "bg": "Неизпразнена кофа",
    },
    "Your bin was out on time but not emptied": {
        "pl": "Twój pojemnik był wystawiony na czas, ale nie został opróżniony",
        "ro": "Ați scos pubela la timp, dar nu a fost golită",
        "lt": "Jūsų konteineris buvo išstatytas laiku, bet neištuštintas",
        "bg": "Изнесохте кофата навреме, но не е изпразнена",
    },
    "Which bin was missed?": {
        "pl": "Który pojemnik nie został opróżniony?",
        "ro": "Ce pubelă nu a fost golită?",
        "lt": "Kuris konteineris neištuštintas?",
        "bg": "Коя кофа не е изпразнена?",
    },
    "General waste": {
        "pl": "Odpady zmieszane",
        "ro": "Deșeuri menajere",
        "lt": "Mišrios atliekos",
        "bg": "Смесени отпадъци",
    },
    "Recycling": {
        "pl": "Recykling",
        "ro": "Reciclabile",
        "lt": "Antrinės žaliavos",
        "bg": "Рециклируеми отпадъци",
    },
    "Garden waste": {
        "pl": "Odpady ogrodowe",
        "ro": "Deșeuri din grădină",
        "lt": "Sodo atliekos",
        "bg": "Градински отпадъци",
    },
    "Food waste": {
        "pl": "Odpady spożywcze",
        "ro": "Resturi alimentare",
        "lt": "Maisto atliekos",
        "bg": "Хранителни отпадъци",
    },
    "Was the bin out by 7am on collection day?": {
        "pl": "Czy pojemnik był wystawiony do 7:00 w dniu odbioru?",
        "ro": "Era pubela scoasă până la ora 7 dimineața în ziua colectării?",
        "lt": "Ar konteineris buvo išstatytas iki 7 val. ryto išvežimo dieną?",
        "bg": "Изнесена ли беше кофата до 7 ч. сутринта в деня на извозване?",
    },
    # Overgrown trees or vegetation
    "Overgrown trees or vegetation": {
        "pl": "Przerośnięte drzewa lub krzewy",
        "ro": "Copaci sau vegetație prea crescută",
        "lt": "Peraugę medžiai ar augalai",
        "bg": "Разраснали се дървета или растителност",
    },
    "Branches, hedges or weeds blocking a path, road, sign or street light": {
        "pl": "Gałęzie, żywopłoty lub chwasty zasłaniające ścieżkę, drogę, znak lub latarnię",
        "ro": "Crengi, garduri vii sau buruieni care blochează o alee, un drum, un indicator sau un stâlp de iluminat",
        "lt": "Šakos, gyvatvorės ar piktžolės, užstojančios taką, kelią, ženklą ar gatvės žibintą",
        "bg": "Клони, жив плет или плевели, които пречат на алея, път, табела или улична лампа",
    },
    "What is it blocking?": {
        "pl": "Co jest zasłonięte?",
        "ro": "Ce blochează?",
        "lt": "Ką užstoja?",
        "bg": "На какво пречи?",
    },
    "A pavement or path": {
        "pl": "Chodnik lub ścieżka",
        "ro": "Un trotuar sau o alee",
        "lt": "Šaligatvį ar taką",
        "bg": "На тротоар или алея",
    },
    "A road or sight line": {
        "pl": "Droga lub widoczność na drodze",
        "ro": "Un drum sau vizibilitatea",
        "lt": "Kelią ar matomumą",
        "bg": "На пътя или видимостта",
    },
    "A sign or street light": {
        "pl": "Znak lub latarnia",
        "ro": "Un indicator sau un stâlp de iluminat",
        "lt": "Ženklą ar gatvės žibintą",
        "bg": "На табела или улична лампа",
    },
    "Has a tree or large branch fallen?": {
        "pl": "Czy przewróciło się drzewo lub spadł duży konar?",
        "ro": "A căzut un copac sau o creangă mare?",
        "lt": "Ar nuvirto medis ar nukrito didelė šaka?",
        "bg": "Паднало ли е дърво или голям клон?",
    },
    # Grass cutting
    "Grass cutting": {
        "pl": "Koszenie trawy",
        "ro": "Cositul ierbii",
        "lt": "Žolės pjovimas",
        "bg": "Косене на трева",
    },
    "Council grass verges or open spaces that need cutting": {
        "pl": "Trawniki przy drogach lub tereny otwarte rady, które trzeba skosić",
        "ro": "Iarbă pe marginea drumului sau în spații deschise ale consiliului, care trebuie cosită",
        "lt": "Savivaldybės pakelių vejos ar atviros erdvės, kurias reikia nupjauti",
        "bg": "Общински тревни площи край пътя или открити площи, които трябва да се окосят",
    },
    "Where is the grass?": {
        "pl": "Gdzie jest ta trawa?",
        "ro": "Unde este iarba?",
        "lt": "Kur ta žolė?",
        "bg": "Къде е тревата?",
    },
    "A roadside verge": {
        "pl": "Przy drodze",
        "ro": "Pe marginea drumului",
        "lt": "Pakelėje",
        "bg": "Край пътя",
    },
    "A park or open space": {
        "pl": "W parku lub na terenie otwartym",
        "ro": "Într-un parc sau spațiu deschis",
        "lt": "Parke ar atviroje erdvėje",
        "bg": "В парк или открита площ",
    },
    "A housing estate": {
        "pl": "Na osiedlu mieszkaniowym",
        "ro": "Într-un cartier de locuințe",
        "lt": "Gyvenamajame kvartale",
        "bg": "В жилищен квартал",
    },
    # Street lights
    "Street lights": {
        "pl": "Latarnie uliczne",
        "ro": "Iluminat stradal",
        "lt": "Gatvių žibintai",
        "bg": "Улично осветление",
    },
    "A street light that is out, flickering or damaged": {
        "pl": "Latarnia, która nie świeci, miga lub jest uszkodzona",
        "ro": "Un stâlp de iluminat care nu merge, pâlpâie sau este deteriorat",
        "lt": "Gatvės žibintas, kuris nešviečia, mirksi ar yra apgadintas",
        "bg": "Улична лампа, която не свети, примигва или е повредена",
    },
    "What is wrong?": {
        "pl": "Co jest nie tak?",
        "ro": "Ce problemă are?",
        "lt": "Kas negerai?",
        "bg": "Какъв е проблемът?",
    },
    "It is out": {
        "pl": "Nie świeci",
        "ro": "Nu se aprinde",
        "lt": "Nešviečia",
        "bg": "Не свети",
    },
    "It flickers": {
        "pl": "Miga",
        "ro": "Pâlpâie",
        "lt": "Mirksi",
        "bg": "Примигва",
    },
    "It is on during the day": {
        "pl": "Świeci w dzień",
        "ro": "Este aprins ziua",
        "lt": "Šviečia dieną",
        "bg": "Свети през деня",
    },
    "It is damaged or leaning": {
        "pl": "Jest uszkodzona lub przechylona",
        "ro": "Este deteriorat sau înclinat",
        "lt": "Apgadintas ar pasviręs",
        "bg": "Повредена или наклонена",
    },
    "What number is on the lamp post, if you can see it?": {
        "pl": "Jaki numer jest na słupie latarni, jeśli go widzisz?",
        "ro": "Ce număr este scris pe stâlp, dacă îl vedeți?",
        "lt": "Koks numeris ant žibinto stulpo, jei jį matote?",
        "bg": "Какъв номер има на стълба, ако го виждате?",
    },
    "Can you see any wires or open panels?": {
        "pl": "Czy widzisz jakieś kable lub otwarte klapki?",
        "ro": "Vedeți fire sau capace deschise?",
        "lt": "Ar matote laidų ar atvirų dangčių?",
        "bg": "Виждате ли кабели или отворени капаци?",
    },
    # Potholes
    "Potholes": {
        "pl": "Dziury w drodze",
        "ro": "Gropi în drum",
        "lt": "Duobės kelyje",
        "bg": "Дупки на пътя",
    },
    "A hole or broken surface in a road or pavement": {
        "pl": "Dziura lub zniszczona nawierzchnia na drodze lub chodniku",
        "ro": "O groapă sau o suprafață stricată pe drum sau pe trotuar",
        "lt": "Duobė ar sugadinta kelio ar šaligatvio danga",
        "bg": "Дупка или разбита настилка на път или тротоар",
    },
    "In the road": {
        "pl": "Na jezdni",
        "ro": "Pe carosabil",
        "lt": "Kelyje",
        "bg": "На пътя",
    },
    "On the pavement": {
        "pl": "Na chodniku",
        "ro": "Pe trotuar",
        "lt": "Ant šaligatvio",
        "bg": "На тротоара",
    },
    "In a cycle lane": {
        "pl": "Na drodze rowerowej",
        "ro": "Pe pista de biciclete",
        "lt": "Dviračių take",
        "bg": "На велоалея",
    },
    "How big is it?": {
        "pl": "Jak duża jest dziura?",
        "ro": "Cât de mare este groapa?",
        "lt": "Kokio dydžio duobė?",
        "bg": "Колко голяма е дупката?",
    },
    "Smaller than a dinner plate": {
        "pl": "Mniejsza niż talerz",
        "ro": "Mai mică decât o farfurie",
        "lt": "Mažesnė už lėkštę",
        "bg": "По-малка от чиния",
    },
    "About the size of a dustbin lid": {
        "pl": "Mniej więcej jak pokrywa kosza na śmieci",
        "ro": "Cam cât un capac de pubelă",
        "lt": "Maždaug šiukšliadėžės dangčio dydžio",
        "bg": "Колкото капак на кофа за боклук",
    },
    "Bigger than that": {
        "pl": "Większa",
        "ro": "Mai mare de atât",
        "lt": "Didesnė",
        "bg": "По-голяма",
    },
    # Road markings
    "Road markings": {
        "pl": "Linie na drodze",
        "ro": "Marcaje rutiere",
        "lt": "Kelio ženklinimas",
        "bg": "Пътна маркировка",
    },
    "Road lines or markings that are worn or missing": {
        "pl": "Linie lub oznaczenia na drodze, które są starte lub ich brakuje",
        "ro": "Linii sau marcaje pe drum care s-au șters sau lipsesc",
        "lt": "Nusitrynusios ar trūkstamos linijos ir ženklinimas ant kelio",
        "bg": "Изтрити или липсващи линии или маркировка на пътя",
    },
    "Which marking?": {
        "pl": "Które oznaczenie?",
        "ro": "Ce marcaj?",
        "lt": "Koks ženklinimas?",
        "bg": "Каква маркировка?",
    },
    "Lines along the road": {
        "pl": "Linie wzdłuż drogi",
        "ro": "Linii de-a lungul drumului",
        "lt": "Linijos išilgai kelio",
        "bg": "Линии по дължината на пътя",
    },
    "A crossing": {
        "pl": "Przejście dla pieszych",
        "ro": "Trecere de pietoni",
        "lt": "Pėsčiųjų perėja",
        "bg": "Пешеходна пътека",
    },
    "Parking bays or yellow lines": {
        "pl": "Miejsca parkingowe lub żółte linie",
        "ro": "Locuri de parcare sau linii galbene",
        "lt": "Stovėjimo vietos ar geltonos linijos",
        "bg": "Места за паркиране или жълти линии",
    },
    # Used by road markings and noise.
    "Something else": {
        "pl": "Coś innego",
        "ro": "Altceva",
        "lt": "Kita",
        "bg": "Друго",
    },
    # Noise
    "Noise": {
        "pl": "Hałas",
        "ro": "Zgomot",
        "lt": "Triukšmas",
        "bg": "Шум",
    },
    "Loud music, parties, alarms or building work that keep going": {
        "pl": "Głośna muzyka, imprezy, alarmy lub prace budowlane, które nie ustają",
        "ro": "Muzică tare, petreceri, alarme sau lucrări de construcție care nu se mai opresc",
        "lt": "Garsi muzika, vakarėliai, signalizacijos ar statybos darbai, kurie nesiliauja",
        "bg": "Силна музика, купони, аларми или строителни работи, които не спират",
    },
    "What is the noise?": {
        "pl": "Co hałasuje?",
        "ro": "Ce face zgomot?",
        "lt": "Kas triukšmauja?",
        "bg": "Какъв е шумът?",
    },
    "Music or voices": {
        "pl": "Muzyka lub głosy",
        "ro": "Muzică sau voci",
        "lt": "Muzika ar balsai",
        "bg": "Музика или гласове",
    },
    "An alarm": {
        "pl": "Alarm",
        "ro": "O alarmă",
        "lt": "Signalizacija",
        "bg": "Аларма",
    },
    "Building work": {
        "pl": "Prace budowlane",
        "ro": "Lucrări de construcție",
        "lt": "Statybos darbai",
        "bg": "Строителни работи",
    },
    "An animal": {
        "pl": "Zwierzę",
        "ro": "Un animal",
        "lt": "Gyvūnas",
        "bg": "Животно",
    },
    # Used by noise and pollution.
    "Is it happening now?": {
        "pl": "Czy dzieje się to teraz?",
        "ro": "Se întâmplă acum?",
        "lt": "Ar tai vyksta dabar?",
        "bg": "Случва ли се в момента?",
    },
    "When does it usually happen?": {
        "pl": "Kiedy to zwykle się dzieje?",
        "ro": "Când se întâmplă de obicei?",
        "lt": "Kada tai dažniausiai būna?",
        "bg": "Кога обикновено се случва?",
    },
    # Pollution
    "Pollution": {
        "pl": "Zanieczyszczenie",
        "ro": "Poluare",
        "lt": "Tarša",
        "bg": "Замърсяване",
    },
    "Smoke, bad smells, or something spilt into water or onto land": {
        "pl": "Dym, brzydki zapach albo coś rozlanego do wody lub na ziemię",
        "ro": "Fum, mirosuri urâte sau ceva vărsat în apă sau pe pământ",
        "lt": "Dūmai, blogas kvapas ar į vandenį ar ant žemės išsiliejusios medžiagos",
        "bg": "Дим, лоши миризми или нещо разлято във водата или на земята",
    },
    "What kind?": {
        "pl": "Jakiego rodzaju?",
        "ro": "De ce fel?",
        "lt": "Kokia tarša?",
        "bg": "Какъв вид?",
    },
    "Smoke or bonfire": {
        "pl": "Dym lub ognisko",
        "ro": "Fum sau foc în aer liber",
        "lt": "Dūmai ar laužas",
        "bg": "Дим или огън на открито",
    },
    "A bad smell": {
        "pl": "Brzydki zapach",
        "ro": "Un miros urât",
        "lt": "Blogas kvapas",
        "bg": "Лоша миризма",
    },
    "In a river or drain": {
        "pl": "W rzece lub studzience",
        "ro": "Într-un râu sau o gură de canal",
        "lt": "Upėje ar kanalizacijoje",
        "bg": "В река или шахта",
    },
    "Spilt onto land": {
        "pl": "Rozlane na ziemię",
        "ro": "Vărsat pe pământ",
        "lt": "Išsilieję ant žemės",
        "bg": "Разлято на земята",
    },
}


def texts(english: str) -> dict[str, str]:
    """The language -> text mapping for `english`: English first, then any translations."""
    return {"en": english, **TRANSLATIONS.get(english, {})}
