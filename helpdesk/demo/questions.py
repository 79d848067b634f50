"""Demo forum threads (written for this project; the bank and its systems are invented).

Each question: ``key`` (kept as ``external_id`` "demo:question:<key>"), ``author`` (a key of
``people.PEOPLE``), title, body, tags, lang, ``days_ago``, ``votes`` (people voting it up, or ``{key: -1}``
for a down vote), ``answers`` and optionally ``duplicate_of`` (another question's key) with ``closed_by``.
Each answer: author, body, ``hours_later`` (after the question), ``accepted``, ``votes``.
"""

QUESTIONS = [
    {
        "key": "vpn-drops-hourly",
        "author": "tom",
        "title": "VPN disconnects every hour when I work from home",
        "lang": "en",
        "tags": ["vpn", "remote-work"],
        "days_ago": 9,
        "votes": ["erik", "priya"],
        "body": """\
Since Monday my VPN connection drops roughly once an hour and I have to approve the sign-in on my phone
again. I'm on my home Wi-Fi; the rest of my team doesn't seem to have this.

Is there anything I can check myself before I call the service desk?""",
        "answers": [
            {
                "author": "jonas",
                "hours_later": 2,
                "accepted": True,
                "votes": ["tom", "priya", "anna"],
                "body": """\
Drops on the hour almost always mean the laptop still has the old *Bank-Remote* profile, which has a
one-hour session limit.

1. Open the VPN client (the shield in the system tray).
2. **Settings → Profiles**: remove *Bank-Remote*, keep *Bank-Secure*.
3. Restart the laptop and connect again.

The whole checklist is on [[Connecting to the VPN]].""",
            },
            {
                "author": "priya",
                "hours_later": 5,
                "votes": ["tom"],
                "body": """\
I had the same symptom and it turned out to be my router's "eco" Wi-Fi mode, which cut idle connections.
Worth checking if removing the profile doesn't help.""",
            },
        ],
    },
    {
        "key": "new-phone-authenticator",
        "author": "anna",
        "title": "Ny telefon – hur flyttar jag Authenticator-appen?",
        "lang": "sv",
        "tags": ["mfa", "telefon"],
        "days_ago": 14,
        "votes": ["sara"],
        "body": """\
Jag har fått en ny jobbtelefon och den gamla ska lämnas in på fredag. Hur flyttar jag inloggningen i
Authenticator utan att bli utelåst?""",
        "answers": [
            {
                "author": "maria",
                "hours_later": 1,
                "accepted": True,
                "votes": ["anna", "sara"],
                "body": """\
Gör det medan du fortfarande har den gamla telefonen:

1. Gå till **Mina inloggningar → Säkerhetsinformation** i webbläsaren.
2. Välj **Lägg till inloggningsmetod → Authenticator-app** och skanna koden med den nya telefonen.
3. Gör den nya telefonen till standardmetod och ta sedan bort den gamla.

Mer om detta på [[Passwords and multi-factor authentication]].""",
            },
        ],
    },
    {
        "key": "printer-card-not-recognised",
        "author": "priya",
        "title": "Printer says my card is not recognised",
        "lang": "en",
        "tags": ["printers", "access-card"],
        "days_ago": 21,
        "votes": [],
        "body": """\
I've just got a replacement access card and now the printers on floor 4 say *card not recognised*.
Printing worked fine with the old card. Do I need to order something?""",
        "answers": [
            {
                "author": "jonas",
                "hours_later": 3,
                "accepted": True,
                "votes": ["priya"],
                "body": """\
No need to order anything: a new card has a new number, so it has to be linked to you once. Hold it on the
reader, sign in with your user name and printing PIN when asked, and it works from then on.
Steps and pictures: [[Printing on the follow-me printers]].""",
            },
        ],
    },
    {
        "key": "teams-guests-lobby",
        "author": "erik",
        "title": "External guests are stuck in the Teams lobby",
        "lang": "en",
        "tags": ["teams", "meetings"],
        "days_ago": 6,
        "votes": ["tom"],
        "body": """\
I host a weekly Teams meeting with two people from our auditor. They always end up waiting in the lobby and I
have to let them in one by one. Can I change the meeting so they join directly?""",
        "answers": [
            {
                "author": "maria",
                "hours_later": 4,
                "votes": ["erik"],
                "body": """\
Not for people outside the bank, I'm afraid: the lobby for external guests is a security setting for the
whole bank and cannot be changed per meeting. What helps is making a colleague **co-organiser** (Meeting
options → Roles), so someone can admit the guests when you are late.
See [[Teams: möten, chatt och kanaler]].""",
            },
        ],
    },
    {
        "key": "expense-payout",
        "author": "sara",
        "title": "Hur lång tid tar det innan ett utlägg betalas ut?",
        "lang": "sv",
        "tags": ["utlägg"],
        "days_ago": 12,
        "votes": [],
        "body": """\
Jag skickade in ett utlägg för en tågresa för två veckor sedan och min chef har attesterat det, men jag har
inte fått några pengar. Hur lång tid brukar det ta?""",
        "answers": [
            {
                "author": "karin",
                "hours_later": 6,
                "accepted": True,
                "votes": ["sara", "anna"],
                "body": """\
Utlägg som är attesterade senast den 10:e betalas ut med nästa lön, annars med lönen månaden därpå. Ditt
kommer alltså troligen med lönen den 25:e nästa månad. Se [[Utlägg och reseräkningar]].""",
            },
        ],
    },
    {
        "key": "shared-mailbox-missing",
        "author": "tom",
        "title": "Shared mailbox doesn't show up in Outlook",
        "lang": "en",
        "tags": ["outlook", "shared-mailbox"],
        "days_ago": 17,
        "votes": ["priya"],
        "body": """\
I was given access to the *payments-support* mailbox yesterday but it doesn't appear in Outlook.
Outlook on the web shows it fine. What am I missing?""",
        "answers": [
            {
                "author": "maria",
                "hours_later": 1,
                "accepted": True,
                "votes": ["tom"],
                "body": """\
Close Outlook completely (right-click the tray icon → **Exit**) and start it again; it picks up new mailboxes
only at start-up. If it is still missing, add it by hand under **File → Account settings → Change → More
settings → Advanced → Add**. Details on [[Outlook: using a shared mailbox]].""",
            },
        ],
    },
    {
        "key": "wifi-private-phone",
        "author": "priya",
        "title": "Which Wi-Fi should I use for my personal phone?",
        "lang": "en",
        "tags": ["wifi"],
        "days_ago": 27,
        "votes": [],
        "body": "My personal phone can't join Bank-Corp. Is there a network for private devices here?",
        "answers": [
            {
                "author": "jonas",
                "hours_later": 2,
                "votes": ["priya", "sara"],
                "body": """\
Yes: **Bank-Guest**. Accept the terms in the browser and it works for 24 hours. Bank-Corp only lets in devices
the bank manages. The networks are listed on [[Wi-Fi på kontoret]].""",
            },
        ],
    },
    {
        "key": "install-text-editor",
        "author": "erik",
        "title": "Kan jag installera en annan texteditor?",
        "lang": "sv",
        "tags": ["software-request"],
        "days_ago": 33,
        "votes": [],
        "body": """\
Jag behöver en texteditor som klarar stora loggfiler; Anteckningar hänger sig.
Får jag installera något själv?""",
        "answers": [
            {
                "author": "maria",
                "hours_later": 3,
                "accepted": True,
                "votes": ["erik"],
                "body": """\
Själv går det inte, men Notepad++ finns i **Software Center** och installeras direkt utan godkännande.
Behöver du något som inte finns där, beställ det enligt [[Requesting software]].""",
            },
        ],
    },
    {
        "key": "salary-details-email",
        "author": "anna",
        "title": "E-mail asks me to confirm my salary details: phishing?",
        "lang": "en",
        "tags": ["phishing", "email"],
        "days_ago": 4,
        "votes": ["tom", "erik", "sara"],
        "body": """\
I got an e-mail that looks like it's from Payroll, asking me to "confirm my salary account within 24 hours"
via a link. The sender is *payroll-update@bank-hr-services.com*. Is this real?""",
        "answers": [
            {
                "author": "jonas",
                "hours_later": 1,
                "accepted": True,
                "votes": ["anna", "priya", "erik", "tom"],
                "body": """\
That is phishing: Payroll never writes from an outside address and never asks you to confirm account details
by link. Don't click it; use **Report → Phishing** in Outlook so IT Security can remove it from everyone's
inbox. If you already clicked, call extension 4000. See [[Reporting phishing]].""",
            },
        ],
    },
    {
        "key": "laptop-replacement-when",
        "author": "sara",
        "title": "When is my laptop due for replacement?",
        "lang": "en",
        "tags": ["laptop"],
        "days_ago": 2,
        "votes": [],
        "body": """\
My laptop is five years old and the battery lasts about an hour. How do I find out when it will be replaced,
and can I ask for it earlier?""",
        "answers": [],
    },
    {
        "key": "move-files-new-laptop",
        "author": "priya",
        "title": "How do I move my files to my new laptop?",
        "lang": "en",
        "tags": ["laptop", "onedrive"],
        "days_ago": 38,
        "votes": ["anna"],
        "body": "I'm getting a new laptop next week. Will my files come along, or do I have to copy them?",
        "answers": [
            {
                "author": "jonas",
                "hours_later": 5,
                "accepted": True,
                "votes": ["priya"],
                "body": """\
Anything in OneDrive and Teams comes along by itself. Files only on the old laptop (desktop, Downloads,
`C:\\Temp`) don't: move them into OneDrive before the swap and wait until they show as synced.
The full list is on [[Your new laptop: the first day]].""",
            },
        ],
    },
    {
        "key": "vpn-hotel-wifi",
        "author": "anna",
        "title": "VPN fungerar inte på hotellets wifi",
        "lang": "sv",
        "tags": ["vpn", "resor"],
        "days_ago": 8,
        "votes": [],
        "body": """\
Jag är på konferens och kommer ut på internet via hotellets wifi, men VPN:en står bara och försöker ansluta.
Hemma fungerar den som vanligt.""",
        "answers": [
            {
                "author": "jonas",
                "hours_later": 1,
                "votes": ["anna"],
                "body": """\
Många hotell kräver att du först godkänner villkoren på deras inloggningssida. Öppna en webbsida (t.ex.
http://example.com) så att sidan visas, godkänn, och anslut sedan VPN:en igen. Hjälper inte det kan du dela
internet från jobbtelefonen. Se [[Connecting to the VPN]].""",
            },
        ],
    },
    {
        "key": "locked-after-password-change",
        "author": "erik",
        "title": "Account keeps locking after I changed my password",
        "lang": "en",
        "tags": ["password", "account"],
        "days_ago": 19,
        "votes": ["anna"],
        "body": """\
I changed my password this morning and since then my account has been locked three times. Each time it opens
again after a while. What is going on?""",
        "answers": [
            {
                "author": "maria",
                "hours_later": 1,
                "accepted": True,
                "votes": ["erik", "tom"],
                "body": """\
Something still has your old password and keeps trying it: most often the mail app on your phone, or a saved
password for a mapped drive (**Credential Manager** in Windows). Update or remove it; the lock releases itself
after 15 minutes. More on [[Passwords and multi-factor authentication]].""",
            },
            {
                "author": "tom",
                "hours_later": 3,
                "votes": [],
                "body": "For me it was an old laptop in a drawer, still switched on and syncing mail.",
            },
        ],
    },
    {
        "key": "teams-status-away",
        "author": "tom",
        "title": "Teams shows me as Away while I'm presenting",
        "lang": "en",
        "tags": ["teams"],
        "days_ago": 1,
        "votes": [],
        "body": """\
When I share my screen for a long time, colleagues see me as *Away* even though I'm obviously in the meeting.
Can I stop that?""",
        "answers": [],
    },
    {
        "key": "print-from-private-laptop",
        "author": "sara",
        "title": "Kan jag skriva ut från min privata dator?",
        "lang": "sv",
        "tags": ["printers"],
        "days_ago": 24,
        "votes": [],
        "body": "Jag jobbar ibland på min egen dator hemma. Kan jag skriva ut på kontorets skrivare då?",
        "answers": [
            {
                "author": "jonas",
                "hours_later": 2,
                "accepted": True,
                "votes": ["sara"],
                "body": """\
Nej, skrivarna tar bara emot jobb från bankens datorer, av säkerhetsskäl. Spara dokumentet i OneDrive och
skriv ut det från jobbdatorn nästa gång du är på kontoret. Se [[Printing on the follow-me printers]].""",
            },
        ],
    },
    {
        "key": "lost-phone-mfa",
        "author": "anna",
        "title": "Lost my phone and can't sign in",
        "lang": "en",
        "tags": ["mfa", "telefon"],
        "days_ago": 30,
        "votes": ["erik"],
        "body": """\
I left my work phone on the train and now I can't approve sign-ins. I'm writing this from a colleague's
laptop. What should I do?""",
        "answers": [
            {
                "author": "maria",
                "hours_later": 0.5,
                "accepted": True,
                "votes": ["anna"],
                "body": """\
Call the service desk on extension **4000**. We check who you are and give you a temporary access pass that
works for eight hours, and we block the lost phone. When you get a new phone, add it as described on
[[Passwords and multi-factor authentication]].""",
            },
        ],
    },
    {
        "key": "vpn-keeps-dropping",
        "author": "priya",
        "title": "VPN keeps dropping at home",
        "lang": "en",
        "tags": ["vpn"],
        "days_ago": 3,
        "votes": [],
        "body": """\
Every 60 minutes or so the VPN disconnects and I have to approve it on my phone again. Is this a known
problem?""",
        "answers": [],
        "duplicate_of": "vpn-drops-hourly",
        "closed_by": "jonas",
    },
    {
        "key": "excel-addin-missing",
        "author": "tom",
        "title": "Excel add-in for the risk model disappeared after an update",
        "lang": "en",
        "tags": ["excel", "software-request"],
        "days_ago": 11,
        "votes": [],
        "body": """\
After last week's Office update the *RiskCalc* tab is gone from Excel. Colleagues still have it. I need it for
the month-end report.""",
        "answers": [
            {
                "author": "jonas",
                "hours_later": 4,
                "votes": ["tom"],
                "body": """\
Office sometimes disables an add-in that was slow to start. In Excel: **File → Options → Add-ins**, choose
*COM Add-ins* at the bottom, click **Go** and tick *RiskCalc* again. If it is not in the list, reinstall it
from Software Center.""",
            },
        ],
    },
    {
        "key": "out-of-office-outlook",
        "author": "erik",
        "title": "Hur lägger jag in ett frånvaromeddelande i Outlook?",
        "lang": "sv",
        "tags": ["outlook"],
        "days_ago": 15,
        "votes": [],
        "body": "Jag går på semester nästa vecka. Var ställer jag in automatiska svar?",
        "answers": [
            {
                "author": "maria",
                "hours_later": 2,
                "accepted": True,
                "votes": ["erik", "sara"],
                "body": """\
**Arkiv → Automatiska svar**. Välj *Skicka automatiska svar*, kryssa i *Skicka bara under den här perioden*
och fyll i datumen. Skriv gärna ett eget svar till personer utanför banken under fliken *Utanför min
organisation*.""",
            },
        ],
    },
    {
        "key": "headset-teams-no-sound",
        "author": "priya",
        "title": "Headset works everywhere except in Teams calls",
        "lang": "en",
        "tags": ["teams", "headset"],
        "days_ago": 0.2,
        "votes": [],
        "body": """\
My new USB headset plays YouTube fine, but in Teams calls nobody can hear me and I hear nothing.
I've unplugged it and plugged it in again.""",
        "answers": [],
    },
]
