"""A greeting page."""

from flask import Flask, request
from markupsafe import Markup

app = Flask(__name__)


@app.get("/hello")
def hello() -> Markup:
    name = request.args.get("name", "world")
    return Markup("<h1>Hello " + name + "</h1>")
