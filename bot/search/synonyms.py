"""Words people use in chats that the guides do not: slang, short forms, other words for the same thing.

`SYNONYMS` maps what people write to words the guides use. Both sides go through the same analysis as the
guides (stemming, folding), so one or two forms of each word are enough, and a pair only takes effect when its
target occurs in the loaded guides. A synonym match counts a little less than the word itself.

`EXTRA_KEYWORDS` are phrases that belong in a guide's front-matter ``keywords`` but are not there yet; the index
adds them to every translation of that guide. Once a phrase is in the guide's keywords it can be removed here.

`IRREGULAR` maps Russian forms the stemmer cannot join (дня / дней / день) to one form, for guides and questions.
"""

from __future__ import annotations

IRREGULAR: dict[str, str] = {
    **dict.fromkeys(("дня", "дней", "дни", "днях", "днем", "днём", "дням", "деньки"), "день"),
    **dict.fromkeys(("года", "году", "годы", "лет", "годом"), "год"),
    **dict.fromkeys(("месяца", "месяцев", "месяцы", "мес"), "месяц"),
    **dict.fromkeys(("людей", "люди", "человека", "человеку"), "человек"),
    **dict.fromkeys(("детей", "дети", "ребенка", "ребенку", "ребёнка", "ребёнку", "детям"), "ребенок"),
    **dict.fromkeys(("мужа", "мужу", "мужем"), "муж"),
    **dict.fromkeys(("жены", "жене", "женой", "жену"), "жена"),
}

