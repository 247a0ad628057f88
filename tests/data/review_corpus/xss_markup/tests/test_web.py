from web import app


def test_greets_by_name() -> None:
    response = app.test_client().get("/hello?name=ada")
    assert b"Hello ada" in response.data
