"""Council search at scale: p50/p99 of a search with 100,000 referrals in one council and a
million in the store, on SQLite and PostgreSQL (goal: p99 under 200 ms).

Rows are generated in bulk (``executemany`` on SQLite, ``COPY`` on PostgreSQL, never the API),
with the blind indexes search reads: a person per enquiry (5% are repeats of an earlier
person), surnames drawn from a skewed list (the commonest ~1% of everyone, as Smith is in
England), 40 postcode districts per council, newest first over three years. The encrypted
``personal`` column holds a pool of real ciphertexts (search never decrypts to find; the page
it returns decrypts its 25 rows). Kent (E10000016) holds ``--council`` referrals; the rest
are spread over 150 other councils.

Each search is the use case the API and the page call (``hub.referrals.search``): read the
term, one scoped query, decrypt the page, write the audit row, commit. Kinds: phone (typed in
another format), e-mail, full name, surname (common and rare), full postcode, district,
reference. Prints p50/p99 per kind and over all.

    python bench/council_search.py [--backend sqlite|postgresql|both] [--total N]
        [--council N] [--searches N]
"""

from __future__ import annotations

import argparse
import hashlib
import hmac
import itertools
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench.support import database_url  # noqa: E402

KENT = "E10000016"
OTHERS = [f"E06{n:06d}" for n in range(150)]
ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"


def _letters(n: int) -> str:
    """A name-like word for a number: 0 -> "Aa", 27 -> "Bb"..."""
    return "".join("abcdefghijklmnopqrstuvwxyz"[int(d)] for d in f"{n:03d}").capitalize()


GIVEN = [f"Gi{_letters(n)}" for n in range(100)]
# A skewed list: surname k is drawn with weight 1/(k+1), so the first is about 1% of people.
SURNAMES = ["Smith", "Jones", "Taylor", "Brown", "Williams"] + [
    f"Sur{_letters(n)}" for n in range(995)
]
SURNAME_WEIGHTS = list(itertools.accumulate(1 / (k + 1) for k in range(len(SURNAMES))))
COLUMNS = (
    "id", "reference", "status", "status_changed_at", "created_at", "personal", "interest",
    "campaign", "consent_privacy_notice", "consent_keep_in_touch", "authority_code",
    "authority_name", "row_version", "email_index", "phone_index", "name_index",
    "surname_index", "postcode_index", "district_index", "person_key",
)  # fmt: skip


