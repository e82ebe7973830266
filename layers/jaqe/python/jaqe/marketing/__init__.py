"""Newsletter (consent), similar-services emails (legitimate interest), one-click unsubscribe and
cookie consent records."""
