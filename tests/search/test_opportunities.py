"""Opportunities in search: found by what they say (and their field, in any language) the moment they are
saved, gone once deleted, found by moderators only while hidden or held; a tab of their own on the search
page, with the country and language filters; and the ranked ids the opportunities list filters by."""

import re

import pytest
from sqlalchemy import delete, select

from community.extensions import db
from community.opportunities import services as opportunities
from community.opportunities.models import Opportunity, OpportunityKind, OpportunityStatus
from community.profiles.models import ExpertiseArea, Visibility
from community.search import services
from community.search.models import DocumentKind, SearchDocument
from tests.factories import make_event, make_moderator, make_opportunity, make_profile, make_thread, make_user
from tests.search.helpers import HOSTILE_QUERIES, found


def document(opportunity_id: int) -> SearchDocument | None:
    db.session.expire_all()
    return db.session.scalar(
        select(SearchDocument).where(
            SearchDocument.kind == DocumentKind.OPPORTUNITY, SearchDocument.object_id == opportunity_id
        )
    )


def opportunity_titles(query, viewer, **options) -> list[str]:
    return [label for kind, label in found(query, viewer, **options) if kind == "opportunity"]


# The index follows the opportunities


def test_an_opportunity_is_found_by_its_title_summary_description_and_institution(visitor):
    make_opportunity(title="Vacuna oral contra el dengue", summary="Formulación termoestable para zonas rurales.",
                     description="Ensayos en **primates** concluidos.", institution="Instituto Finlay")  # fmt: skip

    for query in ("dengue", "termoestable", "primates", "finlay"):
        assert opportunity_titles(query, visitor) == ["Vacuna oral contra el dengue"], query
    assert found("dengue", visitor) == [("opportunity", "Vacuna oral contra el dengue")]


def test_its_field_is_searchable_in_every_language(visitor):
    make_opportunity(title="Kit de diagnóstico", field="biotechnology", language="es")
    for name in ("Biotecnología", "Biotecnologia", "Biotechnology"):
        assert opportunity_titles(name, visitor) == ["Kit de diagnóstico"], name


def test_a_new_field_is_searchable_at_once(visitor):
    opportunity = make_opportunity(title="Kit de diagnóstico", field="biotechnology")
    opportunity.field = db.session.scalar(select(ExpertiseArea).where(ExpertiseArea.slug == "agri-food"))
    db.session.commit()
    assert opportunity_titles("agroalimentos", visitor) == ["Kit de diagnóstico"]
    assert opportunity_titles("biotecnologia", visitor) == []


def test_a_renamed_field_is_found_under_its_new_name(visitor):
    make_opportunity(title="Sensor de humedad", field="agri-food")
    area = db.session.scalar(select(ExpertiseArea).where(ExpertiseArea.slug == "agri-food"))
    area.name_es = "Agroindustria"
    db.session.commit()
    assert opportunity_titles("agroindustria", visitor) == ["Sensor de humedad"]


def test_an_edit_is_searchable_at_once_and_a_deleted_opportunity_leaves_the_index(visitor):
    opportunity = make_opportunity(title="Película de almidón", language="es")
    opportunity.title = "Película biodegradable de yuca"
    opportunity.language = "pt"
    db.session.commit()
    assert opportunity_titles("yuca", visitor) == ["Película biodegradable de yuca"]
    assert opportunity_titles("almidon", visitor) == []
    assert document(opportunity.id).language == "pt"

    db.session.delete(opportunity)
    db.session.commit()
    assert document(opportunity.id) is None and opportunity_titles("yuca", visitor) == []


