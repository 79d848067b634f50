"""How long ``helpdesk.markup.render`` takes on pathological inputs as they grow to the body size limit.

Prints one table: a row per input, a column per size (characters, up to MAX_BODY_LENGTH), each cell the median
render time in milliseconds over ``--repeat`` runs (one run when a render takes over a second). Times are the
process's CPU time, which other work on a shared machine disturbs less than the wall clock (rendering is
single-threaded and does no I/O, so on an idle machine the two agree). A size whose
time, extrapolated quadratically from the size before it, would pass ``--budget`` seconds is skipped and shown
as "skip"; an exception is shown by its name. Then two ordinary documents: a 5 KB helpdesk post and a 60 KB
wiki page, and how many lookups a page full of distinct wiki links costs.

    .venv/bin/python bench/markup_bench.py                    # the whole table (a few minutes)
    .venv/bin/python bench/markup_bench.py --only brackets,quotes --sizes 1000,100000
"""

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from config import Config  # noqa: E402
from helpdesk.markup import render  # noqa: E402

LIMIT = Config.MAX_BODY_LENGTH
SIZES = [1_000, 3_000, 10_000, 30_000, LIMIT]


def repeat(unit: str, size: int) -> str:
    """``unit`` repeated to exactly ``size`` characters."""
    return (unit * (size // len(unit) + 1))[:size]


def lines_until(size: int, line: Callable[[int], str]) -> str:
    """Lines ``line(1)``, ``line(2)``, ... joined by newlines, as many as fit in ``size`` characters."""
    out, total, number = [], 0, 1
    while total + len(line(number)) + 1 <= size:
        out.append(line(number))
        total += len(out[-1]) + 1
        number += 1
    return "\n".join(out)


def numbered(template: str, size: int) -> str:
    """``template`` with ``{n}`` = 1, 2, 3 ... repeated up to ``size`` characters (distinct links, pages)."""
    out, total, number = [], 0, 1
    while total < size:
        out.append(template.format(n=number))
        total += len(out[-1])
        number += 1
    return "".join(out)[:size]


# name -> (what it is, text of a given size)
CASES: dict[str, tuple[str, Callable[[int], str]]] = {
    "brackets": ("'[' * n + ']' * n", lambda s: "[" * (s // 2) + "]" * (s // 2)),
    "open-brackets": ("'[' * n, never closed", lambda s: "[" * s),
    "image-brackets": ("'![' * n", lambda s: repeat("![", s)),
    "cdata": ("'<![CDATA[' * n", lambda s: repeat("<![CDATA[", s)),
    "open-links": ("'[a](' * n", lambda s: repeat("[a](", s)),
    "link-titles": ('"[a](u \'x)" * n, titles never closed', lambda s: repeat("[a](u 'x)", s)),
    "parens": ("'(' * n", lambda s: "(" * s),
    "quotes-1line": ("'> ' * n + 'x'", lambda s: repeat("> ", s - 1) + "x"),
    "quotes-stairs": (
        "lines '> ' * i + 'x', i = 1, 2, ...",
        lambda s: lines_until(s, lambda i: "> " * i + "x"),
    ),
    "lists-1line": ("'- ' * n + 'x'", lambda s: repeat("- ", s - 1) + "x"),
    "lists-stairs": ("lines '  ' * i + '- x'", lambda s: lines_until(s, lambda i: "  " * i + "- x")),
    "quoted-lists": ("'> - ' * n + 'x'", lambda s: repeat("> - ", s - 1) + "x"),
    "emphasis-*": ("'*a' * n", lambda s: repeat("*a", s)),
    "emphasis-_": ("'_a' * n", lambda s: repeat("_a", s)),
    "strong-**": ("'**a' * n", lambda s: repeat("**a", s)),
    "backticks": ("'`' * n, one line", lambda s: "`" * s),
    "backtick-pairs": ("'`a' * n", lambda s: repeat("`a", s)),
    "less-than": ("'<' * n", lambda s: "<" * s),
    "tag-starts": ("'<a' * n", lambda s: repeat("<a", s)),
    "autolink-starts": ("'<http://' * n", lambda s: repeat("<http://", s)),
    "nested-divs": ("'<div>' * n", lambda s: repeat("<div>", s)),
    "nested-bold": ("'<b>' * n", lambda s: repeat("<b>", s)),
    "one-word": ("'a' * n", lambda s: "a" * s),
    "ampersands": ("'&' * n", lambda s: "&" * s),
    "entities": ("'&eacute;&#228;&#x2014;&amp;' * n", lambda s: repeat("&eacute;&#228;&#x2014;&amp;", s)),
    "line-breaks": ("'a\\n' * n", lambda s: repeat("a\n", s)),
    "setext": ("'a\\n=\\n' * n", lambda s: repeat("a\n=\n", s)),
    "rules": ("'- - -\\n' * n", lambda s: repeat("- - -\n", s)),
    "headings": ("'# a\\n' * n", lambda s: repeat("# a\n", s)),
    "fences": ("'```\\n' * n", lambda s: repeat("```\n", s)),
    "table-row": ("one table row of n cells", lambda s: repeat("a|", s // 2) + "\n" + repeat("-|", s // 2)),
    "bare-urls": ("'https://example.com/p/N ' * n", lambda s: numbered("https://example.com/p/{n} ", s)),
    "md-links": (
        "'[link N](https://example.com/N) ' * n",
        lambda s: numbered("[link {n}](https://example.com/{n}) ", s),
    ),
    "wiki-links": ("'[[Page N]] ' * n, distinct", lambda s: numbered("[[Page {n}]] ", s)),
}

POST = """\
Hej! Since Monday my laptop (HP EliteBook 840 G8, asset tag **BNK-24117**) drops the VPN about once an hour.

## What I see

1. The shield icon turns *grey* and then **red**.
2. Teams says "You're offline", Outlook keeps working for a minute, then stops too.
3. Reconnecting works, but I have to approve the sign-in again in the Authenticator app.

I followed [[Connecting to the VPN]] and removed the old *Bank-Remote* profile, and I checked
[the status page](https://status.bank.example/vpn) — it says everything is green.

> **Note:** this also happens on the office Wi-Fi in Malmö, so it is not only my home router.

The client log says:

```text
2024-03-11 09:14:02 WARN  tunnel keepalive missed (3/3), peer 10.20.30.40
2024-03-11 09:14:02 INFO  reconnecting, reason=dpd_timeout
2024-03-11 09:14:05 ERROR auth: token expired <code=401> & retry scheduled
```

What I have tried so far:

- Restarted the laptop (twice) and ran `gpupdate /force` in an admin prompt.
- Switched from Wi-Fi to a cable: same thing, just less often.
- Checked *Settings → Network → Proxy*; it is set to "Automatic".

| When | Where | Network | Dropped after |
|:-----|:------|:-------:|--------------:|
| Mon 09:14 | Home | Wi-Fi | 58 min |
| Mon 13:02 | Home | Cable | 1 h 40 min |
| Tue 08:30 | Malmö office | Wi-Fi | 61 min |

Is this the known issue with the 5.2 client that was mentioned on the intranet (see
https://intranet.bank.example/news/vpn-client-5-2), or should I open a ticket? Jag kan även ta det på svenska
om det är enklare. Tack på förhand!

---

**Update (Wednesday):** a colleague in the Göteborg office, @karin.lind, has the same model and the same
symptoms, but only since the Windows update KB5035845 was installed on Monday morning. Her laptop is on the
*pilot* ring, mine is on the *broad* ring, so the timing fits. Things we compared:

- BIOS version: both `1.17.2`, so probably not the firmware.
- Network adapter driver: hers is `22.250.1.2`, mine is `22.240.0.6`. Both drop.
- Power plan: *Balanced* on both. Setting it to *Best performance* did **not** help.
- The drop happens ~60 minutes after connecting, almost to the minute, which smells like a re-key
  or token lifetime rather than a flaky network.

From the event viewer (Applications and Services Logs → Bank → VPN):

```
Event 4012: IKE SA re-key started (lifetime 3600 s)
Event 4015: re-key failed: certificate chain incomplete (issuer "Bank Issuing CA 3" not found)
Event 4020: tunnel torn down; user notified
```

So my guess is that the new client wants the **Bank Issuing CA 3** certificate in the machine store, and
the broad ring has not received it yet. If that is right, a workaround until the certificate is rolled out
could be one of these (I have not tried them, I do not have admin rights):

1. Import the CA certificate from [[Certificates on bank laptops]] into *Local Computer → Intermediate
   Certification Authorities*.
2. Or pin the old 5.1 client via Software Center (is that allowed? see [[Software Center]]).
3. Or just reconnect every hour, which is what I do now — annoying during long Teams calls with customers.

Frågor till er på helpdesk:

* Is there a ticket or known-error record for this already? I could not find one on the status page.
* Should others on the broad ring hold off on KB5035845 until the certificate is out?
* Does the same apply to the **Mac** client? Two people in my team use MacBooks and have not complained.

### Steps to reproduce

1. Start the laptop outside the office network and sign in with your **bank** account.
2. Connect the VPN (*Bank-Secure* profile) and approve the sign-in.
3. Open Teams and join any meeting, or start a long download from `\\\\fileshare.bank.example\\install`.
4. Wait about 60 minutes. The tunnel drops; the tray icon shows *Disconnected (re-key failed)*.

### Expected

The tunnel re-keys silently, as it did with client 5.1 (see the [release notes for 5.2][notes], section
"Certificate handling"), and nobody notices anything.

### Environment

| Item | Value |
|------|-------|
| Model | HP EliteBook 840 G8 |
| OS | Windows 11 Enterprise 23H2, build 22631.3296 |
| VPN client | 5.2.0.118 (broad ring) |
| Last update | KB5035845, installed Mon 08:02 |
| Location | Home office, Lund; also Malmö office |

[notes]: https://intranet.bank.example/it/vpn/release-notes-5-2 "VPN client 5.2 release notes"

Thanks, and sorry for the long post — I wanted to save you the usual round of "have you restarted it". 🙂

*Edit:* Karin found that the Malmö office printers also complain about "Bank Issuing CA 3" when printing over
the VPN, so the certificate theory looks even more likely. Her ticket number is **INC-0048213**; feel free to
merge mine into it. I am in the office on Thursday and Friday if someone wants to look at the laptop in person
(desk 4.112, fourth floor, next to the coffee machine).
"""


def wiki_page(size: int = 60_000) -> str:
    """A long wiki page: numbered sections of prose, steps, a table, code and links; ``size`` characters."""
    sections, number = [], 1
    while sum(map(len, sections)) < size:
        sections.append(
            f"""\
## {number}. Printer queue {number} on floor {number % 9 + 1}

Printers on this floor are named `PRN-{number:03d}-A` and `PRN-{number:03d}-B`. They take badges (*tap and
release*) and print double-sided by default. See [[Printing from a laptop]] and [[Printer drivers|the
driver page]] if your laptop does not find them, or the [vendor manual](https://docs.vendor.example/m{number}.pdf).

### Adding the queue

1. Open **Settings → Bluetooth & devices → Printers & scanners**.
2. Choose *Add device*, then *Add manually*, and type `\\\\print{number}.bank.example\\Floor{number}`.
3. Print a test page; if it asks for credentials, use your **bank** account, not the local one.
   - On a Mac, use *System Settings → Printers* instead.
   - On Linux desktops, ask the helpdesk: these are not supported.

| Setting | Default | Notes |
|:--------|:-------:|:------|
| Duplex | on | Saves paper & toner |
| Colour | off | Ask your manager for colour < 50 pages/month |
| Secure release | on | Jobs wait 24 h, then are deleted |

```powershell
Get-Printer -ComputerName print{number}.bank.example | Where-Object {{ $_.Name -like "Floor{number}*" }}
Add-Printer -ConnectionName "\\\\print{number}.bank.example\\Floor{number}"
```

> If the queue shows *Offline*, the print server may be patching: it is back within 15 minutes
> (Tuesdays 06:00–06:15). Mejla it-support@bank.example om det dröjer längre.

"""
        )
        number += 1
    return "".join(sections)[:size]


def time_render(text: str, repeat_count: int, wikilinks=None) -> float:
    """Median seconds of ``repeat_count`` renders of ``text`` (a single run if one takes over a second)."""
    times = []
    for _ in range(repeat_count):
        start = time.process_time()
        render(text, wikilinks=wikilinks)
        times.append(time.process_time() - start)
        if times[-1] > 1:
            break
    return statistics.median(times)


def cell(seconds: float | str) -> str:
    if isinstance(seconds, str):
        return seconds[:11]
    return f"{seconds * 1000:.0f}" if seconds >= 0.01 else f"{seconds * 1000:.1f}"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--sizes", default=",".join(map(str, SIZES)), help="comma-separated sizes in characters"
    )
    parser.add_argument("--repeat", type=int, default=3, help="runs per cell (median is shown)")
    parser.add_argument("--budget", type=float, default=30.0, help="skip a size expected to take longer (s)")
    parser.add_argument("--only", default="", help="comma-separated case names")
    parser.add_argument("--recursion-limit", type=int, default=sys.getrecursionlimit())
    args = parser.parse_args()
    sys.setrecursionlimit(args.recursion_limit)
    sizes = [int(s) for s in args.sizes.split(",")]
    names = [n for n in args.only.split(",") if n] or list(CASES)

    print(f"render CPU time in ms (median of {args.repeat}), by input size in characters; limit {LIMIT:,}")
    header = f"{'input':16}" + "".join(f"{size:>12,}" for size in sizes)
    print(header)
    print("-" * len(header))
    for name in names:
        _, make = CASES[name]
        row, previous = [], None
        for size in sizes:
            if previous is not None and isinstance(previous[1], float):
                expected = previous[1] * (size / previous[0]) ** 2
                if expected > args.budget:
                    row.append("skip")
                    previous = (size, "skip")
                    continue
            elif previous is not None and previous[1] == "skip":
                row.append("skip")
                continue
            try:
                seconds = time_render(make(size), args.repeat)
            except Exception as exc:  # noqa: BLE001 (the table shows what broke)
                seconds = type(exc).__name__
            row.append(cell(seconds))
            previous = (size, seconds)
        print(f"{name:16}" + "".join(f"{c:>12}" for c in row), flush=True)

    print()
    print("ordinary documents")
    for label, text in (("helpdesk post", POST), ("wiki page", wiki_page())):
        print(f"  {label:14} {len(text):>7,} chars  {cell(time_render(text, max(args.repeat, 5))):>8} ms")

    lookups = []

    def resolver(title: str) -> tuple[str, bool]:
        lookups.append(title)
        return "/wiki/" + title, True

    text = CASES["wiki-links"][1](LIMIT)
    render(text, wikilinks=resolver)
    print(
        f"  {text.count('[['):,} distinct [[wiki links]] in {LIMIT:,} chars: {len(lookups):,} resolver calls"
    )
    print()
    for name in names:
        print(f"  {name:16} {CASES[name][0]}")


if __name__ == "__main__":
    main()
