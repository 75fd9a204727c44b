"""A stand-in CDN on its own origin: the third-party script every storefront page loads.

Real checkouts load scripts from other origins (analytics, a payment SDK), and those
fail on their own without the checkout failing. This app serves one harmless SDK; with
``--cdn-down`` the pages still reference it, at an address that refuses connections
(:class:`demo_shop.server.ShopServer` then serves no CDN at all).
"""

from __future__ import annotations

from flask import Flask, Response

SDK_PATH = "/v3/sdk.js"
# Harmless on purpose: it only says it loaded, so a page that works without it proves
# the checkout does not depend on it.
SDK_SCRIPT = """\
// Demo analytics SDK v3, a stand-in for a third-party script.
window.demoAnalytics = { loaded: true, version: "3" };
"""
# What a CDN says about a versioned file: any cache may keep it a while.
CACHE_CONTROL = "public, max-age=300"


def create_cdn_app() -> Flask:
    """The CDN: ``GET /v3/sdk.js``; everything else is its 404."""
    # No static folder: the CDN serves the SDK and nothing of the shop's.
    app = Flask(__name__, static_folder=None)

    @app.get(SDK_PATH)
    def sdk() -> Response:
        response = Response(SDK_SCRIPT, mimetype="text/javascript")
        response.headers["Cache-Control"] = CACHE_CONTROL
        response.headers["Access-Control-Allow-Origin"] = "*"
        return response

    return app
