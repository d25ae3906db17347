"""Search latency on 100,000 posts, on SQLite and PostgreSQL: `python benchmarks/search_bench.py`.

Fills a scratch database per engine with bulk inserts (members, the default forum categories, threads
and posts written in Spanish, Portuguese and English from a technology-transfer vocabulary), builds the
index with `services.reindex`, then runs a set of realistic queries through `services.search` as a
member and as a visitor and reports the 50th and 95th percentiles and the worst time. It also times
writing a reply with and without the index upkeep.

    python benchmarks/search_bench.py                      # both engines, 100,000 posts
    python benchmarks/search_bench.py --database sqlite --posts 20000
    python benchmarks/search_bench.py --reuse              # skip the fill when the data is already there

The databases are scratch ones: instance/bench-search.db and the PostgreSQL database conecta_bench_search
(created if missing, emptied before each fill).
"""

import argparse
import itertools
import random
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # run as a script: config and community come from the project

from flask_login import AnonymousUserMixin  # noqa: E402
from sqlalchemy import event, func, insert, select  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402

from benchmarks.scratch import fresh_database  # noqa: E402
from community import create_app  # noqa: E402
from community.accounts.models import Role, User  # noqa: E402
from community.extensions import db  # noqa: E402
from community.forum import services as forum  # noqa: E402
from community.forum.models import Post, Thread  # noqa: E402
from community.search import indexing, services  # noqa: E402
from community.search.models import SearchDocument  # noqa: E402
from community.types import utcnow  # noqa: E402
from config import TestingConfig  # noqa: E402

SQLITE_PATH = ROOT / "instance" / "bench-search.db"
POSTGRES_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/conecta_bench_search"
BATCH = 5_000
MEMBERS = 500
POSTS_PER_THREAD = 10  # on average: a few long threads, many short ones

# What members of the network write about, per language (accents included, as they type them).
VOCABULARY = {
    "es": """licenciamiento licencia licencias patente patentes regalías contrato contratos universidad
        universidades transferencia tecnología innovación propiedad intelectual confidencialidad acuerdo
        cláusula exclusiva investigación empresa spin-off startup valuación inversión oficina vinculación
        registro marca marcas solicitud examen búsqueda anterioridades vigilancia biotecnología software
        recursos genéticos Nagoya conocimientos tradicionales convenio colaboración financiamiento fondo
        capacitación taller seminario proyecto laboratorio investigador inventor titularidad cotitularidad
        negociación hitos pagos sublicencia territorio plazo estrategia protección diseño industrial""",
    "pt": """licenciamento licença licenças patente patentes royalties contrato contratos universidade
        universidades transferência tecnologia inovação propriedade intelectual confidencialidade acordo
        cláusula exclusiva pesquisa empresa spin-off startup valoração investimento núcleo inovação
        registro marca marcas pedido exame busca anterioridade prospecção biotecnologia software
        recursos genéticos Nagoia conhecimentos tradicionais convênio colaboração financiamento fundo
        capacitação oficina seminário projeto laboratório pesquisador inventor titularidade cotitularidade
        negociação marcos pagamentos sublicença território prazo estratégia proteção desenho industrial""",
    "en": """licensing license licenses patent patents royalties contract contracts university universities
        technology transfer innovation intellectual property confidentiality agreement clause exclusive
        research company spin-off startup valuation investment office registration trademark trademarks
        application examination prior art search landscape biotechnology software genetic resources
        Nagoya traditional knowledge collaboration funding grant training workshop seminar project
        laboratory researcher inventor ownership joint negotiation milestones payments sublicense
        territory term strategy protection industrial design""",
}
GLUE = {
    "es": "de la que el en y a los se del las un por con no una su para es al lo como más pero sus le ya o este "
          "sí porque esta entre cuando muy sin sobre también me hasta hay donde quien desde todo nos durante",
    "pt": "de a o que e do da em um para é com não uma os no se na por mais as dos como mas foi ao ele das tem "
          "à seu sua ou ser quando muito há nos já está eu também só pelo pela até isso entre era depois sem",
    "en": "the of and to a in is it you that he was for on are with as his they be at one have this from or "
          "had by not but what some we can out other were all there when up use your how said an each",
}  # fmt: skip
SYLLABLES = [consonant + vowel for consonant in "bcdfglmnprstvz" for vowel in "aeiou"]
FILLER_WORDS = 20_000  # the long tail of a real vocabulary
LANGUAGE_SHARES = (("es", 55), ("pt", 33), ("en", 12))

QUERIES = [
    "licencia", "licenciamiento", "licenciamento", "licensing", "patentes universidad", '"transferencia de tecnología"',
    "regalías -software", "spin-off valuación", "acuerdo de confidencialidad", "propriedade intelectual",
    "Nagoya", "biotecnologia", "royalties exclusive", "cotitularidad", "sublicença território",
    '"prior art search"', "capacitación taller -seminario", "inovação universidade", "trademark application",
    "convenio marco colaboración", "startup investment -software",
]  # fmt: skip