SYNONYMS: dict[str, tuple[str, ...]] = {
    # housing
    **dict.fromkeys(
        ("хата", "хату", "хаты", "хатой", "хатка", "хатку", "однушка", "однушку", "двушка", "двушку"), ("квартира",)
    ),
    **dict.fromkeys(
        ("съем", "съём", "съемная", "съемную", "снимать", "сниму", "снял", "сняли", "арендовать"), ("снять", "аренда")
    ),
    **dict.fromkeys(
        ("арендую", "арендуем", "арендатор", "квартиросъемщик", "найм", "наем", "найма", "наёма"), ("аренда",)
    ),
    **dict.fromkeys(("риелтор", "риэлтор", "риелтора", "риэлтора", "риелторы", "маклер"), ("агент", "аренда")),
    **dict.fromkeys(
        (
            "кидалы",
            "кидала",
            "кидал",
            "кинули",
            "кидалово",
            "разводилы",
            "развели",
            "лохотрон",
            "обманули",
            "мошенничество",
        ),
        ("мошенник", "обман"),
    ),
    **dict.fromkeys(("хозяйка", "хозяйки", "владелец", "владельца", "собственница"), ("хозяин", "собственник")),
    # police, detention, expulsion, extradition
    **dict.fromkeys(
        ("менты", "мент", "ментов", "ментам", "мусора", "полицейские", "полицейский", "копы"), ("полиция",)
    ),
    **dict.fromkeys(
        ("повязали", "повязать", "загребли", "замели", "арестовали", "арестован", "арест", "арестовать", "задержан"),
        ("задержали", "задержание"),
    ),
    **dict.fromkeys(
        ("депорт", "депортнуть", "депортнут", "депортируют", "депортировали", "депортируете", "выгонят", "выгнать"),
        ("депортация", "выдворение"),
    ),
    **dict.fromkeys(("вышлют", "выслали", "выдворят", "выдворили", "выдворить"), ("выдворение", "выслать")),
    **dict.fromkeys(
        ("выдадут", "выдать", "выдают", "выдаст", "выдавать", "выдаёт", "выдает"), ("выдача", "экстрадиция")
    ),
    **dict.fromkeys(
        ("уклонист", "уклонисты", "уклонистов", "уклонение", "мобик", "мобилизованный"), ("мобилизация", "военкомат")
    ),
    **dict.fromkeys(("разыскивают", "ищут", "розыске", "розыскe"), ("розыск",)),
    # stay and registration
    **dict.fromkeys(
        ("жить", "прожить", "пожить", "пробыть", "оставаться", "остаться", "пребывать", "нахождение", "находится"),
        ("находиться", "пребывание"),
    ),
    **dict.fromkeys(
        ("живу", "живем", "живём", "живет", "живёт", "проживаю", "проживаем", "живут"), ("находиться", "пребывание")
    ),
    **dict.fromkeys(
        ("регистрирует", "регистрировать", "регистрирую", "регистрируют", "регистрируется", "зарегистрировать"),
        ("регистрация",),
    ),
    **dict.fromkeys(("уезжать", "уехать", "выехать", "выезжать", "выезжаю", "выеду"), ("выезд",)),
    **dict.fromkeys(("обнулить", "обнуляется", "обнуление", "обнулится", "обнуляются"), ("обнуляет",)),
    **dict.fromkeys(
        ("просрочил", "просрочила", "просрочить", "просрочено", "просроченный", "просрочу"), ("просрочка",)
    ),
    **dict.fromkeys(("оштрафовать", "оштрафуют", "штрафанут", "штрафы"), ("штраф",)),
    **dict.fromkeys(
        ("регистрироваться", "зарегистрироваться", "зарегаться", "регаться", "отметка", "отметиться", "отметить"),
        ("регистрация",),
    ),
    **dict.fromkeys(("прописаться", "прописывают", "прописать"), ("прописка",)),
    **dict.fromkeys(("миграционка", "миграционку", "миграционке", "миграшка", "миграшку"), ("миграционная",)),
    # countries: the stemmer keeps "россии" and "российские" apart
    **dict.fromkeys(("рф", "россия", "россии", "россию"), ("российский",)),
    **dict.fromkeys(("российский", "российские", "российских", "русские", "русских", "русским", "рф"), ("россия",)),
    **dict.fromkeys(("рк", "казахстанские", "казахстанский", "казахстанских"), ("казахстан",)),
    # documents
    **dict.fromkeys(("внжшка", "внжшку", "внжшки", "внжка"), ("внж",)),
    **dict.fromkeys(("рвпшка", "рвпшку", "рвпшки"), ("рвп",)),
    **dict.fromkeys(("налогоплательщика", "налогоплательщик", "taxpayer", "tin"), ("иин", "iin")),
    **dict.fromkeys(("госуслуги", "госуслугах", "егове", "еgov"), ("egov", "егов")),
    # phone
    **dict.fromkeys(("симкарта", "симкарту", "симкарты", "симки", "симке"), ("сим", "симка")),
    **dict.fromkeys(("айфон", "айфона", "смартфон", "смартфона", "мобильник", "мобила", "мобилу"), ("телефон",)),
    **dict.fromkeys(("iphone", "smartphone", "cellphone", "cell"), ("phone", "mobile")),
    **dict.fromkeys(
        ("заблочили", "заблочат", "заблочить", "заблочен", "заблокировали", "блокировка", "блокируют"),
        ("заблокирован",),
    ),
    **dict.fromkeys(("blocked", "locked", "block", "blocking"), ("blocked",)),
    **dict.fromkeys(("имей", "имэй", "имеи"), ("imei",)),
    # bank and money
    **dict.fromkeys(("карточка", "карточку", "карточки", "карточкой", "дебетовка", "дебетовку"), ("карта",)),
    **dict.fromkeys(("каспийка", "каспийку", "каспийки"), ("каспи", "kaspi")),
    **dict.fromkeys(("нерез", "нерезам", "нерезу", "нерезов"), ("нерезидент",)),
    **dict.fromkeys(("бабки", "бабло", "бабосы", "деньжата", "лавэ", "бабок"), ("деньги",)),
    **dict.fromkeys(("скинуть", "перекинуть", "закинуть", "перечислить"), ("перевести", "перевод")),
    **dict.fromkeys(("обменять", "поменять", "менять", "разменять", "обменка", "обменку"), ("обмен", "обменник")),
    **dict.fromkeys(
        ("рубли", "рублей", "рубль", "доллары", "долларов", "баксы", "баксов", "евро", "юани"), ("валюта",)
    ),
    **dict.fromkeys(("rubles", "roubles", "ruble", "dollars", "usd", "euros", "rub"), ("currency",)),
    **dict.fromkeys(("change", "swap", "convert"), ("exchange",)),
    **dict.fromkeys(("wire", "remit", "remittance", "transfers"), ("transfer",)),
    **dict.fromkeys(("свифт", "swift"), ("перевод", "transfer")),
    # driving
    **dict.fromkeys(("тачка", "тачку", "тачке", "тачки", "авто", "автомобиль", "автомобиля", "машину"), ("машина",)),
    **dict.fromkeys(("кататься", "гонять", "рулить", "водить"), ("ездить", "водить")),
    **dict.fromkeys(("ву", "водительское", "водительского", "удостоверению"), ("права",)),
    **dict.fromkeys(("license", "licenses", "licensed"), ("licence",)),
    **dict.fromkeys(("vehicle", "vehicles", "auto"), ("car",)),
    # health
    **dict.fromkeys(("доктор", "доктора", "терапевт", "терапевта"), ("врач",)),
    **dict.fromkeys(("больничка", "госпиталь", "стационар"), ("больница",)),
    **dict.fromkeys(("заболел", "заболела", "болею", "болит", "болеет", "лечиться", "заболеть"), ("лечение", "врач")),
    **dict.fromkeys(("таблетки", "таблеток", "антибиотики", "антибиотик", "медикаменты", "препараты"), ("лекарства",)),
    **dict.fromkeys(("pills", "meds", "antibiotics", "drugs"), ("medicine", "prescription")),
    **dict.fromkeys(("sick", "ill", "illness"), ("doctor", "medical")),
    # work and taxes
    **dict.fromkeys(("устроиться", "трудоустройство", "трудоустроиться"), ("работа",)),
    **dict.fromkeys(("ипшка", "ипшку", "ипэшка", "ипэшку", "ипешник", "ипшник"), ("ип",)),
    **dict.fromkeys(("фриланс", "фрилансер", "фрилансить", "удаленно", "удалённо", "удаленный"), ("удаленка",)),
    **dict.fromkeys(("freelance", "freelancer", "freelancing"), ("remote", "self-employed")),
    **dict.fromkeys(("зп", "зарплату", "зарплаты"), ("зарплата",)),
    **dict.fromkeys(("salary", "wage", "wages"), ("income",)),
    **dict.fromkeys(("налоговая", "налоговую", "налоговой"), ("налог",)),
    # Kazakh language
    **dict.fromkeys(("казахша", "қазақша", "kazakhsha", "qazaqsha"), ("казахский", "қазақ")),
    **dict.fromkeys(("изучать", "выучить", "подтянуть", "учу", "изучаю"), ("учить",)),
    **dict.fromkeys(("репетитор", "репетитора", "уроки", "занятия"), ("курсы",)),
    **dict.fromkeys(("classes", "class", "tutor", "lesson"), ("course", "lessons")),
    # Kazakh words
    **dict.fromkeys(("машина", "машинаны", "көлігім"), ("көлік",)),
    **dict.fromkeys(("қамауға", "қамады"), ("ұстау",)),
    **dict.fromkeys(("қауіп", "қаупі", "қауіпті", "қатер"), ("тәуекел",)),
    **dict.fromkeys(("төтенше",), ("шұғыл", "жедел")),
}

