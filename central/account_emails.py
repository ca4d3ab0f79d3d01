"""The emails My Account sends, one dictionary per language so each can be reviewed alone.

    >>> subject, body = render("activate", "pl", council="Riverside Borough Council", name="Jo",
    ...                        site="Riverside Library", reference="ACC-4HJX-2M7Q",
    ...                        link="https://x/account/activate/t", reset_link="https://x/account/reset")
    >>> "https://x/account/activate/t" in body and "In English" in body
    True

Every email in another language is followed by the English original: the words on the
council's letters are English, and a resident who asks someone for help can show them.
An unknown language gets English alone.
"""

from __future__ import annotations

DAYS = 7

EN = {
    "greeting": "Hello {name},",
    "greeting_plain": "Hello,",
    "never": "We will never ask you for your password, by phone, by email or in person.",
    "activate_subject": "Finish setting up your {council} account",
    "activate": (
        "{greeting}\n\n"
        "You asked for a {council} account at {site} (kiosk reference {reference}).\n\n"
        "To finish, choose your password on your own phone, tablet or computer:\n\n"
        "{link}\n\n"
        "This link works for {days} days and can be used once. If it has run out, ask for a new one "
        "here: {reset_link}\n\n"
        "{never}\n\n"
        "If you did not ask for an account, you can ignore this email: nothing happens unless the "
        "link is used."),
    "existing_subject": "You already have a {council} account",
    "existing": (
        "{greeting}\n\n"
        "Someone asked for a new {council} account with this email address at {site} (kiosk "
        "reference {reference}). There is already an account with this address, so we have not "
        "made another one.\n\n"
        "If you have forgotten your password, or never finished setting up your account, get a "
        "new link here:\n\n"
        "{reset_link}\n\n"
        "{never}\n\n"
        "If this was not you, you can ignore this email: nothing has changed."),
    "reset_subject": "Choose a new password for your {council} account",
    "reset": (
        "{greeting}\n\n"
        "Someone asked to reset the password of your {council} account. To choose a new "
        "password, open this link:\n\n"
        "{link}\n\n"
        "This link works for {days} days and can be used once.\n\n"
        "{never}\n\n"
        "If this was not you, you can ignore this email: your password has not changed."),
    "changed_subject": "Your {council} account password was changed",
    "changed": (
        "{greeting}\n\n"
        "The password of your {council} account has just been changed.\n\n"
        "If this was you, there is nothing more to do.\n\n"
        "If it was not you, choose a new password straight away here:\n\n"
        "{reset_link}\n\n"
        "{never}"),
}

PL = {
    "greeting": "Dzień dobry {name},",
    "greeting_plain": "Dzień dobry,",
    "never": "Nigdy nie poprosimy Cię o hasło – ani przez telefon, ani e-mailem, ani osobiście.",
    "activate_subject": "Dokończ zakładanie konta ({council})",
    "activate": (
        "{greeting}\n\n"
        "Otrzymaliśmy w {site} prośbę o założenie konta ({council}) (numer referencyjny z kiosku: "
        "{reference}).\n\n"
        "Aby dokończyć, ustaw hasło na swoim telefonie, tablecie lub komputerze:\n\n"
        "{link}\n\n"
        "Link jest ważny przez {days} dni i można go użyć tylko raz. Jeśli wygasł, poproś o nowy "
        "tutaj: {reset_link}\n\n"
        "{never}\n\n"
        "Jeśli nie zakładasz konta, zignoruj tę wiadomość: nic się nie stanie, dopóki link nie "
        "zostanie użyty."),
    "existing_subject": "Masz już konto ({council})",
    "existing": (
        "{greeting}\n\n"
        "Otrzymaliśmy w {site} prośbę o założenie nowego konta ({council}) na ten adres e-mail "
        "(numer referencyjny z kiosku: {reference}). Konto z tym adresem już istnieje, więc nie "
        "założyliśmy drugiego.\n\n"
        "Jeśli nie pamiętasz hasła albo zakładanie konta nie zostało dokończone, poproś o nowy "
        "link tutaj:\n\n"
        "{reset_link}\n\n"
        "{never}\n\n"
        "Jeśli to nie Ty, zignoruj tę wiadomość: nic się nie zmieniło."),
    "reset_subject": "Ustaw nowe hasło do konta ({council})",
    "reset": (
        "{greeting}\n\n"
        "Otrzymaliśmy prośbę o zmianę hasła do Twojego konta ({council}). Aby ustawić nowe hasło, "
        "otwórz ten link:\n\n"
        "{link}\n\n"
        "Link jest ważny przez {days} dni i można go użyć tylko raz.\n\n"
        "{never}\n\n"
        "Jeśli to nie Ty, zignoruj tę wiadomość: Twoje hasło się nie zmieniło."),
    "changed_subject": "Hasło do Twojego konta ({council}) zostało zmienione",
    "changed": (
        "{greeting}\n\n"
        "Hasło do Twojego konta ({council}) zostało właśnie zmienione.\n\n"
        "Jeśli to Ty, nie musisz nic więcej robić.\n\n"
        "Jeśli to nie Ty, od razu ustaw nowe hasło tutaj:\n\n"
        "{reset_link}\n\n"
        "{never}"),
}

