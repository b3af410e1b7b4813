"""Default phrase lists for Russian, Kazakh and English: spam and scam bait, insults, hate and threats.

Patterns use the language of bot.protection.matcher (word, stem*, a|b, tok?, ~N gap, # number, re: raw regex) and
are matched against the de-obfuscated key of a message, so they are written in plain lower-case letters.

Spam weights are evidence, not verdicts. A message is spam when its evidence adds up (verdict.py): most phrases
here are ordinary words that honest people use too ("доход", "удалённо", "пишите в личку"); only together —
income per week + free training + "18+" + "write + in DM" — do they make the recruitment scam. Within one code the
weights add up to at most 1.0, so twenty synonyms of "earn money" count as much as one strong signal, and a
message needs evidence of two kinds (or one decisive phrase, weight 1.0) to be spam.

Troll phrases have a level instead: "insult" (a person is insulted), "hate" (a group is degraded or told to leave),
"threat" (violence or denunciation). Insult words count only when aimed at someone ("ты дебил"); swearing at
the weather or at the censor ("ркн идёт нахуй") is not trolling.
"""

from __future__ import annotations

from bot.protection.matcher import Phrase

# Numbers, currencies and periods, used in the raw "money" rules below (over the matching key: lower case,
# doubled letters squeezed, so "тысяч" is "тысяч" and "доллар" stays "долар").
_NUM = r"\d[\d .,]*\d|\d"
_CURRENCY = (
    r"(?:\$|usdt?|дол\w*|бакс\w*|зелен\w*|руб\w*|р\b|₽|т\.?р\b|тыс\w*|тг|тенге|теңге|₸|€|евро|eur\b|грн|k\b|к\b)"
)
_SHORT_PERIOD = r"(?:день|дня|сутки|суток|недел\w*|нед\b|day|daily|wek\w*|күн\w*|апта\w*)"
_LONG_PERIOD = r"(?:мес\w*|час\w*|month\w*|hour\w*|ай\w*|сағат\w*)"
_PER = r"(?:в|за|/|per|a|an|each|каждый|каждую|ежедневно)"
_DIGITS = tuple("0123456789")
# Anchors of the money rules: the period words they cannot match without.
_SHORT = "день|дня|сутки|суток|недел*|нед|day|daily|week*|күніне|күнде|аптасына|апта"
_LONG = "мес*|месяц*|час*|month*|hour*|ай|айына|айда|сағат*"

