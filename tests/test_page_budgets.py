"""The benchmark's pages stay within the SQL budget (at most 8 statements), for visitors and members.

The data comes from the benchmark's own generator (`flask seed bench`), at a small size: the figure
does not depend on the size (each area tests that at two sizes), only on how each page loads.
"""

import pytest
from sqlalchemy import select

from community.accounts.models import User
from community.extensions import db
from community.search import services as search
from community.seed.bench import BENCH_PASSWORD, BenchSize, bench_member_email, bench_pages, load_bench

MAX_STATEMENTS = 8
# Search results come from up to five tables (threads, replies, events, members, opportunities), each loaded
# once, beside the page of matches (with its counts) and its snippets: a constant count, one above the budget
# for a member whose results hold four kinds (to be brought down).
OVER_BUDGET = {"search": 9}


@pytest.fixture
def bench_data(app):
    counts = load_bench(BenchSize(members=40, threads=30, posts=400, events=12, opportunities=60))
    search.reindex()
    db.session.commit()
    return counts


def test_the_generator_builds_the_sizes_asked_for_with_one_long_thread(bench_data):
    from community.forum.models import Thread

    sizes = tuple(bench_data[kind] for kind in ("members", "threads", "posts", "events", "opportunities"))
    assert sizes == (40, 30, 400, 12, 60)
    longest = db.session.scalar(select(Thread).order_by(Thread.post_count.desc()).limit(1))
    assert longest.post_count == (400 - 30) // 4 + 1  # a quarter of the replies when 5,000 is out of reach
    with pytest.raises(ValueError, match="already has benchmark data"):
        load_bench(BenchSize(members=5, threads=5, posts=5, events=1, opportunities=1))


def test_the_benchmark_member_has_a_full_inbox_of_consistent_conversations(client, bench_data):
    from community.messages.models import Conversation, ConversationParticipant, Message
    from community.seed.bench import BUSY_INBOX

    member = db.session.scalar(select(User).where(User.email == bench_member_email(3)))
    mine = db.session.scalars(select(ConversationParticipant).where(ConversationParticipant.user_id == member.id))
    # One conversation for every two members, and at least the benchmark member's.
    assert len(list(mine)) == BUSY_INBOX and bench_data["conversations"] == max(40 // 2, BUSY_INBOX)
    for conversation in db.session.scalars(select(Conversation)):
        numbers = db.session.scalars(
            select(Message.number).where(Message.conversation_id == conversation.id).order_by(Message.number)
        ).all()
        assert numbers == list(range(1, conversation.message_count + 1))
        assert conversation.last_message.number == conversation.message_count
        assert len(conversation.participants) == 2
        for participant in conversation.participants:
            assert participant.unread_count == conversation.message_count - participant.last_read_number

    client.post("/login", data={"email": member.email, "password": BENCH_PASSWORD})
    inbox = client.get("/messages/").get_data(as_text=True)
    assert 'href="/messages/?page=2"' in inbox


def test_the_benchmark_member_has_expertise_areas_so_their_dashboard_ranks_counterparts_and_matches(app, client):
    from community.opportunities.matching import matches_for_member
    from community.profiles.counterparts import list_counterparts

    # With this seed the generator's draw would leave member 3 without a profile.
    load_bench(BenchSize(members=40, threads=30, posts=400, events=12, opportunities=200), seed=4)
    member = db.session.scalar(select(User).where(User.email == bench_member_email(3)))
    assert member.profile is not None and member.profile.expertise
    counterparts = list_counterparts(member)
    assert counterparts

    client.post("/login", data={"email": member.email, "password": BENCH_PASSWORD})
    dashboard = client.get("/").get_data(as_text=True)
    assert f'href="/members/{counterparts[0].member.id}"' in dashboard
    # Opportunities of every kind, field and sector: some fit the member, from other countries.
    matches = matches_for_member(member)
    assert matches and all(match.opportunity.author.country != member.country for match in matches)
    assert f'href="/opportunities/{matches[0].opportunity.id}"' in dashboard


@pytest.mark.parametrize("role", ["visitor", "member"])
def test_every_benchmarked_page_keeps_to_the_sql_budget(app, client, count_queries, bench_data, role):
    if role == "member":
        member = db.session.scalar(select(User).where(User.email == bench_member_email(3)))
        response = client.post("/login", data={"email": member.email, "password": BENCH_PASSWORD})
        assert response.status_code == 302
    pages = bench_pages({rule.endpoint for rule in app.url_map.iter_rules()})
    over = {}
    for page in pages:
        if role not in page.roles:
            continue
        client.get(page.path)  # the first visit writes (activity, read marks); the budget is for the next ones
        with count_queries() as queries:
            assert client.get(page.path).status_code == 200, page.path
        if queries.count > OVER_BUDGET.get(page.name, MAX_STATEMENTS):
            over[page.name] = queries.statements
    assert not over, "\n\n".join(f"{name}:\n" + "\n".join(statements) for name, statements in over.items())
