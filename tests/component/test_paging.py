"""Paged lists, as a client walks them: every item once, in order, and a cursor only for
the caller and the list it was given for."""

from __future__ import annotations

from typing import Any

from tests.support.flows import decide, draft, open_review, queued, submitted_licence, wait_status
from tests.support.inprocess import Aws
from tests.support.paging import pages, refused_to, with_page

QUEUE = "/agencies/SEMOVI/reviews"


def turns(queue_pages: list[list[dict[str, Any]]]) -> list[tuple[str, int]]:
    return [(review["review_id"], review["earlier_open"]) for page in queue_pages for review in page]


def test_the_queue_pages_in_turn_order_and_counts_earlier_deadlines_across_pages(aws: Aws) -> None:
    citizen = aws.user()
    official = aws.official("oficial.paginas")
    other = aws.official("oficial.paginas.b")
    mine = [submitted_licence(citizen) for _ in range(5)]
    for application_id in mine:
        open_review(official, application_id)

    whole = pages(official, QUEUE, 200, queued)
    assert len(whole) == 1  # fewer than 200 open: one page, and no cursor
    by_two = pages(official, QUEUE, 2, queued)
    assert all(len(page) == 2 for page in by_two[:-1]) and 1 <= len(by_two[-1]) <= 2
    assert turns(by_two) == turns(whole)  # no duplicates, no gaps, and the same counts
    shown = [review["application_id"] for page in by_two for review in page]
    assert set(mine) <= set(shown) and len(shown) == len(set(review["review_id"] for page in by_two for review in page))
    deadlines = [review["deadline"] for page in by_two for review in page]
    assert deadlines == sorted(deadlines)

    cursor = official.get(with_page(QUEUE, 2)).body["next_cursor"]
    assert cursor
    refused_to(other, QUEUE, cursor)  # another official of the same agency
    refused_to(supervisor(aws, "supervisora.cursor"), QUEUE, cursor)


def supervisor(aws: Aws, username: str) -> Any:
    return aws.user(groups=("official-SEMOVI", "supervisor-SEMOVI"), username=username)


def test_a_supervisor_pages_both_queues_merged(aws: Aws) -> None:
    official = aws.official("oficial.paginas.c")
    for _ in range(2):  # an appeal of a rejection waits in the supervisors' queue
        citizen = aws.user()
        application_id = submitted_licence(citizen)
        assert decide(official, application_id, "reject", "El examen no fue aprobado.").status_code == 200
        wait_status(citizen, application_id, "rejected")
        appeal = {"arguments": "La dependencia no valoró el comprobante que sí presenté en tiempo."}
        assert citizen.post(f"/applications/{application_id}/appeal", appeal).status_code == 201
    chief = supervisor(aws, "supervisora.paginas")
    assert sum(review["appeal"] for page in pages(chief, QUEUE, 200, queued) for review in page) >= 2
    whole = pages(chief, QUEUE, 200, queued)
    assert turns(pages(chief, QUEUE, 1, queued)) == turns(whole)
    assert turns(pages(chief, QUEUE, 3, queued)) == turns(whole)


def test_limit_must_be_1_to_200(aws: Aws) -> None:
    official = aws.official("oficial.limites")
    for limit in ("0", "201", "abc", "1.5"):
        reply = official.get(f"{QUEUE}?limit={limit}")
        assert reply.status_code == 422, (limit, reply.body)
        assert reply.body["error"]["code"] == "invalid_limit"
        assert reply.body["error"]["details"][0]["field"] == "limit"
    reply = official.get(f"{QUEUE}?cursor=bm90LWEtY3Vyc29y.AAAA")
    assert reply.status_code == 422 and reply.body["error"]["code"] == "invalid_cursor"


def test_the_record_pages_newest_first_and_every_page_has_the_profile(aws: Aws) -> None:
    citizen = aws.user()
    made = [draft(citizen) for _ in range(5)]

    def page_items(body: dict[str, Any]) -> list[Any]:
        assert body["profile"]["curp"]  # every page
        return [("document", item["id"]) for item in body["documents"]] + [
            ("application", item["id"]) for item in body["applications"]
        ]

    whole = [item for page in pages(citizen, "/me", 200, page_items) for item in page]
    by_two = [item for page in pages(citizen, "/me", 2, page_items) for item in page]
    assert by_two == whole and len(set(by_two)) == len(by_two)
    assert [id for kind, id in whole if kind == "application"] == list(reversed(made))

    cursor = citizen.get(with_page("/me", 2)).body["next_cursor"]
    refused_to(aws.user(), "/me", cursor)
