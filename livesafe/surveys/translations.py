"""Translations of a survey, kept inside its definition.

    languages: [en, ur]          # English first; each a key of LANGUAGES
    translations:
      ur:
        title: ...
        audience: ...
        pages: [{title: ..., intro: ...}, ...]      # in page order (intro only where the page has one)
        questions:
          <code>: {text: ..., hint: ..., options: {<value>: <label>}, scale: [...], statements: {<code>: ...}}
        signposts: {<key>: {title: ..., text: ...}}

Answers are stored by option value, never by label, so every language counts in the same results.
The words of the answering pages themselves (buttons, progress, error messages) are in UI below: a
language can be offered only once its UI words are written here.
"""
from copy import deepcopy
from typing import NamedTuple

from markupsafe import Markup, escape


class Language(NamedTuple):
    name: str  # in English, for staff
    own_name: str  # in the language itself, for the person choosing
    direction: str  # "ltr" or "rtl"


ENGLISH = "en"
LANGUAGES = {
    "en": Language("English", "English", "ltr"),
    "ur": Language("Urdu", "اردو", "rtl"),
    "gu": Language("Gujarati", "ગુજરાતી", "ltr"),
    "pa": Language("Punjabi (Gurmukhi)", "ਪੰਜਾਬੀ", "ltr"),
    "pl": Language("Polish", "Polski", "ltr"),
    "so": Language("Somali", "Soomaali", "ltr"),
    "ar": Language("Arabic", "العربية", "rtl"),
}