SPAM_PHRASES: tuple[Phrase, ...] = (
    # --- dm_offer: "write me in DM", "+ in DM", "details in private" ---------------------------------------------
    Phrase(
        "dm_offer",
        0.45,
        "пиш*|напиш*|отпиш*|стучи*|жду|обращай*|подробн*|детал*|инф*|вопрос* в? лс|личк*|личн*|директ*|пм",
    ),
    Phrase("dm_offer", 0.45, "в лс|личку|личке ~2 пиш*|напиш*|жду|обращ*|отвеч*|расскаж*"),
    Phrase(
        "dm_offer",
        0.6,
        r"re:(?:пиш|напиш|отпиш|отправ|став|кида|жду|жми)\w*(?:\W+мне)?\W{0,3}[(\"«]?\s*(?:\+|➕|плюс\w*)",
        needs=("+", "➕", "плюс"),
        anchor="пиш*|напиш*|отпиш*|отправ*|став*|кида*|жду|жми*",
    ),
    Phrase(
        "dm_offer",
        0.6,
        r"re:(?:\+|➕|плюс\w*)\s*[)\"»]?\s*(?:в|мне в)\s+(?:лс|личк|личн|директ)",
        needs=("+", "➕", "плюс"),
        anchor="лс|личк*|личн*|директ*",
    ),
    Phrase("dm_offer", 0.35, "кому|если интерес*|интересно|заинтересован* ~3 пиш*|отпиш*|напиш*|лс|жду|обращ*"),
    Phrase("dm_offer", 0.35, "пиш*|отпиш*|напиш* ~1 кому|если ~1 интерес*"),
    Phrase("dm_offer", 0.35, "подробност*|детал* ~2 лс|личк*|личн*|пиш*"),
    Phrase(
        "dm_offer",
        0.45,
        r"re:(?:пиш|напиш|обращ|связ|контакт|заказ|писать|жми|переход|заход|хабарлас|байланыс|жаз|contact|write|dm|mesage|text)\w*"
        r"(?:\W+(?:мне|нам|me|us))?\W{0,6}@[a-z]\w{3,}",
        needs=("@",),
        anchor="пиш*|напиш*|обращ*|связ*|контакт*|заказ*|писать|жми*|переход*|заход*|хабарлас*|байланыс*|жаз*|contact*|write|dm|message|text",
    ),
    Phrase("dm_offer", 0.45, "dm|pm|inbox|message|text|write|contact me|us ~2 privately|directly|whatsapp|telegram"),
    Phrase("dm_offer", 0.45, "dm|inbox me|us"),
    Phrase("dm_offer", 0.2, "if|who ~1 interested"),
    Phrase("dm_offer", 0.3, "расскажу|объясню|поделюсь ~1 подробн*|детал*|все|всё|как"),
    Phrase("dm_offer", 0.3, "write|send|message me ~2 dm|pm|private"),
    Phrase("dm_offer", 0.4, "write|message|text ~2 dm|pm|directly|private*"),
    Phrase("dm_offer", 0.45, "message|contact|text|write|dm me|us ~1 for ~1 details|info|information|more"),
    Phrase("dm_offer", 0.15, "пишите|пиши|напишите|звоните|обращайтесь|жазыңыз|хабарласыңыз"),
    Phrase("dm_offer", 0.45, "толығырақ ~2 жеке|лс|директ*"),
    Phrase("dm_offer", 0.45, "жеке|лс|директ* хат*|хабарлама*|ке? жаз*"),
    Phrase("dm_offer", 0.45, "жеке жазыңыз|жазыңдар|жаз|жазыныз"),
    # --- promo: channels, bots, "link in profile", "search this code in Telegram", link bait ------------------------
    Phrase("promo", 0.7, "ссылк*|инф*|инфо|подробн*|детал* ~2 профил*|шапк*|био"),
    Phrase("promo", 0.7, "в описании|шапке профил*"),
    Phrase("promo", 0.7, "толығырақ|ақпарат|сілтеме ~2 профиль*|профильде|био"),
    Phrase("promo", 0.8, "напиш*|введи*|набери*|ищи* ~1 поиск*|поиске ~1 телеграм*|тг|telegram|телеги"),
    Phrase("promo", 0.7, "check|see|visit ~1 my|our profile|bio"),
    Phrase("promo", 0.7, "link|links|info ~1 in ~1 bio|profile|description"),
    Phrase("promo", 0.5, "подпис* на ~2 канал*"),
    Phrase("promo", 0.4, "подписывай*|подпишись|подпишитесь"),
    Phrase("promo", 0.4, "у|в|на себя|моем|нашем|своем ~2 канал*|телеграм*"),
    Phrase("promo", 0.4, "переход* по ссылк*"),
    Phrase("promo", 0.45, "ссылк* в? ниже|внизу|закреп*"),
    Phrase("promo", 0.35, "по этой ссылк*"),
    Phrase("promo", 0.35, "жми*|нажми*|нажимай* ~2 ссылк*|кнопк*"),
    Phrase("promo", 0.7, "продам|продаю|размещу|размещаем|набор ~2 реклам*"),
    Phrase("promo", 0.6, "накрут* ~2 подписчик*|просмотр*|лайк*|реакци*|отзыв*"),
    Phrase("promo", 0.4, "подписчик*|просмотр*|лайк*|реакци* ~1 за #"),
    Phrase("promo", 0.3, "бесплатн* марафон*|вебинар*|интенсив*|мастер-клас*"),
    Phrase("promo", 0.6, "накручива*"),
    Phrase("promo", 0.4, "присоединяй*|вступай*|залетай* ~2 наш*|мой|мою|чат*|групп*|канал*|команд*|клуб*"),
    Phrase("promo", 0.4, "заходи|заходите ~2 сюда|нам|бот*|канал*"),
    Phrase("promo", 0.3, "первые|первым|только # человек*|людей|участник*"),
    Phrase("promo", 0.3, "мест* ограничен*"),
    Phrase("promo", 0.3, "осталось # мест*"),
    Phrase("promo", 0.6, "click|tap ~3 link|here|below|button"),
    Phrase("promo", 0.5, "link|links ~1 below"),
    Phrase("promo", 0.5, "use|through|via|check|on|visit ~2 this|my|the link"),
    Phrase("promo", 0.5, "sign|register|join|book|submit|donate|claim|enrol*|subscribe|grab ~5 here|below"),
    Phrase("promo", 0.4, "learn|find ~1 more ~3 here|below|link"),
    Phrase("promo", 0.4, "join ~1 our|my|the ~1 group|channel|community|team|platform"),
    Phrase("promo", 0.35, "limited time|offer"),
    Phrase("promo", 0.35, "act fast|now|quickly"),
    Phrase("promo", 0.35, "hurry|last chance"),
    Phrase("promo", 0.35, "spots|seats|places are? limited"),
    Phrase("promo", 0.35, "don't|dont ~1 miss|wait|procrastinate"),
    Phrase("promo", 0.35, "exclusive|special|secret ~1 offer|deal|discount|group|access|opportunity|invitation|sneak"),
    Phrase(
        "promo", 0.3, "fantastic|amazing|unbelievable|incredible|rare|great|golden ~1 opportunity|chance|platform|deal"
    ),
    Phrase("promo", 0.4, "продвижени*|раскрутк* ~2 канал*|инстаграм*|аккаунт*|бизнес*"),
    Phrase("promo", 0.5, "слив*|сливаю ~2 курс*|схем*|приватн*"),
    Phrase(
        "promo",
        0.25,
        "hello|hi|hey|attention|calling ~1 all|everyone|everybody ~3 group|members|minds|lovers|buffs|enthusiasts|"
        "foodies",
    ),
    Phrase("promo", 0.25, "group members|member"),
    Phrase("promo", 0.25, "in|dear|our this|the? group|community"),
    Phrase("promo", 0.25, "dear|our group|community"),
    Phrase("promo", 0.25, "let's|lets ~3 together"),
    Phrase("promo", 0.5, "referral|ref ~1 link|code|bonus"),
    Phrase("promo", 0.5, "my referral|ref"),
    Phrase("promo", 0.45, "follow|contact ~1 him|her|them|their|the|us|me ~2 agent|below|on|via|through|link|here"),
    Phrase("promo", 0.5, "каналға|каналымызға жазыл*"),
    Phrase("promo", 0.35, "сілтеме|сілтемеге|сілтемесі ~2 арқылы|өтіңіз|өтіңдер|өт|бас*|төменде"),
    # --- earnings: income bait ----------------------------------------------------------------------------------
    Phrase(
        "earnings",
        0.5,
        "заработ*|зароботок|доход* ~2 удален*|онлайн|дистанц*|интернет*|сети|дому|вложен*|телефон*|телеграм*|крипт*",
    ),
    Phrase("earnings", 0.5, "удален*|дистанц*|онлайн|легк* ~1 заработ*|зароботок|доход*|подработ*"),
    Phrase("earnings", 0.5, "пасивн* доход*|заработ*|источник*"),
    # Salaries ("зарплата от 1500$") are how honest vacancies speak; income and profit are the scam's words.
    Phrase("earnings", 0.2, "доход*|заработ*|зароботок|прибыл*|профит* ~2 от #"),
    Phrase(
        "earnings",
        0.3,
        r"re:(?:доход|заработ|зароботок|прибыл|профит|оплат|получа|зарабатыва|выход|выйти)\w*\W+(?:\w+\W+){0,3}"
        r"(?:от|до|свыше|больше)?\W*\d[\d .,]*\s?(?:\$|usd|💵|💲|€)",
        needs=("$", "usd", "💵", "💲", "€"),
        anchor="доход*|заработ*|зароботок|прибыл*|профит*|оплат*|получа*|зарабатыва*|выход*|выйти",
    ),
    Phrase(
        "earnings", 0.3, "стабильн*|дополнительн*|хорош*|высок*|достойн*|ежедневн*|постоян* доход*|заработ*|зароботок"
    ),
    Phrase("earnings", 0.4, "без|никаких вложен*|предоплат*"),
    Phrase(
        "earnings",
        0.5,
        r"re:интерес\w*\W+(?:\w+\W+){0,2}(?:это\W+)?(?:\d+\W*)?(?:%|процент)",
        needs=("%", "процент"),
        anchor="интерес*",
    ),
    Phrase(
        "earnings",
        0.5,
        r"re:(?:%|процент\w*)\W*от\W+(?:\w+\W+){0,2}(?:прибыл|заработ|профит)",
        needs=("%", "процент"),
        anchor="прибыл*|заработ*|профит*",
    ),
    Phrase("earnings", 0.3, "все|всё|полностью ~1 легально|официально|честно"),
    Phrase("earnings", 0.3, "легально"),
    Phrase("earnings", 0.35, "начать|начни|хочешь|готов* ~2 зарабатыва*|поднимать|получать"),
    Phrase("earnings", 0.3, "финансов* свобод*|независим*|грамотност*"),
    Phrase("earnings", 0.45, "работ*|заработ* ~1 дому|дома"),
    Phrase("earnings", 0.3, "не выходя из дома"),
    Phrase("earnings", 0.4, "үйден шықпай"),
    Phrase("earnings", 0.4, "үйде отырып"),
    Phrase("earnings", 0.4, "марафон*|курс*|вебинар* ~3 заработ*|доход*"),
    Phrase("earnings", 0.3, "legit|real|easy|simple ~2 job|work|offer|income"),
    Phrase("earnings", 0.5, "make|making|earn|earning|earned ~2 money|income|profit*|cash"),
    Phrase("earnings", 0.5, "passive|extra|daily|weekly|steady|huge ~1 income|profit*|returns|payout*"),
    Phrase("earnings", 0.4, "work|working|earn ~1 home|online"),
    Phrase("earnings", 0.4, "financially|financial ~1 stable|free|freedom|independent"),
    Phrase("earnings", 0.5, "no|without|zero ~1 hidden|risk*|fees|charges|delay|scam"),
    Phrase("earnings", 0.5, "legit|genuine|trusted|legitimate ~1 platform|company|investment|broker|site"),
    Phrase("earnings", 0.5, "100% legit|genuine|real"),
    Phrase("earnings", 0.4, "withdraw*|payout*|testimony|testify"),
    Phrase("earnings", 0.4, "paid|pays me"),
    Phrase("earnings", 0.4, "cash out"),
    Phrase(
        "earnings",
        0.4,
        r"re:(?:turn\w*|made|make|got|received|earned|earn|withdrew|withdrawal of|profit of)\s+(?:\w+\s+){0,3}"
        r"(?:\$\s?\d|\d[\d,.]*\s?(?:usd|\$|dolars))",
        needs=("$", "usd", "dolar"),
        anchor="turn*|made|make|got|received|earned|earn|withdrew|withdrawal|profit",
    ),
    Phrase("earnings", 0.3, "thank|thanks|grateful ~3 sir|ma'am|maam|madam"),
    Phrase("earnings", 0.3, "god bless"),
    Phrase("earnings", 0.3, "changed my? life|lives"),
    Phrase("earnings", 0.45, "үйден|үйде ~1 жұмыс|табыс"),
    Phrase("earnings", 0.4, "қосымша|пассив|тұрақты ~1 табыс*"),
    Phrase("earnings", 0.35, "табыс|ақша таб*|тап*"),
    Phrase("earnings", 0.4, "салымсыз|инвестициясыз"),
    # --- job_bait: recruitment without a job ---------------------------------------------------------------------
    Phrase("job_bait", 0.4, "набор|набираю|набираем|набрать ~2 команд*|людей|партнер*|сотрудник*|коллег*|человек"),
    Phrase(
        "job_bait",
        0.4,
        "ищу|ищем|приглаша* ~2 партнер*|людей|коллег*|единомышлен* ~3 команд*|сотрудничеств*|заработ*|проект*|"
        "работ*|сфер*|направлени*",
    ),
    Phrase("job_bait", 0.4, "нуж*|требует* ~1 человек*|люди|сотрудник* ~3 удален*|заработ*|подработ*|работ*"),
    Phrase("job_bait", 0.4, "ищу|ищем партнер*"),
    Phrase("job_bait", 0.3, "свободн* времен*"),
    Phrase(
        "job_bait",
        0.35,
        # A few hours a day is the scam's promise; a real job states its hours ("4 часа в день" for a nanny).
        r"re:(?<![\d-])(?:всего\s+|лишь\s+|до\s+)?[1-3]\s*(?:(?:-|–|до|или)\s*[1-4]\s*)?(?:х\s*)?час\w*\s+"
        r"(?:в\s+)?(?:день|сутки|дня)",
        needs=("час",),
        anchor="час*",
    ),
    Phrase("job_bait", 0.3, "опыт ~1 не нуж*|требует*|обязател*|важен|важно|нужен"),
    Phrase("job_bait", 0.3, "без опыта|знаний"),
    Phrase("job_bait", 0.4, "обучени*|обучаем|обучу|научу|обучим ~2 бесплатн*|нуля|счет|предоставля*|оплачиваем"),
    Phrase("job_bait", 0.4, "бесплатн* обучени*|обучаем|обучу|научу"),
    Phrase(
        "job_bait",
        0.35,
        r"re:(?:только|от|с|возраст\w*)\W{0,3}18\s*(?:\+|лет|год)|(?<!\d)18\s*\+|\+\s*18(?!\d)"
        r"|18\s*(?:-|–|до)\s*[2-6]\d\s*(?:лет|год)",
        needs=("18",),
    ),
    Phrase("job_bait", 0.35, "с|от вас ~3 телефон*|смартфон*|желани*|компьютер*"),
    Phrase("job_bait", 0.35, "нуж* ~2 только|всего|лишь ~2 телефон*|смартфон*"),
    Phrase("job_bait", 0.35, "необходим* ~2 телефон*|смартфон*"),
    Phrase("job_bait", 0.35, "работ*|заработ* с|на телефон*"),
    # Many relocants work remotely: remote work is everyday talk, and weak evidence on its own (and no call to
    # action, so it is counted with earnings, not with recruitment).
    Phrase("earnings", 0.15, "удален* работ*|занятост*|формат*|деятельност*|основ*"),
    Phrase("earnings", 0.15, "работ*|занятост* удален*|дистанцион*"),
    Phrase("job_bait", 0.3, "remote|online ~1 job|work|position*"),
    Phrase("job_bait", 0.2, "гибк* график*"),
    Phrase("job_bait", 0.3, "нов* направлени*|нише|сфер*"),
    Phrase("job_bait", 0.3, "сфер* ~1 цифров*|крипт*|онлайн|финанс*|трейд*|арбитраж*"),
    Phrase("job_bait", 0.25, "требует*|нуж* срочно"),
    Phrase("job_bait", 0.25, "срочн* ~1 сотрудник*|человек*|люди"),
    Phrase("job_bait", 0.25, "срочно требует*|нуж*"),
    Phrase("job_bait", 0.3, "совмест* заработ*|сотрудничеств*|работ*"),
    Phrase("job_bait", 0.3, "взаимовыгод* сотрудничеств*"),
    Phrase("job_bait", 0.3, "предлага* сотрудничеств*"),
    Phrase("job_bait", 0.3, "доводим до результата"),
    Phrase("job_bait", 0.3, "поддержк* на всех этапах"),
    Phrase("job_bait", 0.3, "пошагов* обучени*"),
    Phrase("job_bait", 0.4, "hiring"),
    Phrase("job_bait", 0.4, "people are needed|wanted"),
    Phrase("job_bait", 0.4, "looking for ~1 people|partners|investors"),
    Phrase("job_bait", 0.4, "need # people|partners"),
    Phrase("job_bait", 0.3, "no|without experience"),
    Phrase("job_bait", 0.3, "free training|course*"),
    Phrase("job_bait", 0.3, "training is free"),
    Phrase(
        "job_bait", 0.35, r"re:\d\s*(?:-|–|to)?\s*\d?\s*hours?\s+(?:a|per)\s+day", needs=("hour",), anchor="hour|hours"
    ),
    Phrase("job_bait", 0.35, "командаға|команда ~1 адам*|жина*|қабылда*"),
    Phrase("job_bait", 0.35, "жұмысқа ~1 адам*|адамдар ~1 керек|қажет|іздейміз"),
    Phrase("job_bait", 0.3, "тәжірибе ~1 қажет|керек|талап ~1 емес|етілмейді"),
    Phrase("job_bait", 0.4, "тегін ~1 оқыт*|үйрет*"),
    Phrase("job_bait", 0.3, "бос уақыт*"),
    # --- crypto: crypto, trading and "investment" bait ------------------------------------------------------------
    Phrase("crypto", 0.3, "крипт*|криптовалют*|kripto|crypto*|cryptocurrency"),
    Phrase("crypto", 0.4, "цифров*|онлайн актив*|валют*"),
    Phrase("crypto", 0.35, "арбитраж*|p2p|р2р|своп*|трейдинг*|трейдер*|форекс|forex|forxe"),
    Phrase("crypto", 0.35, "бинарн* опцион*"),
    Phrase("crypto", 0.4, "разниц* курс*"),
    # Not "обменник": currency exchange offices are everyday talk in relocation chats.
    Phrase("crypto", 0.25, "usdt|binance|bybit|бинанс*|байбит*|биржа|бирж*|биткоин*|bitcoin|btc|eth|ltc"),
    Phrase("crypto", 0.25, "доходност*|дивиденд*|инвестици*|инвестир*|инвестор*"),
    Phrase("crypto", 0.3, "связк*"),
    Phrase("crypto", 0.3, "altcoin*|memecoin*|shitcoin*|presale|dextools|dexscreener|pump|gems"),
    Phrase("crypto", 0.25, "nft|nfts|airdrop*|token*|wallet*|decentralized|defi|staking|blockchain"),
    Phrase("crypto", 0.3, "10x|100x|x10|x100|1000x"),
    Phrase("crypto", 0.3, "this|the|our platform"),
    Phrase("crypto", 0.35, "100% confidential|guaranteed|safe|secure|secured|profitable|legit"),
    Phrase(
        "crypto",
        0.4,
        "investment|investing|invest|investor* ~3 platform|company|opportunity|plan|capital|profit*|returns",
    ),
    Phrase("crypto", 0.4, "trading|trade|broker|mining|miner ~2 platform|company|market|expert|account|broker"),
    Phrase("crypto", 0.5, "shill me"),
    Phrase("crypto", 0.5, "drop your wallet*"),
    Phrase("crypto", 0.4, "wallet address*"),
    # --- documents: selling IIN, residence permits, registration, certificates ------------------------------------
    Phrase(
        "documents",
        0.6,
        "иин|жсн|iin ~2 очеред*|кезексіз|быстр*|срочн*|дистанцион*|удален*|онлайн|присутств*|визит*|queue|remotely",
    ),
    Phrase("documents", 0.6, "иин|жсн|iin ~1 за|in # час*|дня|день|сутки|күнде|day*|hour*"),
    Phrase(
        "documents",
        0.5,
        "помогу|поможем|помогаем|сделаю|сделаем|делаем|оформлю|оформим|оформляем|изготовим|изготовлю|решим|продам|"
        "продаю|откроем|открою ~3 иин|внж|рвп|жительств*|прописк*|регистраци*|справк*|гражданств*|права|"
        "удостоверени*|патент*|разрешени*|диплом*|медкнижк*|карт*|счет*|виз*",
    ),
    Phrase(
        "documents",
        0.5,
        "иин|внж|рвп|прописк*|регистраци*|справк*|гражданств*|права|диплом*|жительств* ~3 деньги|недорого|дешево|"
        "ключ|гарант*|очеред*|экзамен*|отказ*|присутств*|задним|100%",
    ),
    Phrase("documents", 0.5, "под ключ"),
    Phrase(
        "documents",
        0.5,
        "внж|рвп|иин|жсн|гражданств*|прописк*|регистраци*|iin ~2 за|in # дней|день|дня|час*|недел*|day*|hour*",
    ),
    Phrase(
        "documents",
        0.4,
        "иин|внж|рвп|прописк*|регистраци*|справк*|гражданств*|права|диплом*|жительств* ~6 договорн*|недорог*|дешев*|"
        "быстро|срочно|гарант*|звоните|обращайтесь",
    ),
    Phrase("documents", 0.4, "without ~1 your? presence|visit*|queue"),
    Phrase("documents", 0.4, "iin|residence ~2 urgent*|fast|quick*|online"),
    Phrase("documents", 0.4, "без экзамен*|очеред*|отказ*"),
    Phrase("documents", 0.4, "задним числом"),
    Phrase("documents", 0.5, "карт*|счет*|каспи|kaspi|халык|halyk ~3 без ~1 иин|присутстви*|визит*"),
    Phrase("documents", 0.8, "we|i ~1 make|issue|arrange|sell|provide ~2 iin|residence|registration|visa*|licen*"),
    Phrase("documents", 0.5, "residence|iin|registration ~3 guarantee*|money|fast|without|quickly"),
    Phrase(
        "documents",
        0.8,
        "көмектесемін|көмектесеміз|жасаймыз|жасап|рәсімдейміз|рәсімдеймін ~3 жсн|иин|ықтиярхат*|тіркеу*|анықтама*|"
        "азаматтық*",
    ),
    Phrase("documents", 0.5, "ықтиярхат*|тіркеу*|анықтама* ~3 ақшаға|тез|кепілдік*|кезексіз"),
    Phrase("documents", 0.5, "ықтиярхат*|тіркеу*|анықтама*|жсн ~4 рәсімдейміз|жасаймыз|жасап|көмектесеміз|аламыз"),
    # --- adult ---------------------------------------------------------------------------------------------------
    Phrase("adult", 1.0, "интим* ~2 фот*|фоточ*|видео|переписк*|услуг*|досуг*"),
    Phrase("adult", 0.6, "интим*"),
    Phrase("adult", 1.0, "без трус*|труселей|белья"),
    Phrase("adult", 1.0, "голые|голых|голая|голенькие|обнаж*|слит*|откровен*|оголен* ~2 фот*|фоточ*|видео|девуш*"),
    Phrase("adult", 1.0, r"re:18\s*\+\s*(?:фот|видео|контент)", needs=("18",), anchor="фот*|видео|контент*"),
    Phrase(
        "adult",
        0.8,
        r"re:(?:фот|видео|контент)\w*(?:\W+\w+){0,2}\W+18\s*\+",
        needs=("18",),
        anchor="фот*|видео|контент*",
    ),
    Phrase("adult", 0.8, "эскорт*|escort|проститут*|индивидуалк*"),
    Phrase("adult", 0.8, "девушки по вызову"),
    Phrase("adult", 0.4, "вирт|секс*|sex|sexy|nudes|nude|onlyfans|hookup"),
    Phrase("adult", 0.4, "hot girls"),
    Phrase("adult", 0.5, "встретиться|познаком*|знакомств* ~2 девуш*|дам*|красотк*"),
    Phrase("adult", 1.0, "жалаңаш ~1 фото|сурет*"),
    # --- illegal: counterfeit money, mule cards and accounts, drugs ---------------------------------------------
    Phrase("illegal", 1.0, "фальш*|поддельн*|подделк* ~2 руб*|долар*|купюр*|валют*|деньг*|банкнот*|евро"),
    Phrase("illegal", 0.6, "фальш*|фальшив*|поддельн* ~3 документ*|паспорт*|прав*"),
    Phrase("illegal", 0.7, "купюр* ~4 банкомат*|обменк*"),
    Phrase("illegal", 0.6, "принима* любой банкомат*"),
    Phrase("illegal", 0.7, "карт*|лк|аккаунт*|кошел* ~3 под|на любые|ваши цели|данные"),
    Phrase("illegal", 0.6, "люди|людей|человек* с? ~1 рф|российск* карт*"),
    Phrase("illegal", 0.5, "прием*|приема ~1 денег|платеж* ~2 карт*"),
    Phrase("illegal", 0.6, "обнал*|дроп|дропы|дропов|пробив|кладмен*|закладчик*"),
    Phrase("illegal", 0.5, "куплю|покупаю|скупаю|продаю|продам|аренд* ~2 аккаунт*|карт*|кошел*|симк*"),
    Phrase("illegal", 0.6, "карт*|аккаунт*|счет*|кошел* ~3 аренду|аренда|аренды"),
    Phrase("illegal", 0.4, "верифицирован* ~1 аккаунт*|кошел*|карт*"),
    Phrase("illegal", 0.4, "аккаунт*|кошел*|карт* ~2 верификаци*"),
    Phrase("illegal", 0.5, "массов*|спам расылк*"),
    Phrase("illegal", 0.5, "флуд почт*"),
    Phrase("illegal", 0.5, "бомбардировк*"),
    Phrase("illegal", 0.6, "counterfeit"),
    Phrase("illegal", 0.6, "fake money|bills|notes|cash"),
    # --- betting ---------------------------------------------------------------------------------------------------
    Phrase("betting", 0.7, "став* ~3 тотал*|победу|фору|исход"),
    Phrase("betting", 0.3, "тотал*"),
    Phrase("betting", 0.5, "прогноз* ~3 матч*|спорт*|футбол*|платн*|лайв*|live"),
    Phrase(
        "betting",
        0.5,
        "каппер*|капер*|букмекер*|казино|casino|беттинг*|betting|фриспин*|вавада|vavada|1xbet|мелбет|melbet|пинап|"
        "pinup",
    ),
    Phrase("betting", 0.5, "ставки на спорт"),
    Phrase("betting", 0.6, "выигрыш* ~2 подряд|ставк*|ряд"),
    # --- giveaway -------------------------------------------------------------------------------------------------
    Phrase("giveaway", 0.4, "розыгрыш*|разыгрыва*|раздача|раздаю|раздаем"),
    Phrase("giveaway", 0.5, "бонус* ~3 регистрац*|счет|баланс"),
    Phrase("giveaway", 0.4, "забирай*|получи|получите ~2 подар*|бонус*|приз*"),
    Phrase("giveaway", 0.4, "отдам|отдаю|поделюсь|остались|осталис* ~4 курс*|материал*|обучени*"),
    Phrase("giveaway", 0.5, "бонус*|фриспин* ~3 депозит*|пополнени*"),
    Phrase("giveaway", 0.4, "give|giving|gives ~1 out|away ~2 reward*|prize*|token*|money|cash"),
    Phrase("giveaway", 0.4, "за спасибо"),
    Phrase("giveaway", 0.5, "giveaway"),
    Phrase("giveaway", 0.5, "give|giving away"),
    Phrase("giveaway", 0.5, "lucky winner*"),
    Phrase("giveaway", 0.5, "winner* announcement"),
    Phrase("giveaway", 0.4, "claim ~2 free|reward*|bonus|prize|ticket|lifafa"),
    Phrase("giveaway", 0.3, "free ~1 ticket*|bonus|gift*|reward*|tokens"),
    Phrase("giveaway", 0.4, "ұтыс ойын*"),
    Phrase("giveaway", 0.4, "сыйлық ~2 ұтып|тегін|бонус"),
    # --- money: currency exchange and transfer services, income per period ----------------------------------------
    Phrase("money", 0.35, "обмен|меняю|поменяю|обменяю|обменяем|меняем ~5 выгодн*|лучш*|комисси*|наличн*|доставк*"),
    Phrase("money", 0.35, "перевод*|переведу|переводим ~5 комисси*|ограничени*|блокиров*"),
    # Income per day or per week is the scam's hallmark; per month or hour is how honest salaries and rents are told.
    Phrase(
        "money",
        0.5,
        rf"re:(?:{_NUM})\s*{_CURRENCY}\W{{0,4}}(?:{_PER}\s*)?{_SHORT_PERIOD}",
        needs=_DIGITS,
        anchor=_SHORT,
    ),
    Phrase(
        "money",
        0.5,
        rf"re:{_CURRENCY}\s*(?:{_NUM})\W{{0,4}}(?:{_PER}\s*)?{_SHORT_PERIOD}",
        needs=_DIGITS,
        anchor=_SHORT,
    ),
    Phrase("money", 0.5, rf"re:(?:{_NUM})\s*%\W{{0,4}}(?:{_PER}\s*)?{_SHORT_PERIOD}", needs=_DIGITS, anchor=_SHORT),
    Phrase("money", 0.1, rf"re:(?:{_NUM})\s*{_CURRENCY}\W{{0,4}}{_PER}\s*{_LONG_PERIOD}", needs=_DIGITS, anchor=_LONG),
    Phrase(
        "money", 0.3, rf"re:(?:{_NUM})\s*%\W{{0,4}}(?:{_PER}\s*)?(?:мес\w*|month\w*|ай\w*)", needs=("%",), anchor=_LONG
    ),
    Phrase("money", 0.6, "займ*|заем|кредит*|микрозайм* ~3 без ~1 отказ*|проверк*|справок|залога|кредитной"),
    Phrase("money", 0.6, "помогу|поможем|помогаем ~2 вернуть ~3 деньги|средства|вклад*"),
    Phrase("money", 0.5, "вернем|вернём|вернуть ~3 деньги|средства ~3 мошенник*|брокер*"),
    Phrase(
        "money",
        0.5,
        rf"re:(?:күнине|аптасына|тәулигине)\W{{1,3}}(?:{_NUM})",
        anchor="күніне|аптасына|тәулігіне",
    ),
    Phrase(
        "money",
        0.3,
        # Testimonial-sized sums ("$350,000", "11,000 USD"); "3000$" is a salary or a rent.
        r"re:\$\s?\d{1,3}(?:,\d{3})+|\$\s?\d{5,}|\d{1,3}(?:,\d{3})+\s?(?:usd|\$)|\d{5,}\s?(?:usd|\$)",
        needs=("$", "usd"),
    ),
    Phrase("money", 0.3, r"re:\${3,}|💵.*💵.*💵|💰.*💰.*💰|💸.*💸.*💸", needs=("$$$", "💵", "💰", "💸")),
)

