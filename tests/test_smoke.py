from tests.factories import make_category, make_event, make_profile, make_thread, make_user


def test_home_page_invites_visitors_to_join(client):
    response = client.get("/", headers={"Accept-Language": "en"})
    assert response.status_code == 200
    assert b"Join the network" in response.data


def test_member_sees_dashboard(client, login):
    login(make_user(display_name="Ana"))
    response = client.get("/")
    assert "Ana" in response.get_data(as_text=True)


def _fill_the_network(size: int, country: str) -> None:
    """`size` members in another country sharing an expertise, threads and upcoming events."""
    category = make_category()
    for _ in range(size):
        colleague = make_user(country="CL")
        make_profile(colleague, expertise=["licensing"])
        make_thread(category=category, author=colleague, replies=1)
        make_event(organizer=colleague, country=country)


def test_dashboard_runs_the_same_few_queries_whatever_the_network_size(client, login, count_queries):
    member = login(make_user(country="MX"))
    make_profile(member, expertise=["licensing"])
    counts = []
    for size in (2, 12):
        _fill_the_network(size, member.country)
        client.get("/")  # the first visit records activity; measure steady-state page views
        with count_queries() as queries:
            assert client.get("/").status_code == 200
        counts.append(queries.count)
    assert counts[0] == counts[1], counts
    assert counts[1] <= 10, counts
