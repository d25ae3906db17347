from tests.factories import make_user


def test_home_page_invites_visitors_to_join(client):
    response = client.get("/", headers={"Accept-Language": "en"})
    assert response.status_code == 200
    assert b"Join the network" in response.data


def test_member_sees_dashboard(client, login):
    login(make_user(display_name="Ana"))
    response = client.get("/")
    assert "Ana" in response.get_data(as_text=True)


def test_dashboard_runs_a_fixed_number_of_queries(client, login, count_queries):
    login(make_user())
    client.get("/")  # the first visit records activity; measure a steady-state page view
    with count_queries() as queries:
        assert client.get("/").status_code == 200
    # Load the member; nothing else until later areas fill the dashboard.
    assert queries.count <= 2, queries.statements