RO = {
    "greeting": "Bună ziua, {name},",
    "greeting_plain": "Bună ziua,",
    "never": "Nu vă vom cere niciodată parola, nici la telefon, nici prin e-mail, nici în persoană.",
    "activate_subject": "Finalizați crearea contului dvs. {council}",
    "activate": (
        "{greeting}\n\n"
        "Am primit la {site} o cerere de creare a unui cont {council} (referința de la chioșc: "
        "{reference}).\n\n"
        "Pentru a finaliza, alegeți-vă parola pe propriul telefon, tabletă sau calculator:\n\n"
        "{link}\n\n"
        "Linkul este valabil {days} zile și poate fi folosit o singură dată. Dacă a expirat, cereți "
        "unul nou aici: {reset_link}\n\n"
        "{never}\n\n"
        "Dacă nu dumneavoastră ați cerut contul, puteți ignora acest e-mail: nu se întâmplă nimic "
        "dacă linkul nu este folosit."),
    "existing_subject": "Aveți deja un cont {council}",
    "existing": (
        "{greeting}\n\n"
        "Am primit la {site} o cerere de creare a unui cont {council} nou cu această adresă de "
        "e-mail (referința de la chioșc: {reference}). Există deja un cont cu această adresă, așa "
        "că nu am creat altul.\n\n"
        "Dacă ați uitat parola sau nu ați terminat de configurat contul, cereți un link nou "
        "aici:\n\n"
        "{reset_link}\n\n"
        "{never}\n\n"
        "Dacă nu ați fost dumneavoastră, puteți ignora acest e-mail: nu s-a schimbat nimic."),
    "reset_subject": "Alegeți o parolă nouă pentru contul dvs. {council}",
    "reset": (
        "{greeting}\n\n"
        "Am primit o cerere de resetare a parolei contului dvs. {council}. Pentru a alege o parolă "
        "nouă, deschideți acest link:\n\n"
        "{link}\n\n"
        "Linkul este valabil {days} zile și poate fi folosit o singură dată.\n\n"
        "{never}\n\n"
        "Dacă nu ați fost dumneavoastră, puteți ignora acest e-mail: parola nu s-a schimbat."),
    "changed_subject": "Parola contului dvs. {council} a fost schimbată",
    "changed": (
        "{greeting}\n\n"
        "Parola contului dvs. {council} tocmai a fost schimbată.\n\n"
        "Dacă ați fost dumneavoastră, nu mai trebuie să faceți nimic.\n\n"
        "Dacă nu ați fost dumneavoastră, alegeți imediat o parolă nouă aici:\n\n"
        "{reset_link}\n\n"
        "{never}"),
}

LT = {
    "greeting": "Sveiki, {name},",
    "greeting_plain": "Sveiki,",
    "never": "Niekada neprašysime jūsų slaptažodžio – nei telefonu, nei el. paštu, nei asmeniškai.",
    "activate_subject": "Baikite kurti paskyrą ({council})",
    "activate": (
        "{greeting}\n\n"
        "Gavome prašymą sukurti paskyrą ({council}) vietoje {site} (kiosko nuorodos numeris: "
        "{reference}).\n\n"
        "Norėdami baigti, susikurkite slaptažodį savo telefone, planšetėje ar kompiuteryje:\n\n"
        "{link}\n\n"
        "Nuoroda galioja {days} dienas ir ją galima panaudoti tik vieną kartą. Jei ji nebegalioja, "
        "naujos paprašykite čia: {reset_link}\n\n"
        "{never}\n\n"
        "Jei paskyros prašėte ne jūs, šį laišką galite ignoruoti: nieko neįvyks, kol nuoroda nebus "
        "panaudota."),
    "existing_subject": "Jūs jau turite paskyrą ({council})",
    "existing": (
        "{greeting}\n\n"
        "Vietoje {site} gavome prašymą sukurti naują paskyrą ({council}) šiuo el. pašto adresu "
        "(kiosko nuorodos numeris: {reference}). Paskyra šiuo adresu jau yra, todėl naujos "
        "nekūrėme.\n\n"
        "Jei pamiršote slaptažodį arba nebaigėte kurti paskyros, naujos nuorodos paprašykite "
        "čia:\n\n"
        "{reset_link}\n\n"
        "{never}\n\n"
        "Jei tai buvote ne jūs, šį laišką galite ignoruoti: niekas nepasikeitė."),
    "reset_subject": "Susikurkite naują paskyros slaptažodį ({council})",
    "reset": (
        "{greeting}\n\n"
        "Gavome prašymą pakeisti jūsų paskyros ({council}) slaptažodį. Norėdami susikurti naują "
        "slaptažodį, atidarykite šią nuorodą:\n\n"
        "{link}\n\n"
        "Nuoroda galioja {days} dienas ir ją galima panaudoti tik vieną kartą.\n\n"
        "{never}\n\n"
        "Jei tai buvote ne jūs, šį laišką galite ignoruoti: jūsų slaptažodis nepasikeitė."),
    "changed_subject": "Jūsų paskyros ({council}) slaptažodis pakeistas",
    "changed": (
        "{greeting}\n\n"
        "Jūsų paskyros ({council}) slaptažodis ką tik buvo pakeistas.\n\n"
        "Jei tai padarėte jūs, daugiau nieko daryti nereikia.\n\n"
        "Jei ne jūs, nedelsdami susikurkite naują slaptažodį čia:\n\n"
        "{reset_link}\n\n"
        "{never}"),
}

