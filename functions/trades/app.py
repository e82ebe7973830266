"""GET /v1/trades: the trades catalogue for the quote form."""

from aws_lambda_powertools.event_handler import Response
from jaqe.api import api_handler, create_app, json_response
from jaqe.trades import TRADES

app = create_app()


@app.get("/v1/trades")
def get_trades() -> Response[str]:
    return json_response(200, [{"id": trade_id, "label": label} for trade_id, label in TRADES.items()])


handler = api_handler(app)