# The words of the answering pages, by language. Keys are the English. Written by the team, not by a
# professional translator: have each language checked before a real wave (see the README).
UI: dict[str, dict[str, str]] = {
    "ur": {
        "Continue": "جاری رکھیں",
        "Back": "واپس",
        "Send my answers": "میرے جوابات بھیجیں",
        "{title}: part {position} of {total}": "{title}: حصہ {position} از {total}",
        "You can skip any question.": "آپ کوئی بھی سوال چھوڑ سکتے ہیں۔",
        "You can skip any question not marked as required.": "آپ ہر وہ سوال چھوڑ سکتے ہیں جس پر ضروری نہ لکھا ہو۔",
        "required": "ضروری",
        "There is a problem": "ایک مسئلہ ہے",
        "Error:": "غلطی:",
        "Answer this question": "اس سوال کا جواب دیں",
        "Enter a whole number, like 3": "پورا عدد لکھیں، جیسے 3",
        "Enter a number from {low} to {high}": "{low} سے {high} تک کوئی عدد لکھیں",
        "Your answer must be {n} characters or fewer": "آپ کا جواب {n} حروف یا اس سے کم ہونا چاہیے",
        "Not ranked": "درجہ نہیں دیا",
        "Rank for {label}": "{label} کا درجہ",
        "Give each rank only once: {rank} is used more than once": "ہر درجہ صرف ایک بار دیں: {rank} ایک سے زیادہ بار دیا گیا ہے",
        "Use the ranks 1, 2, 3 and so on without leaving a gap": "درجے 1، 2، 3 ترتیب سے دیں، بیچ میں کوئی درجہ نہ چھوڑیں",
        "Choose '{label}' on its own, or the other answers without it": "'{label}' اکیلا چنیں، یا اس کے بغیر باقی جوابات",
        "Choose a rank for each one you want to rank: 1 is the most important.": "جن کو آپ درجہ دینا چاہیں ان کے لیے درجہ چنیں: 1 سب سے اہم ہے۔",
        "Language": "زبان",
        "Start the survey": "سروے شروع کریں",
        "Choose your language": "اپنی زبان چنیں",
        "Use this language": "یہ زبان استعمال کریں",
        # The intro page's privacy notes and the thank-you page
        "This survey is for {audience}. It takes about {minutes} minutes.": "یہ سروے {audience} کے لیے ہے۔ اس میں تقریباً {minutes} منٹ لگتے ہیں۔",
        "You are answering as part of {setting}.": "آپ {setting} کی طرف سے جواب دے رہے ہیں۔",
        "Before you start": "شروع کرنے سے پہلے",
        "It is anonymous.": "یہ گمنام ہے۔",
        "We do not ask your name and you do not need an account. We do not keep your internet address, details of your phone or browser, or the time you answered: only the date.": "ہم آپ کا نام نہیں پوچھتے اور آپ کو اکاؤنٹ کی ضرورت نہیں۔ ہم آپ کا انٹرنیٹ ایڈریس، آپ کے فون یا براؤزر کی تفصیلات، یا جواب دینے کا وقت محفوظ نہیں کرتے: صرف تاریخ۔",
        "Leave it blank and press Continue. If you skip every question, nothing is kept.": "اسے خالی چھوڑیں اور جاری رکھیں دبائیں۔ اگر آپ ہر سوال چھوڑ دیں تو کچھ بھی محفوظ نہیں کیا جاتا۔",
        "You can stop at any time.": "آپ کسی بھی وقت رک سکتے ہیں۔",
        "Nothing is counted until you press \"Send my answers\" at the end. Until then your answers wait on our computer, not on your phone, under a random code that only your browser knows. They are deleted when you send them, when you press \"Exit this page\", or {hours} hours after you last pressed Continue.": "آخر میں \"میرے جوابات بھیجیں\" دبانے تک کچھ بھی شمار نہیں ہوتا۔ تب تک آپ کے جوابات آپ کے فون پر نہیں بلکہ ہمارے کمپیوٹر پر ایک بے ترتیب کوڈ کے تحت رہتے ہیں جو صرف آپ کا براؤزر جانتا ہے۔ یہ مٹا دیے جاتے ہیں جب آپ انہیں بھیجیں، جب آپ \"Exit this page\" دبائیں، یا آخری بار جاری رکھیں دبانے کے {hours} گھنٹے بعد۔",
        "How we use your answers:": "ہم آپ کے جوابات کیسے استعمال کرتے ہیں:",
        "the Violence Reduction Network adds everyone's answers together to understand how safe people feel and to decide what to do. Only totals are ever shown. Groups of fewer than {threshold} people are hidden, and small random changes are added to the numbers, so nobody can be picked out, even by comparing tables.": "Violence Reduction Network سب کے جوابات کو ملا کر دیکھتا ہے تاکہ سمجھ سکے کہ لوگ کتنا محفوظ محسوس کرتے ہیں اور فیصلہ کرے کہ کیا کرنا ہے۔ صرف کل تعداد دکھائی جاتی ہے۔ {threshold} سے کم لوگوں کے گروپ چھپا دیے جاتے ہیں، اور اعداد میں چھوٹی بے ترتیب تبدیلیاں کی جاتی ہیں، تاکہ کسی کو پہچانا نہ جا سکے، جدولوں کا موازنہ کر کے بھی نہیں۔",
        "After you finish,": "ختم کرنے کے بعد،",
        "the help we suggest is shown to you once and not kept. A small cookie remembers that this browser has answered, so the survey is not filled in twice; it holds nothing about you or your answers.": "جو مدد ہم تجویز کرتے ہیں وہ آپ کو ایک بار دکھائی جاتی ہے اور محفوظ نہیں کی جاتی۔ ایک چھوٹی کوکی یاد رکھتی ہے کہ اس براؤزر سے جواب دیا جا چکا ہے، تاکہ سروے دو بار نہ بھرا جائے؛ اس میں آپ یا آپ کے جوابات کے بارے میں کچھ نہیں ہوتا۔",
        "More detail is in our {link}.": "مزید تفصیل ہمارے {link} میں ہے۔",
        "privacy notice": "پرائیویسی نوٹس",
        "Some questions are about knives and violence. If anything upsets you, you can talk to Childline for free on {number}, day or night.": "کچھ سوالات چاقو اور تشدد کے بارے میں ہیں۔ اگر کوئی بات آپ کو پریشان کرے تو آپ دن ہو یا رات، Childline سے {number} پر مفت بات کر سکتے ہیں۔",
        "You have already answered this survey on this device. Thank you.": "آپ اس ڈیوائس پر یہ سروے پہلے ہی کر چکے ہیں۔ شکریہ۔",
        "Thank you": "شکریہ",
        "Your answers have been sent. They help us understand how safe people feel in Leicester, Leicestershire and Rutland, and what would make things better.": "آپ کے جوابات بھیج دیے گئے ہیں۔ یہ ہمیں سمجھنے میں مدد دیتے ہیں کہ Leicester، Leicestershire اور Rutland میں لوگ کتنا محفوظ محسوس کرتے ہیں، اور کس چیز سے حالات بہتر ہوں گے۔",
        "Help is always there": "مدد ہمیشہ موجود ہے",
        "If you are in danger now, call {number}.": "اگر آپ ابھی خطرے میں ہیں تو {number} پر کال کریں۔",
        "Childline, free and private, day or night: {number}.": "Childline، مفت اور نجی، دن ہو یا رات: {number}۔",
        "To report a crime without giving your name: Crimestoppers on {number}, or its youth service Fearless, which has an anonymous online form.": "اپنا نام بتائے بغیر جرم کی اطلاع دینے کے لیے: Crimestoppers کو {number} پر، یا اس کی نوجوانوں کی سروس Fearless، جس کا گمنام آن لائن فارم ہے۔",
        "To talk about anything that is getting to you: Samaritans on {number}, or text SHOUT to {text}.": "کسی بھی پریشانی کے بارے میں بات کرنے کے لیے: Samaritans کو {number} پر، یا SHOUT لکھ کر {text} پر بھیجیں۔",
        "To talk to the police when it is not an emergency, call {number}.": "جب ایمرجنسی نہ ہو تو پولیس سے بات کرنے کے لیے {number} پر کال کریں۔",
        "More ways to get help": "مدد کے مزید طریقے",
    },
    "gu": {
        "Continue": "આગળ વધો",
        "Back": "પાછળ",
        "Send my answers": "મારા જવાબો મોકલો",
        "{title}: part {position} of {total}": "{title}: {total} માંથી ભાગ {position}",
        "You can skip any question.": "તમે કોઈ પણ પ્રશ્ન છોડી શકો છો.",
        "You can skip any question not marked as required.": "જે પ્રશ્ન પર જરૂરી લખેલું ન હોય તે તમે છોડી શકો છો.",
        "required": "જરૂરી",
        "There is a problem": "એક સમસ્યા છે",
        "Error:": "ભૂલ:",
        "Answer this question": "આ પ્રશ્નનો જવાબ આપો",
        "Enter a whole number, like 3": "પૂર્ણ સંખ્યા લખો, જેમ કે 3",
        "Enter a number from {low} to {high}": "{low} થી {high} સુધીની સંખ્યા લખો",
        "Your answer must be {n} characters or fewer": "તમારો જવાબ {n} અક્ષર કે તેથી ઓછો હોવો જોઈએ",
        "Not ranked": "ક્રમ આપ્યો નથી",
        "Rank for {label}": "{label} માટે ક્રમ",
        "Give each rank only once: {rank} is used more than once": "દરેક ક્રમ ફક્ત એક જ વાર આપો: {rank} એક કરતાં વધુ વાર વપરાયો છે",
        "Use the ranks 1, 2, 3 and so on without leaving a gap": "ક્રમ 1, 2, 3 એમ વચ્ચે કોઈ ક્રમ છોડ્યા વગર આપો",
        "Choose '{label}' on its own, or the other answers without it": "'{label}' એકલું પસંદ કરો, અથવા તેના વગર બાકીના જવાબો",
        "Choose a rank for each one you want to rank: 1 is the most important.": "તમે જેને ક્રમ આપવા માંગો છો તે દરેક માટે ક્રમ પસંદ કરો: 1 સૌથી મહત્વનું છે.",
        "Language": "ભાષા",
        "Start the survey": "સર્વે શરૂ કરો",
        "Choose your language": "તમારી ભાષા પસંદ કરો",
        "Use this language": "આ ભાષા વાપરો",
        # The intro page's privacy notes and the thank-you page
        "This survey is for {audience}. It takes about {minutes} minutes.": "આ સર્વે {audience} માટે છે. તેમાં લગભગ {minutes} મિનિટ લાગે છે.",
        "You are answering as part of {setting}.": "તમે {setting} તરફથી જવાબ આપી રહ્યા છો.",
        "Before you start": "શરૂ કરતા પહેલાં",
        "It is anonymous.": "તે અનામી છે.",
        "We do not ask your name and you do not need an account. We do not keep your internet address, details of your phone or browser, or the time you answered: only the date.": "અમે તમારું નામ પૂછતા નથી અને તમારે એકાઉન્ટની જરૂર નથી. અમે તમારું ઇન્ટરનેટ સરનામું, તમારા ફોન કે બ્રાઉઝરની વિગતો, કે તમે જવાબ આપ્યો તે સમય રાખતા નથી: ફક્ત તારીખ.",
        "Leave it blank and press Continue. If you skip every question, nothing is kept.": "તેને ખાલી છોડો અને આગળ વધો દબાવો. જો તમે બધા પ્રશ્નો છોડી દો, તો કંઈ રાખવામાં આવતું નથી.",
        "You can stop at any time.": "તમે ગમે ત્યારે અટકી શકો છો.",
        "Nothing is counted until you press \"Send my answers\" at the end. Until then your answers wait on our computer, not on your phone, under a random code that only your browser knows. They are deleted when you send them, when you press \"Exit this page\", or {hours} hours after you last pressed Continue.": "અંતે \"મારા જવાબો મોકલો\" દબાવો ત્યાં સુધી કંઈ ગણાતું નથી. ત્યાં સુધી તમારા જવાબો તમારા ફોન પર નહીં, પણ અમારા કમ્પ્યુટર પર એક રેન્ડમ કોડ હેઠળ રહે છે જે ફક્ત તમારું બ્રાઉઝર જાણે છે. તમે તેને મોકલો ત્યારે, \"Exit this page\" દબાવો ત્યારે, અથવા છેલ્લે આગળ વધો દબાવ્યા પછી {hours} કલાકે તે કાઢી નાખવામાં આવે છે.",
        "How we use your answers:": "અમે તમારા જવાબો કેવી રીતે વાપરીએ છીએ:",
        "the Violence Reduction Network adds everyone's answers together to understand how safe people feel and to decide what to do. Only totals are ever shown. Groups of fewer than {threshold} people are hidden, and small random changes are added to the numbers, so nobody can be picked out, even by comparing tables.": "Violence Reduction Network બધાના જવાબો ભેગા કરે છે, જેથી સમજી શકાય કે લોકો કેટલા સુરક્ષિત અનુભવે છે અને શું કરવું તે નક્કી કરી શકાય. ફક્ત કુલ સંખ્યાઓ જ બતાવવામાં આવે છે. {threshold} થી ઓછા લોકોના જૂથો છુપાવવામાં આવે છે, અને સંખ્યાઓમાં નાના રેન્ડમ ફેરફારો ઉમેરવામાં આવે છે, જેથી કોષ્ટકોની સરખામણી કરીને પણ કોઈને ઓળખી ન શકાય.",
        "After you finish,": "તમે પૂરું કરો પછી,",
        "the help we suggest is shown to you once and not kept. A small cookie remembers that this browser has answered, so the survey is not filled in twice; it holds nothing about you or your answers.": "અમે સૂચવેલી મદદ તમને એક વાર બતાવવામાં આવે છે અને રાખવામાં આવતી નથી. એક નાની કૂકી યાદ રાખે છે કે આ બ્રાઉઝરથી જવાબ અપાઈ ગયો છે, જેથી સર્વે બે વાર ન ભરાય; તેમાં તમારા કે તમારા જવાબો વિશે કંઈ નથી.",
        "More detail is in our {link}.": "વધુ વિગતો અમારી {link} માં છે.",
        "privacy notice": "ગોપનીયતા સૂચના",
        "Some questions are about knives and violence. If anything upsets you, you can talk to Childline for free on {number}, day or night.": "કેટલાક પ્રશ્નો છરી અને હિંસા વિશે છે. જો કંઈ પણ તમને પરેશાન કરે, તો તમે દિવસ હોય કે રાત, Childline સાથે {number} પર મફત વાત કરી શકો છો.",
        "You have already answered this survey on this device. Thank you.": "તમે આ ડિવાઇસ પર આ સર્વેનો જવાબ પહેલેથી આપી દીધો છે. આભાર.",
        "Thank you": "આભાર",
        "Your answers have been sent. They help us understand how safe people feel in Leicester, Leicestershire and Rutland, and what would make things better.": "તમારા જવાબો મોકલાઈ ગયા છે. તે અમને સમજવામાં મદદ કરે છે કે Leicester, Leicestershire અને Rutland માં લોકો કેટલા સુરક્ષિત અનુભવે છે, અને શું વસ્તુઓને વધુ સારી બનાવશે.",
        "Help is always there": "મદદ હંમેશા મળે છે",
        "If you are in danger now, call {number}.": "જો તમે અત્યારે જોખમમાં હો, તો {number} પર કૉલ કરો.",
        "Childline, free and private, day or night: {number}.": "Childline, મફત અને ખાનગી, દિવસ હોય કે રાત: {number}.",
        "To report a crime without giving your name: Crimestoppers on {number}, or its youth service Fearless, which has an anonymous online form.": "તમારું નામ આપ્યા વગર ગુનાની જાણ કરવા: Crimestoppers ને {number} પર, અથવા તેની યુવાનો માટેની સેવા Fearless, જેમાં અનામી ઓનલાઇન ફોર્મ છે.",
        "To talk about anything that is getting to you: Samaritans on {number}, or text SHOUT to {text}.": "તમને જે કંઈ પરેશાન કરતું હોય તેના વિશે વાત કરવા: Samaritans ને {number} પર, અથવા SHOUT લખીને {text} પર મોકલો.",
        "To talk to the police when it is not an emergency, call {number}.": "કટોકટી ન હોય ત્યારે પોલીસ સાથે વાત કરવા {number} પર કૉલ કરો.",
        "More ways to get help": "મદદ મેળવવાની વધુ રીતો",
    },
    "pa": {
        "Continue": "ਅੱਗੇ ਵਧੋ",
        "Back": "ਪਿੱਛੇ",
        "Send my answers": "ਮੇਰੇ ਜਵਾਬ ਭੇਜੋ",
        "{title}: part {position} of {total}": "{title}: {total} ਵਿੱਚੋਂ ਭਾਗ {position}",
        "You can skip any question.": "ਤੁਸੀਂ ਕੋਈ ਵੀ ਸਵਾਲ ਛੱਡ ਸਕਦੇ ਹੋ।",
        "You can skip any question not marked as required.": "ਜਿਸ ਸਵਾਲ 'ਤੇ ਜ਼ਰੂਰੀ ਨਹੀਂ ਲਿਖਿਆ, ਉਹ ਤੁਸੀਂ ਛੱਡ ਸਕਦੇ ਹੋ।",
        "required": "ਜ਼ਰੂਰੀ",
        "There is a problem": "ਇੱਕ ਸਮੱਸਿਆ ਹੈ",
        "Error:": "ਗਲਤੀ:",
        "Answer this question": "ਇਸ ਸਵਾਲ ਦਾ ਜਵਾਬ ਦਿਓ",
        "Enter a whole number, like 3": "ਪੂਰੀ ਸੰਖਿਆ ਲਿਖੋ, ਜਿਵੇਂ 3",
        "Enter a number from {low} to {high}": "{low} ਤੋਂ {high} ਤੱਕ ਕੋਈ ਸੰਖਿਆ ਲਿਖੋ",
        "Your answer must be {n} characters or fewer": "ਤੁਹਾਡਾ ਜਵਾਬ {n} ਅੱਖਰਾਂ ਜਾਂ ਉਸ ਤੋਂ ਘੱਟ ਹੋਣਾ ਚਾਹੀਦਾ ਹੈ",
        "Not ranked": "ਦਰਜਾ ਨਹੀਂ ਦਿੱਤਾ",
        "Rank for {label}": "{label} ਲਈ ਦਰਜਾ",
        "Give each rank only once: {rank} is used more than once": "ਹਰ ਦਰਜਾ ਸਿਰਫ਼ ਇੱਕ ਵਾਰ ਦਿਓ: {rank} ਇੱਕ ਤੋਂ ਵੱਧ ਵਾਰ ਵਰਤਿਆ ਗਿਆ ਹੈ",
        "Use the ranks 1, 2, 3 and so on without leaving a gap": "ਦਰਜੇ 1, 2, 3 ਲੜੀਵਾਰ ਦਿਓ, ਵਿਚਕਾਰ ਕੋਈ ਦਰਜਾ ਨਾ ਛੱਡੋ",
        "Choose '{label}' on its own, or the other answers without it": "'{label}' ਇਕੱਲਾ ਚੁਣੋ, ਜਾਂ ਇਸ ਤੋਂ ਬਿਨਾਂ ਬਾਕੀ ਜਵਾਬ",
        "Choose a rank for each one you want to rank: 1 is the most important.": "ਜਿਨ੍ਹਾਂ ਨੂੰ ਤੁਸੀਂ ਦਰਜਾ ਦੇਣਾ ਚਾਹੁੰਦੇ ਹੋ, ਹਰ ਇੱਕ ਲਈ ਦਰਜਾ ਚੁਣੋ: 1 ਸਭ ਤੋਂ ਅਹਿਮ ਹੈ।",
        "Language": "ਭਾਸ਼ਾ",
        "Start the survey": "ਸਰਵੇਖਣ ਸ਼ੁਰੂ ਕਰੋ",
        "Choose your language": "ਆਪਣੀ ਭਾਸ਼ਾ ਚੁਣੋ",
        "Use this language": "ਇਹ ਭਾਸ਼ਾ ਵਰਤੋ",
        # The intro page's privacy notes and the thank-you page
        "This survey is for {audience}. It takes about {minutes} minutes.": "ਇਹ ਸਰਵੇਖਣ {audience} ਲਈ ਹੈ। ਇਸ ਵਿੱਚ ਲਗਭਗ {minutes} ਮਿੰਟ ਲੱਗਦੇ ਹਨ।",
        "You are answering as part of {setting}.": "ਤੁਸੀਂ {setting} ਵੱਲੋਂ ਜਵਾਬ ਦੇ ਰਹੇ ਹੋ।",
        "Before you start": "ਸ਼ੁਰੂ ਕਰਨ ਤੋਂ ਪਹਿਲਾਂ",
        "It is anonymous.": "ਇਹ ਗੁਮਨਾਮ ਹੈ।",
        "We do not ask your name and you do not need an account. We do not keep your internet address, details of your phone or browser, or the time you answered: only the date.": "ਅਸੀਂ ਤੁਹਾਡਾ ਨਾਮ ਨਹੀਂ ਪੁੱਛਦੇ ਅਤੇ ਤੁਹਾਨੂੰ ਖਾਤੇ ਦੀ ਲੋੜ ਨਹੀਂ। ਅਸੀਂ ਤੁਹਾਡਾ ਇੰਟਰਨੈੱਟ ਪਤਾ, ਤੁਹਾਡੇ ਫ਼ੋਨ ਜਾਂ ਬ੍ਰਾਊਜ਼ਰ ਦੇ ਵੇਰਵੇ, ਜਾਂ ਤੁਹਾਡੇ ਜਵਾਬ ਦੇਣ ਦਾ ਸਮਾਂ ਨਹੀਂ ਰੱਖਦੇ: ਸਿਰਫ਼ ਤਾਰੀਖ।",
        "Leave it blank and press Continue. If you skip every question, nothing is kept.": "ਇਸ ਨੂੰ ਖਾਲੀ ਛੱਡੋ ਅਤੇ ਅੱਗੇ ਵਧੋ ਦਬਾਓ। ਜੇ ਤੁਸੀਂ ਹਰ ਸਵਾਲ ਛੱਡ ਦਿੰਦੇ ਹੋ, ਤਾਂ ਕੁਝ ਵੀ ਨਹੀਂ ਰੱਖਿਆ ਜਾਂਦਾ।",
        "You can stop at any time.": "ਤੁਸੀਂ ਕਿਸੇ ਵੀ ਸਮੇਂ ਰੁਕ ਸਕਦੇ ਹੋ।",
        "Nothing is counted until you press \"Send my answers\" at the end. Until then your answers wait on our computer, not on your phone, under a random code that only your browser knows. They are deleted when you send them, when you press \"Exit this page\", or {hours} hours after you last pressed Continue.": "ਅਖੀਰ ਵਿੱਚ \"ਮੇਰੇ ਜਵਾਬ ਭੇਜੋ\" ਦਬਾਉਣ ਤੱਕ ਕੁਝ ਵੀ ਗਿਣਿਆ ਨਹੀਂ ਜਾਂਦਾ। ਉਦੋਂ ਤੱਕ ਤੁਹਾਡੇ ਜਵਾਬ ਤੁਹਾਡੇ ਫ਼ੋਨ 'ਤੇ ਨਹੀਂ, ਸਗੋਂ ਸਾਡੇ ਕੰਪਿਊਟਰ 'ਤੇ ਇੱਕ ਬੇਤਰਤੀਬ ਕੋਡ ਹੇਠ ਰਹਿੰਦੇ ਹਨ ਜੋ ਸਿਰਫ਼ ਤੁਹਾਡਾ ਬ੍ਰਾਊਜ਼ਰ ਜਾਣਦਾ ਹੈ। ਜਦੋਂ ਤੁਸੀਂ ਇਨ੍ਹਾਂ ਨੂੰ ਭੇਜਦੇ ਹੋ, ਜਦੋਂ ਤੁਸੀਂ \"Exit this page\" ਦਬਾਉਂਦੇ ਹੋ, ਜਾਂ ਆਖਰੀ ਵਾਰ ਅੱਗੇ ਵਧੋ ਦਬਾਉਣ ਤੋਂ {hours} ਘੰਟੇ ਬਾਅਦ, ਇਹ ਮਿਟਾ ਦਿੱਤੇ ਜਾਂਦੇ ਹਨ।",
        "How we use your answers:": "ਅਸੀਂ ਤੁਹਾਡੇ ਜਵਾਬ ਕਿਵੇਂ ਵਰਤਦੇ ਹਾਂ:",
        "the Violence Reduction Network adds everyone's answers together to understand how safe people feel and to decide what to do. Only totals are ever shown. Groups of fewer than {threshold} people are hidden, and small random changes are added to the numbers, so nobody can be picked out, even by comparing tables.": "Violence Reduction Network ਸਾਰਿਆਂ ਦੇ ਜਵਾਬ ਇਕੱਠੇ ਜੋੜਦਾ ਹੈ ਤਾਂ ਜੋ ਸਮਝ ਸਕੇ ਕਿ ਲੋਕ ਕਿੰਨਾ ਸੁਰੱਖਿਅਤ ਮਹਿਸੂਸ ਕਰਦੇ ਹਨ ਅਤੇ ਫ਼ੈਸਲਾ ਕਰ ਸਕੇ ਕਿ ਕੀ ਕਰਨਾ ਹੈ। ਸਿਰਫ਼ ਕੁੱਲ ਗਿਣਤੀਆਂ ਹੀ ਦਿਖਾਈਆਂ ਜਾਂਦੀਆਂ ਹਨ। {threshold} ਤੋਂ ਘੱਟ ਲੋਕਾਂ ਦੇ ਸਮੂਹ ਲੁਕਾ ਦਿੱਤੇ ਜਾਂਦੇ ਹਨ, ਅਤੇ ਅੰਕੜਿਆਂ ਵਿੱਚ ਛੋਟੀਆਂ ਬੇਤਰਤੀਬ ਤਬਦੀਲੀਆਂ ਕੀਤੀਆਂ ਜਾਂਦੀਆਂ ਹਨ, ਤਾਂ ਜੋ ਸਾਰਣੀਆਂ ਦੀ ਤੁਲਨਾ ਕਰਕੇ ਵੀ ਕਿਸੇ ਦੀ ਪਛਾਣ ਨਾ ਹੋ ਸਕੇ।",
        "After you finish,": "ਪੂਰਾ ਕਰਨ ਤੋਂ ਬਾਅਦ,",
        "the help we suggest is shown to you once and not kept. A small cookie remembers that this browser has answered, so the survey is not filled in twice; it holds nothing about you or your answers.": "ਜੋ ਮਦਦ ਅਸੀਂ ਸੁਝਾਉਂਦੇ ਹਾਂ ਉਹ ਤੁਹਾਨੂੰ ਇੱਕ ਵਾਰ ਦਿਖਾਈ ਜਾਂਦੀ ਹੈ ਅਤੇ ਰੱਖੀ ਨਹੀਂ ਜਾਂਦੀ। ਇੱਕ ਛੋਟੀ ਕੂਕੀ ਯਾਦ ਰੱਖਦੀ ਹੈ ਕਿ ਇਸ ਬ੍ਰਾਊਜ਼ਰ ਤੋਂ ਜਵਾਬ ਦਿੱਤਾ ਜਾ ਚੁੱਕਾ ਹੈ, ਤਾਂ ਜੋ ਸਰਵੇਖਣ ਦੋ ਵਾਰ ਨਾ ਭਰਿਆ ਜਾਵੇ; ਇਸ ਵਿੱਚ ਤੁਹਾਡੇ ਜਾਂ ਤੁਹਾਡੇ ਜਵਾਬਾਂ ਬਾਰੇ ਕੁਝ ਨਹੀਂ ਹੁੰਦਾ।",
        "More detail is in our {link}.": "ਹੋਰ ਵੇਰਵੇ ਸਾਡੇ {link} ਵਿੱਚ ਹਨ।",
        "privacy notice": "ਪਰਦੇਦਾਰੀ ਨੋਟਿਸ",
        "Some questions are about knives and violence. If anything upsets you, you can talk to Childline for free on {number}, day or night.": "ਕੁਝ ਸਵਾਲ ਚਾਕੂਆਂ ਅਤੇ ਹਿੰਸਾ ਬਾਰੇ ਹਨ। ਜੇ ਕੋਈ ਗੱਲ ਤੁਹਾਨੂੰ ਪਰੇਸ਼ਾਨ ਕਰੇ, ਤਾਂ ਤੁਸੀਂ ਦਿਨ ਹੋਵੇ ਜਾਂ ਰਾਤ, Childline ਨਾਲ {number} 'ਤੇ ਮੁਫ਼ਤ ਗੱਲ ਕਰ ਸਕਦੇ ਹੋ।",
        "You have already answered this survey on this device. Thank you.": "ਤੁਸੀਂ ਇਸ ਡਿਵਾਈਸ 'ਤੇ ਇਹ ਸਰਵੇਖਣ ਪਹਿਲਾਂ ਹੀ ਭਰ ਚੁੱਕੇ ਹੋ। ਧੰਨਵਾਦ।",
        "Thank you": "ਧੰਨਵਾਦ",
        "Your answers have been sent. They help us understand how safe people feel in Leicester, Leicestershire and Rutland, and what would make things better.": "ਤੁਹਾਡੇ ਜਵਾਬ ਭੇਜ ਦਿੱਤੇ ਗਏ ਹਨ। ਇਹ ਸਾਨੂੰ ਸਮਝਣ ਵਿੱਚ ਮਦਦ ਕਰਦੇ ਹਨ ਕਿ Leicester, Leicestershire ਅਤੇ Rutland ਵਿੱਚ ਲੋਕ ਕਿੰਨਾ ਸੁਰੱਖਿਅਤ ਮਹਿਸੂਸ ਕਰਦੇ ਹਨ, ਅਤੇ ਕਿਹੜੀ ਚੀਜ਼ ਹਾਲਾਤ ਬਿਹਤਰ ਬਣਾਏਗੀ।",
        "Help is always there": "ਮਦਦ ਹਮੇਸ਼ਾ ਮੌਜੂਦ ਹੈ",
        "If you are in danger now, call {number}.": "ਜੇ ਤੁਸੀਂ ਹੁਣੇ ਖ਼ਤਰੇ ਵਿੱਚ ਹੋ, ਤਾਂ {number} 'ਤੇ ਕਾਲ ਕਰੋ।",
        "Childline, free and private, day or night: {number}.": "Childline, ਮੁਫ਼ਤ ਅਤੇ ਨਿੱਜੀ, ਦਿਨ ਹੋਵੇ ਜਾਂ ਰਾਤ: {number}।",
        "To report a crime without giving your name: Crimestoppers on {number}, or its youth service Fearless, which has an anonymous online form.": "ਆਪਣਾ ਨਾਮ ਦੱਸੇ ਬਿਨਾਂ ਜੁਰਮ ਦੀ ਰਿਪੋਰਟ ਕਰਨ ਲਈ: Crimestoppers ਨੂੰ {number} 'ਤੇ, ਜਾਂ ਇਸ ਦੀ ਨੌਜਵਾਨਾਂ ਲਈ ਸੇਵਾ Fearless, ਜਿਸ ਦਾ ਗੁਮਨਾਮ ਔਨਲਾਈਨ ਫ਼ਾਰਮ ਹੈ।",
        "To talk about anything that is getting to you: Samaritans on {number}, or text SHOUT to {text}.": "ਜੋ ਵੀ ਗੱਲ ਤੁਹਾਨੂੰ ਪਰੇਸ਼ਾਨ ਕਰ ਰਹੀ ਹੈ ਉਸ ਬਾਰੇ ਗੱਲ ਕਰਨ ਲਈ: Samaritans ਨੂੰ {number} 'ਤੇ, ਜਾਂ SHOUT ਲਿਖ ਕੇ {text} 'ਤੇ ਭੇਜੋ।",
        "To talk to the police when it is not an emergency, call {number}.": "ਜਦੋਂ ਐਮਰਜੈਂਸੀ ਨਾ ਹੋਵੇ ਤਾਂ ਪੁਲਿਸ ਨਾਲ ਗੱਲ ਕਰਨ ਲਈ {number} 'ਤੇ ਕਾਲ ਕਰੋ।",
        "More ways to get help": "ਮਦਦ ਲੈਣ ਦੇ ਹੋਰ ਤਰੀਕੇ",
    },
    "pl": {
        "Continue": "Dalej",
        "Back": "Wstecz",
        "Send my answers": "Wyślij moje odpowiedzi",
        "{title}: part {position} of {total}": "{title}: część {position} z {total}",
        "You can skip any question.": "Możesz pominąć każde pytanie.",
        "You can skip any question not marked as required.": "Możesz pominąć każde pytanie, które nie jest oznaczone jako wymagane.",
        "required": "wymagane",
        "There is a problem": "Wystąpił problem",
        "Error:": "Błąd:",
        "Answer this question": "Odpowiedz na to pytanie",
        "Enter a whole number, like 3": "Wpisz liczbę całkowitą, np. 3",
        "Enter a number from {low} to {high}": "Wpisz liczbę od {low} do {high}",
        "Your answer must be {n} characters or fewer": "Twoja odpowiedź może mieć najwyżej {n} znaków",
        "Not ranked": "Bez miejsca",
        "Rank for {label}": "Miejsce dla: {label}",
        "Give each rank only once: {rank} is used more than once": "Każde miejsce wybierz tylko raz: {rank} jest użyte więcej niż raz",
        "Use the ranks 1, 2, 3 and so on without leaving a gap": "Użyj miejsc 1, 2, 3 i tak dalej, bez pomijania żadnego",
        "Choose '{label}' on its own, or the other answers without it": "Wybierz tylko '{label}' albo pozostałe odpowiedzi bez niej",
        "Choose a rank for each one you want to rank: 1 is the most important.": "Wybierz miejsce dla każdej rzeczy, którą chcesz ustawić w kolejności: 1 jest najważniejsze.",
        "Language": "Język",
        "Start the survey": "Rozpocznij ankietę",
        "Choose your language": "Wybierz język",
        "Use this language": "Użyj tego języka",
        # The intro page's privacy notes and the thank-you page
        "This survey is for {audience}. It takes about {minutes} minutes.": "Ta ankieta jest dla: {audience}. Zajmie ci około {minutes} minut.",
        "You are answering as part of {setting}.": "Odpowiadasz w ramach: {setting}.",
        "Before you start": "Zanim zaczniesz",
        "It is anonymous.": "Ankieta jest anonimowa.",
        "We do not ask your name and you do not need an account. We do not keep your internet address, details of your phone or browser, or the time you answered: only the date.": "Nie pytamy o twoje imię i nie potrzebujesz konta. Nie zapisujemy twojego adresu internetowego, informacji o telefonie ani przeglądarce, ani godziny odpowiedzi: tylko datę.",
        "Leave it blank and press Continue. If you skip every question, nothing is kept.": "Zostaw je puste i naciśnij Dalej. Jeśli pominiesz wszystkie pytania, nic nie zostanie zapisane.",
        "You can stop at any time.": "Możesz przerwać w każdej chwili.",
        "Nothing is counted until you press \"Send my answers\" at the end. Until then your answers wait on our computer, not on your phone, under a random code that only your browser knows. They are deleted when you send them, when you press \"Exit this page\", or {hours} hours after you last pressed Continue.": "Nic nie jest liczone, dopóki na końcu nie naciśniesz \"Wyślij moje odpowiedzi\". Do tego czasu twoje odpowiedzi czekają na naszym komputerze, nie na twoim telefonie, pod losowym kodem, który zna tylko twoja przeglądarka. Usuwamy je, gdy je wyślesz, gdy naciśniesz \"Exit this page\" albo {hours} godz. po tym, jak ostatni raz naciśniesz Dalej.",
        "How we use your answers:": "Jak używamy twoich odpowiedzi:",
        "the Violence Reduction Network adds everyone's answers together to understand how safe people feel and to decide what to do. Only totals are ever shown. Groups of fewer than {threshold} people are hidden, and small random changes are added to the numbers, so nobody can be picked out, even by comparing tables.": "Violence Reduction Network (sieć ograniczania przemocy) sumuje odpowiedzi wszystkich osób, żeby zrozumieć, jak bezpiecznie czują się ludzie, i zdecydować, co robić. Pokazujemy tylko sumy. Grupy mniejsze niż {threshold} osób są ukryte, a do liczb dodajemy małe losowe zmiany, więc nikogo nie da się rozpoznać, nawet porównując tabele.",
        "After you finish,": "Po zakończeniu",
        "the help we suggest is shown to you once and not kept. A small cookie remembers that this browser has answered, so the survey is not filled in twice; it holds nothing about you or your answers.": "pomoc, którą proponujemy, zobaczysz tylko raz i nie jest nigdzie zapisywana. Mały plik cookie pamięta, że ta przeglądarka już odpowiedziała, żeby ankieta nie była wypełniona dwa razy; nie zawiera nic o tobie ani o twoich odpowiedziach.",
        "More detail is in our {link}.": "Więcej szczegółów znajdziesz w naszej {link}.",
        "privacy notice": "informacji o prywatności",
        "Some questions are about knives and violence. If anything upsets you, you can talk to Childline for free on {number}, day or night.": "Niektóre pytania dotyczą noży i przemocy. Jeśli coś cię zdenerwuje, możesz bezpłatnie porozmawiać z Childline pod numerem {number}, w dzień i w nocy.",
        "You have already answered this survey on this device. Thank you.": "Na tym urządzeniu ta ankieta została już wypełniona. Dziękujemy.",
        "Thank you": "Dziękujemy",
        "Your answers have been sent. They help us understand how safe people feel in Leicester, Leicestershire and Rutland, and what would make things better.": "Twoje odpowiedzi zostały wysłane. Pomagają nam zrozumieć, jak bezpiecznie czują się ludzie w Leicester, Leicestershire i Rutland i co mogłoby to poprawić.",
        "Help is always there": "Pomoc jest zawsze dostępna",
        "If you are in danger now, call {number}.": "Jeśli grozi ci teraz niebezpieczeństwo, zadzwoń pod {number}.",
        "Childline, free and private, day or night: {number}.": "Childline, bezpłatnie i poufnie, w dzień i w nocy: {number}.",
        "To report a crime without giving your name: Crimestoppers on {number}, or its youth service Fearless, which has an anonymous online form.": "Aby zgłosić przestępstwo bez podawania imienia: Crimestoppers pod numerem {number} albo ich serwis dla młodzieży Fearless, który ma anonimowy formularz online.",
        "To talk about anything that is getting to you: Samaritans on {number}, or text SHOUT to {text}.": "Aby porozmawiać o czymkolwiek, co cię gnębi: Samaritans pod numerem {number} albo wyślij SMS o treści SHOUT na numer {text}.",
        "To talk to the police when it is not an emergency, call {number}.": "Aby porozmawiać z policją, gdy to nie jest nagły wypadek, zadzwoń pod {number}.",
        "More ways to get help": "Więcej sposobów na uzyskanie pomocy",
    },
    "so": {
        "Continue": "Sii wad",
        "Back": "Dib u noqo",
        "Send my answers": "Dir jawaabahayga",
        "{title}: part {position} of {total}": "{title}: qaybta {position} ee {total}",
        "You can skip any question.": "Su'aal kasta waad ka boodi kartaa.",
        "You can skip any question not marked as required.": "Su'aal kasta oo aan lagu calaamadin khasab waad ka boodi kartaa.",
        "required": "khasab",
        "There is a problem": "Dhib baa jira",
        "Error:": "Khalad:",
        "Answer this question": "Ka jawaab su'aashan",
        "Enter a whole number, like 3": "Qor tiro dhan, sida 3",
        "Enter a number from {low} to {high}": "Qor tiro u dhaxaysa {low} iyo {high}",
        "Your answer must be {n} characters or fewer": "Jawaabtaadu waa inay ahaataa {n} xaraf ama ka yar",
        "Not ranked": "Lama kala horraysiin",
        "Rank for {label}": "Darajada {label}",
        "Give each rank only once: {rank} is used more than once": "Darajo kasta hal mar keliya bixi: {rank} in ka badan hal mar ayaa la isticmaalay",
        "Use the ranks 1, 2, 3 and so on without leaving a gap": "Isticmaal darajooyinka 1, 2, 3 iyo wixii ka dambeeya adigoon mid ka boodin",
        "Choose '{label}' on its own, or the other answers without it": "Dooro '{label}' keligeed, ama jawaabaha kale iyada la'aanteed",
        "Choose a rank for each one you want to rank: 1 is the most important.": "Dooro daraja mid kasta oo aad rabto inaad kala horraysiiso: 1 waa midka ugu muhiimsan.",
        "Language": "Luqadda",
        "Start the survey": "Bilow sahanka",
        "Choose your language": "Dooro luqaddaada",
        "Use this language": "Isticmaal luqaddan",
        # The intro page's privacy notes and the thank-you page
        "This survey is for {audience}. It takes about {minutes} minutes.": "Sahankan waxaa loogu talagalay {audience}. Wuxuu qaadanayaa qiyaastii {minutes} daqiiqo.",
        "You are answering as part of {setting}.": "Waxaad uga jawaabaysaa qayb ahaan {setting}.",
        "Before you start": "Intaadan bilaabin",
        "It is anonymous.": "Magac la'aan buu yahay.",
        "We do not ask your name and you do not need an account. We do not keep your internet address, details of your phone or browser, or the time you answered: only the date.": "Magacaaga nama weydiinno, koontona uma baahnid. Ma kaydinno cinwaankaaga internetka, faahfaahinta taleefankaaga ama biraawsarkaaga, ama waqtiga aad ka jawaabtay: taariikhda oo keliya.",
        "Leave it blank and press Continue. If you skip every question, nothing is kept.": "Bannaan uga tag oo riix Sii wad. Haddii aad ka booddo su'aal kasta, waxba lama kaydiyo.",
        "You can stop at any time.": "Waad joojin kartaa waqti kasta.",
        "Nothing is counted until you press \"Send my answers\" at the end. Until then your answers wait on our computer, not on your phone, under a random code that only your browser knows. They are deleted when you send them, when you press \"Exit this page\", or {hours} hours after you last pressed Continue.": "Waxba lama tiriyo ilaa aad dhammaadka ku riixdo \"Dir jawaabahayga\". Ilaa markaas jawaabahaagu waxay ku jiraan kombiyuutarkayaga, ee ma aha taleefankaaga, iyagoo hoos yaal koodh aan kala sooc lahayn oo biraawsarkaaga oo keliya yaqaan. Waa la tirtiraa marka aad dirto, marka aad riixdo \"Exit this page\", ama {hours} saacadood kadib markii ugu dambaysay ee aad riixday Sii wad.",
        "How we use your answers:": "Sida aan u isticmaalno jawaabahaaga:",
        "the Violence Reduction Network adds everyone's answers together to understand how safe people feel and to decide what to do. Only totals are ever shown. Groups of fewer than {threshold} people are hidden, and small random changes are added to the numbers, so nobody can be picked out, even by comparing tables.": "Violence Reduction Network waxay isku daraysaa jawaabaha qof walba si ay u fahanto sida ammaan ahaan ay dadku u dareemaan iyo si ay u go'aamiso waxa la samaynayo. Wadarta oo keliya ayaa la muujiyaa. Kooxaha ka yar {threshold} qof waa la qariyaa, tirooyinkana isbeddel yar oo aan kala sooc lahayn ayaa lagu daraa, si aan qofna loo garan, xitaa haddii jaantusyada la isbarbardhigo.",
        "After you finish,": "Markaad dhammayso,",
        "the help we suggest is shown to you once and not kept. A small cookie remembers that this browser has answered, so the survey is not filled in twice; it holds nothing about you or your answers.": "caawimaadda aan soo jeedinno hal mar ayaa laguu muujiyaa, lamana kaydiyo. Cookie yar ayaa xasuusata in biraawsarkan uu horay uga jawaabay, si sahanka aan laba jeer loo buuxin; waxba kagama jiraan adiga ama jawaabahaaga.",
        "More detail is in our {link}.": "Faahfaahin dheeraad ah waxay ku jirtaa {link}.",
        "privacy notice": "ogeysiiskayaga asturnaanta",
        "Some questions are about knives and violence. If anything upsets you, you can talk to Childline for free on {number}, day or night.": "Su'aalaha qaarkood waxay ku saabsan yihiin mindiyo iyo rabshado. Haddii wax ku xanaajiyaan, waxaad bilaash ugala hadli kartaa Childline {number}, habeen iyo maalin.",
        "You have already answered this survey on this device. Thank you.": "Sahankan horay ayaad uga jawaabtay qalabkan. Mahadsanid.",
        "Thank you": "Mahadsanid",
        "Your answers have been sent. They help us understand how safe people feel in Leicester, Leicestershire and Rutland, and what would make things better.": "Jawaabahaaga waa la diray. Waxay naga caawiyaan inaan fahanno sida ammaan ahaan ay dadku u dareemaan Leicester, Leicestershire iyo Rutland, iyo waxa xaaladda ka dhigi lahaa mid ka wanaagsan.",
        "Help is always there": "Caawimaadi had iyo jeer way jirtaa",
        "If you are in danger now, call {number}.": "Haddii aad hadda khatar ku jirto, wac {number}.",
        "Childline, free and private, day or night: {number}.": "Childline, bilaash iyo qarsoodi, habeen iyo maalin: {number}.",
        "To report a crime without giving your name: Crimestoppers on {number}, or its youth service Fearless, which has an anonymous online form.": "Si aad u soo sheegto dembi adigoon magacaaga bixin: Crimestoppers {number}, ama adeeggooda dhallinyarada ee Fearless, oo leh foom online ah oo magac la'aan ah.",
        "To talk about anything that is getting to you: Samaritans on {number}, or text SHOUT to {text}.": "Si aad uga hadasho wax kasta oo ku dhibaya: Samaritans {number}, ama u dir fariin ah SHOUT {text}.",
        "To talk to the police when it is not an emergency, call {number}.": "Si aad ula hadasho booliska marka aysan ahayn xaalad degdeg ah, wac {number}.",
        "More ways to get help": "Siyaabo kale oo caawimaad loo helo",
    },
    "ar": {
        "Continue": "متابعة",
        "Back": "رجوع",
        "Send my answers": "أرسل إجاباتي",
        "{title}: part {position} of {total}": "{title}: الجزء {position} من {total}",
        "You can skip any question.": "يمكنك تخطي أي سؤال.",
        "You can skip any question not marked as required.": "يمكنك تخطي أي سؤال غير مكتوب بجانبه أنه مطلوب.",
        "required": "مطلوب",
        "There is a problem": "توجد مشكلة",
        "Error:": "خطأ:",
        "Answer this question": "أجب عن هذا السؤال",
        "Enter a whole number, like 3": "اكتب عددًا صحيحًا، مثل 3",
        "Enter a number from {low} to {high}": "اكتب عددًا من {low} إلى {high}",
        "Your answer must be {n} characters or fewer": "يجب ألا تزيد إجابتك عن {n} حرفًا",
        "Not ranked": "بلا ترتيب",
        "Rank for {label}": "ترتيب {label}",
        "Give each rank only once: {rank} is used more than once": "استخدم كل رقم ترتيب مرة واحدة فقط: الرقم {rank} مستخدم أكثر من مرة",
        "Use the ranks 1, 2, 3 and so on without leaving a gap": "استخدم أرقام الترتيب 1، 2، 3 وهكذا دون ترك أي رقم",
        "Choose '{label}' on its own, or the other answers without it": "اختر '{label}' وحدها، أو الإجابات الأخرى من دونها",
        "Choose a rank for each one you want to rank: 1 is the most important.": "اختر رقم ترتيب لكل ما تريد ترتيبه: 1 هو الأهم.",
        "Language": "اللغة",
        "Start the survey": "ابدأ الاستبيان",
        "Choose your language": "اختر لغتك",
        "Use this language": "استخدم هذه اللغة",
        # The intro page's privacy notes and the thank-you page
        "This survey is for {audience}. It takes about {minutes} minutes.": "هذا الاستبيان مخصص لـ {audience}. يستغرق حوالي {minutes} دقيقة.",
        "You are answering as part of {setting}.": "أنت تجيب كجزء من {setting}.",
        "Before you start": "قبل أن تبدأ",
        "It is anonymous.": "الاستبيان مجهول الهوية.",
        "We do not ask your name and you do not need an account. We do not keep your internet address, details of your phone or browser, or the time you answered: only the date.": "لا نسأل عن اسمك ولا تحتاج إلى حساب. لا نحتفظ بعنوان الإنترنت الخاص بك، أو تفاصيل هاتفك أو متصفحك، أو وقت إجابتك: التاريخ فقط.",
        "Leave it blank and press Continue. If you skip every question, nothing is kept.": "اتركه فارغًا واضغط متابعة. إذا تخطيت كل الأسئلة، فلن يُحفظ شيء.",
        "You can stop at any time.": "يمكنك التوقف في أي وقت.",
        "Nothing is counted until you press \"Send my answers\" at the end. Until then your answers wait on our computer, not on your phone, under a random code that only your browser knows. They are deleted when you send them, when you press \"Exit this page\", or {hours} hours after you last pressed Continue.": "لا يُحسب أي شيء حتى تضغط \"أرسل إجاباتي\" في النهاية. وحتى ذلك الحين تبقى إجاباتك على حاسوبنا، لا على هاتفك، تحت رمز عشوائي لا يعرفه إلا متصفحك. تُحذف عندما ترسلها، أو عندما تضغط \"Exit this page\"، أو بعد {hours} ساعة من آخر مرة ضغطت فيها متابعة.",
        "How we use your answers:": "كيف نستخدم إجاباتك:",
        "the Violence Reduction Network adds everyone's answers together to understand how safe people feel and to decide what to do. Only totals are ever shown. Groups of fewer than {threshold} people are hidden, and small random changes are added to the numbers, so nobody can be picked out, even by comparing tables.": "تجمع Violence Reduction Network (شبكة الحد من العنف) إجابات الجميع معًا لتفهم مدى شعور الناس بالأمان وتقرر ما يجب فعله. لا تُعرض إلا المجاميع. تُخفى المجموعات التي تضم أقل من {threshold} أشخاص، وتُضاف تغييرات عشوائية صغيرة إلى الأرقام، حتى لا يمكن التعرف على أحد، ولو بمقارنة الجداول.",
        "After you finish,": "بعد أن تنتهي،",
        "the help we suggest is shown to you once and not kept. A small cookie remembers that this browser has answered, so the survey is not filled in twice; it holds nothing about you or your answers.": "تُعرض عليك المساعدة التي نقترحها مرة واحدة ولا تُحفظ. يتذكر ملف تعريف ارتباط (cookie) صغير أن هذا المتصفح قد أجاب، حتى لا يُملأ الاستبيان مرتين؛ ولا يحتوي على أي شيء عنك أو عن إجاباتك.",
        "More detail is in our {link}.": "مزيد من التفاصيل في {link}.",
        "privacy notice": "إشعار الخصوصية",
        "Some questions are about knives and violence. If anything upsets you, you can talk to Childline for free on {number}, day or night.": "بعض الأسئلة عن السكاكين والعنف. إذا أزعجك أي شيء، يمكنك التحدث إلى Childline مجانًا على الرقم {number}، ليلًا أو نهارًا.",
        "You have already answered this survey on this device. Thank you.": "لقد أجبت على هذا الاستبيان من هذا الجهاز من قبل. شكرًا لك.",
        "Thank you": "شكرًا لك",
        "Your answers have been sent. They help us understand how safe people feel in Leicester, Leicestershire and Rutland, and what would make things better.": "تم إرسال إجاباتك. إنها تساعدنا على فهم مدى شعور الناس بالأمان في Leicester وLeicestershire وRutland، وما الذي يمكن أن يحسّن الأوضاع.",
        "Help is always there": "المساعدة متاحة دائمًا",
        "If you are in danger now, call {number}.": "إذا كنت في خطر الآن، اتصل بالرقم {number}.",
        "Childline, free and private, day or night: {number}.": "Childline، مجاني وسري، ليلًا أو نهارًا: {number}.",
        "To report a crime without giving your name: Crimestoppers on {number}, or its youth service Fearless, which has an anonymous online form.": "للإبلاغ عن جريمة دون ذكر اسمك: Crimestoppers على الرقم {number}، أو خدمتها للشباب Fearless، التي لديها نموذج مجهول على الإنترنت.",
        "To talk about anything that is getting to you: Samaritans on {number}, or text SHOUT to {text}.": "للتحدث عن أي شيء يضايقك: Samaritans على الرقم {number}، أو أرسل رسالة SHOUT إلى {text}.",
        "To talk to the police when it is not an emergency, call {number}.": "للتحدث إلى الشرطة في غير حالات الطوارئ، اتصل بالرقم {number}.",
        "More ways to get help": "طرق أخرى للحصول على المساعدة",
    },
}