def _districts(code: str) -> list[str]:
    letters = "ABCDEFGHJKLMNOPRSTUWYZ"
    number = int(code[-3:])
    area = "ME" if code == KENT else letters[number % 22] + letters[number // 22]
    return [f"{area}{n}" for n in range(1, 41)]


class Person:
    """One generated enquirer: the details search looks for, as typed and as stored."""

    def __init__(self, rng: random.Random, number: int, code: str) -> None:
        self.given = rng.choice(GIVEN)
        self.surname = rng.choices(SURNAMES, cum_weights=SURNAME_WEIGHTS)[0]
        self.email = f"person{number}@example.org"
        self.phone = f"+447{(400 + number // 1_000_000) % 1000:03d}{number % 1_000_000:06d}"
        self.district = rng.choice(_districts(code))
        unit = "".join(rng.choice("ABDEFGHJLNPQRSTUWXYZ") for _ in range(2))
        self.postcode = f"{self.district} {rng.randint(1, 9)}{unit}"


def _fast_indexes() -> Any:
    """``index_of`` without its per-call settings read (a million rows); checked equal to it."""
    from config.settings import get_settings
    from hub.enquiries.search_keys import _PURPOSES, index_of
    from hub.platform.crypto import _index_key

    secret = get_settings().secret_key
    keys = {column: _index_key(secret, purpose) for column, purpose in _PURPOSES.items()}

    def fast(column: str, normalised: str) -> str:
        return hmac.new(keys[column], normalised.encode(), hashlib.sha256).hexdigest()

    assert all(fast(c, "x@example.org") == index_of(c, "x@example.org") for c in keys)
    return fast


def generate(url: str, total: int, council: int, seed: int = 7) -> dict[str, Any]:
    """Fill the store; return the Kent people to search for and the load time."""
    from hub.enquiries.search_keys import (
        DISTRICT,
        EMAIL,
        NAME,
        PHONE,
        POSTCODE,
        SURNAME,
        index_of,
        normalise_name,
    )
    from hub.platform.crypto import get_cipher

    cached = lru_cache(maxsize=None)(index_of)
    name_of = lru_cache(maxsize=None)(normalise_name)
    fast = _fast_indexes()
    rng = random.Random(seed)
    cipher = get_cipher()
    pool = [
        cipher.encrypt_json({"given_name": g, "family_name": s, "postcode": "ME14 1XQ"})
        for g, s in zip(GIVEN[:50], SURNAMES[:50], strict=True)
    ]
    now = datetime.now(UTC)
    span = 3 * 365 * 86400
    kent_every = max(total // council, 1)
    people: list[tuple[Person, int]] = []
    sample: list[tuple[Person, str]] = []

    def rows() -> Iterator[tuple[Any, ...]]:
        for i in range(1, total + 1):
            code = KENT if i % kent_every == 0 and i // kent_every <= council else None
            code = code or OTHERS[i % len(OTHERS)]
            if people and rng.random() < 0.05:
                person, person_key = rng.choice(people[-5000:])
            else:
                person, person_key = Person(rng, i, code), i
                people.append((person, i))
                if len(people) > 20000:
                    del people[:10000]
            created = now - timedelta(seconds=span * (total - i) / total)
            bits = rng.getrandbits(40)
            reference = "FE-" + "".join(ALPHABET[(bits >> (5 * k)) & 31] for k in range(8))
            if code == KENT and rng.random() < 0.01:
                sample.append((person, reference))
            name = f"{name_of(person.given)} {name_of(person.surname)}"
            yield (
                i, reference, "acknowledged", created, created, pool[i % len(pool)],
                "mainstream", "{}", True, False, code, code, 1,
                fast(EMAIL, person.email), fast(PHONE, person.phone),
                cached(NAME, name), cached(SURNAME, name_of(person.surname)),
                fast(POSTCODE, person.postcode), cached(DISTRICT, person.district),
                person_key,
            )  # fmt: skip

    started = time.monotonic()
    if url.startswith("sqlite"):
        _load_sqlite(url, rows())
    else:
        _load_postgresql(url, rows())
    return {"sample": sample, "load_seconds": time.monotonic() - started}


def _sqlite_value(value: Any) -> Any:
    """A value as SQLAlchemy stores it in SQLite (a time as naive UTC text with microseconds)."""
    if isinstance(value, datetime):
        return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
    return value


def _load_sqlite(url: str, rows: Iterator[tuple[Any, ...]]) -> None:
    import sqlite3

    conn = sqlite3.connect(url.removeprefix("sqlite:///"))
    marks = ", ".join("?" * len(COLUMNS))
    insert = f"INSERT INTO enquiries ({', '.join(COLUMNS)}) VALUES ({marks})"
    batch: list[tuple[Any, ...]] = []
    for row in rows:
        batch.append(tuple(_sqlite_value(v) for v in row))
        if len(batch) == 20000:
            conn.executemany(insert, batch)
            conn.commit()
            batch.clear()
    conn.executemany(insert, batch)
    conn.commit()
    conn.execute("ANALYZE")
    conn.close()


def _load_postgresql(url: str, rows: Iterator[tuple[Any, ...]]) -> None:
    _load_postgresql_rows(url, "enquiries", COLUMNS, rows)


def _load_postgresql_rows(
    url: str, table: str, columns: tuple[str, ...], rows: Iterator[tuple[Any, ...]]
) -> None:
    """``rows`` into ``table`` by COPY, then VACUUM ANALYZE (bench/council_day.py too)."""
    import psycopg

    with psycopg.connect(url.replace("postgresql+psycopg", "postgresql")) as conn:
        with conn.cursor() as cur:
            with cur.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        conn.commit()
    with psycopg.connect(url.replace("postgresql+psycopg", "postgresql"), autocommit=True) as conn:
        conn.execute(f"VACUUM ANALYZE {table}")


def _terms(person: Any, reference: str, rng: random.Random) -> dict[str, str]:
    national = person.phone.removeprefix("+44")
    return {
        "phone": f"0{national[:4]} {national[4:]}",  # typed as people say it, stored as E.164
        "email": person.email.upper(),
        "full name": f"{person.given} {person.surname}".lower(),
        "surname (common)": "smith",
        "surname": person.surname,
        "postcode": person.postcode.replace(" ", "").lower(),
        "district": person.district,
        "reference": reference.lower(),
    }


def measure(db: Any, sample: list[Any], searches: int) -> dict[str, list[float]]:
    from hub.access.caller import Caller, RequestContext
    from hub.access.models import TokenScope
    from hub.referrals.search import search_referrals

    caller = Caller(1, TokenScope.AUTHORITY, KENT, frozenset({KENT}))
    rng = random.Random(11)
    times: dict[str, list[float]] = {}
    for _ in range(3):  # warm the caches and the connection pool
        person, reference = rng.choice(sample)
        search_referrals(db, RequestContext(caller), _terms(person, reference, rng)["district"])
    for n in range(searches):
        person, reference = sample[n % len(sample)]
        for kind, term in _terms(person, reference, rng).items():
            started = time.perf_counter()
            page = search_referrals(db, RequestContext(caller), term)
            times.setdefault(kind, []).append((time.perf_counter() - started) * 1000)
            if kind in ("phone", "email", "reference") and not page["items"]:
                raise SystemExit(f"{kind} search found nothing: the generator is wrong")
    return times


def _p(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * share))]