# People warning each other about scams quote the bait ("не ведитесь на «доход 500$ в день»"). These phrases lower
# the evidence sum (never below zero, and never rules that decide alone). Negated forms ("это не развод", "мы не
# мошенники") are what scammers write, so the look-behinds skip them.
CAUTION_PHRASES: tuple[Phrase, ...] = (
    Phrase(
        "caution",
        -0.5,
        r"re:(?<!не )(?<!not )(?<!no )\b(?:мошеник|мошениц|мошеничеств|лохотрон|кидал|развод(?:ила|ят|ом|ы)?\b|"
        r"скам\b|scam(?:mer)?s?\b|фишинг|phishing|алаяқ)",
        needs=("мошен", "лохотрон", "кидал", "развод", "скам", "scam", "фишинг", "phishing", "алаяқ"),
    ),
    Phrase("caution", -0.5, "не ведитесь|ведись|попадитесь|переходите"),
    Phrase("caution", -0.5, "будьте осторожны|бдительны|внимательны"),
    Phrase("caution", -0.5, "осторожно|аккуратнее|остерегайтесь"),
    Phrase("caution", -0.5, "beware|be careful"),
    Phrase("caution", -0.5, "абай болыңыз|болыңдар"),
)

# Insult words: count only when aimed at someone (see the patterns below), because people also call themselves,
# a situation or a rule names ("какие тупые правила").
_INSULT_WORDS = (
    "дебил|дебилы|дебилка|дебилов|дибил|дибилы|идиот|идиоты|идиотка|идиотов|дурак|дураки|дура|дуры|тупой|тупая|"
    "тупые|тупица|кретин|кретины|придурок|придурки|придурков|даун|дауны|урод|уроды|уродина|лох|лохи|чмо|мудак|мудаки|"
    "мудила|долбоеб|долбаеб|долбоебы|ебанутый|ебанутая|ебанутые|клоун|клоуны|быдло|скотина|тварь|твари|сволочь|"
    "сволочи|шлюха|сука|суки|ничтожество|недоумок|недоумки|отброс|отбросы|манкурт|мәңгүрт|козел|козлы|олень|олени"
)
_INSULT_WORDS_KK = "ақымақ*|есек*|малғұн*|шошқа*|оңбаған*|ақылсыз*|надан*|сасық*"
_INSULT_WORDS_EN = "idiot*|moron*|stupid|retard*|loser*|dumb|dumbass|asshole*|bastard*|dickhead*|clown|clowns|scum"
# Words allowed between "ты" and the insult: "ты же полный идиот", "вы все дебилы".
_INTENSIFIERS = "же? и? все? просто? реально? полный|полная|полные|конченый|конченая|конченые|настоящий|настоящая?"