def say(lang: str | None, english: str, **values) -> str:
    """The answering pages' words in lang (English when lang is English or the words are missing)."""
    return UI.get(lang or ENGLISH, {}).get(english, english).format(**values)


def say_with_links(lang: str | None, english: str, **values) -> Markup:
    """Like say, for a sentence with a link or bold words inside: the words are escaped, and each value
    is escaped too unless it is Markup the template made (a link)."""
    return escape(UI.get(lang or ENGLISH, {}).get(english, english)).format(**values)


def languages(definition: dict) -> list[str]:
    return list(definition.get("languages") or [ENGLISH])


def direction(lang: str | None) -> str:
    return LANGUAGES.get(lang or ENGLISH, LANGUAGES[ENGLISH]).direction


def _fail(source: str, message: str):
    from livesafe.surveys.definitions import DefinitionError

    raise DefinitionError(f"{source}: {message}")


def check(data: dict, source: str) -> None:
    """The shape of languages and translations (completeness is `missing`): unknown languages, codes
    and values are refused, since they would be typos that never show."""
    from livesafe.surveys import definitions as defs

    langs = data.get("languages")
    if langs is None:
        if data.get("translations"):
            _fail(source, "translations need a 'languages' list, English first")
        return
    if not isinstance(langs, list) or not langs or langs[0] != ENGLISH or len(set(langs)) != len(langs):
        _fail(source, "languages must be a list of different languages with English (en) first")
    unknown = [lang for lang in langs if lang not in LANGUAGES]
    if unknown:
        _fail(source, f"unknown languages {unknown} (offered: {', '.join(LANGUAGES)})")
    translations = data.setdefault("translations", {})
    if not isinstance(translations, dict) or not set(translations) <= set(langs[1:]):
        _fail(source, "translations must be keyed by the languages listed after English")
    questions = defs.question_map(data)
    signposts = {s["key"] for s in data.get("signposts", [])}
    for lang, words in translations.items():
        where = f"translation '{lang}'"
        if not isinstance(words, dict) or not set(words) <= {"title", "audience", "pages", "questions", "signposts"}:
            _fail(source, f"{where}: only title, audience, pages, questions and signposts can be translated")
        pages = words.get("pages", [])
        if not isinstance(pages, list) or len(pages) > len(data["pages"]) or any(
                not isinstance(p, dict) or not set(p) <= {"title", "intro"} for p in pages):
            _fail(source, f"{where}: pages must be a list, in page order, of title and intro")
        for code, texts in (words.get("questions") or {}).items():
            q = questions.get(code)
            if q is None or not isinstance(texts, dict):
                _fail(source, f"{where}: there is no question '{code}'")
            if not set(texts) <= {"text", "hint", "options", "scale", "statements"}:
                _fail(source, f"{where}: question '{code}' has unknown keys {sorted(set(texts) - {'text', 'hint', 'options', 'scale', 'statements'})}")
            values = {v for v, _ in defs.choices(q)} if "options" in q else set()
            if not set(texts.get("options") or {}) <= values:
                _fail(source, f"{where}: question '{code}' has no option {sorted(set(texts['options']) - values)}")
            statements = {s["code"] for s in q.get("statements", [])}
            if not set(texts.get("statements") or {}) <= statements:
                _fail(source, f"{where}: question '{code}' has no statement {sorted(set(texts['statements']) - statements)}")
            if "scale" in texts and len(texts["scale"] or []) != len(q.get("scale") or []):
                _fail(source, f"{where}: question '{code}' needs one translated label for each point of its scale")
        if not set(words.get("signposts") or {}) <= signposts:
            _fail(source, f"{where}: unknown signposts {sorted(set(words['signposts']) - signposts)}")