def parse_arguments():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--posts", type=int, default=100_000, help="posts in all (opening posts included)")
    parser.add_argument("--postgres-url", default=POSTGRES_URL)
    parser.add_argument("--sqlite-path", default=str(SQLITE_PATH))
    parser.add_argument("--rounds", type=int, default=10, help="times each query runs per viewer")
    parser.add_argument("--reuse", action="store_true", help="keep the data of an earlier run of the same size")
    return parser.parse_args()


# -- data -------------------------------------------------------------------------------------------


class Writer:
    """Text with a Zipfian word distribution, as real text has: a few words everywhere, most words rare.

    Function words take the top ranks, the network's vocabulary the ranks from 40 to about 400 (so a
    term like "licenciamiento" is in a few per cent of the posts, "patentes" in many more), and
    made-up words the long tail.
    """

    def __init__(self, generator: random.Random, language: str):
        self.generator = generator
        glue, domain = GLUE[language].split(), VOCABULARY[language].split()
        filler = {"".join(generator.choices(SYLLABLES, k=generator.randint(2, 4))) for _ in range(FILLER_WORDS)}
        filler = sorted(filler - set(glue) - set(domain))
        generator.shuffle(filler)
        words, tail = list(glue), iter(filler)
        for word in domain:  # every fourth rank from just after the function words
            words.append(word)
            words.extend(itertools.islice(tail, 3))
        words.extend(tail)
        self.words = words
        weights = [1 / rank for rank in range(1, len(words) + 1)]
        self.cumulative = list(itertools.accumulate(weights))
        title_weights = [0 if rank <= len(glue) else weight for rank, weight in enumerate(weights, start=1)]
        self.title_cumulative = list(itertools.accumulate(title_weights))

    def sentence(self, count: int | None = None, title: bool = False) -> str:
        count = count or self.generator.randint(6, 20)
        cumulative = self.title_cumulative if title else self.cumulative
        return " ".join(self.generator.choices(self.words, cum_weights=cumulative, k=count)).capitalize()

    def paragraph(self) -> str:
        return ". ".join(self.sentence() for _ in range(self.generator.randint(2, 7))) + "."