BG = {
    "greeting": "Здравейте, {name},",
    "greeting_plain": "Здравейте,",
    "never": "Никога няма да Ви поискаме паролата – нито по телефона, нито по имейл, нито лично.",
    "activate_subject": "Завършете създаването на профила си ({council})",
    "activate": (
        "{greeting}\n\n"
        "Получихме в {site} заявка за създаване на профил ({council}) (референтен номер от "
        "киоска: {reference}).\n\n"
        "За да завършите, изберете парола на своя телефон, таблет или компютър:\n\n"
        "{link}\n\n"
        "Връзката е валидна {days} дни и може да се използва само веднъж. Ако е изтекла, поискайте "
        "нова тук: {reset_link}\n\n"
        "{never}\n\n"
        "Ако не сте поискали профил, можете да пренебрегнете този имейл: нищо няма да се случи, "
        "докато връзката не бъде използвана."),
    "existing_subject": "Вече имате профил ({council})",
    "existing": (
        "{greeting}\n\n"
        "Получихме в {site} заявка за нов профил ({council}) с този имейл адрес (референтен номер "
        "от киоска: {reference}). Вече има профил с този адрес, затова не създадохме нов.\n\n"
        "Ако сте забравили паролата си или не сте завършили създаването на профила, поискайте "
        "нова връзка тук:\n\n"
        "{reset_link}\n\n"
        "{never}\n\n"
        "Ако това не сте били Вие, можете да пренебрегнете този имейл: нищо не е променено."),
    "reset_subject": "Изберете нова парола за профила си ({council})",
    "reset": (
        "{greeting}\n\n"
        "Получихме заявка за смяна на паролата на Вашия профил ({council}). За да изберете нова "
        "парола, отворете тази връзка:\n\n"
        "{link}\n\n"
        "Връзката е валидна {days} дни и може да се използва само веднъж.\n\n"
        "{never}\n\n"
        "Ако това не сте били Вие, можете да пренебрегнете този имейл: паролата Ви не е променена."),
    "changed_subject": "Паролата на профила Ви ({council}) е сменена",
    "changed": (
        "{greeting}\n\n"
        "Паролата на Вашия профил ({council}) току-що беше сменена.\n\n"
        "Ако това сте били Вие, не е нужно да правите нищо повече.\n\n"
        "Ако не сте били Вие, веднага изберете нова парола тук:\n\n"
        "{reset_link}\n\n"
        "{never}"),
}

LANGUAGES = {"en": EN, "pl": PL, "ro": RO, "lt": LT, "bg": BG}
TEMPLATES = ("activate", "existing", "reset", "changed")


def render(template: str, language: str, *, council: str, name: str = "", site: str = "",
           reference: str = "", link: str = "", reset_link: str = "") -> tuple[str, str]:
    """(subject, body) of `template` in `language`, English appended; English alone if unknown."""
    values = dict(council=council, site=site or council, reference=reference, link=link,
                  reset_link=reset_link, days=DAYS)
    subject, body = _fill(LANGUAGES.get(language, EN), template, name, values)
    if language in LANGUAGES and language != "en":
        _subject, english = _fill(EN, template, name, values)
        body = f"{body}\n\n---\nIn English:\n\n{english}"
    return subject, body + "\n"


def _fill(words: dict, template: str, name: str, values: dict) -> tuple[str, str]:
    greeting = words["greeting"].format(name=name) if name else words["greeting_plain"]
    body = words[template].format(greeting=greeting, never=words["never"], **values)
    return words[f"{template}_subject"].format(**values), body
