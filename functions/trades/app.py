"""GET /v1/trades: the trades catalogue for the quote form."""

from aws_lambda_powertools.event_handler import Response
from jaqe.platform.api import api_handler, create_app, json_response
from jaqe.platform.settings import ApiSettings, get_settings
from jaqe.platform.trades import TRADES, Trade


class Settings(ApiSettings):
    """What trades reads from its environment (the infra construct that creates it sets exactly these)."""


get_settings(Settings)  # at import: a missing or invalid variable fails the cold start, not a request

app = create_app()


@app.get("/v1/trades")
def get_trades() -> Response[list[Trade]]:
    return json_response(200, [Trade(id=trade_id, label=label) for trade_id, label in TRADES.items()])


handler = api_handler(app)