def run(backend: str, total: int, council: int, searches: int) -> None:
    from config.settings import get_settings
    from hub.platform.db import Database
    from hub.platform.migrate import upgrade

    tmp = Path(tempfile.mkdtemp(prefix="council-search-"))
    url, drop = database_url(backend, tmp)
    if backend == "postgresql":
        url = url.replace("postgresql://", "postgresql+psycopg://", 1)
    try:
        upgrade(url)
        generated = generate(url, total, council)
        db = Database(get_settings(), url=url)
        try:
            times = measure(db, generated["sample"], searches)
        finally:
            db.dispose()
    finally:
        if drop is not None:
            drop()
        shutil.rmtree(tmp, ignore_errors=True)
    print(
        f"\n{backend}: {total:,} enquiries in the store, {council:,} in Kent "
        f"(loaded in {generated['load_seconds']:.0f} s); {searches} searches of each kind"
    )
    print(f"  {'kind':<18} {'p50 ms':>8} {'p99 ms':>8} {'max ms':>8}")
    every: list[float] = []
    for kind, values in times.items():
        every += values
        p50, p99 = statistics.median(values), _p(values, 0.99)
        print(f"  {kind:<18} {p50:8.1f} {p99:8.1f} {max(values):8.1f}")
    verdict = "meets" if _p(every, 0.99) < 200 else "MISSES"
    print(
        f"  {'all':<18} {statistics.median(every):8.1f} {_p(every, 0.99):8.1f} "
        f"{max(every):8.1f}   ({verdict} the goal: p99 < 200 ms)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--total", type=int, default=1_000_000)
    parser.add_argument("--council", type=int, default=100_000)
    parser.add_argument("--searches", type=int, default=200)
    args = parser.parse_args()
    os.environ.setdefault("HUB_ENV", "development")
    from config.settings import get_settings
    from hub.process_settings import use_settings

    use_settings(get_settings())  # the keys and the blind-index secret, as a hub process does
    backends: list[str] = ["sqlite", "postgresql"] if args.backend == "both" else [args.backend]
    for backend in backends:
        run(backend, args.total, args.council, args.searches)


if __name__ == "__main__":
    main()