def test_closed_opportunities_stay_searchable_and_say_they_are_closed(client):
    make_opportunity(title="Licensed cassava film", language="en", status=OpportunityStatus.CLOSED)
    page = client.get("/search?q=cassava", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "Licensed <mark>cassava</mark> film" in page
    assert re.search(r'opportunity-status">\s*Closed', page)


def test_hidden_and_held_opportunities_are_found_by_moderators_only_until_restored_or_published(visitor):
    hidden = make_opportunity(title="Dengue vaccine licence", language="en")
    held = make_opportunity(title="Dengue rapid test", language="en", awaiting_review=True)
    opportunities.set_opportunity_hidden(hidden, True)
    db.session.commit()
    member, moderator = make_user(), make_moderator()

    assert opportunity_titles("dengue", visitor) == [] and opportunity_titles("dengue", member) == []
    results = services.search("dengue", moderator).page.items
    assert sorted((item.target.title, item.is_hidden) for item in results) == [
        ("Dengue rapid test", True), ("Dengue vaccine licence", True)
    ]  # fmt: skip

    opportunities.set_opportunity_hidden(hidden, False)
    opportunities.publish_held_opportunity(held)
    db.session.commit()
    assert sorted(opportunity_titles("dengue", member)) == ["Dengue rapid test", "Dengue vaccine licence"]
    assert not document(held.id).is_hidden


def test_reindex_rebuilds_the_opportunities_documents_with_their_state(runner, visitor):
    shown = make_opportunity(title="Biofungicida de Trichoderma", language="es")
    held = make_opportunity(title="Biofungicida en espera", language="es", awaiting_review=True)
    db.session.execute(delete(SearchDocument))
    db.session.commit()
    assert opportunity_titles("biofungicida", visitor) == []

    result = runner.invoke(args=["search", "reindex"])

    assert result.exit_code == 0, result.output
    assert opportunity_titles("biofungicida", visitor) == ["Biofungicida de Trichoderma"]
    assert document(shown.id).country == "MX" and document(held.id).is_hidden


# The search page


@pytest.fixture
def english(client):
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"


def shown_text(response) -> str:
    return re.sub(r"</?mark>", "", response.get_data(as_text=True))


@pytest.mark.usefixtures("english")
def test_the_opportunities_tab_counts_them_and_shows_kind_title_and_summary(client):
    opportunity = make_opportunity(
        title="Cassava starch packaging", summary="A compostable film for cassava growers' cooperatives.",
        kind=OpportunityKind.TECHNOLOGY_REQUEST, language="en", institution="Embrapa", field="agri-food",
    )  # fmt: skip
    make_thread(title="Cassava licensing", body="Royalties", language="en")
    make_event(title="Cassava day", language="en")

    page = client.get("/search?q=cassava").get_data(as_text=True)
    assert re.search(r'kind=opportunities&amp;q=cassava">\s*Opportunities <span class="badge [^"]+">1</span>', page)
    assert re.search(r'aria-current="page">\s*All <span class="badge [^"]+">3</span>', page)

    response = client.get("/search?kind=opportunities&q=cassava")
    tab = shown_text(response)
    assert response.status_code == 200
    assert f'href="/opportunities/{opportunity.id}"' in tab and "Cassava starch packaging" in tab
    assert 'opportunity-kind">Technology request</span>' in tab
    assert "Agri-food · Embrapa · Mexico" in " ".join(tab.split())
    assert "cassava growers" in tab  # the summary, around the match
    assert "Cassava licensing" not in tab and "Cassava day" not in tab


@pytest.mark.usefixtures("english")
def test_country_and_language_filters_apply_to_opportunities(client):
    make_opportunity(title="Vaccine adjuvant", language="en", author=make_user(country="CU"))
    make_opportunity(title="Vaccine platform", language="pt", author=make_user(country="BR"))
    make_thread(title="Vaccine royalties", body="Forum", language="en")

    by_country = shown_text(client.get("/search?q=vaccine&country=CU"))
    assert "Vaccine adjuvant" in by_country and "Vaccine platform" not in by_country
    assert "Vaccine royalties" not in by_country  # a country narrows to events, members and opportunities
    by_language = shown_text(client.get("/search?kind=opportunities&q=vaccine&language=pt"))
    assert "Vaccine platform" in by_language and "Vaccine adjuvant" not in by_language


@pytest.mark.usefixtures("english")
def test_moderators_see_held_opportunities_marked_on_the_search_page(client, login):
    make_opportunity(title="Crypto royalties fund", language="en", awaiting_review=True)
    assert "Crypto royalties fund" not in shown_text(client.get("/search?q=crypto"))
    login(make_moderator(locale="en"))
    page = shown_text(client.get("/search?q=crypto"))
    assert "Crypto royalties fund" in page and "Awaiting review" in page


@pytest.mark.usefixtures("english")
def test_opportunity_text_in_results_is_inert(client):
    make_opportunity(title='<img src=x onerror="alert(1)">Patent pool', summary="<script>alert(1)</script> patent",
                     language="en", institution="<b>Uni</b>")  # fmt: skip
    page = client.get("/search?q=patent").get_data(as_text=True)
    assert "<img src=x" not in page and "<script>alert" not in page and "<b>Uni</b>" not in page


def test_the_search_page_with_opportunities_costs_the_same_queries_whatever_the_data_size(client, login,
                                                                                            count_queries):  # fmt: skip
    def fill(count):
        author = make_user()
        for number in range(count):
            make_opportunity(author=author, title=f"Patent licence {number}", language="en")
            make_thread(title=f"Patent pool {number}", body="Body", language="en")
            make_profile(make_user(display_name=f"Patent Expert {number}"), visibility=Visibility.PUBLIC)

    login(make_user(locale="en"))
    client.get("/search")
    fill(2)
    with count_queries() as small:
        assert client.get("/search?q=patent").status_code == 200
        assert client.get("/search?kind=opportunities&q=patent").status_code == 200
    fill(30)
    with count_queries() as large:
        assert client.get("/search?q=patent").status_code == 200
        assert client.get("/search?kind=opportunities&q=patent").status_code == 200
    assert large.count <= small.count, "\n".join(large.statements)


# The ids the opportunities list filters by


def test_search_opportunity_ids_ranks_title_matches_first_and_leaves_other_kinds_out(visitor):
    in_summary = make_opportunity(title="Kit de diagnóstico", summary="Prueba rápida de dengue.")
    in_title = make_opportunity(title="Vacuna contra el dengue", summary="Vacuna oral.")
    make_opportunity(title="Empaque de almidón", summary="Película para alimentos.")
    make_thread(title="Dengue en la región", body="Foro", language="es")
    make_event(title="Taller de dengue", language="es")

    assert services.search_opportunity_ids("dengue", visitor) == [in_title.id, in_summary.id]
    assert services.search_opportunity_ids("dengue -oral", visitor) == [in_summary.id]
    assert len(services.search_opportunity_ids("dengue", visitor, limit=1)) == 1


def test_search_opportunity_ids_follows_who_may_see_what(visitor):
    shown = make_opportunity(title="Dengue shown")
    hidden = make_opportunity(title="Dengue hidden", is_hidden=True)
    held = make_opportunity(title="Dengue held", awaiting_review=True)

    assert services.search_opportunity_ids("dengue", visitor) == [shown.id]
    assert services.search_opportunity_ids("dengue", held.author) == [shown.id]
    assert sorted(services.search_opportunity_ids("dengue", make_moderator())) == sorted(
        [shown.id, hidden.id, held.id]
    )


def test_search_opportunity_ids_has_nothing_for_a_query_without_words_and_never_fails(visitor, count_queries):
    make_opportunity(title="Licencia de patentes")
    with count_queries() as queries:
        assert services.search_opportunity_ids("-patentes", visitor) == []
        assert services.search_opportunity_ids("", visitor) == []
    assert queries.count == 0
    for query in HOSTILE_QUERIES:
        assert isinstance(services.search_opportunity_ids(query, visitor), list), query


def test_search_opportunity_ids_costs_one_statement_whatever_the_number_of_matches(visitor, count_queries):
    author = make_user()
    for number in range(40):
        make_opportunity(author=author, title=f"Vacuna {number}", commit=False)
    db.session.commit()
    with count_queries() as queries:
        ids = services.search_opportunity_ids("vacuna", visitor)
    assert queries.count == 1 and len(ids) == 40
    assert set(ids) == set(db.session.scalars(select(Opportunity.id)))
