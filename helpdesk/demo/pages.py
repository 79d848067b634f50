"""Demo wiki pages of a bank's IT helpdesk (written for this project; the bank and its systems are invented).

Each page: ``key`` (kept as ``external_id`` "demo:page:<key>"), ``author`` (a key of ``people.PEOPLE``),
title, path, lang, tags, ``days_ago`` (when it was written) and a Markdown body that may link
``[[Other page]]``.
"""

PAGES = [
    {
        "key": "vpn",
        "author": "jonas",
        "title": "Connecting to the VPN",
        "path": "network/vpn",
        "lang": "en",
        "tags": ["vpn", "remote-work", "network"],
        "days_ago": 60,
        "body": """\
Use the VPN whenever you work outside a bank office: at home, at a hotel or on the train. Inside an office
you are already on the bank's network and do not need it.

## Connect

1. Click the **shield icon** in the system tray (bottom right, next to the clock).
2. Choose **Connect**. The profile should read *Bank-Secure*.
3. Approve the sign-in in the Authenticator app on your phone
   (see [[Passwords and multi-factor authentication]]).

The shield turns green when you are connected. The connection lasts ten hours; after that you are asked to
approve it again.

## When it drops or will not connect

- **It drops about once an hour**: your laptop may still have the old *Bank-Remote* profile. Open the VPN
  client, go to **Settings → Profiles**, remove *Bank-Remote* and restart the laptop.
- **Hotel or train Wi-Fi**: open a web page first and accept the network's terms; the VPN cannot connect
  through a sign-in portal.
- **"Certificate expired"**: connect the laptop to the network in an office (or to the VPN with a cable at
  home) for 30 minutes so it can renew its certificate.
- Home routers with "green" or power-saving Wi-Fi modes sometimes cut idle connections. Turn the mode off.

Still stuck? Ask in the forum with the tag `vpn`, or call the service desk on extension **4000**.
See also [[Wi-Fi på kontoret]].
""",
    },
    {
        "key": "mfa",
        "author": "maria",
        "title": "Passwords and multi-factor authentication",
        "path": "accounts/passwords-and-mfa",
        "lang": "en",
        "tags": ["password", "mfa", "security"],
        "days_ago": 58,
        "body": """\
Your bank account (the one you sign in to Windows, Outlook and Teams with) is protected by a password **and**
a second factor: the Authenticator app on your work phone.

## Password rules

- At least 14 characters. A sentence of four or five ordinary words is easier to remember than `P@ssw0rd!`.
- You are asked to change it every 180 days. Change it at **Ctrl+Alt+Del → Change a password** while
  connected to the office network or the VPN.
- Never reuse your bank password anywhere else, and never tell it to anyone, the service desk included.
  We will never ask for it.

## After a password change

Old copies of the password keep trying in the background and can lock your account: the mail app on your
phone, saved credentials for mapped drives, a second laptop. Update them straight away.
A locked account opens again by itself after 15 minutes.

## New phone

Move the Authenticator **before** you hand in the old phone:

1. Go to **My sign-ins → Security info** in the browser.
2. Choose **Add sign-in method → Authenticator app** and scan the code with the new phone.
3. Make the new phone the default method, then delete the old one.

Lost the phone? Call the service desk on extension **4000**. We check who you are and give you a temporary
access pass that works for eight hours.

Suspicious sign-in requests you did not start: deny them and follow [[Reporting phishing]].
""",
    },
    {
        "key": "printers",
        "author": "jonas",
        "title": "Printing on the follow-me printers",
        "path": "office/printers",
        "lang": "en",
        "tags": ["printers", "office"],
        "days_ago": 55,
        "body": """\
All office printers are *follow-me* printers: you print to the single queue **FollowMe**, then collect the
pages at any printer in any office by holding your access card on the reader.

## First time, or with a new card

1. Hold the card on the reader.
2. The printer says the card is unknown and asks you to sign in: type your user name and your printing PIN
   (you set the PIN at **Printing portal → My card**).
3. The card is now linked to you. A replacement card needs the same steps.

## Good to know

- Jobs wait for 24 hours, then they are deleted.
- Print double-sided and in black and white unless you need colour: colour is chosen at the printer.
- Confidential documents are only printed while you stand at the printer, so nobody else picks them up.
- Printers only accept jobs from bank computers. Private laptops and phones cannot print.

A printer showing an error code: note the code and the printer's name (on the sticker at the front) and tell
the service desk.
""",
    },
    {
        "key": "teams",
        "author": "maria",
        "title": "Teams: möten, chatt och kanaler",
        "path": "collaboration/teams",
        "lang": "sv",
        "tags": ["teams", "möten"],
        "days_ago": 50,
        "body": """\
Microsoft Teams är bankens verktyg för chatt, möten och gemensamma filer.

## Möten

- Boka möten i Outlook eller Teams; länken kommer med automatiskt.
- **Externa gäster** väntar alltid i lobbyn. Mötets organisatör eller en presentatör släpper in dem från
  deltagarlistan. Gör en kollega till medorganisatör om du kan bli sen.
- Spela bara in ett möte om alla deltagare vet om det. Inspelningen sparas i 60 dagar.

## Chatt och kanaler

- Använd chatten för korta frågor och kanaler för sådant som hela gruppen behöver se.
- Kundinformation och personuppgifter hör inte hemma i chatten. Använd ärendesystemet.

## Ljud och headset

Välj headset under **Inställningar → Enheter** innan mötet börjar. Om ljudet fungerar i andra program men inte
i Teams: avsluta Teams helt (högerklicka på ikonen i aktivitetsfältet → Avsluta) och starta igen.

Frågor om delade brevlådor finns på [[Outlook: using a shared mailbox]].
""",
    },
    {
        "key": "expenses",
        "author": "karin",
        "title": "Utlägg och reseräkningar",
        "path": "finance/expenses",
        "lang": "sv",
        "tags": ["utlägg", "expenses", "resor"],
        "days_ago": 45,
        "body": """\
Utlägg och resor redovisas i appen **Utlägg** (finns i Företagsportalen på telefonen och i webbläsaren).

## Så här gör du

1. Fotografera kvittot direkt i appen. Pappersoriginalet behöver inte sparas.
2. Välj typ av utlägg och projekt eller kostnadsställe.
3. Skicka in. Din chef får en avisering och attesterar.

## Utbetalning

Attesterade utlägg betalas ut med **nästa lön** om de är attesterade senast den 10:e i månaden, annars med
lönen månaden därpå.

## Vanliga frågor

- **Utländsk valuta**: ange beloppet i originalvalutan, appen räknar om till kronor med dagens kurs.
- **Förlorat kvitto**: skriv en kort förklaring i kommentarsfältet; din chef avgör.
- **Traktamente**: fylls i under *Resa* med datum och klockslag för avresa och hemkomst.

Frågor om appen besvarar service desk. Frågor om vad som får ersättas besvarar ekonomiavdelningen.
""",
    },
    {
        "key": "laptop",
        "author": "jonas",
        "title": "Your new laptop: the first day",
        "path": "devices/new-laptop",
        "lang": "en",
        "tags": ["laptop", "onboarding"],
        "days_ago": 40,
        "body": """\
New laptops are set up automatically the first time you sign in. Plan an hour for it, in an office if you
can: the first sign-in has to reach the bank's network.

## Before you swap

- Files in **OneDrive** and Teams come along by themselves.
- Files saved only on the old laptop (the desktop, `C:\\Temp`, Downloads) do **not**. Move what you need into
  OneDrive and wait until the cloud icon shows they are synced.
- Write down the printers and shared drives you use.

## On the new laptop

1. Sign in with your bank account and approve the request on your phone
   ([[Passwords and multi-factor authentication]]).
2. Leave the laptop on the network until **Software Center** says all required software is installed.
3. Set up the VPN the first time you work from home: [[Connecting to the VPN]].
4. Install anything extra you need through [[Requesting software]].

## Handing in the old laptop

Bring it with its charger to the IT desk within two weeks. It is wiped before it is reused or recycled, so do
not worry about files left on it, but do check that nothing you need is left only there.
""",
    },
    {
        "key": "shared-mailbox",
        "author": "maria",
        "title": "Outlook: using a shared mailbox",
        "path": "email/shared-mailbox",
        "lang": "en",
        "tags": ["outlook", "shared-mailbox", "email"],
        "days_ago": 35,
        "body": """\
Teams that answer customers or partners from one address (for example *payments-support@*) use a shared
mailbox.

## Getting access

The mailbox owner asks for access in the **Access portal** (search for the mailbox's address). Once it is
granted, the mailbox appears in Outlook by itself, **within an hour**, after Outlook is restarted.

## It does not appear

1. Restart Outlook (close it from the tray icon, not only the window).
2. Still missing after an hour: **File → Account settings → Account settings → Change → More settings →
   Advanced → Add**, and type the mailbox's address.
3. In Outlook on the web: right-click **Folders → Add shared folder or mailbox**.

## Sending as the mailbox

Click **From** in a new message and choose the shared address. If *From* is not shown: **Options → Show
From**. Sent messages are saved in the shared mailbox's *Sent Items*, so colleagues can see the answer.

Out-of-office replies for a shared mailbox are set by its owner in Outlook on the web.
""",
    },
    {
        "key": "wifi",
        "author": "jonas",
        "title": "Wi-Fi på kontoret",
        "path": "network/wifi",
        "lang": "sv",
        "tags": ["wifi", "network"],
        "days_ago": 30,
        "body": """\
Det finns tre trådlösa nät på bankens kontor:

| Nät | För vem | Inloggning |
|---|---|---|
| **Bank-Corp** | Bankens datorer och jobbtelefoner | Automatisk med certifikat |
| **Bank-Guest** | Privata telefoner och besökare | Godkänn villkoren i webbläsaren, gäller i 24 timmar |
| **Bank-IoT** | Skärmar och mötesrumsutrustning | Endast för IT |

## Vanliga problem

- **Datorn hittar inte Bank-Corp**: certifikatet kan ha gått ut. Anslut med nätverkskabel i 30 minuter så
  förnyas det.
- **Privat telefon på Bank-Corp**: går inte, och ska inte gå. Använd Bank-Guest.
- **Långsamt nät i ett mötesrum**: tala om rummets namn för service desk, så kontrollerar vi accesspunkten.

Hemifrån och på resa ansluter du med VPN: [[Connecting to the VPN]].
""",
    },
    {
        "key": "software",
        "author": "maria",
        "title": "Requesting software",
        "path": "devices/software-requests",
        "lang": "en",
        "tags": ["software-request", "laptop"],
        "days_ago": 25,
        "body": """\
You cannot install programs yourself on a bank laptop; this keeps malware and unlicensed software out.

## Software Center first

Open **Software Center** from the Start menu. Everything listed there is approved and installs without asking
anyone: Notepad++, 7-Zip, Power BI Desktop, Python and more.

## Not in Software Center

1. Open the **Service portal → Request software**.
2. Name the program, the version and why you need it. Your manager approves the cost, if there is one.
3. IT Security reviews new programs. Free tools are usually approved within five working days; programs that
   handle customer data take longer.

## Browser extensions

Only extensions on the approved list can be added. Ask for others the same way as for programs.

Never download installers from the web and try to run them: they are blocked, and the attempt is logged.
""",
    },
    {
        "key": "phishing",
        "author": "jonas",
        "title": "Reporting phishing",
        "path": "security/phishing",
        "lang": "en",
        "tags": ["phishing", "security", "email"],
        "days_ago": 20,
        "body": """\
Phishing e-mails try to make you click a link, open an attachment or hand over a password or money. They
often look as if they come from HR, payroll, a parcel service or a manager, and they are in a hurry.

## Signs

- The sender's address does not match the name (look at the address, not only the name).
- Urgency: "your account will be closed today", "confirm your salary details within an hour".
- Links whose address, when you point at them, is not a bank address.
- Requests for passwords or codes. **The bank never asks for your password by e-mail or phone.**

## Report it

1. In Outlook, select the message and click **Report → Phishing**.
2. The message is moved out of your inbox and IT Security looks at it.
3. Do not forward it to colleagues to warn them; IT Security removes it from every mailbox if needed.

## Clicked already?

Tell the service desk at once on extension **4000**, even if nothing seemed to happen. If you typed your
password, change it straight away ([[Passwords and multi-factor authentication]]). Reporting quickly matters
more than anything else: nobody is blamed for reporting.
""",
    },
]