EXTRA_KEYWORDS: dict[str, tuple[str, ...]] = {
    "iin": ("номер налогоплательщика", "tax id", "taxpayer number"),
    "registration": (
        "сколько можно находиться",
        "сколько можно жить",
        "выехать и въехать",
        "how long can I stay",
        "how many days",
        "stay limit",
        "қанша күн болуға болады",
    ),
    "residence-permit": ("внжшка", "permanent residency", "green card"),
    "legal-risks": ("выдадут ли", "уклонист", "wanted list", "hand over to russia", "ұстап бере ме"),
    "detention": (
        "арестовали",
        "забрала полиция",
        "права при задержании",
        "police custody",
        "what are my rights",
        "my rights",
        "полиция ұстады",
    ),
    "emergency": (
        "номер полиции",
        "номер скорой",
        "телефон полиции",
        "телефон скорой",
        "куда звонить",
        "пожарные",
        "газовая служба",
        "звонить",
        "позвонить",
        "call",
        "төтенше жағдай",
        "қоңырау шалу",
        "полицияға хабарласу",
        "police number",
        "ambulance number",
        "fire service",
        "полиция нөмірі",
        "жедел жәрдем нөмірі",
        "өрт",
    ),
    "sim-and-phone": ("местный номер", "мобильная связь", "local number", "mobile data"),
    "housing": ("снять жилье", "найти квартиру", "хата", "find an apartment", "үй жалдау"),
    "work-and-taxes": ("устроиться на работу", "работать официально", "фриланс", "freelance", "жұмысқа орналасу"),
    "healthcare": ("лечение", "заболел", "sick"),
    "money-transfers": ("поменять деньги", "обменять рубли", "exchange dollars", "ақша айырбастау"),
    "driving": ("водить машину", "drive a car"),
    "learning-kazakh": ("казахский с нуля", "қазақша үйрену", "kazakh classes", "kazakh tutor"),
}

# Words that point outside every guide's topic: a question that uses one is about something else even when its
# other words match a guide ("выучить английский" is not about learning Kazakh, "купить диван" not about SIM
# cards). They still rank guides as usual, but count as unmatched when the confidence is computed.
_OFF_TOPIC_RAW = """
английский английского англ немецкий французский китайский турецкий испанский корейский итальянский
ағылшын неміс қытай english german french chinese spanish turkish korean italian
погода погоду дождь снег ауа райы weather rain snow
ресторан кафе кофейня плов шашлык пицца суши еда поесть обед ужин завтрак бранч доставка
мейрамхана кафе тамақ restaurant cafe coffee pizza sushi food brunch lunch dinner breakfast delivery
велосипед самокат диван шкаф мебель матрас холодильник ноутбук пуховик одежда обувь коляска игрушки ёлка
велосипед жиһаз киім bike bicycle scooter sofa furniture mattress laptop clothes shoes christmas
собака собаку кошка кошку кот кота ветеринар корм питомец ит мысық dog cat pet vet
спортзал фитнес бассейн йога футбол теннис тренажерный gym fitness pool yoga football tennis
маникюр барбершоп парикмахер стрижка шаштараз manicure barber haircut hairdresser
стоматолог дантист зубной стоматологию дерматолог психолог косметолог тіс dentist dermatologist psychologist
садик детсад балабақша школа школу мектеп kindergarten school nursery babysitter няня
такси автобус поезд билет билеты самолет авиабилеты метро электричка taxi bus train ticket tickets flight
пойыз автобус билет
ремонт починить шины резина масло автосервис шиномонтаж мастер repair tyres tires mechanic
концерт театр кино выставка музей экскурсия концерт concert theatre theater cinema museum tour
ипотека ипотеку вклад вклады mortgage loan
свадьба свадьбу wedding divorce
горы поход туризм чарын бурабай шымбулак mountains hiking trip
"""
OFF_TOPIC: tuple[str, ...] = tuple(_OFF_TOPIC_RAW.split())