def _blank(text) -> bool:
    return not str(text or "").strip()


def pieces(definition: dict):
    """Every piece of English to translate, in order, as (path, English): the path names where its
    translation sits in translations[lang], e.g. ("questions", "age", "options", "11-13")."""
    from livesafe.surveys import definitions as defs

    yield ("title",), definition["title"]
    yield ("audience",), definition["audience"]
    for index, page in enumerate(definition["pages"]):
        yield ("pages", index, "title"), page["title"]
        if page.get("intro"):
            yield ("pages", index, "intro"), page["intro"]
    for q in defs.questions(definition):
        code = q["code"]
        yield ("questions", code, "text"), q["text"]
        if q.get("hint"):
            yield ("questions", code, "hint"), q["hint"]
        if "options" in q:
            for value, label in defs.choices(q):
                yield ("questions", code, "options", value), label
        elif "scale" in q:
            for index, label in enumerate(q["scale"]):
                yield ("questions", code, "scale", index), label
        for statement in q.get("statements", []):
            yield ("questions", code, "statements", statement["code"]), statement["text"]
    for signpost in definition.get("signposts", []):
        yield ("signposts", signpost["key"], "title"), signpost["title"]
        if signpost.get("text"):
            yield ("signposts", signpost["key"], "text"), signpost["text"]