TROLL_PHRASES: tuple[Phrase, ...] = (
    # --- insult: aimed at a person ----------------------------------------------------------------------------------
    Phrase("insult", 1.0, f"ты|вы|сам|сама|сами|автор|админ|админы|модер|модеры {_INTENSIFIERS} {_INSULT_WORDS}"),
    Phrase("insult", 1.0, f"{_INSULT_WORDS} ты|вы"),
    Phrase(
        "insult",
        1.0,
        "мраз*|ублюд*|уебок|уебки|уебан*|уебищ*|выбляд*|гандон*|хуесос*|пидорас*|пидарас*|чмошник*|долбоеб*|"
        "долбаеб*|далбаеб*|еблан*|ебальник*",
    ),
    Phrase("insult", 1.0, "иди|идите|пошел|пошла|пошли|вали|валите|катись ~1 нахуй|нахер|хуй|хер|жопу|пизду"),
    Phrase("insult", 1.0, "завали|закрой ~1 ебало|рот|пасть|хлебало|варежку"),
    Phrase("insult", 1.0, "заткнись|заткнитесь"),
    Phrase("insult", 1.0, "соси|сосите|сосешь"),
    Phrase("insult", 1.0, "мамку|мать ебал*"),
    Phrase("insult", 1.0, f"сен|сендер|сіз ~1 {_INSULT_WORDS_KK}"),
    Phrase("insult", 1.0, f"{_INSULT_WORDS_KK} сен|сендер"),
    Phrase("insult", 1.0, "иттің баласы"),
    Phrase("insult", 1.0, "шешеңді|шешеңнің|қотақ*"),
    Phrase("insult", 1.0, "аузыңды жап*"),
    Phrase("insult", 1.0, f"you|you're|youre|ur|u ~2 {_INSULT_WORDS_EN}"),
    Phrase("insult", 1.0, "piece of shit"),
    Phrase("insult", 1.0, "fuck you|off"),
    Phrase("insult", 1.0, "stfu|motherfucker*"),
    Phrase("insult", 1.0, "shut up"),
    Phrase("insult", 1.0, "son of a bitch"),
    Phrase("insult", 1.0, "screw you"),
    # --- hate: slurs and "go back where you came from" ----------------------------------------------------------------
    # Whole words, not stems, where a stem would hit surnames or ordinary words (Мамбетов, Москалёв, Чуркин,
    # Хачикян, педикюр). Self-irony ("нас тут зовут понаехавшими") is not hate: only "понаехали тут" is.
    Phrase(
        "hate",
        1.0,
        "чурка|чурки|чурок|чуркам|чурками|чурбаны|хач|хачи|хачей|хачик|хачики|хохол|хохлы|хохлов|хохлам|хохлами|"
        "хохлята|кацап*|москаль|москали|москалей|москалям|русня|русню|русни|рашист*|рузке|ватник|ватники|ватников|"
        "ватня|свинорус*|свинособак*|жид|жиды|жидов|жидовск*|нерусь|узкоглаз*|чучмек*|черножоп*|чернозад*|мамбет|"
        "мамбеты|мамбетам|мамбетами|келімсек*|шүршіт*|пидор|пидоры|пидоров|пидорам|пидр|пидры|педик|педики|педиков|"
        "гомик|гомики|гомиков|петушар*",
    ),
    Phrase("hate", 1.0, "понаехали|понаехавшие тут|здесь"),
    Phrase("hate", 1.0, "шала казах*"),
    Phrase(
        "hate",
        1.0,
        "валите|убирайтесь|проваливайте|уезжайте|катитесь ~3 свою|себе|обратно|домой|казахстан*|нашей|отсюда|россию|"
        "рашку",
    ),
    Phrase("hate", 1.0, "чемодан вокзал"),
    # No gap before the slur: "релоканты не крысы" must not match.
    Phrase("hate", 1.0, "релоканты|беглецы|понаехи|уклонисты|эмигранты вон|валите|убирайтесь"),
    Phrase("hate", 1.0, "релоканты|беглецы|уклонисты|эмигранты это? твари|крысы|скоты|паразиты|нелюди|мрази"),
    Phrase("hate", 1.0, "крысы|паразиты|скоты|нелюди|твари|мрази релокант*|беглец*|уклонист*|эмигрант*"),
    Phrase("hate", 1.0, "орыстар|қашқындар|келгендер ~2 кет*|кетіңдер|кетсін|жоғал*"),
    Phrase("hate", 1.0, "go back to ~1 your|russia|where"),
    Phrase("hate", 1.0, "faggot*|fag|fags|nigger*|nigga*|kike*|chink*|russkies|ruzzian*|rashist*"),
    Phrase("hate", 1.0, "orcs go home"),
    # --- threat: violence and denunciation ----------------------------------------------------------------------------
    Phrase(
        "threat",
        1.0,
        "убью|убьем|прибью|зарежу|закопаю|урою|пристрелю|застрелю|порешу|сожгу ~2 тебя|вас|тебе|вам|всех|его|ее|их",
    ),
    Phrase(
        "threat", 1.0, "тебя|вас ~1 убью|убьем|прибью|зарежу|закопаю|урою|пристрелю|застрелю|найду|найдем|сдам|сдадим"
    ),
    Phrase("threat", 1.0, "найду|найдем|знаю|знаем ~2 где ты|вы ~1 живешь|живете|работаешь"),
    Phrase("threat", 1.0, "тебе|вам конец|крышка|хана|пиздец"),
    Phrase("threat", 1.0, "тебе|вам не жить"),
    Phrase("threat", 1.0, "голову|ноги|руки ~1 оторву|сломаю|переломаю"),
    Phrase("threat", 1.0, "сдам|сдадим|донесу ~2 тебя|вас ~3 кнб|мвд|полици*|миграцион*|военкомат*|органы|кгб|фсб"),
    Phrase("threat", 1.0, "өлтіремін|өлтіреміз"),
    Phrase("threat", 1.0, "сені ~1 табамын|табамыз"),
    Phrase("threat", 1.0, "басыңды ~1 аламын|кесемін"),
    Phrase(
        "threat",
        1.0,
        r"re:\b(?:i|we)\s*(?:wil|['’]l|shal|am going to|are going to|gona)\s+"
        r"(?:kil|find|hurt|shot|stab|beat)\s+(?:you|u)\b",
        needs=("kil", "find", "hurt", "shot", "stab", "beat"),
        anchor="kill|find|hurt|shoot|stab|beat",
    ),
    Phrase("threat", 1.0, r"re:\byou(?:['’]re| are|re)? dead\b|know where you live", needs=("dead", "live")),
)

TROLL_LEVELS = ("insult", "hate", "threat")