def fill(posts: int, seed: int = 2026) -> None:
    """Members, the default categories, threads and posts, inserted in bulk (no index upkeep: reindex after)."""
    generator = random.Random(seed)
    forum.ensure_default_categories()
    category_ids = list(db.session.scalars(select(forum.Category.id)))
    now = utcnow()
    countries = ["MX", "BR", "AR", "CL", "CO", "PE", "CR", "CU"]
    db.session.execute(insert(User), [
        {"email": f"bench{n}@bench-search.example.org", "password_hash": "", "display_name": f"Bench Member {n}",
         "handle": f"bench{n}", "country": generator.choice(countries), "locale": "es", "role": Role.MEMBER,
         "email_confirmed_at": now, "is_approved": True}
        for n in range(1, MEMBERS + 1)
    ])  # fmt: skip
    member_ids = list(db.session.scalars(select(User.id)))
    threads = max(posts // POSTS_PER_THREAD, 1)
    languages = [code for code, share in LANGUAGE_SHARES for _ in range(share)]
    writers = {language: Writer(generator, language) for language in VOCABULARY}
    thread_rows, thread_sizes = [], []
    remaining = posts - threads
    for number in range(1, threads + 1):
        # A long tail: most threads get a few replies, some get many.
        replies = min(remaining, int(generator.paretovariate(1.5) * (POSTS_PER_THREAD - 1) / 3))
        if number == threads:
            replies = remaining
        remaining -= replies
        thread_sizes.append(replies + 1)
        language = generator.choice(languages)
        created = now - timedelta(days=generator.randint(0, 1500), minutes=generator.randint(0, 1440))
        thread_rows.append({
            "id": number, "category_id": generator.choice(category_ids), "author_id": generator.choice(member_ids),
            "title": writers[language].sentence(generator.randint(3, 8), title=True)[:140], "language": language,
            "created_at": created, "last_post_at": created, "post_count": replies + 1,
        })  # fmt: skip
    for start in range(0, len(thread_rows), BATCH):
        db.session.execute(insert(Thread), thread_rows[start:start + BATCH])
    batch = []
    for thread, size in zip(thread_rows, thread_sizes, strict=True):
        for number in range(1, size + 1):
            body = writers[thread["language"]].paragraph()
            batch.append({
                "thread_id": thread["id"], "number": number, "author_id": generator.choice(member_ids), "body": body,
                "body_html": f"<p>{body}</p>", "created_at": thread["created_at"] + timedelta(hours=number),
            })  # fmt: skip
            if len(batch) >= BATCH:
                db.session.execute(insert(Post), batch)
                batch = []
    if batch:
        db.session.execute(insert(Post), batch)
    db.session.commit()


# -- measuring --------------------------------------------------------------------------------------


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def measure_searches(rounds: int) -> dict:
    member = db.session.scalar(select(User).order_by(User.id).limit(1))
    viewers = {"member": member, "visitor": AnonymousUserMixin()}
    for query in QUERIES:  # warm the caches, as a running site has them
        services.search(query, member)
    timings, slowest = [], {}
    for _round in range(rounds):
        for query in QUERIES:
            for viewer in viewers.values():
                started = time.perf_counter()
                results = services.search(query, viewer)
                elapsed = (time.perf_counter() - started) * 1000
                timings.append(elapsed)
                slowest[query] = max(slowest.get(query, 0), elapsed)
                assert results.page.total >= 0
                db.session.rollback()  # end the read transaction, as a request does
    matches = {query: services.search(query, member).page.total for query in QUERIES}
    return {"timings": timings, "slowest": slowest, "matches": matches}


def measure_replies(count: int = 30) -> tuple[float, float]:
    """Milliseconds per reply, with the index upkeep and without it."""
    author = db.session.scalar(select(User).order_by(User.id).limit(1))
    thread = db.session.get(Thread, 1)

    def replies() -> float:
        started = time.perf_counter()
        for number in range(count):
            forum.reply_to_thread(author, thread, f"Una respuesta de prueba sobre licenciamiento número {number}")
        return (time.perf_counter() - started) * 1000 / count

    with_index = replies()
    event.remove(Session, "before_commit", indexing._write_documents)
    try:
        without_index = replies()
    finally:
        event.listen(Session, "before_commit", indexing._write_documents)
    return with_index, without_index


def run(database: str, arguments) -> dict:
    url = f"sqlite:///{arguments.sqlite_path}" if database == "sqlite" else arguments.postgres_url
    url = fresh_database(url, arguments.reuse)
    app = create_app(type("SearchBenchConfig", (TestingConfig,), {"SQLALCHEMY_DATABASE_URI": url}))
    report = {"database": database}
    with app.app_context():
        db.create_all()
        has_data = db.session.scalar(select(func.count(Post.id))) or 0
        if not (arguments.reuse and has_data):
            print(f"== {database}: filling {arguments.posts:,} posts", flush=True)
            started = time.perf_counter()
            fill(arguments.posts)
            report["fill_s"] = time.perf_counter() - started
            started = time.perf_counter()
            report["documents"] = services.reindex(batch_size=2_000)
            report["reindex_s"] = time.perf_counter() - started
        report["posts"] = db.session.scalar(select(func.count(Post.id)))
        report["documents"] = db.session.scalar(select(func.count(SearchDocument.id)))
        print(f"== {database}: {report['posts']:,} posts, {report['documents']:,} documents; searching", flush=True)
        searches = measure_searches(arguments.rounds)
        report["p50_ms"] = percentile(searches["timings"], 0.50)
        report["p95_ms"] = percentile(searches["timings"], 0.95)
        report["max_ms"] = max(searches["timings"])
        report["mean_ms"] = statistics.fmean(searches["timings"])
        report["searches"] = len(searches["timings"])
        report["slowest"] = searches["slowest"]
        report["matches"] = searches["matches"]
        report["reply_ms"], report["reply_without_index_ms"] = measure_replies()
        db.session.remove()
        db.engine.dispose()
    return report


def print_report(report: dict) -> None:
    print(f"\n{report['database']}: {report['posts']:,} posts, {report['documents']:,} documents")
    if "reindex_s" in report:
        print(f"  fill {report['fill_s']:.1f} s, reindex {report['reindex_s']:.1f} s")
    print(f"  {report['searches']} searches: p50 {report['p50_ms']:.1f} ms, p95 {report['p95_ms']:.1f} ms, "
          f"max {report['max_ms']:.1f} ms, mean {report['mean_ms']:.1f} ms")  # fmt: skip
    print(f"  writing a reply: {report['reply_ms']:.1f} ms with the index upkeep, "
          f"{report['reply_without_index_ms']:.1f} ms without")  # fmt: skip
    print("  query: matches, slowest")
    for query, slowest in sorted(report["slowest"].items(), key=lambda item: -item[1]):
        print(f"    {query:<36} {report['matches'][query]:>7,} {slowest:7.1f} ms")


def main() -> None:
    arguments = parse_arguments()
    databases = ["sqlite", "postgresql"] if arguments.database == "both" else [arguments.database]
    for database in databases:
        print_report(run(database, arguments))


if __name__ == "__main__":
    main()