def lookup(words: dict, path: tuple):
    """The translation at path in one language's translations, or None."""
    here = words
    for step in path:
        if isinstance(here, dict):
            here = here.get(step)
        elif isinstance(here, list) and isinstance(step, int) and step < len(here):
            here = here[step]
        else:
            return None
    return here if isinstance(here, str) else None


def put(words: dict, path: tuple, text: str | None) -> None:
    """Set (or, with None, clear) the translation at path."""
    here = words
    for step, following in zip(path, path[1:]):
        if isinstance(here, list):
            while len(here) <= step:
                here.append({})
            here = here[step]
        else:
            here = here.setdefault(step, [] if isinstance(following, int) and step in ("pages", "scale") else {})
    last = path[-1]
    if isinstance(here, list):
        while len(here) <= last:
            here.append("")
        here[last] = text or ""
    elif text:
        here[last] = text
    else:
        here.pop(last, None)


def missing(definition: dict, lang: str) -> list[str]:
    """The English of every piece not yet translated into lang (empty when complete)."""
    if lang == ENGLISH:
        return []
    words = (definition.get("translations") or {}).get(lang) or {}
    return [english for path, english in pieces(definition) if _blank(lookup(words, path))]


def incomplete(definition: dict) -> dict[str, int]:
    """Languages of the definition with something untranslated, and how many pieces."""
    return {lang: len(gaps) for lang in languages(definition)[1:] if (gaps := missing(definition, lang))}


def localise(definition: dict, lang: str | None) -> dict:
    """A copy of the definition with its words in lang (option values unchanged); English as it is."""
    if not lang or lang == ENGLISH:
        return definition
    words = (definition.get("translations") or {}).get(lang) or {}
    copy = deepcopy(definition)
    from livesafe.surveys import definitions as defs

    questions = defs.question_map(copy)
    for path, _english in pieces(definition):
        text = lookup(words, path)
        if _blank(text):
            continue
        if path[0] in ("title", "audience"):
            copy[path[0]] = text
        elif path[0] == "pages":
            copy["pages"][path[1]][path[2]] = text
        elif path[0] == "questions":
            q = questions[path[1]]
            if path[2] in ("text", "hint"):
                q[path[2]] = text
            elif path[2] == "options":
                next(o for o in q["options"] if o["value"] == path[3])["label"] = text
            elif path[2] == "scale":
                q["scale"][path[3]] = text
            else:
                next(s for s in q["statements"] if s["code"] == path[3])["text"] = text
        else:
            next(s for s in copy["signposts"] if s["key"] == path[1])[path[2]] = text
    return copy
